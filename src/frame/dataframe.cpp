// The public DataFrame / Series / GroupBy API over the plan (detail/plan.hpp).
#include "rankwise/frame/dataframe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "frame/detail/execute.hpp"
#include "frame/detail/reduce.hpp"
#include "io/detail/hdf5_table.hpp"
#include "rankwise/runtime/agree.hpp"
#include "rankwise/runtime/collectives.hpp"

namespace rankwise {

using namespace frame_detail;

// ---- read_csv, from_table, from_array ------------------------------------------------------------
DataFrame read_csv(const std::vector<std::string>& patterns, const CsvOptions& options) {
  return DataFrame(csv_frame(io::csv_detail::open_csv(patterns, options, frame_comm())));
}

DataFrame read_csv(const std::string& pattern, const CsvOptions& options) {
  return read_csv(std::vector<std::string>{pattern}, options);
}

namespace {
std::vector<DType> dtypes_of(const Table& t) {
  std::vector<DType> d;
  for (std::int64_t i = 0; i < t.num_columns(); ++i) d.push_back(t.col(i).dtype());
  return d;
}
}  // namespace

DataFrame from_table(const Table& table, std::int64_t npartitions) {
  const auto& comm = frame_comm();
  if (npartitions <= 0) npartitions = comm.size();
  const auto owners = OwnerMap::block(npartitions, comm.size(), comm.rank());
  auto local = std::make_shared<std::map<std::int64_t, Table>>();
  for (const auto p : owners.local_blocks())
    local->emplace(p, table.slice(table.num_rows() * p / npartitions, table.num_rows() * (p + 1) / npartitions));
  return DataFrame(tables_frame(table.columns(), dtypes_of(table), npartitions, std::move(local)));
}

DataFrame from_array(const Array<double>& x, const std::vector<std::string>& names) {
  RANKWISE_CHECK(x.ndim() == 2, ShapeError, "from_array: needs a 2-D array, got " + std::to_string(x.ndim()) + "-D");
  const auto ncols = x.shape()[1];
  std::vector<std::string> cols = names;
  if (cols.empty())
    for (std::int64_t j = 0; j < ncols; ++j) cols.push_back(std::to_string(j));
  RANKWISE_CHECK(static_cast<std::int64_t>(cols.size()) == ncols, ValueError,
                 fmt::format("from_array: {} names for {} columns", cols.size(), ncols));
  // One column block, so each row block is one partition.
  Array<double> rows = x.chunks()[1].size() == 1 ? x.persist() : x.rechunk(ChunkSpec({x.chunks()[0], {ncols}})).persist();
  const auto nparts = static_cast<std::int64_t>(rows.chunks()[0].size());
  auto local = std::make_shared<std::map<std::int64_t, Table>>();
  std::vector<std::int64_t> mine;
  for (const auto& [b, block] : rows.local_blocks()) {
    Table t;
    const auto n = block.shape()[0];
    for (std::int64_t j = 0; j < ncols; ++j) {
      Column c(DType::float64);
      c.reserve(n);
      for (std::int64_t i = 0; i < n; ++i) c.push_number(block.data()[i * ncols + j]);
      t.add(cols[static_cast<std::size_t>(j)], std::move(c));
    }
    local->emplace(b, std::move(t));
    mine.push_back(b);
  }
  // The array's own ownership: its blocks stay where they are.
  const auto& comm = frame_comm();
  const auto all = allgatherv(comm, std::span<const std::int64_t>(mine));
  std::vector<int> owner(static_cast<std::size_t>(nparts), 0);
  for (int r = 0; r < comm.size(); ++r)
    for (const auto b : all.part(r)) owner[static_cast<std::size_t>(b)] = r;
  bool is_block = true;
  const auto block_map = OwnerMap::block(nparts, comm.size(), comm.rank());
  for (std::int64_t b = 0; b < nparts; ++b) is_block &= block_map.owner(b) == owner[static_cast<std::size_t>(b)];
  RANKWISE_CHECK(is_block, ValueError, "from_array: the array's blocks are not laid out in contiguous runs per rank");
  return DataFrame(tables_frame(cols, std::vector<DType>(cols.size(), DType::float64), nparts, std::move(local)));
}

// ---- DataFrame ------------------------------------------------------------------------------------
std::vector<std::string> DataFrame::columns() const { return node_->names; }

std::vector<std::pair<std::string, DType>> DataFrame::dtypes() const {
  std::vector<std::pair<std::string, DType>> out;
  for (std::size_t i = 0; i < node_->names.size(); ++i) out.emplace_back(node_->names[i], node_->dtypes[i]);
  return out;
}

std::int64_t DataFrame::npartitions() const { return node_->nparts; }

std::int64_t DataFrame::num_rows() const {
  auto needs = std::make_shared<Needs>();
  needs->add(*node_, {});
  const auto node = node_;
  const auto parts = all_partials(*node_, "num_rows", needs, [node](EvalContext& ctx) {
    const std::int64_t n = ctx.frame(*node).num_rows();
    Bytes b(sizeof n);
    std::memcpy(b.data(), &n, sizeof n);
    return b;
  });
  std::int64_t total = 0;
  for (const auto& b : parts) {
    std::int64_t n;
    std::memcpy(&n, b.data(), sizeof n);
    total += n;
  }
  return total;
}

ColumnSlot DataFrame::operator[](const std::string& column) {
  const auto value = node_->index_of(column) >= 0 ? column_ref(node_, column) : missing_column(node_, column);
  return ColumnSlot(*this, Series(value), column);
}
Series DataFrame::operator[](const std::string& column) const { return Series(column_ref(node_, column)); }
DataFrame DataFrame::operator[](const std::vector<std::string>& columns) const { return DataFrame(project(node_, columns)); }
DataFrame DataFrame::operator[](const Series& mask) const { return DataFrame(filter(node_, mask.node())); }

DataFrame DataFrame::assign(const std::string& column, const Series& value) const {
  return DataFrame(frame_detail::assign(node_, column, value.node()));
}

DataFrame DataFrame::astype(const std::vector<std::pair<std::string, DType>>& types) const {
  DataFrame out = *this;
  for (const auto& [name, type] : types) out = out.assign(name, (*this)[name].astype(type));
  return out;
}

DataFrame DataFrame::fillna(double value) const {
  DataFrame out = *this;
  for (std::size_t i = 0; i < node_->names.size(); ++i)
    if (is_numeric(node_->dtypes[i])) out = out.assign(node_->names[i], (*this)[node_->names[i]].fillna(value));
  return out;
}

DataFrame DataFrame::dropna(const std::vector<std::string>& subset) const { return DataFrame(frame_detail::dropna(node_, subset)); }
DataFrame DataFrame::sample(double frac, std::uint64_t seed) const { return DataFrame(frame_detail::sample(node_, frac, seed)); }
GroupBy DataFrame::groupby(const std::vector<std::string>& keys) const { return GroupBy(node_, keys); }

Lazy<Table> DataFrame::count() const {
  const auto node = node_;
  return Lazy<Table>([node] {
    auto needs = std::make_shared<Needs>();
    needs->add_all(*node);
    const auto ncols = node->names.size();
    const auto parts = all_partials(*node, "count", needs, [node, ncols](EvalContext& ctx) {
      const Table& t = ctx.frame(*node);
      std::vector<std::int64_t> counts(ncols);
      for (std::size_t c = 0; c < ncols; ++c) counts[c] = t.num_rows() - t.col(static_cast<std::int64_t>(c)).null_count();
      Bytes b(ncols * sizeof(std::int64_t));
      if (ncols) std::memcpy(b.data(), counts.data(), b.size());
      return b;
    });
    std::vector<std::int64_t> total(ncols, 0);
    for (const auto& b : parts)
      for (std::size_t c = 0; c < ncols; ++c) {
        std::int64_t v;
        std::memcpy(&v, b.data() + c * sizeof v, sizeof v);
        total[c] += v;
      }
    Table out;
    Column names(DType::string), counts(DType::int64);
    for (std::size_t c = 0; c < ncols; ++c) {
      names.push_string(node->names[c]);
      counts.push_integer(total[c]);
    }
    out.add("column", std::move(names));
    out.add("count", std::move(counts));
    return out;
  });
}

Lazy<Table> DataFrame::describe() const {
  std::vector<std::string> cols;
  for (std::size_t i = 0; i < node_->names.size(); ++i)
    if (node_->dtypes[i] == DType::int64 || node_->dtypes[i] == DType::float64) cols.push_back(node_->names[i]);
  RANKWISE_CHECK(!cols.empty(), ValueError, "describe: the frame has no int64 or float64 column");
  const auto node = node_;
  return Lazy<Table>([node, cols] { return frame_detail::describe(node, cols); });
}

namespace {
// Rows [0, n) or the last n rows, partition by partition, each read on its owner.
Table head_or_tail(const FramePtr& node, std::int64_t n, bool head) {
  RANKWISE_CHECK(n >= 0, ValueError, "head/tail: n must be >= 0");
  auto needs = std::make_shared<Needs>();
  needs->add_all(*node);
  const auto owners = owners_of(*node);
  std::vector<Table> parts;
  std::int64_t have = 0;
  for (std::int64_t k = 0; k < node->nparts && have < n; ++k) {
    const std::int64_t p = head ? k : node->nparts - 1 - k;
    const std::int64_t want = n - have;
    Table t = on_owner(owners.owner(p), head ? "head" : "tail", [&] {
      EvalContext ctx(p, *needs);
      const Table& full = ctx.frame(*node, head ? want : -1);
      return head ? full.slice(0, want) : full.slice(full.num_rows() - want, full.num_rows());
    });
    have += t.num_rows();
    parts.push_back(std::move(t));
  }
  if (!head) std::reverse(parts.begin(), parts.end());
  if (parts.empty()) {  // no partitions: the empty frame with its columns
    Table t;
    for (std::size_t i = 0; i < node->names.size(); ++i) t.add(node->names[i], Column(node->dtypes[i]));
    return t;
  }
  return Table::concat(parts);
}

Table compute_frame(const FramePtr& node, const std::string& label) {
  auto needs = std::make_shared<Needs>();
  needs->add_all(*node);
  const auto parts = all_partials(*node, label, needs, [node](EvalContext& ctx) { return ctx.frame(*node).encode(); });
  std::vector<Table> tables;
  for (const auto& b : parts) tables.push_back(Table::decode(b));
  if (tables.empty()) return head_or_tail(node, 0, true);
  return Table::concat(tables);
}
}  // namespace

Table DataFrame::head(std::int64_t n) const { return head_or_tail(node_, n, true); }
Table DataFrame::tail(std::int64_t n) const { return head_or_tail(node_, n, false); }
Table DataFrame::compute() const { return compute_frame(node_, "compute"); }

DataFrame DataFrame::persist() const {
  auto local = std::make_shared<std::map<std::int64_t, Table>>(materialize(node_, "persist"));
  return DataFrame(tables_frame(node_->names, node_->dtypes, node_->nparts, std::move(local), node_->owners));
}

namespace {
std::string csv_quoted(const std::string& s, char sep);

std::string csv_cell(const Column& c, std::int64_t i, char sep) {
  std::string s = c.format(i);
  return c.dtype() == DType::string || c.dtype() == DType::category ? csv_quoted(s, sep) : s;
}

std::string csv_quoted(const std::string& s, char sep) {
  if (s.find_first_of(std::string{sep, '"', '\n', '\r'}) == std::string::npos) return s;
  std::string q = "\"";
  for (const char ch : s) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + '"';
}

std::string csv_text(const Table& t, bool header, char sep) {
  std::string out;
  if (header) {
    for (std::int64_t c = 0; c < t.num_columns(); ++c) {
      if (c) out += sep;
      out += csv_quoted(t.columns()[static_cast<std::size_t>(c)], sep);
    }
    out += '\n';
  }
  for (std::int64_t r = 0; r < t.num_rows(); ++r) {
    for (std::int64_t c = 0; c < t.num_columns(); ++c) {
      if (c) out += sep;
      out += csv_cell(t.col(c), r, sep);
    }
    out += '\n';
  }
  return out;
}

void write_all(const std::string& path, const std::string& text, std::int64_t offset, bool create) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0), 0644);
  if (fd < 0) throw IoError(fmt::format("to_csv: cannot open '{}': {}", path, std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    const auto w = ::pwrite(fd, text.data() + done, text.size() - done, offset + static_cast<std::int64_t>(done));
    if (w <= 0) {
      ::close(fd);
      throw IoError(fmt::format("to_csv: cannot write '{}': {}", path, std::strerror(errno)));
    }
    done += static_cast<std::size_t>(w);
  }
  if (::close(fd) != 0) throw IoError(fmt::format("to_csv: cannot close '{}'", path));
}
}  // namespace

