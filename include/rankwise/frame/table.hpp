#pragma once
/// Table: a local, fully materialised dataframe — what a DataFrame or Series computes to.
#include <iosfwd>
#include <string>
#include <vector>

#include "rankwise/frame/column.hpp"
#include "rankwise/graph/value.hpp"

namespace rankwise {

/// Named columns of equal length, held on one rank. `compute()` returns the same Table on
/// every rank. Local.
///
///     rw::Table tips = ddf.groupby("passenger_count")["tip_amount"].mean().compute();
///     auto means = tips.column<double>("tip_amount");
class Table {
 public:
  Table() = default;

  std::int64_t num_rows() const noexcept { return num_rows_; }
  std::int64_t num_columns() const noexcept { return static_cast<std::int64_t>(names_.size()); }
  const std::vector<std::string>& columns() const noexcept { return names_; }
  bool has_column(const std::string& name) const { return find(name) >= 0; }
  /// The column called `name`; throws IndexError naming the known columns. Local.
  const Column& col(const std::string& name) const;
  const Column& col(std::int64_t i) const { return columns_[static_cast<std::size_t>(i)]; }
  Column& mutable_col(std::int64_t i) { return columns_[static_cast<std::size_t>(i)]; }

  /// A copy of column `name` as a vector of T, where T is double (float64/int64/bool/datetime;
  /// NaN for nulls), std::int64_t (int64/datetime/bool; 0 for nulls), bool, or std::string
  /// (any column formatted as text; empty for nulls). Throws ValueError for other pairings. Local.
  template <class T>
  std::vector<T> column(const std::string& name) const;

  /// A table without columns that has `num_rows` rows (what a count-only read returns). Local.
  static Table rows_only(std::int64_t num_rows) {
    Table t;
    t.num_rows_ = num_rows;
    return t;
  }
  /// Appends (or replaces) a column; its size must match the other columns'. Local.
  void add(std::string name, Column column);
  /// The columns `names`, in that order. Local.
  Table select(const std::vector<std::string>& names) const;
  Table filter(std::span<const std::uint8_t> keep) const;
  Table slice(std::int64_t begin, std::int64_t end) const;
  Table take(std::span<const std::int64_t> rows) const;
  /// Stacks tables with the same columns (by name, in the first one's order). Local.
  static Table concat(const std::vector<Table>& parts);

  /// Writes the table like pandas prints a DataFrame: a header, aligned columns, and the middle
  /// rows elided beyond `max_rows`. Local.
  void print(std::ostream& out, std::int64_t max_rows = 60) const;

  std::vector<char> encode() const;
  static Table decode(std::span<const char> bytes);

 private:
  std::int64_t find(const std::string& name) const;

  std::vector<std::string> names_;
  std::vector<Column> columns_;
  std::int64_t num_rows_ = 0;
};

std::ostream& operator<<(std::ostream& out, const Table& table);

extern template std::vector<double> Table::column<double>(const std::string&) const;
extern template std::vector<std::int64_t> Table::column<std::int64_t>(const std::string&) const;
extern template std::vector<bool> Table::column<bool>(const std::string&) const;
extern template std::vector<std::string> Table::column<std::string>(const std::string&) const;

}  // namespace rankwise

/// Tables cross ranks in their own compact byte format.
template <>
struct rankwise::graph::CodecTraits<rankwise::Table> {
  static std::vector<char> encode(const rankwise::Table& t) { return t.encode(); }
  static rankwise::Table decode(std::span<const char> b) { return rankwise::Table::decode(b); }
};
