// read_csv's float parser (inline fast paths, fast_float for the rest) against glibc's strtod,
// which rounds correctly: bit-identical results on plain decimals of 1 to 19 digits with the
// point anywhere (Clinger's division, the direct Eisel–Lemire step), halfway and 2^53-boundary
// cases, and everything the fast paths hand on (exponents, blanks, nan/inf, 20+ digits).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include "io/detail/csv_tokenizer.hpp"

namespace {

using rankwise::io::csv_detail::parse_double;

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
      std::string with_point = s;
      const std::size_t at = (s[0] == '-' ? 1 : 0) + point;
      if (at <= with_point.size()) with_point.insert(at, ".");
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

}  // namespace