namespace {
template <class Name>
void write_csv_files(const Communicator& comm, const std::map<std::int64_t, Table>& tables, const std::string& path,
                     const ToCsvOptions& o, const Name& per_partition);
}  // namespace

void DataFrame::to_csv(const std::string& path, const ToCsvOptions& o) const {
  const auto& comm = frame_comm();
  const auto per_partition = [&](std::int64_t p) {
    auto s = path;
    s.replace(s.find('*'), 1, std::to_string(p));
    return s;
  };
  RANKWISE_CHECK(!o.one_file_per_partition || path.find('*') != std::string::npos, ValueError,
                 "to_csv: one file per partition needs a '*' in the path (replaced by the partition number)");
  // Refuse to clobber before doing any work.
  agree(comm, "to_csv", [&] {
    if (o.overwrite || comm.rank() != 0) return;
    for (std::int64_t p = 0; p < (o.one_file_per_partition ? node_->nparts : 1); ++p) {
      const auto target = o.one_file_per_partition ? per_partition(p) : path;
      if (std::filesystem::exists(target)) throw IoError(fmt::format("to_csv: '{}' exists (pass overwrite = true to replace it)", target));
    }
  });
  const auto tables = materialize(node_, "to_csv");
  // On any (agreed) failure below, no partial output stays behind.
  const auto cleanup = [&] {
    std::error_code ignored;
    if (o.one_file_per_partition) {
      for (const auto& [p, t] : tables) std::filesystem::remove(per_partition(p) + ".partial", ignored);
    } else if (comm.rank() == 0) {
      std::filesystem::remove(path + ".partial", ignored);
    }
  };
  try {
    write_csv_files(comm, tables, path, o, per_partition);
  } catch (...) {
    cleanup();
    throw;
  }
}

