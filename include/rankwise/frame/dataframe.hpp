#pragma once
/// DataFrame and Series: lazy, partitioned tables (dask.dataframe), read from CSV files in
/// parallel. Every rank builds the same plan; partitions are owned by ranks (contiguous runs);
/// compute() runs one pass over the owned partitions and combines per-partition partials in
/// partition order with one collective.
///
///     auto ddf = rw::read_csv("data/yellow_tripdata_2016-*.csv", {.assume_missing = true});
///     double mean = ddf["total_amount"].mean().compute();
///     std::cout << ddf.head();
///     rw::Table tips = ddf.groupby("passenger_count")["tip_amount"].mean().compute();
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rankwise/array/array.hpp"
#include "rankwise/array/creation.hpp"
#include "rankwise/frame/table.hpp"
#include "rankwise/io/csv.hpp"

namespace rankwise {

namespace frame_detail {
struct FrameNode;
struct SeriesNode;
}  // namespace frame_detail

class DataFrame;

/// A lazy result (a scalar or a small Table). compute() is Collective and returns the same
/// value on every rank.
template <class R>
class Lazy {
 public:
  explicit Lazy(std::function<R()> run) : run_(std::move(run)) {}
  /// Runs the pass and returns the result on every rank. Collective.
  R compute() const { return run_(); }

 private:
  std::function<R()> run_;
};

class Series;

/// Datetime fields of a datetime64[ns] series (pandas' .dt). Local (builds a lazy series).
class DatetimeAccessor {
 public:
  explicit DatetimeAccessor(const Series& s);
  Series year() const;
  Series month() const;
  Series day() const;
  Series hour() const;
  Series minute() const;
  Series second() const;
  /// Monday = 0 ... Sunday = 6.
  Series dayofweek() const;
  /// The date at midnight (datetime64[ns]).
  Series date() const;

 private:
  std::shared_ptr<const frame_detail::SeriesNode> node_;
};

/// One lazy column of a DataFrame. Building expressions is Local; reductions return Lazy
/// values whose compute() is Collective; head/tail/compute are Collective.
class Series {
 public:
  explicit Series(std::shared_ptr<const frame_detail::SeriesNode> node) : node_(std::move(node)) {}

  const std::string& name() const;
  DType dtype() const;
  std::int64_t npartitions() const;
  /// The same values under another name. Local.
  Series rename(std::string name) const;

  /// Converts values: float64, int64 (floats truncate; NaN stays null), bool, string,
  /// datetime64[ns] (from strings), category. Local.
  Series astype(DType dtype) const;
  /// astype with T = double, std::int64_t, bool or std::string. Local.
  template <class T>
  Series astype() const;

  /// A category column with exactly `categories` (sorted here); other values become null. Local.
  Series as_category(std::vector<std::string> categories) const;
  Series isna() const;
  Series notna() const;
  /// Nulls replaced by `value` (numeric columns). Local.
  Series fillna(double value) const;
  /// Nulls replaced by `value` (string columns). Local.
  Series fillna(const std::string& value) const;
  Series abs() const;
  DatetimeAccessor dt() const { return DatetimeAccessor(*this); }
  /// The rows where `mask` (a bool series of the same frame) is true. Local.
  Series operator[](const Series& mask) const;

  // ---- reductions over non-null values (Lazy; compute() is Collective) ----------------------
  Lazy<double> sum() const;
  Lazy<double> mean() const;
  Lazy<double> min() const;
  Lazy<double> max() const;
  Lazy<std::int64_t> count() const;
  Lazy<double> var(int ddof = 1) const;
  Lazy<double> std(int ddof = 1) const;
  /// Number of distinct non-null values (exact; a hash shuffle when they are many).
  Lazy<std::int64_t> nunique() const;
  /// Approximate q-quantile with linear interpolation: exact while every partition holds at
  /// most 4096 non-null values, otherwise the rank of the returned value is within N/4095 of
  /// the exact rank q·(N-1) (N = non-null values).
  Lazy<double> quantile(double q) const;
  /// Counts of each distinct value: columns (name, "count"), most frequent first (ties by value);
  /// the counts column is "frequency" when the series itself is named "count". Collective on compute().
  Lazy<Table> value_counts() const;
  /// count, mean, std, min, 25%, 50%, 75%, max as a table with a "statistic" column.
  Lazy<Table> describe() const;

