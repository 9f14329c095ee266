#pragma once
/// Column: one typed column of a table, with nulls as a validity bitmap.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rankwise {

/// The element types of dataframe columns (pandas' names in dtype_name()).
enum class DType : std::uint8_t {
  float64,   ///< double; a null is also NaN in the values
  int64,     ///< std::int64_t, nullable
  boolean,   ///< stored as one byte per value
  string,    ///< UTF-8 bytes, offsets into one character buffer
  datetime,  ///< nanoseconds since 1970-01-01 00:00:00 (datetime64[ns]), nullable
  category,  ///< int32 codes into a sorted list of categories
};

/// "float64", "int64", "bool", "string", "datetime64[ns]", "category". Local.
std::string dtype_name(DType dtype);
/// The DType of a name dtype_name() gives (also "float", "int", "str", "object", "datetime").
/// Throws ValueError for anything else. Local.
DType parse_dtype(std::string_view name);
/// True for float64, int64 and bool: the types reductions treat as numbers. Local.
inline bool is_numeric(DType d) { return d == DType::float64 || d == DType::int64 || d == DType::boolean; }

/// A typed column of `size()` values, some of which may be null. Values live in one vector per
/// representation (numbers(), integers(), bytes(), codes(), strings) — only the one of the
/// column's dtype is used. Local (a column is plain data on one rank).
class Column {
 public:
  explicit Column(DType dtype = DType::float64) : dtype_(dtype) {}

  DType dtype() const noexcept { return dtype_; }
  std::int64_t size() const noexcept { return size_; }
  /// True when value `i` is null. In float64 columns a NaN is a null too (as in pandas). Local.
  bool is_null(std::int64_t i) const {
    if (dtype_ == DType::float64 && f64_[static_cast<std::size_t>(i)] != f64_[static_cast<std::size_t>(i)]) return true;
    return !valid_.empty() && !((valid_[static_cast<std::size_t>(i >> 6)] >> (i & 63)) & 1u);
  }
  bool has_nulls() const noexcept { return !valid_.empty(); }
  std::int64_t null_count() const;

  /// float64 values (null slots hold NaN).
  std::span<const double> numbers() const { return f64_; }
  /// int64 and datetime values (null slots hold 0).
  std::span<const std::int64_t> integers() const { return i64_; }
  /// bool values, one byte each (null slots hold 0).
  std::span<const std::uint8_t> bytes() const { return b8_; }
  /// category codes (null slots hold -1) into categories().
  std::span<const std::int32_t> codes() const { return codes_; }
  const std::vector<std::string>& categories() const { return categories_; }
  /// String value `i` (string or category columns; empty for a null). Local.
  std::string_view string_at(std::int64_t i) const;
  /// Value `i` as a double (numeric and datetime columns; NaN for a null). Local.
  double number_at(std::int64_t i) const;
  /// Value `i` as text, the way to_csv writes it (empty for a null). Local.
  std::string format(std::int64_t i) const;

  // ---- building (appending) -------------------------------------------------------------------
  void reserve(std::int64_t n);
  void push_null();
  void push_number(double v) { f64_.push_back(v); bump(); }
  void push_integer(std::int64_t v) { i64_.push_back(v); bump(); }
  void push_bool(bool v) { b8_.push_back(v ? 1 : 0); bump(); }
  void push_string(std::string_view s);
  /// Appends a category code; `categories()` must already hold it (see set_categories). Local.
  void push_code(std::int32_t code) { codes_.push_back(code); bump(); }
  void set_categories(std::vector<std::string> categories) { categories_ = std::move(categories); }
  /// Appends value `i` of `other` (same dtype; categories matched by name). Local.
  void push_from(const Column& other, std::int64_t i);
  /// Drops values from `n` on (undoes appends of a rejected row). Local.
  void truncate(std::int64_t n);

  /// The rows of `keep` (bytes, 1 = keep), in order. Local.
  Column filter(std::span<const std::uint8_t> keep) const;
  /// Rows [begin, end). Local.
  Column slice(std::int64_t begin, std::int64_t end) const;
  /// The rows at `rows`, in that order. Local.
  Column take(std::span<const std::int64_t> rows) const;
  /// Concatenates columns of one dtype (categories are unified and sorted). Local.
  static Column concat(std::span<const Column* const> parts);

  // ---- raw storage for kernels and codecs -----------------------------------------------------
  std::vector<double>& mutable_numbers() { return f64_; }
  std::vector<std::int64_t>& mutable_integers() { return i64_; }
  std::vector<std::uint8_t>& mutable_bytes() { return b8_; }
  std::vector<std::int32_t>& mutable_codes() { return codes_; }
  /// Sets the size after filling a mutable vector directly (no nulls added). Local.
  void set_size(std::int64_t n) { size_ = n; if (!valid_.empty()) valid_.resize(static_cast<std::size_t>((n + 63) / 64), ~0ull); }
  /// Marks value `i` null (keeps the stored value). Local.
  void set_null(std::int64_t i);

  void encode(std::vector<char>& out) const;
  static Column decode(std::span<const char>& in);

 private:
  void bump() {
    if (!valid_.empty() && (size_ & 63) == 0) valid_.push_back(~0ull);
    ++size_;
  }

  DType dtype_;
  std::int64_t size_ = 0;
  std::vector<double> f64_;
  std::vector<std::int64_t> i64_;
  std::vector<std::uint8_t> b8_;
  std::vector<std::int32_t> codes_;
  std::vector<std::string> categories_;
  std::vector<char> chars_;
  std::vector<std::int64_t> offsets_{0};
  std::vector<std::uint64_t> valid_;  ///< bit i set = value i present; empty = no nulls
};

/// Days since 1970-01-01 of a proleptic Gregorian date. Local.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
/// "YYYY-MM-DD HH:MM:SS[.fffffffff]" of nanoseconds since the epoch (the fraction only when
/// non-zero; no time when `date_only`). Local.
std::string format_datetime(std::int64_t ns, bool date_only = false);

}  // namespace rankwise