namespace {
template <class Name>
void write_csv_files(const Communicator& comm, const std::map<std::int64_t, Table>& tables, const std::string& path,
                     const ToCsvOptions& o, const Name& per_partition) {
  std::string mine;
  agree(comm, "to_csv", [&] {
    for (const auto& [p, t] : tables) {
      if (o.one_file_per_partition) write_all(per_partition(p) + ".partial", csv_text(t, o.header, o.sep), 0, true);
      else mine += csv_text(t, o.header && p == 0, o.sep);
    }
  });
  if (!o.one_file_per_partition) {
    // Empty frames still get their header.
    if (tables.count(0) && tables.at(0).num_rows() == 0 && o.header && mine.empty())
      mine = csv_text(tables.at(0), true, o.sep);
    const auto sizes = allgather(comm, static_cast<std::int64_t>(mine.size()));
    std::int64_t offset = 0;
    for (int r = 0; r < comm.rank(); ++r) offset += sizes[static_cast<std::size_t>(r)];
    const auto partial = path + ".partial";
    agree(comm, "to_csv", [&] { if (comm.rank() == 0) write_all(partial, {}, 0, true); });
    agree(comm, "to_csv", [&] { if (!mine.empty()) write_all(partial, mine, offset, false); });
  }
  agree(comm, "to_csv", [&] {
    std::error_code error;
    if (o.one_file_per_partition) {
      for (const auto& [p, t] : tables) {
        std::filesystem::rename(per_partition(p) + ".partial", per_partition(p), error);
        if (error) throw IoError(fmt::format("to_csv: cannot rename to '{}': {}", per_partition(p), error.message()));
      }
    } else if (comm.rank() == 0) {
      std::filesystem::rename(path + ".partial", path, error);
      if (error) throw IoError(fmt::format("to_csv: cannot rename to '{}': {}", path, error.message()));
    }
  });
}
}  // namespace