  /// The first / last n rows. Collective; reads only the partitions it needs.
  Table head(std::int64_t n = 5) const;
  Table tail(std::int64_t n = 5) const;
  /// Every value, as a one-column Table on every rank. Collective.
  Table compute() const;
  /// A one-column frame. Local.
  DataFrame to_frame() const;

  const std::shared_ptr<const frame_detail::SeriesNode>& node() const { return node_; }

 private:
  std::shared_ptr<const frame_detail::SeriesNode> node_;
};

// Elementwise operators (Local; series must come from row-aligned frames).
Series operator+(const Series& a, const Series& b);
Series operator-(const Series& a, const Series& b);
Series operator*(const Series& a, const Series& b);
Series operator/(const Series& a, const Series& b);
Series operator+(const Series& a, double b);
Series operator-(const Series& a, double b);
Series operator*(const Series& a, double b);
Series operator/(const Series& a, double b);
Series operator+(double a, const Series& b);
Series operator-(double a, const Series& b);
Series operator*(double a, const Series& b);
Series operator/(double a, const Series& b);
Series operator-(const Series& a);
Series operator==(const Series& a, const Series& b);
Series operator!=(const Series& a, const Series& b);
Series operator<(const Series& a, const Series& b);
Series operator<=(const Series& a, const Series& b);
Series operator>(const Series& a, const Series& b);
Series operator>=(const Series& a, const Series& b);
Series operator==(const Series& a, double b);
Series operator!=(const Series& a, double b);
Series operator<(const Series& a, double b);
Series operator<=(const Series& a, double b);
Series operator>(const Series& a, double b);
Series operator>=(const Series& a, double b);
/// String (and category) equality with a literal; for datetime series the literal is parsed.
Series operator==(const Series& a, const std::string& b);
Series operator!=(const Series& a, const std::string& b);
Series operator<(const Series& a, const std::string& b);
Series operator>(const Series& a, const std::string& b);
Series operator&(const Series& a, const Series& b);
namespace frame_detail {
/// `a op v` with an integer scalar (op one of + - * / == != < <= > >=; `first`: v op a). An
/// integer scalar keeps int64 series int64 (except /), as in pandas; a double makes float64.
Series integer_scalar(const Series& a, const char* op, std::int64_t v, bool first);
}  // namespace frame_detail
#define RW_SERIES_INTEGER(symbol)                                                                   \
  template <std::integral I>                                                                       \
  Series operator symbol(const Series& a, I v) {                                                   \
    return frame_detail::integer_scalar(a, #symbol, static_cast<std::int64_t>(v), false);           \
  }
RW_SERIES_INTEGER(+)
RW_SERIES_INTEGER(-)
RW_SERIES_INTEGER(*)
RW_SERIES_INTEGER(/)
RW_SERIES_INTEGER(==)
RW_SERIES_INTEGER(!=)
RW_SERIES_INTEGER(<)
RW_SERIES_INTEGER(<=)
RW_SERIES_INTEGER(>)
RW_SERIES_INTEGER(>=)
#undef RW_SERIES_INTEGER
template <std::integral I>
Series operator+(I v, const Series& a) { return frame_detail::integer_scalar(a, "+", static_cast<std::int64_t>(v), true); }
template <std::integral I>
Series operator-(I v, const Series& a) { return frame_detail::integer_scalar(a, "-", static_cast<std::int64_t>(v), true); }
template <std::integral I>
Series operator*(I v, const Series& a) { return frame_detail::integer_scalar(a, "*", static_cast<std::int64_t>(v), true); }
Series operator|(const Series& a, const Series& b);
Series operator~(const Series& a);

/// `ddf["col"]` on a mutable frame: a Series that can also be assigned, like pandas'
/// `ddf["col"] = expr` (which replaces or adds the column in that frame).
class ColumnSlot : public Series {
 public:
  ColumnSlot(DataFrame& frame, Series value, std::string name);
  ColumnSlot(const ColumnSlot&) = default;
  /// Replaces (or adds) the column in the frame this slot came from. Local.
  ColumnSlot& operator=(const Series& value);
  /// `ddf["a"] = ddf["b"]`: assigns the values (never rebinds the slot). Local.
  ColumnSlot& operator=(const ColumnSlot& value) { return *this = static_cast<const Series&>(value); }
  ColumnSlot& operator=(double value);

 private:
  DataFrame* frame_;
  std::string column_;
};

/// Aggregations of a grouped frame (pandas' groupby). Results are sorted by key, null keys
/// dropped; they compute to a Table whose first columns are the keys. With few groups the
/// partials are combined in partition order on every rank; with many (over 65,536 partial
/// groups in all) they are shuffled by key hash with one all-to-all first.
class GroupBy {
 public:
  GroupBy(std::shared_ptr<const frame_detail::FrameNode> frame, std::vector<std::string> keys,
          std::vector<std::string> columns = {});

  /// Restricts the aggregation to one or several columns. Local.
  GroupBy operator[](const std::string& column) const;
  GroupBy operator[](const std::vector<std::string>& columns) const;

  Lazy<Table> sum() const { return agg_all("sum"); }
  Lazy<Table> mean() const { return agg_all("mean"); }
  Lazy<Table> count() const { return agg_all("count"); }
  Lazy<Table> min() const { return agg_all("min"); }
  Lazy<Table> max() const { return agg_all("max"); }
  Lazy<Table> var() const { return agg_all("var"); }
  Lazy<Table> std() const { return agg_all("std"); }
  /// Rows per group: columns keys..., "size".
  Lazy<Table> size() const;
  /// Several aggregations: (column, function) pairs with function in sum, mean, count, min, max,
  /// var, std, size; output columns are named "column_function".
  Lazy<Table> agg(const std::vector<std::pair<std::string, std::string>>& aggregations) const;

 private:
  Lazy<Table> agg_all(const std::string& function) const;

  std::shared_ptr<const frame_detail::FrameNode> frame_;
  std::vector<std::string> keys_;
  std::vector<std::string> columns_;
};

/// Options of DataFrame::to_csv.
struct ToCsvOptions {
  /// true: `path` holds a '*', replaced by the partition number (one file per partition);
  /// false: one file, written in partition order.
  bool one_file_per_partition = false;
  bool header = true;
  char sep = ',';
  bool overwrite = false;
};

/// A lazy, partitioned table. Building is Local unless a method says Collective.
class DataFrame {
 public:
  explicit DataFrame(std::shared_ptr<const frame_detail::FrameNode> node) : node_(std::move(node)) {}

  std::vector<std::string> columns() const;
  /// (name, dtype) for every column, in order. Local.
  std::vector<std::pair<std::string, DType>> dtypes() const;
  std::int64_t npartitions() const;
  /// Number of rows, like len(ddf). Collective (one pass, one allreduce).
  std::int64_t num_rows() const;

  /// One column; on a mutable frame a slot that can be assigned (`ddf["x"] = ddf["y"] * 2`), also
  /// for a new column (reading a column that does not exist raises IndexError when computed). Local.
  ColumnSlot operator[](const std::string& column);
  Series operator[](const std::string& column) const;
  /// Several columns, in the given order. Local.
  DataFrame operator[](const std::vector<std::string>& columns) const;
  /// The rows where `mask` is true (`ddf[ddf["fare_amount"] > 0]`). Local.
  DataFrame operator[](const Series& mask) const;

  /// A frame with `column` added or replaced. Local.
  DataFrame assign(const std::string& column, const Series& value) const;
  /// Converts the named columns. Local.
  DataFrame astype(const std::vector<std::pair<std::string, DType>>& types) const;
  /// Nulls of numeric columns replaced by `value`. Local.
  DataFrame fillna(double value) const;
  /// Rows without a null in `subset` (all columns when empty). Local.
  DataFrame dropna(const std::vector<std::string>& subset = {}) const;
  /// A Bernoulli sample of about `frac` of the rows; the same seed gives the same rows for the
  /// same files and blocksize. Local.
  DataFrame sample(double frac, std::uint64_t seed = 0) const;

  GroupBy groupby(const std::string& key) const { return groupby(std::vector<std::string>{key}); }
  GroupBy groupby(const std::vector<std::string>& keys) const;
  /// Non-null values per column (pandas' df.count()): columns "column" and "count". Parses
  /// every column. Lazy; compute() is Collective.
  Lazy<Table> count() const;
  /// describe() of the int64 and float64 columns. Lazy; compute() is Collective.
  Lazy<Table> describe() const;

  /// The first / last n rows. Collective; head reads only the first partition(s), and of those
  /// only the first rows when no filter stands in between.
  Table head(std::int64_t n = 5) const;
  Table tail(std::int64_t n = 5) const;
  /// The whole frame as a Table on every rank (for small results). Collective.
  Table compute() const;
  /// Materialises the partitions where they are owned; later passes read memory, not files.
  /// Collective.
  DataFrame persist() const;

  /// Writes CSV text: one file in partition order, or one file per partition. Collective;
  /// atomic (temporary names renamed once every rank succeeded).
  void to_csv(const std::string& path, const ToCsvOptions& options = {}) const;
  /// Writes every column as a 1-D dataset `<group>/<column>` of a new HDF5 file (h5py reads it):
  /// float64, int64, bool as uint8, datetime64[ns] as int64 with units "ns since 1970-01-01",
  /// string and category as fixed-length strings; a non-float column with nulls also gets
  /// `<column>__null` (uint8, 1 = null). Rows in partition order. Collective; atomic.
  void to_hdf5(const std::string& file, const std::string& group = "/", bool overwrite = false) const;
  /// The numeric (or given) columns as a float64 array, rows chunked by partition. Collective
  /// (materialises the columns).
  Array<double> to_array(const std::vector<std::string>& columns = {}) const;

  const std::shared_ptr<const frame_detail::FrameNode>& node() const { return node_; }

 private:
  friend class ColumnSlot;
  std::shared_ptr<const frame_detail::FrameNode> node_;
};

/// Reads CSV files (a glob, a path, or several) as a lazy DataFrame: the data bytes of all
/// files are cut into partitions of about `blocksize` bytes (at least one per rank, a file may
/// be shared by several partitions and a partition may span files), each realigned to a record
/// start. The schema is inferred from samples spread over every file and agreed across ranks.
/// Collective (lists, probes and samples the files; reads no partition).
/// Throws IoError (no file matches, unreadable), ParseError (headers differ between files).
DataFrame read_csv(const std::string& pattern, const CsvOptions& options = {});
DataFrame read_csv(const std::vector<std::string>& patterns, const CsvOptions& options = {});

/// A frame whose partitions are the row blocks of a 2-D array (columns named `names`, or
/// "0", "1", ...). Collective (persists the array).
DataFrame from_array(const Array<double>& x, const std::vector<std::string>& names = {});
namespace frame {
/// Grouped aggregations shuffle by key hash when the partial groups of all partitions exceed
/// `groups` (default 65,536), else they gather and merge on every rank. Logically collective
/// (tests use it to force either path). Returns the previous value.
std::int64_t set_groupby_shuffle_threshold(std::int64_t groups);
}  // namespace frame

/// A frame from a Table every rank holds: rows split evenly over `npartitions` (default: one
/// per rank). Logically collective (every rank passes the same table).
DataFrame from_table(const Table& table, std::int64_t npartitions = 0);

}  // namespace rankwise
