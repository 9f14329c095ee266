// Table: column bookkeeping, typed column copies, pandas-like printing and the byte codec.
#include "rankwise/frame/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ostream>

#include <fmt/format.h>

#include "rankwise/error.hpp"

namespace rankwise {

std::int64_t Table::find(const std::string& name) const {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<std::int64_t>(i);
  return -1;
}

const Column& Table::col(const std::string& name) const {
  const auto i = find(name);
  if (i < 0) throw IndexError(fmt::format("no column '{}' (columns: {})", name, fmt::join(names_, ", ")));
  return columns_[static_cast<std::size_t>(i)];
}

template <class T>
std::vector<T> Table::column(const std::string& name) const {
  const Column& c = col(name);
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(c.size()));
  const auto bad = [&] {
    return ValueError(fmt::format("column<{}>: column '{}' is {}", typeid(T).name(), name, dtype_name(c.dtype())));
  };
  for (std::int64_t i = 0; i < c.size(); ++i) {
    if constexpr (std::is_same_v<T, double>) {
      if (!is_numeric(c.dtype()) && c.dtype() != DType::datetime) throw bad();
      out.push_back(c.number_at(i));
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      if (c.dtype() == DType::int64 || c.dtype() == DType::datetime) out.push_back(c.integers()[static_cast<std::size_t>(i)]);
      else if (c.dtype() == DType::boolean) out.push_back(c.bytes()[static_cast<std::size_t>(i)]);
      else throw bad();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (c.dtype() != DType::boolean) throw bad();
      out.push_back(c.bytes()[static_cast<std::size_t>(i)] != 0);
    } else {
      out.push_back(c.format(i));
    }
  }
  return out;
}
template std::vector<double> Table::column<double>(const std::string&) const;
template std::vector<std::int64_t> Table::column<std::int64_t>(const std::string&) const;
template std::vector<bool> Table::column<bool>(const std::string&) const;
template std::vector<std::string> Table::column<std::string>(const std::string&) const;

void Table::add(std::string name, Column column) {
  if (!names_.empty() && column.size() != num_rows_)
    throw ShapeError(fmt::format("column '{}' has {} rows, the table {}", name, column.size(), num_rows_));
  num_rows_ = column.size();
  if (const auto i = find(name); i >= 0) {
    columns_[static_cast<std::size_t>(i)] = std::move(column);
    return;
  }
  names_.push_back(std::move(name));
  columns_.push_back(std::move(column));
}

Table Table::select(const std::vector<std::string>& names) const {
  Table out;
  for (const auto& n : names) out.add(n, col(n));
  if (names.empty()) out.num_rows_ = num_rows_;
  return out;
}

Table Table::filter(std::span<const std::uint8_t> keep) const {
  Table out;
  for (std::size_t i = 0; i < names_.size(); ++i) out.add(names_[i], columns_[i].filter(keep));
  if (names_.empty()) out.num_rows_ = std::count(keep.begin(), keep.end(), std::uint8_t{1});
  return out;
}

Table Table::slice(std::int64_t begin, std::int64_t end) const {
  Table out;
  for (std::size_t i = 0; i < names_.size(); ++i) out.add(names_[i], columns_[i].slice(begin, end));
  if (names_.empty()) out.num_rows_ = std::max<std::int64_t>(0, std::min(end, num_rows_) - std::max<std::int64_t>(begin, 0));
  return out;
}

Table Table::take(std::span<const std::int64_t> rows) const {
  Table out;
  for (std::size_t i = 0; i < names_.size(); ++i) out.add(names_[i], columns_[i].take(rows));
  if (names_.empty()) out.num_rows_ = static_cast<std::int64_t>(rows.size());
  return out;
}

Table Table::concat(const std::vector<Table>& parts) {
  if (parts.empty()) return {};
  Table out;
  std::int64_t rows = 0;
  for (const auto& p : parts) rows += p.num_rows_;
  for (const auto& name : parts[0].names_) {
    std::vector<const Column*> cols;
    for (const auto& p : parts) {
      const auto i = p.find(name);
      RANKWISE_CHECK(i >= 0, ValueError, "Table::concat: a part has no column '" + name + "'");
      cols.push_back(&p.columns_[static_cast<std::size_t>(i)]);
    }
    out.add(name, Column::concat(cols));
  }
  out.num_rows_ = rows;
  return out;
}