void DataFrame::to_hdf5(const std::string& file, const std::string& group, bool overwrite) const {
  const auto& comm = frame_comm();
  agree(comm, "to_hdf5", [&] {
    if (std::filesystem::exists(file) && !overwrite)
      throw IoError(fmt::format("to_hdf5: '{}' exists (pass overwrite = true to replace it)", file));
  });
  const auto tables = materialize(node_, "to_hdf5");
  std::vector<Table> parts;
  for (const auto& [p, t] : tables) parts.push_back(t);
  Table local = parts.empty() ? Table() : Table::concat(parts);
  const auto rows = local.num_rows();
  std::vector<io::detail::ColumnSlab> slabs;
  for (std::size_t k = 0; k < node_->names.size(); ++k) {
    const auto& name = node_->names[k];
    const DType dt = node_->dtypes[k];
    Column empty(dt);
    const Column& c = parts.empty() ? empty : local.col(name);
    io::detail::ColumnSlab s{name, "", {}, 0, ""};
    const auto put = [&](const void* p, std::size_t bytes) {
      const auto* b = static_cast<const char*>(p);
      s.data.assign(b, b + bytes);
    };
    switch (dt) {
      case DType::float64: s.type = "float64"; put(c.numbers().data(), c.numbers().size_bytes()); break;
      case DType::int64:
      case DType::datetime:
        s.type = "int64";
        put(c.integers().data(), c.integers().size_bytes());
        if (dt == DType::datetime) s.units = "ns since 1970-01-01 00:00:00";
        break;
      case DType::boolean: s.type = "uint8"; put(c.bytes().data(), c.bytes().size_bytes()); break;
      case DType::string:
      case DType::category: {
        s.type = "string";
        for (std::int64_t i = 0; i < rows; ++i) s.width = std::max<std::int64_t>(s.width, static_cast<std::int64_t>(c.string_at(i).size()));
        s.width = std::max<std::int64_t>(s.width, 1);
        s.data.assign(static_cast<std::size_t>(rows * s.width), '\0');
        for (std::int64_t i = 0; i < rows; ++i) {
          const auto v = c.string_at(i);
          std::copy(v.begin(), v.end(), s.data.begin() + i * s.width);
        }
        break;
      }
    }
    slabs.push_back(std::move(s));
    // Nulls of types without NaN: a mask dataset, when any rank has one.
    const bool nulls = dt != DType::float64 && c.has_nulls() && c.null_count() > 0;
    if (allreduce(comm, static_cast<int>(nulls), ReduceOp::max)) {
      io::detail::ColumnSlab mask{name + "__null", "uint8", std::vector<char>(static_cast<std::size_t>(rows)), 0, ""};
      for (std::int64_t i = 0; i < rows; ++i) mask.data[static_cast<std::size_t>(i)] = c.is_null(i) ? 1 : 0;
      slabs.push_back(std::move(mask));
    }
  }
  io::detail::write_table(comm, file, group, slabs, rows, overwrite);
}

