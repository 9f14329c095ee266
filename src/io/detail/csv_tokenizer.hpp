#pragma once
// The CSV tokenizer: record boundaries and field views over a mapped file, plus the field
// parsers (numbers, booleans, ISO datetimes) and null detection.
//
// Fast path: bitmasks of separators, line breaks and quote/comment characters, 64 bytes per
// word (SSE2 where available), for a 64 KiB window. A line without a quote or comment character
// is split with bit operations only: its end is the next line-break bit, its field count a
// popcount, and only the wanted fields are located — walking forward from the line start or
// backward from its end, whichever is shorter (the taxi data's last column costs one step).
// Such lines are the common case (the taxi data has no quotes at all). Any line holding a quote or comment character is re-read by the
// RFC 4180 state machine, which handles quoted separators, doubled quotes and quoted line breaks.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <fast_float/fast_float.h>

#include "rankwise/io/csv.hpp"

namespace rankwise::io::csv_detail {

/// A read-only mapping of a whole file (nothing mapped for an empty file).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const noexcept { return data_; }
  std::int64_t size() const noexcept { return size_; }
  /// Asks the kernel to read [begin, end) ahead. Local.
  void will_need(std::int64_t begin, std::int64_t end) const;

 private:
  const char* data_ = nullptr;
  std::int64_t size_ = 0;
};

/// Nulls: the empty field, pandas' default NA strings (unless keep_default_na is false) and
/// the user's na_values.
class NaSet {
 public:
  explicit NaSet(const CsvOptions& options);
  bool contains(std::string_view s) const {
    if (s.empty()) return true;
    // Most fields are rejected by their first byte and length ("1.5" is not "1.#IND").
    const auto lengths = lengths_[static_cast<unsigned char>(s[0])];
    if (!(lengths >> std::min<std::size_t>(s.size(), 63) & 1u)) return false;
    for (const auto& v : values_)
      if (v == s) return true;
    return false;
  }

 private:
  std::vector<std::string> values_;
  // Per first byte: bit n set when some NA string of length n (63: any longer) starts with it.
  std::array<std::uint64_t, 256> lengths_{};
};