namespace {
// Text of every shown cell of one column, formatted as pandas would.
std::vector<std::string> cells(const Column& c, const std::vector<std::int64_t>& rows) {
  std::vector<std::string> out;
  if (c.dtype() == DType::float64) {
    // One number of decimals per column (at most 6), like pandas.
    int decimals = 1;
    bool huge = false;
    for (const auto r : rows) {
      const double v = c.numbers()[static_cast<std::size_t>(r)];
      if (!std::isfinite(v)) continue;
      if (std::fabs(v) >= 1e16 || (v != 0 && std::fabs(v) < 1e-4)) huge = true;
      auto s = fmt::format("{:.6f}", v);
      while (s.back() == '0') s.pop_back();
      decimals = std::max(decimals, static_cast<int>(s.size() - s.find('.') - 1));
    }
    for (const auto r : rows) {
      const double v = c.numbers()[static_cast<std::size_t>(r)];
      out.push_back(std::isnan(v) ? "NaN" : huge ? fmt::format("{:.6e}", v) : fmt::format("{:.{}f}", v, decimals));
    }
    return out;
  }
  for (const auto r : rows) {
    if (c.is_null(r)) {
      out.push_back(c.dtype() == DType::datetime ? "NaT" : c.dtype() == DType::int64 ? "<NA>" : "NaN");
      continue;
    }
    out.push_back(c.format(r));
  }
  return out;
}
}  // namespace

void Table::print(std::ostream& out, std::int64_t max_rows) const {
  std::vector<std::int64_t> rows;
  const bool elide = num_rows_ > max_rows;
  const std::int64_t head = elide ? max_rows / 2 : num_rows_;
  for (std::int64_t r = 0; r < head; ++r) rows.push_back(r);
  if (elide)
    for (std::int64_t r = num_rows_ - max_rows / 2; r < num_rows_; ++r) rows.push_back(r);
  std::vector<std::vector<std::string>> grid;  // grid[c][row], column 0 is the row number
  std::vector<std::string> index;
  for (const auto r : rows) index.push_back(std::to_string(r));
  grid.push_back(std::move(index));
  std::vector<std::string> header{""};
  for (std::size_t c = 0; c < names_.size(); ++c) {
    grid.push_back(cells(columns_[c], rows));
    header.push_back(names_[c]);
  }
  std::vector<std::size_t> width(grid.size());
  for (std::size_t c = 0; c < grid.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& s : grid[c]) width[c] = std::max(width[c], s.size());
  }
  const auto line = [&](auto cell_of) {
    std::string s;
    for (std::size_t c = 0; c < grid.size(); ++c) {
      if (c) s += "  ";
      const auto text = cell_of(c);
      if (c == 0) s += fmt::format("{:<{}}", text, width[c]);
      else s += fmt::format("{:>{}}", text, width[c]);
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << '\n';
  };
  line([&](std::size_t c) { return header[c]; });
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (elide && k == static_cast<std::size_t>(head)) line([&](std::size_t) { return std::string("..."); });
    line([&](std::size_t c) { return grid[c][k]; });
  }
  out << '\n' << "[" << num_rows_ << " rows x " << names_.size() << " columns]\n";
}

std::ostream& operator<<(std::ostream& out, const Table& table) {
  table.print(out);
  return out;
}

std::vector<char> Table::encode() const {
  std::vector<char> out;
  const auto put64 = [&](std::int64_t v) {
    const auto at = out.size();
    out.resize(at + sizeof v);
    std::memcpy(out.data() + at, &v, sizeof v);
  };
  put64(num_rows_);
  put64(static_cast<std::int64_t>(names_.size()));
  for (std::size_t i = 0; i < names_.size(); ++i) {
    put64(static_cast<std::int64_t>(names_[i].size()));
    const auto at = out.size();
    out.resize(at + names_[i].size());
    if (!names_[i].empty()) std::memcpy(out.data() + at, names_[i].data(), names_[i].size());
    columns_[i].encode(out);
  }
  return out;
}

Table Table::decode(std::span<const char> in) {
  const auto get64 = [&] {
    RANKWISE_CHECK(in.size() >= 8, ValueError, "Table::decode: truncated bytes");
    std::int64_t v;
    std::memcpy(&v, in.data(), 8);
    in = in.subspan(8);
    return v;
  };
  Table t;
  const auto rows = get64();
  const auto ncols = get64();
  for (std::int64_t i = 0; i < ncols; ++i) {
    const auto len = static_cast<std::size_t>(get64());
    std::string name(in.data(), len);
    in = in.subspan(len);
    t.add(std::move(name), Column::decode(in));
  }
  t.num_rows_ = rows;
  return t;
}

}  // namespace rankwise