Array<double> DataFrame::to_array(const std::vector<std::string>& columns) const {
  std::vector<std::string> cols = columns;
  if (cols.empty())
    for (std::size_t i = 0; i < node_->names.size(); ++i)
      if (is_numeric(node_->dtypes[i])) cols.push_back(node_->names[i]);
  for (const auto& c : cols) {
    const DType d = node_->dtype_of(c);
    RANKWISE_CHECK(is_numeric(d) || d == DType::datetime, ValueError,
                   fmt::format("to_array: column '{}' is {}, not numeric", c, dtype_name(d)));
  }
  const auto tables = materialize(project(node_, cols), "to_array");
  std::int64_t rows = 0;
  for (const auto& [p, t] : tables) rows += t.num_rows();
  const auto ncols = static_cast<std::int64_t>(cols.size());
  NDArray<double> local(Shape{rows, ncols});
  std::int64_t at = 0;
  for (const auto& [p, t] : tables) {
    for (std::int64_t j = 0; j < ncols; ++j) {
      const Column& c = t.col(j);
      for (std::int64_t i = 0; i < t.num_rows(); ++i) local.data()[(at + i) * ncols + j] = c.number_at(i);
    }
    at += t.num_rows();
  }
  return from_local_blocks(std::move(local));
}

// ---- ColumnSlot -----------------------------------------------------------------------------------
ColumnSlot::ColumnSlot(DataFrame& frame, Series value, std::string name)
    : Series(std::move(value)), frame_(&frame), column_(std::move(name)) {}