// ---- field parsers: true when the whole field parses --------------------------------------------
// Powers of ten for the parsers below (exact in double up to 1e22). Hidden: a table with vague
// linkage in a shared library is otherwise reached through the GOT, one more load per field.
[[gnu::visibility("hidden")]] inline constexpr double kExactPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
[[gnu::visibility("hidden")]] inline constexpr std::uint64_t kExactPow10Int[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
bool parse_double_general(std::string_view s, double& out);
/// A plain decimal ("-73.99", "6.5", no exponent) is parsed inline: with at most 15 digits it is
/// an exact integer over an exact power of ten, and one IEEE division gives the correctly
/// rounded value (Clinger's fast path); with 16 to 19 digits (the taxi coordinates' 17) the
/// digits go straight to fast_float's Eisel–Lemire step (`compute_float`, the routine its
/// from_chars runs after its own digit scan). Anything else (more digits, exponents, blanks,
/// nan/inf, an inexact Eisel–Lemire case) goes through fast_float::from_chars.
inline bool parse_double(std::string_view s, double& out) {
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p != end && *p == '-';
  if (p != end && (*p == '-' || *p == '+')) ++p;
  std::uint64_t mantissa = 0;
  // A run of digits: eight at a time while the field has eight more bytes (SWAR, fast_float's
  // helpers; never reads past the field). When 1–7 bytes are left and the field is at least 8
  // long, its last eight bytes are read at once with the already-consumed ones replaced by '0':
  // if those are all digits the run ends without a loop (no mispredicted exit; the taxi
  // coordinates' 15 decimals are 8 + 7). Otherwise one by one. Past 19 digits the mantissa
  // wraps, harmlessly: such fields go to the general path below.
  const bool long_field = s.size() >= 8;
  const auto run = [&]() __attribute__((always_inline)) {
    const char* first = p;
    while (end - p >= 8 && fast_float::is_made_of_eight_digits_fast(p)) {
      mantissa = mantissa * 100000000 + fast_float::parse_eight_digits_unrolled(p);
      p += 8;
    }
    if (long_field && p != end && end - p < 8) {
      std::uint64_t last;
      std::memcpy(&last, end - 8, 8);
      const int left = static_cast<int>(end - p), consumed_bits = (8 - left) * 8;
      last = (last & (~0ull << consumed_bits)) | (0x3030303030303030ull >> (64 - consumed_bits));
      if (fast_float::is_made_of_eight_digits_fast(last)) {
        mantissa = mantissa * kExactPow10Int[left] + fast_float::parse_eight_digits_unrolled(last);
        p = end;
        return static_cast<int>(p - first);
      }
    }
    for (; p != end && static_cast<unsigned>(*p - '0') < 10; ++p) mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    return static_cast<int>(p - first);
  };
  int digits = run(), fraction = 0;
  if (p != end && *p == '.') {
    ++p;
    fraction = run();
    digits += fraction;
  }
  if (p != end || digits == 0 || digits > 19) return parse_double_general(s, out);
  if (digits > 15) {
    const auto am = fast_float::compute_float<fast_float::binary_format<double>>(-fraction, mantissa);
    if (am.power2 < 0) return parse_double_general(s, out);  // needs the exact (slow) comparison
    fast_float::to_float(negative, am, out);
    return true;
  }
  const double v = static_cast<double>(mantissa) / kExactPow10[fraction];
  out = negative ? -v : v;
  return true;
}
/// A short unsigned decimal ("7.5", "0.3", "52", "1.65", ".5", "3.": 1–8 bytes of digits and at
/// most one point) parsed without a branch per digit from the eight bytes ending at `end`: the
/// bytes before the field are replaced by '0', the point is squeezed out, and one SWAR step
/// gives the digits, divided by an exact power of ten (correctly rounded, as in parse_double).
/// The caller guarantees that those eight bytes are readable (the field lies in a mapped file at
/// least eight bytes past its start). False for anything else (a sign, blanks, an exponent, no
/// digit): parse_double decides those.
inline bool parse_short_decimal(const char* end, std::size_t len, double& out) {
  if (len - 1 >= 8) return false;  // empty, or longer than eight bytes
  std::uint64_t w;
  std::memcpy(&w, end - 8, 8);  // little-endian: the field's last byte is the top byte
  if (len < 8) {
    const int fill = static_cast<int>(8 - len) * 8;
    w = (w & (~0ull << fill)) | (0x3030303030303030ull >> (64 - fill));
  }
  const std::uint64_t x = w ^ 0x2E2E2E2E2E2E2E2Eull;  // '.' bytes become zero
  const std::uint64_t points = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
  int fraction = 0;
  if (points != 0) {
    if (len == 1) return false;                     // "." alone
    const int k = std::countr_zero(points) >> 3;    // the first point (the lowest flag is exact)
    const std::uint64_t below = k == 0 ? 0 : w & (~0ull >> (64 - 8 * k));
    const std::uint64_t above = k == 7 ? 0 : w & (~0ull << (8 * (k + 1)));
    w = (below << 8) | above | 0x30;                // digits close up over the point; '0' at the bottom
    fraction = 7 - k;
  }
  if (!fast_float::is_made_of_eight_digits_fast(w)) return false;
  out = static_cast<double>(fast_float::parse_eight_digits_unrolled(w)) / kExactPow10[fraction];
  return true;
}
bool parse_int(std::string_view s, std::int64_t& out);
bool parse_bool(std::string_view s, bool& out);
/// "YYYY-MM-DD", "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS[.fraction]" ('T' also separates).
bool parse_datetime(std::string_view s, std::int64_t& ns);
/// The last year and month parsed ("YYYY-MM", its first day's number, its length): values of a
/// column mostly share them, and their calendar arithmetic is then skipped.
struct DateMemo {
  char month[7] = {};
  std::int64_t first_day = 0;
  unsigned last_day_of_month = 0;
  bool valid = false;
};
bool parse_datetime(std::string_view s, std::int64_t& ns, DateMemo& memo);

/// What a field could be: a set of these bits.
enum TypeBits : std::uint8_t { can_bool = 1, can_int = 2, can_float = 4, can_datetime = 8 };
std::uint8_t classify(std::string_view s);

/// Splits records of one mapped file.
class Tokenizer {
 public:
  Tokenizer(const char* data, std::int64_t size, const CsvOptions& options, int num_columns);
  Tokenizer(const Tokenizer&) = delete;  // out_ may point at fields_
  Tokenizer& operator=(const Tokenizer&) = delete;

  struct Record {
    std::int64_t start = 0;  ///< offset of the record's first byte
    std::int64_t next = 0;   ///< offset just past its line break (or the file's end)
    int num_fields = 0;      ///< fields seen (may exceed the column count)
    bool blank = false;      ///< an empty or comment-only line
    bool quoted = false;     ///< read by the quote-aware path: fields may live in scratch space
  };

  /// Only these columns' fields need to be located (default: all). Local.
  void set_wanted(const std::vector<int>& columns);

  /// Parses the record starting at `offset` (< size). When it has exactly the column count,
  /// the wanted fields are in field() (all fields, up to the column count, when all are
  /// wanted). Throws ParseError for an unterminated quoted field. Local.
  Record parse(std::int64_t offset);
  std::string_view field(int k) const { return out_[k]; }
  /// Where parse() puts the fields: `out` (room for the column count) until called again with
  /// nullptr (the tokenizer's own array). Lets a caller collect records without a copy. Local.
  void set_output(std::string_view* out) { out_ = out ? out : fields_.data(); }
  /// The located fields, column by column (valid as field() is). Local.
  const std::string_view* fields() const { return out_; }

  /// The first offset >= `offset` that starts a line (offset itself when it follows a line
  /// break or is `floor`, else just past the next line break; size when none). Local.
  std::int64_t line_start_at_or_after(std::int64_t offset, std::int64_t floor) const;
  /// Physical line number (1-based) of byte `offset`; counts incrementally. Local.
  std::int64_t line_of(std::int64_t offset);

 private:
  Record parse_quoted(std::int64_t offset);
  void load_window(std::int64_t first_block);
  bool in_window(std::int64_t offset) const {
    const auto b = offset >> 6;
    return b >= window_block_ && b < window_block_ + window_blocks_;
  }
  std::int64_t first_bit(const std::uint64_t* masks, std::int64_t from) const;
  std::int64_t last_bit_before(const std::uint64_t* masks, std::int64_t end) const;
  std::int64_t count_bits(const std::uint64_t* masks, std::int64_t from, std::int64_t end) const;

  const char* data_;
  const char* end_;
  char sep_, quote_, comment_;
  int num_columns_;
  std::vector<std::string_view> fields_;
  std::string_view* out_ = nullptr;  // fields_.data() or the caller's array (set_output)
  std::vector<std::string> scratch_;
  // Bitmasks of the window: word w covers bytes [64 (window_block_ + w), +64) of the file.
  std::vector<std::uint64_t> seps_, breaks_, specials_;
  std::int64_t window_block_ = -1, window_blocks_ = 0, size_ = 0;
  std::vector<char> wanted_;  // per column
  int first_wanted_ = 0, last_wanted_ = -1;
  bool all_wanted_ = true;
  std::int64_t line_offset_ = 0, line_number_ = 1;
};

}  // namespace rankwise::io::csv_detail
