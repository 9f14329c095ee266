// Column storage, nulls, slicing, concatenation and the byte codec.
#include "rankwise/frame/column.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "rankwise/error.hpp"

namespace rankwise {

std::string dtype_name(DType d) {
  switch (d) {
    case DType::float64: return "float64";
    case DType::int64: return "int64";
    case DType::boolean: return "bool";
    case DType::string: return "string";
    case DType::datetime: return "datetime64[ns]";
    case DType::category: return "category";
  }
  return "?";
}

DType parse_dtype(std::string_view n) {
  if (n == "float64" || n == "float" || n == "double" || n == "f8") return DType::float64;
  if (n == "int64" || n == "int" || n == "Int64" || n == "i8") return DType::int64;
  if (n == "bool" || n == "boolean") return DType::boolean;
  if (n == "string" || n == "str" || n == "object") return DType::string;
  if (n == "datetime64[ns]" || n == "datetime" || n == "datetime64") return DType::datetime;
  if (n == "category") return DType::category;
  throw ValueError(fmt::format("unknown dtype '{}' (float64, int64, bool, string, datetime64[ns], category)", n));
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string format_datetime(std::int64_t ns, bool date_only) {
  constexpr std::int64_t ns_per_day = 86'400'000'000'000;
  std::int64_t days = ns / ns_per_day, rem = ns % ns_per_day;
  if (rem < 0) { rem += ns_per_day; --days; }
  // civil_from_days
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  if (date_only) return fmt::format("{:04}-{:02}-{:02}", y, m, d);
  const std::int64_t secs = rem / 1'000'000'000, frac = rem % 1'000'000'000;
  auto s = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, m, d, secs / 3600, secs / 60 % 60, secs % 60);
  if (frac != 0) {
    auto f = fmt::format("{:09}", frac);
    while (f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s;
}

std::int64_t Column::null_count() const {
  if (dtype_ == DType::float64) {  // NaN, or a cleared validity bit
    const double* v = f64_.data();
    std::int64_t n = 0;
    if (valid_.empty()) {
      for (std::int64_t i = 0; i < size_; ++i) n += v[i] != v[i];  // branch-free: vectorises
      return n;
    }
    for (std::int64_t i = 0; i < size_; ++i) n += (v[i] != v[i]) | !((valid_[static_cast<std::size_t>(i >> 6)] >> (i & 63)) & 1u);
    return n;
  }
  if (valid_.empty()) return 0;
  std::int64_t present = 0;
  for (std::size_t w = 0; w < valid_.size(); ++w) {
    auto word = valid_[w];
    const std::int64_t first = static_cast<std::int64_t>(w) * 64;
    if (size_ - first < 64) word &= (1ull << (size_ - first)) - 1;
    present += std::popcount(word);
  }
  return size_ - present;
}

std::string_view Column::string_at(std::int64_t i) const {
  if (dtype_ == DType::category) {
    const auto c = codes_[static_cast<std::size_t>(i)];
    return c < 0 ? std::string_view{} : std::string_view(categories_[static_cast<std::size_t>(c)]);
  }
  RANKWISE_CHECK(dtype_ == DType::string, ValueError, "string_at: column is " + dtype_name(dtype_));
  const auto b = offsets_[static_cast<std::size_t>(i)], e = offsets_[static_cast<std::size_t>(i) + 1];
  return {chars_.data() + b, static_cast<std::size_t>(e - b)};
}

double Column::number_at(std::int64_t i) const {
  if (is_null(i)) return std::numeric_limits<double>::quiet_NaN();
  const auto k = static_cast<std::size_t>(i);
  switch (dtype_) {
    case DType::float64: return f64_[k];
    case DType::int64:
    case DType::datetime: return static_cast<double>(i64_[k]);
    case DType::boolean: return b8_[k];
    default: throw ValueError("number_at: column is " + dtype_name(dtype_));
  }
}

std::string Column::format(std::int64_t i) const {
  if (is_null(i)) return {};
  const auto k = static_cast<std::size_t>(i);
  switch (dtype_) {
    case DType::float64: {
      auto s = fmt::format("{}", f64_[k]);  // shortest round trip; "1.0" like pandas, not "1"
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
    case DType::int64: return fmt::format("{}", i64_[k]);
    case DType::boolean: return b8_[k] ? "True" : "False";
    case DType::datetime: return format_datetime(i64_[k]);
    case DType::string:
    case DType::category: return std::string(string_at(i));
  }
  return {};
}

void Column::reserve(std::int64_t n) {
  const auto k = static_cast<std::size_t>(n);
  switch (dtype_) {
    case DType::float64: f64_.reserve(k); break;
    case DType::int64:
    case DType::datetime: i64_.reserve(k); break;
    case DType::boolean: b8_.reserve(k); break;
    case DType::category: codes_.reserve(k); break;
    case DType::string: offsets_.reserve(k + 1); break;
  }
}

void Column::set_null(std::int64_t i) {
  if (valid_.empty()) valid_.assign(static_cast<std::size_t>((size_ + 63) / 64), ~0ull);
  valid_[static_cast<std::size_t>(i >> 6)] &= ~(1ull << (i & 63));
}

void Column::push_null() {
  switch (dtype_) {
    case DType::float64: f64_.push_back(std::numeric_limits<double>::quiet_NaN()); break;
    case DType::int64:
    case DType::datetime: i64_.push_back(0); break;
    case DType::boolean: b8_.push_back(0); break;
    case DType::category: codes_.push_back(-1); break;
    case DType::string: offsets_.push_back(offsets_.back()); break;
  }
  if (valid_.empty()) valid_.assign(static_cast<std::size_t>((size_ + 63) / 64), ~0ull);
  bump();
  set_null(size_ - 1);
}

void Column::push_string(std::string_view s) {
  chars_.insert(chars_.end(), s.begin(), s.end());
  offsets_.push_back(static_cast<std::int64_t>(chars_.size()));
  bump();
}

void Column::push_from(const Column& o, std::int64_t i) {
  if (o.is_null(i)) return push_null();
  const auto k = static_cast<std::size_t>(i);
  switch (dtype_) {
    case DType::float64: return push_number(o.f64_[k]);
    case DType::int64:
    case DType::datetime: return push_integer(o.i64_[k]);
    case DType::boolean: return push_bool(o.b8_[k] != 0);
    case DType::string: return push_string(o.string_at(i));
    case DType::category: {
      const auto name = o.string_at(i);
      auto it = std::lower_bound(categories_.begin(), categories_.end(), name);
      if (it == categories_.end() || *it != name) it = categories_.insert(it, std::string(name));
      // Codes after the insertion point shift by one.
      const auto code = static_cast<std::int32_t>(it - categories_.begin());
      for (auto& c : codes_) if (c >= code) ++c;
      return push_code(code);
    }
  }
}

void Column::truncate(std::int64_t n) {
  if (n >= size_) return;
  const auto k = static_cast<std::size_t>(n);
  switch (dtype_) {
    case DType::float64: f64_.resize(k); break;
    case DType::int64:
    case DType::datetime: i64_.resize(k); break;
    case DType::boolean: b8_.resize(k); break;
    case DType::category: codes_.resize(k); break;
    case DType::string: offsets_.resize(k + 1); chars_.resize(static_cast<std::size_t>(offsets_.back())); break;
  }
  size_ = n;
  if (!valid_.empty()) {
    valid_.resize(static_cast<std::size_t>((n + 63) / 64));
    if (n & 63) valid_.back() |= ~0ull << (n & 63);  // later appends start valid
  }
}

Column Column::take(std::span<const std::int64_t> rows) const {
  Column out(dtype_);
  out.categories_ = categories_;
  out.reserve(static_cast<std::int64_t>(rows.size()));
  for (const auto r : rows) {
    if (is_null(r)) { out.push_null(); continue; }
    const auto k = static_cast<std::size_t>(r);
    switch (dtype_) {
      case DType::float64: out.push_number(f64_[k]); break;
      case DType::int64:
      case DType::datetime: out.push_integer(i64_[k]); break;
      case DType::boolean: out.push_bool(b8_[k] != 0); break;
      case DType::category: out.push_code(codes_[k]); break;
      case DType::string: out.push_string(string_at(r)); break;
    }
  }
  return out;
}

Column Column::filter(std::span<const std::uint8_t> keep) const {
  RANKWISE_CHECK(static_cast<std::int64_t>(keep.size()) == size_, ShapeError,
                 fmt::format("filter: mask has {} rows, column {}", keep.size(), size_));
  std::vector<std::int64_t> rows;
  rows.reserve(keep.size());
  for (std::size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) rows.push_back(static_cast<std::int64_t>(i));
  return take(rows);
}

Column Column::slice(std::int64_t begin, std::int64_t end) const {
  begin = std::clamp<std::int64_t>(begin, 0, size_);
  end = std::clamp<std::int64_t>(end, begin, size_);
  std::vector<std::int64_t> rows(static_cast<std::size_t>(end - begin));
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = begin + static_cast<std::int64_t>(i);
  return take(rows);
}

Column Column::concat(std::span<const Column* const> parts) {
  RANKWISE_CHECK(!parts.empty(), ValueError, "Column::concat: no parts");
  const DType d = parts[0]->dtype_;
  Column out(d);
  std::int64_t total = 0;
  for (const auto* p : parts) {
    RANKWISE_CHECK(p->dtype_ == d, ValueError,
                   "concat: columns of different dtypes (" + dtype_name(d) + ", " + dtype_name(p->dtype_) + ")");
    total += p->size_;
  }
  if (d == DType::category) {
    std::vector<std::string> all;
    for (const auto* p : parts) all.insert(all.end(), p->categories_.begin(), p->categories_.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    out.categories_ = std::move(all);
  }
  out.reserve(total);
  bool any_nulls = false;
  for (const auto* p : parts) any_nulls |= p->has_nulls();
  if (any_nulls) out.valid_.assign(static_cast<std::size_t>((total + 63) / 64), ~0ull);
  std::int64_t at = 0;
  for (const auto* p : parts) {
    switch (d) {
      case DType::float64: out.f64_.insert(out.f64_.end(), p->f64_.begin(), p->f64_.end()); break;
      case DType::int64:
      case DType::datetime: out.i64_.insert(out.i64_.end(), p->i64_.begin(), p->i64_.end()); break;
      case DType::boolean: out.b8_.insert(out.b8_.end(), p->b8_.begin(), p->b8_.end()); break;
      case DType::string: {
        const auto base = static_cast<std::int64_t>(out.chars_.size());
        out.chars_.insert(out.chars_.end(), p->chars_.begin(), p->chars_.end());
        for (std::size_t i = 1; i < p->offsets_.size(); ++i) out.offsets_.push_back(base + p->offsets_[i]);
        break;
      }
      case DType::category: {
        std::vector<std::int32_t> remap(p->categories_.size());
        for (std::size_t c = 0; c < remap.size(); ++c)
          remap[c] = static_cast<std::int32_t>(
              std::lower_bound(out.categories_.begin(), out.categories_.end(), p->categories_[c]) - out.categories_.begin());
        for (const auto c : p->codes_) out.codes_.push_back(c < 0 ? -1 : remap[static_cast<std::size_t>(c)]);
        break;
      }
    }
    if (p->has_nulls())
      for (std::int64_t i = 0; i < p->size_; ++i)
        if (p->is_null(i)) out.set_null(at + i);
    at += p->size_;
  }
  out.size_ = total;
  return out;
}

// ---- codec: dtype, size, then each vector as (count, bytes) --------------------------------------
namespace {
template <class T>
void put(std::vector<char>& out, const T& v) {
  const auto* p = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}
template <class T>
void put_vec(std::vector<char>& out, const std::vector<T>& v) {
  put(out, static_cast<std::int64_t>(v.size()));
  const auto* p = reinterpret_cast<const char*>(v.data());
  out.insert(out.end(), p, p + v.size() * sizeof(T));
}
template <class T>
T get(std::span<const char>& in) {
  RANKWISE_CHECK(in.size() >= sizeof(T), ValueError, "Column::decode: truncated bytes");
  T v;
  std::memcpy(&v, in.data(), sizeof(T));
  in = in.subspan(sizeof(T));
  return v;
}
template <class T>
std::vector<T> get_vec(std::span<const char>& in) {
  const auto n = static_cast<std::size_t>(get<std::int64_t>(in));
  RANKWISE_CHECK(in.size() >= n * sizeof(T), ValueError, "Column::decode: truncated bytes");
  std::vector<T> v(n);
  if (n) std::memcpy(v.data(), in.data(), n * sizeof(T));
  in = in.subspan(n * sizeof(T));
  return v;
}
}  // namespace

void Column::encode(std::vector<char>& out) const {
  put(out, static_cast<std::uint8_t>(dtype_));
  put(out, size_);
  put_vec(out, f64_);
  put_vec(out, i64_);
  put_vec(out, b8_);
  put_vec(out, codes_);
  put_vec(out, chars_);
  put_vec(out, offsets_);
  put_vec(out, valid_);
  put(out, static_cast<std::int64_t>(categories_.size()));
  for (const auto& c : categories_) put_vec(out, std::vector<char>(c.begin(), c.end()));
}

Column Column::decode(std::span<const char>& in) {
  Column c(static_cast<DType>(get<std::uint8_t>(in)));
  c.size_ = get<std::int64_t>(in);
  c.f64_ = get_vec<double>(in);
  c.i64_ = get_vec<std::int64_t>(in);
  c.b8_ = get_vec<std::uint8_t>(in);
  c.codes_ = get_vec<std::int32_t>(in);
  c.chars_ = get_vec<char>(in);
  c.offsets_ = get_vec<std::int64_t>(in);
  c.valid_ = get_vec<std::uint64_t>(in);
  const auto ncat = get<std::int64_t>(in);
  for (std::int64_t k = 0; k < ncat; ++k) {
    auto bytes = get_vec<char>(in);
    c.categories_.emplace_back(bytes.begin(), bytes.end());
  }
  return c;
}

}  // namespace rankwise