ColumnSlot& ColumnSlot::operator=(const Series& value) {
  Series renamed_value = value.name() == column_ ? value : value.rename(column_);
  *frame_ = frame_->assign(column_, renamed_value);
  static_cast<Series&>(*this) = Series(column_ref(frame_->node(), column_));
  return *this;
}

ColumnSlot& ColumnSlot::operator=(double value) {
  // A constant column: any column of the frame times zero plus the value keeps the rows aligned.
  const auto& names = frame_->node()->names;
  RANKWISE_CHECK(!names.empty(), ValueError, "cannot assign a constant to a frame without columns");
  Series any = (*static_cast<const DataFrame*>(frame_))[names[0]];
  return *this = any.isna().astype(DType::float64) * 0.0 + value;
}

// ---- Series ---------------------------------------------------------------------------------------
const std::string& Series::name() const { return node_->name; }
DType Series::dtype() const { return node_->dtype; }
std::int64_t Series::npartitions() const { return node_->nparts; }
Series Series::rename(std::string name) const { return Series(renamed(node_, std::move(name))); }
Series Series::astype(DType dtype) const { return Series(unary(Op::astype, node_, dtype)); }

template <class T>
Series Series::astype() const {
  if constexpr (std::is_same_v<T, double>) return astype(DType::float64);
  else if constexpr (std::is_same_v<T, std::int64_t>) return astype(DType::int64);
  else if constexpr (std::is_same_v<T, bool>) return astype(DType::boolean);
  else return astype(DType::string);
}
template Series Series::astype<double>() const;
template Series Series::astype<std::int64_t>() const;
template Series Series::astype<bool>() const;
template Series Series::astype<std::string>() const;

Series Series::as_category(std::vector<std::string> categories) const {
  return Series(categorized(node_, std::move(categories)));
}
Series Series::isna() const { return Series(unary(Op::isna, node_)); }
Series Series::notna() const { return Series(unary(Op::notna, node_)); }
Series Series::fillna(double value) const { return Series(with_number(Op::fillna, node_, value)); }
Series Series::fillna(const std::string& value) const { return Series(with_string(Op::fillna, node_, value)); }
Series Series::abs() const { return Series(unary(Op::abs, node_)); }

Series Series::operator[](const Series& mask) const {
  return Series(column_ref(filter(series_frame(node_), mask.node()), node_->name));
}

