// read_csv's float parser (inline fast paths, fast_float for the rest) against glibc's strtod,
// which rounds correctly: bit-identical results on plain decimals of 1 to 19 digits with the
// point anywhere (Clinger's division, the direct Eisel–Lemire step), halfway and 2^53-boundary
// cases, and everything the fast paths hand on (exponents, blanks, nan/inf, 20+ digits).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

#include "io/detail/csv_tokenizer.hpp"

namespace {

using rankwise::io::csv_detail::parse_double;
using rankwise::io::csv_detail::parse_short_decimal;

void expect_same_as_strtod(const std::string& text) {
  double got = 0;
  ASSERT_TRUE(parse_double(text, got)) << text;
  const double want = std::strtod(text.c_str(), nullptr);
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << text;
    return;
  }
  EXPECT_EQ(std::bit_cast<std::uint64_t>(got), std::bit_cast<std::uint64_t>(want)) << text << ": " << got << " vs " << want;
}

TEST(ParseDouble, RandomPlainDecimalsMatchStrtodBitForBit) {
  std::mt19937_64 rng(20261125);
  for (int digits = 1; digits <= 19; ++digits)
    for (int trial = 0; trial < 4000; ++trial) {
      std::string s;
      if (rng() & 1) s += '-';
      for (int d = 0; d < digits; ++d) s += static_cast<char>('0' + rng() % 10);
      const auto point = static_cast<std::size_t>(rng() % (digits + 1));  // 0: ".123", digits: "123."
      const std::size_t at = (s[0] == '-' ? 1 : 0) + point;
      const std::string with_point = at <= s.size() ? s.substr(0, at) + "." + s.substr(at) : s;
      expect_same_as_strtod(s);
      expect_same_as_strtod(with_point);
    }
}

TEST(ParseDouble, HardCasesMatchStrtod) {
  for (const char* text :
       {"9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995", "18014398509481985",
        "0.1", "0.3", "-0", "-0.0", "0.", ".5", "-.5", "+1.5", "123456789012345", "1234567890123456",
        "12345678901234567", "123456789012345678", "1234567890123456789", "9999999999999999999",
        "-73.997726440429688", "40.755321502685547", "0.000000000000000001", "4.9406564584124654",
        "2.2250738585072011", "1.7976931348623157", "7.450580596923828125", "8.67361737988403547205962240695953369140625",
        "12345678901234567890", "1e10", "1.5E-3", " 2.5", "2.5 ", "\t-7.25", "nan", "NaN", "inf", "-inf",
        "0.30000000000000004", "1.00000000000000011102230246251565404236316680908203125",
        "1.0000000000000001110223024625156540423631668090820312500001"})
    expect_same_as_strtod(text);
}

TEST(ParseDouble, RejectsWhatIsNotANumber) {
  double v = 0;
  for (const char* text : {"", "-", "+", ".", "-.", "1.2.3", "1,5", "abc", "12a", "1e", "--1", "0x10"})
    EXPECT_FALSE(parse_double(text, v)) << text;
}

// Fields of 8 or more bytes end with a single eight-byte read: a byte that is not a digit
// anywhere in those last 1–7 bytes must still be seen (rejected, or handed to the general path).
TEST(ParseDouble, LongFieldsWithAStrayByteInTheirTail) {
  double v = 0;
  for (const std::string base : {"12345678.1234567", "-73.971946716308594", "40.71258163", "1234567890.12"}) {
    for (std::size_t at = 1; at < base.size(); ++at) {
      if (base[at] == '.' || base[at] == '-') continue;
      for (const char stray : {'x', ' ', '/', ':', '.', '-'}) {
        std::string text = base;
        text[at] = stray;
        char* stop = nullptr;
        const double want = std::strtod(text.c_str(), &stop);
        // A number is what strtod reads up to the end, or up to trailing blanks (as pandas).
        if (std::string_view(stop).find_first_not_of(" \t") == std::string_view::npos) {
          ASSERT_TRUE(parse_double(text, v)) << text;
          EXPECT_EQ(std::bit_cast<std::uint64_t>(v), std::bit_cast<std::uint64_t>(want)) << text;
        } else {
          EXPECT_FALSE(parse_double(text, v)) << text;
        }
      }
    }
    for (const char* tail : {"e5", "E-3"}) expect_same_as_strtod(base + tail);  // exponents: the general path
  }
}

// The branch-free short reader: the field at the end of a buffer whose earlier bytes are junk
// (digits, points, separators: what precedes a field in a file). Every plain unsigned decimal
// of 1–8 bytes is taken and equals strtod; anything it takes at all equals strtod.
bool short_decimal(const std::string& field, char junk, double& v) {
  std::string buffer(16, junk);
  buffer += field;
  return parse_short_decimal(buffer.data() + buffer.size(), field.size(), v);
}

TEST(ParseShortDecimal, TakesEveryPlainUnsignedDecimalOfUpToEightBytes) {
  std::mt19937_64 rng(8);
  for (int len = 1; len <= 8; ++len)
    for (int trial = 0; trial < 3000; ++trial) {
      std::string s;
      for (int d = 0; d < len; ++d) s += static_cast<char>('0' + rng() % 10);
      if (len >= 2 && trial % 4 != 0) s[rng() % len] = '.';  // a point anywhere, ends included
      for (char junk : {'9', '.', ','}) {
        double v = -1;
        ASSERT_TRUE(short_decimal(s, junk, v)) << s;
        EXPECT_EQ(std::bit_cast<std::uint64_t>(v), std::bit_cast<std::uint64_t>(std::strtod(s.c_str(), nullptr))) << s;
      }
    }
}

TEST(ParseShortDecimal, DeclinesAnythingElse) {
  std::mt19937_64 rng(9);
  const std::string alphabet = "0123456789.-+ eE,x";
  for (int trial = 0; trial < 200000; ++trial) {
    const int len = 1 + static_cast<int>(rng() % 8);
    std::string s;
    for (int d = 0; d < len; ++d) s += alphabet[rng() % alphabet.size()];
    double v = 0;
    if (!short_decimal(s, '7', v)) continue;
    // Taken: digits and exactly one point at most, with a digit; the value is strtod's.
    EXPECT_EQ(s.find_first_not_of("0123456789."), std::string::npos) << s;
    EXPECT_LE(std::count(s.begin(), s.end(), '.'), 1) << s;
    EXPECT_NE(s.find_first_of("0123456789"), std::string::npos) << s;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(v), std::bit_cast<std::uint64_t>(std::strtod(s.c_str(), nullptr))) << s;
  }
  double v = 0;
  for (const char* text : {".", "..", "1..2", "-1", "+1", " 1", "1 ", "1e5", "12345678.9"}) EXPECT_FALSE(short_decimal(text, '5', v)) << text;
}

}  // namespace
