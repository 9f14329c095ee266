#pragma once
// The lazy plan behind DataFrame and Series: frame nodes produce a partition's Table, series
// nodes a partition's Column. Before a pass, the columns each frame node must deliver are
// collected from the outputs down (projection pushdown: a CSV source parses only those).
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "io/detail/csv_source.hpp"
#include "rankwise/frame/table.hpp"
#include "rankwise/runtime/owner_map.hpp"

namespace rankwise::frame_detail {

struct FrameNode;
struct SeriesNode;
using FramePtr = std::shared_ptr<const FrameNode>;
using SeriesPtr = std::shared_ptr<const SeriesNode>;
using ColumnSet = std::set<std::string>;

/// Columns each frame node must deliver in this pass.
class Needs {
 public:
  /// Adds `columns` to what `node` must deliver and propagates the new ones to its inputs.
  void add(const FrameNode& node, const ColumnSet& columns);
  /// Everything of `node`'s schema.
  void add_all(const FrameNode& node);
  const ColumnSet& of(const FrameNode& node) const;

 private:
  std::map<const FrameNode*, ColumnSet> columns_;
};

/// One partition's evaluation: each frame node is evaluated once (memoised).
class EvalContext {
 public:
  EvalContext(std::int64_t partition, const Needs& needs) : partition_(partition), needs_(needs) {}
  std::int64_t partition() const { return partition_; }
  const Needs& needs() const { return needs_; }
  /// The Table of `node` for this partition: its needed columns; at most `row_limit` rows when
  /// >= 0 (a hint: a node may return more). Local.
  const Table& frame(const FrameNode& node, std::int64_t row_limit = -1);

 private:
  std::int64_t partition_;
  const Needs& needs_;
  std::map<std::pair<const FrameNode*, std::int64_t>, Table> memo_;
};

struct FrameNode {
  std::vector<std::string> names;
  std::vector<DType> dtypes;
  std::int64_t nparts = 0;
  const FrameNode* row_root = this;  ///< frames with the same row root have aligned rows
  /// Which rank owns each partition (null: contiguous runs, OwnerMap::block).
  std::shared_ptr<const OwnerMap> owners;

  virtual ~FrameNode() = default;
  /// Tells the inputs which columns this node needs when `columns` are asked of it.
  virtual void propagate(Needs& needs, const ColumnSet& columns) const = 0;
  virtual Table eval(EvalContext& ctx, std::int64_t row_limit) const = 0;
  virtual std::string label() const = 0;

  std::int64_t index_of(const std::string& name) const;
  /// IndexError naming the columns when absent.
  DType dtype_of(const std::string& name) const;
};

struct SeriesNode {
  std::string name;
  DType dtype = DType::float64;
  std::int64_t nparts = 0;
  const FrameNode* row_root = nullptr;

  virtual ~SeriesNode() = default;
  virtual void require(Needs& needs) const = 0;
  virtual Column eval(EvalContext& ctx, std::int64_t row_limit) const = 0;
};

// ---- frame nodes ----------------------------------------------------------------------------------
FramePtr csv_frame(std::shared_ptr<const io::csv_detail::CsvSource> source);
/// Persisted partitions: this rank's tables by partition index.
FramePtr tables_frame(std::vector<std::string> names, std::vector<DType> dtypes, std::int64_t nparts,
                      std::shared_ptr<const std::map<std::int64_t, Table>> local,
                      std::shared_ptr<const OwnerMap> owners = nullptr);
FramePtr project(FramePtr in, std::vector<std::string> columns);
FramePtr assign(FramePtr in, std::string name, SeriesPtr value);
FramePtr filter(FramePtr in, SeriesPtr mask);
FramePtr dropna(FramePtr in, std::vector<std::string> subset);
FramePtr sample(FramePtr in, double frac, std::uint64_t seed);
FramePtr series_frame(SeriesPtr s);

// ---- series nodes ---------------------------------------------------------------------------------
enum class Op {
  add, sub, mul, div, neg, eq, ne, lt, le, gt, ge, logical_and, logical_or, logical_not,
  isna, notna, fillna, abs, astype, year, month, day, hour, minute, second, dayofweek, date, rename, categorize
};
SeriesPtr column_ref(FramePtr frame, const std::string& name);
SeriesPtr unary(Op op, SeriesPtr a, DType target = DType::float64);
SeriesPtr binary(Op op, SeriesPtr a, SeriesPtr b);
SeriesPtr with_number(Op op, SeriesPtr a, double b, bool scalar_first = false);
SeriesPtr with_string(Op op, SeriesPtr a, std::string b);
SeriesPtr renamed(SeriesPtr a, std::string name);
/// Category codes into fixed `categories` (sorted); unknown values become null.
SeriesPtr categorized(SeriesPtr a, std::vector<std::string> categories);
/// A column that does not exist (yet): the target of `ddf["new"] = ...`; IndexError if read.
SeriesPtr missing_column(FramePtr frame, const std::string& name);
/// `a op v` with an integer scalar: int64 stays int64 (except division).
SeriesPtr with_integer(Op op, SeriesPtr a, std::int64_t v, bool scalar_first);

}  // namespace rankwise::frame_detail