Lazy<double> Series::sum() const { auto n = node_; return Lazy<double>([n] { return moments(n).sum; }); }
Lazy<double> Series::mean() const {
  auto n = node_;
  return Lazy<double>([n] {
    const auto m = moments(n);
    return m.n ? m.sum / static_cast<double>(m.n) : std::numeric_limits<double>::quiet_NaN();
  });
}
Lazy<double> Series::min() const {
  auto n = node_;
  return Lazy<double>([n] { const auto m = moments(n); return m.n ? m.min : std::numeric_limits<double>::quiet_NaN(); });
}
Lazy<double> Series::max() const {
  auto n = node_;
  return Lazy<double>([n] { const auto m = moments(n); return m.n ? m.max : std::numeric_limits<double>::quiet_NaN(); });
}
Lazy<std::int64_t> Series::count() const {
  auto n = node_;
  return Lazy<std::int64_t>([n] {
    if (is_numeric(n->dtype) || n->dtype == DType::datetime) return moments(n).n;
    return static_cast<std::int64_t>(moments(unary(Op::notna, n)).sum);  // non-null strings
  });
}
Lazy<double> Series::var(int ddof) const { auto n = node_; return Lazy<double>([n, ddof] { return moments(n).var(ddof); }); }
Lazy<double> Series::std(int ddof) const { auto n = node_; return Lazy<double>([n, ddof] { return std::sqrt(moments(n).var(ddof)); }); }
Lazy<double> Series::quantile(double q) const { auto n = node_; return Lazy<double>([n, q] { return frame_detail::quantile(n, q); }); }

Lazy<std::int64_t> Series::nunique() const {
  auto n = node_;
  return Lazy<std::int64_t>([n] {
    return group_aggregate(series_frame(n), {n->name}, {{n->name, "size"}}, {"size"}).num_rows();
  });
}

Lazy<Table> Series::value_counts() const {
  auto n = node_;
  return Lazy<Table>([n] {
    // The counts column is "count" — "frequency" for a series itself named "count".
    const std::string column = n->name == "count" ? "frequency" : "count";
    const auto counts = group_aggregate(series_frame(n), {n->name}, {{n->name, "size"}}, {column});
    return sort_by(counts, {column, n->name}, {true, false});
  });
}

Lazy<Table> Series::describe() const {
  auto n = node_;
  RANKWISE_CHECK(n->dtype == DType::int64 || n->dtype == DType::float64 || n->dtype == DType::boolean, ValueError,
                 "describe: '" + n->name + "' is " + dtype_name(n->dtype));
  return Lazy<Table>([n] { return frame_detail::describe(series_frame(n), {n->name}); });
}

Table Series::head(std::int64_t n) const { return to_frame().head(n); }
Table Series::tail(std::int64_t n) const { return to_frame().tail(n); }
Table Series::compute() const { return to_frame().compute(); }
DataFrame Series::to_frame() const { return DataFrame(series_frame(node_)); }

// ---- operators ------------------------------------------------------------------------------------
#define RW_SERIES_BINARY(symbol, op)                                                                     \
  Series operator symbol(const Series& a, const Series& b) { return Series(binary(Op::op, a.node(), b.node())); } \
  Series operator symbol(const Series& a, double b) { return Series(with_number(Op::op, a.node(), b)); }
RW_SERIES_BINARY(+, add)
RW_SERIES_BINARY(-, sub)
RW_SERIES_BINARY(*, mul)
RW_SERIES_BINARY(/, div)
RW_SERIES_BINARY(==, eq)
RW_SERIES_BINARY(!=, ne)
RW_SERIES_BINARY(<, lt)
RW_SERIES_BINARY(<=, le)
RW_SERIES_BINARY(>, gt)
RW_SERIES_BINARY(>=, ge)
#undef RW_SERIES_BINARY
Series frame_detail::integer_scalar(const Series& a, const char* op, std::int64_t v, bool first) {
  const std::string s = op;
  const Op o = s == "+" ? Op::add : s == "-" ? Op::sub : s == "*" ? Op::mul : s == "/" ? Op::div : s == "==" ? Op::eq
             : s == "!=" ? Op::ne : s == "<" ? Op::lt : s == "<=" ? Op::le : s == ">" ? Op::gt : Op::ge;
  return Series(with_integer(o, a.node(), v, first));
}
Series operator+(double a, const Series& b) { return Series(with_number(Op::add, b.node(), a, true)); }
Series operator-(double a, const Series& b) { return Series(with_number(Op::sub, b.node(), a, true)); }
Series operator*(double a, const Series& b) { return Series(with_number(Op::mul, b.node(), a, true)); }
Series operator/(double a, const Series& b) { return Series(with_number(Op::div, b.node(), a, true)); }
Series operator-(const Series& a) { return Series(unary(Op::neg, a.node())); }
Series operator==(const Series& a, const std::string& b) { return Series(with_string(Op::eq, a.node(), b)); }
Series operator!=(const Series& a, const std::string& b) { return Series(with_string(Op::ne, a.node(), b)); }
Series operator<(const Series& a, const std::string& b) { return Series(with_string(Op::lt, a.node(), b)); }
Series operator>(const Series& a, const std::string& b) { return Series(with_string(Op::gt, a.node(), b)); }
Series operator&(const Series& a, const Series& b) { return Series(binary(Op::logical_and, a.node(), b.node())); }
Series operator|(const Series& a, const Series& b) { return Series(binary(Op::logical_or, a.node(), b.node())); }
Series operator~(const Series& a) { return Series(unary(Op::logical_not, a.node())); }

// ---- datetime accessor ----------------------------------------------------------------------------
DatetimeAccessor::DatetimeAccessor(const Series& s) : node_(s.node()) {
  RANKWISE_CHECK(node_->dtype == DType::datetime, ValueError,
                 ".dt needs a datetime64[ns] series, '" + node_->name + "' is " + dtype_name(node_->dtype));
}
Series DatetimeAccessor::year() const { return Series(unary(Op::year, node_)); }
Series DatetimeAccessor::month() const { return Series(unary(Op::month, node_)); }
Series DatetimeAccessor::day() const { return Series(unary(Op::day, node_)); }
Series DatetimeAccessor::hour() const { return Series(unary(Op::hour, node_)); }
Series DatetimeAccessor::minute() const { return Series(unary(Op::minute, node_)); }
Series DatetimeAccessor::second() const { return Series(unary(Op::second, node_)); }
Series DatetimeAccessor::dayofweek() const { return Series(unary(Op::dayofweek, node_)); }
Series DatetimeAccessor::date() const { return Series(unary(Op::date, node_)); }

// ---- GroupBy --------------------------------------------------------------------------------------
GroupBy::GroupBy(std::shared_ptr<const FrameNode> frame, std::vector<std::string> keys, std::vector<std::string> columns)
    : frame_(std::move(frame)), keys_(std::move(keys)), columns_(std::move(columns)) {
  RANKWISE_CHECK(!keys_.empty(), ValueError, "groupby: no key columns");
  for (const auto& k : keys_) frame_->dtype_of(k);
  for (const auto& c : columns_) frame_->dtype_of(c);
}

GroupBy GroupBy::operator[](const std::string& column) const { return GroupBy(frame_, keys_, {column}); }
GroupBy GroupBy::operator[](const std::vector<std::string>& columns) const { return GroupBy(frame_, keys_, columns); }

Lazy<Table> GroupBy::agg_all(const std::string& function) const {
  std::vector<std::string> cols = columns_;
  if (cols.empty())
    for (std::size_t i = 0; i < frame_->names.size(); ++i)
      if (is_numeric(frame_->dtypes[i]) && std::find(keys_.begin(), keys_.end(), frame_->names[i]) == keys_.end())
        cols.push_back(frame_->names[i]);
  Aggregations aggs;
  for (const auto& c : cols) aggs.emplace_back(c, function);
  auto frame = frame_;
  auto keys = keys_;
  return Lazy<Table>([frame, keys, aggs, cols] { return group_aggregate(frame, keys, aggs, cols); });
}

Lazy<Table> GroupBy::size() const {
  auto frame = frame_;
  auto keys = keys_;
  return Lazy<Table>([frame, keys] { return group_aggregate(frame, keys, {{keys[0], "size"}}, {"size"}); });
}

Lazy<Table> GroupBy::agg(const std::vector<std::pair<std::string, std::string>>& aggregations) const {
  std::vector<std::string> names;
  for (const auto& [c, f] : aggregations) names.push_back(f == "size" ? std::string("size") : c + "_" + f);
  auto frame = frame_;
  auto keys = keys_;
  return Lazy<Table>([frame, keys, aggregations, names] { return group_aggregate(frame, keys, aggregations, names); });
}

}  // namespace rankwise
