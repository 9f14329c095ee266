// Frame and series nodes: schemas at construction, needed columns, per-partition evaluation.
#include "frame/detail/plan.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "io/detail/csv_tokenizer.hpp"
#include "rankwise/error.hpp"

namespace rankwise::frame_detail {

// ---- needs and evaluation context -----------------------------------------------------------------
void Needs::add(const FrameNode& node, const ColumnSet& columns) {
  auto& have = columns_[&node];
  ColumnSet added;
  for (const auto& c : columns)
    if (have.insert(c).second) added.insert(c);
  if (!added.empty() || columns.empty()) node.propagate(*this, added);
}

void Needs::add_all(const FrameNode& node) { add(node, ColumnSet(node.names.begin(), node.names.end())); }

const ColumnSet& Needs::of(const FrameNode& node) const {
  static const ColumnSet none;
  const auto it = columns_.find(&node);
  return it == columns_.end() ? none : it->second;
}

const Table& EvalContext::frame(const FrameNode& node, std::int64_t row_limit) {
  const auto key = std::make_pair(&node, row_limit);
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  return memo_.emplace(key, node.eval(*this, row_limit)).first->second;
}

std::int64_t FrameNode::index_of(const std::string& name) const {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : it - names.begin();
}

DType FrameNode::dtype_of(const std::string& name) const {
  const auto i = index_of(name);
  if (i < 0) throw IndexError(fmt::format("no column '{}' (columns: {})", name, fmt::join(names, ", ")));
  return dtypes[static_cast<std::size_t>(i)];
}

namespace {

// Columns of `needed` in the frame's column order (a Table keeps that order).
std::vector<std::string> in_order(const FrameNode& f, const ColumnSet& needed) {
  std::vector<std::string> out;
  for (const auto& n : f.names)
    if (needed.count(n)) out.push_back(n);
  return out;
}

// ---- frame nodes ----------------------------------------------------------------------------------
struct CsvFrame final : FrameNode {
  std::shared_ptr<const io::csv_detail::CsvSource> source;
  void propagate(Needs&, const ColumnSet&) const override {}
  Table eval(EvalContext& ctx, std::int64_t row_limit) const override {
    std::vector<int> wanted;
    const auto& needed = ctx.needs().of(*this);
    for (std::size_t k = 0; k < names.size(); ++k)
      if (needed.count(names[k])) wanted.push_back(static_cast<int>(k));
    return io::csv_detail::read_partition(*source, ctx.partition(), wanted, row_limit);
  }
  std::string label() const override { return "read-csv"; }
};

struct TablesFrame final : FrameNode {
  std::shared_ptr<const std::map<std::int64_t, Table>> local;
  void propagate(Needs&, const ColumnSet&) const override {}
  Table eval(EvalContext& ctx, std::int64_t) const override {
    const auto it = local->find(ctx.partition());
    if (it == local->end()) throw Error(fmt::format("partition {} is not held by this rank", ctx.partition()));
    return it->second.select(in_order(*this, ctx.needs().of(*this)));
  }
  std::string label() const override { return "partition"; }
};

struct ProjectFrame final : FrameNode {
  FramePtr in;
  void propagate(Needs& needs, const ColumnSet& columns) const override { needs.add(*in, columns); }
  Table eval(EvalContext& ctx, std::int64_t row_limit) const override {
    return ctx.frame(*in, row_limit).select(in_order(*this, ctx.needs().of(*this)));
  }
  std::string label() const override { return "project"; }
};

struct AssignFrame final : FrameNode {
  FramePtr in;
  std::string column;
  SeriesPtr value;
  void propagate(Needs& needs, const ColumnSet& columns) const override {
    ColumnSet rest = columns;
    const bool wanted = rest.erase(column) > 0;
    needs.add(*in, rest);
    if (wanted) value->require(needs);
  }
  Table eval(EvalContext& ctx, std::int64_t row_limit) const override {
    const auto& needed = ctx.needs().of(*this);
    Table base = ctx.frame(*in, row_limit);
    Table out = base.select({});  // keeps the row count when no column is needed
    for (const auto& n : names) {
      if (!needed.count(n)) continue;
      if (n == column) {
        Column c = value->eval(ctx, row_limit);
        if (c.size() != base.num_rows() && base.num_columns() > 0) c = c.slice(0, base.num_rows());
        out.add(n, std::move(c));
      } else {
        out.add(n, base.col(n));
      }
    }
    return out;
  }
  std::string label() const override { return "assign"; }
};

struct FilterFrame final : FrameNode {
  FramePtr in;
  SeriesPtr mask;
  void propagate(Needs& needs, const ColumnSet& columns) const override {
    needs.add(*in, columns);
    mask->require(needs);
  }
  Table eval(EvalContext& ctx, std::int64_t) const override {
    const Column m = mask->eval(ctx, -1);
    const Table& base = ctx.frame(*in, -1);
    return base.select(in_order(*this, ctx.needs().of(*this))).filter(m.bytes());
  }
  std::string label() const override { return "filter"; }
};

struct DropNaFrame final : FrameNode {
  FramePtr in;
  std::vector<std::string> subset;
  void propagate(Needs& needs, const ColumnSet& columns) const override {
    ColumnSet all = columns;
    all.insert(subset.begin(), subset.end());
    needs.add(*in, all);
  }
  Table eval(EvalContext& ctx, std::int64_t) const override {
    const Table& base = ctx.frame(*in, -1);
    std::vector<std::uint8_t> keep(static_cast<std::size_t>(base.num_rows()), 1);
    for (const auto& n : subset) {
      const Column& c = base.col(n);
      for (std::int64_t i = 0; i < c.size(); ++i)
        if (c.is_null(i)) keep[static_cast<std::size_t>(i)] = 0;
    }
    return base.select(in_order(*this, ctx.needs().of(*this))).filter(keep);
  }
  std::string label() const override { return "dropna"; }
};

struct SampleFrame final : FrameNode {
  FramePtr in;
  double frac = 0;
  std::uint64_t seed = 0;
  void propagate(Needs& needs, const ColumnSet& columns) const override { needs.add(*in, columns); }
  Table eval(EvalContext& ctx, std::int64_t) const override {
    const Table& base = ctx.frame(*in, -1);
    // Philox keyed on (seed, partition), counter = row: the same rows for the same partitioning.
    using Philox = r123::Philox4x64;
    Philox gen;
    Philox::key_type key = {{seed, static_cast<std::uint64_t>(ctx.partition())}};
    std::vector<std::uint8_t> keep(static_cast<std::size_t>(base.num_rows()));
    for (std::size_t i = 0; i < keep.size(); ++i) {
      const Philox::ctr_type ctr = {{static_cast<std::uint64_t>(i), 0, 0, 0}};
      const auto r = gen(ctr, key);
      keep[i] = static_cast<double>(r[0] >> 11) * 0x1.0p-53 < frac;
    }
    return base.select(in_order(*this, ctx.needs().of(*this))).filter(keep);
  }
  std::string label() const override { return "sample"; }
};

struct SeriesFrame final : FrameNode {
  SeriesPtr series;
  // The series is always evaluated: its length is the frame's row count.
  void propagate(Needs& needs, const ColumnSet&) const override { series->require(needs); }
  Table eval(EvalContext& ctx, std::int64_t row_limit) const override {
    Table t;
    t.add(series->name, series->eval(ctx, row_limit));
    return ctx.needs().of(*this).count(series->name) ? t : t.select({});
  }
  std::string label() const override { return "series"; }
};

template <class Node>
std::shared_ptr<Node> derived(const FramePtr& in, bool keeps_rows) {
  auto node = std::make_shared<Node>();
  node->names = in->names;
  node->dtypes = in->dtypes;
  node->nparts = in->nparts;
  node->owners = in->owners;
  if (keeps_rows) node->row_root = in->row_root;
  node->in = in;
  return node;
}

}  // namespace

FramePtr csv_frame(std::shared_ptr<const io::csv_detail::CsvSource> source) {
  auto node = std::make_shared<CsvFrame>();
  const auto schema = source->schema();
  node->names = schema.names;
  node->dtypes = schema.dtypes;
  node->nparts = static_cast<std::int64_t>(source->partitions.size());
  node->source = std::move(source);
  return node;
}

FramePtr tables_frame(std::vector<std::string> names, std::vector<DType> dtypes, std::int64_t nparts,
                      std::shared_ptr<const std::map<std::int64_t, Table>> local,
                      std::shared_ptr<const OwnerMap> owners) {
  auto node = std::make_shared<TablesFrame>();
  node->owners = std::move(owners);
  node->names = std::move(names);
  node->dtypes = std::move(dtypes);
  node->nparts = nparts;
  node->local = std::move(local);
  return node;
}

FramePtr project(FramePtr in, std::vector<std::string> columns) {
  auto node = derived<ProjectFrame>(in, true);
  node->names.clear();
  node->dtypes.clear();
  for (const auto& c : columns) {
    if (std::find(node->names.begin(), node->names.end(), c) != node->names.end())
      throw ValueError(fmt::format("column '{}' selected twice", c));
    node->dtypes.push_back(in->dtype_of(c));
    node->names.push_back(c);
  }
  return node;
}

FramePtr assign(FramePtr in, std::string name, SeriesPtr value) {
  if (value->row_root != in->row_root)
    throw ValueError(fmt::format("cannot assign '{}': the series is not row-aligned with the frame "
                                 "(it comes from a differently filtered or read frame)", name));
  auto node = derived<AssignFrame>(in, true);
  if (const auto i = in->index_of(name); i >= 0) node->dtypes[static_cast<std::size_t>(i)] = value->dtype;
  else {
    node->names.push_back(name);
    node->dtypes.push_back(value->dtype);
  }
  node->column = std::move(name);
  node->value = std::move(value);
  return node;
}

FramePtr filter(FramePtr in, SeriesPtr mask) {
  if (mask->dtype != DType::boolean) throw ValueError("a row filter needs a bool series, got " + dtype_name(mask->dtype));
  if (mask->row_root != in->row_root)
    throw ValueError("the filter mask is not row-aligned with the frame (it comes from a differently filtered frame)");
  auto node = derived<FilterFrame>(in, false);
  node->mask = std::move(mask);
  return node;
}

FramePtr dropna(FramePtr in, std::vector<std::string> subset) {
  if (subset.empty()) subset = in->names;
  for (const auto& c : subset) in->dtype_of(c);
  auto node = derived<DropNaFrame>(in, false);
  node->subset = std::move(subset);
  return node;
}

FramePtr sample(FramePtr in, double frac, std::uint64_t seed) {
  if (!(frac >= 0 && frac <= 1)) throw ValueError(fmt::format("sample: frac must be in [0, 1], got {}", frac));
  auto node = derived<SampleFrame>(in, false);
  node->frac = frac;
  node->seed = seed;
  return node;
}

FramePtr series_frame(SeriesPtr s) {
  auto node = std::make_shared<SeriesFrame>();
  node->names = {s->name};
  node->dtypes = {s->dtype};
  node->nparts = s->nparts;
  node->row_root = s->row_root;
  node->owners = s->row_root->owners;
  node->series = std::move(s);
  return node;
}

// ---- series nodes ---------------------------------------------------------------------------------
namespace {

struct ColumnRef final : SeriesNode {
  FramePtr frame;
  void require(Needs& needs) const override { needs.add(*frame, {name}); }
  Column eval(EvalContext& ctx, std::int64_t row_limit) const override { return ctx.frame(*frame, row_limit).col(name); }
};

// Calls f(i, x) for every non-null value as a double.
template <class F>
void each_number(const Column& c, F f) {
  const auto n = c.size();
  switch (c.dtype()) {
    case DType::float64: { const auto v = c.numbers(); for (std::int64_t i = 0; i < n; ++i) if (v[i] == v[i]) f(i, v[i]); break; }
    case DType::int64:
    case DType::datetime: {
      const auto v = c.integers();
      if (!c.has_nulls()) { for (std::int64_t i = 0; i < n; ++i) f(i, static_cast<double>(v[i])); }
      else for (std::int64_t i = 0; i < n; ++i) if (!c.is_null(i)) f(i, static_cast<double>(v[i]));
      break;
    }
    case DType::boolean: { const auto v = c.bytes(); for (std::int64_t i = 0; i < n; ++i) if (!c.is_null(i)) f(i, v[i]); break; }
    default: throw ValueError("not a numeric column: " + dtype_name(c.dtype()));
  }
}

// Values as doubles, NaN for nulls.
std::vector<double> as_doubles(const Column& c) {
  std::vector<double> out(static_cast<std::size_t>(c.size()), std::numeric_limits<double>::quiet_NaN());
  each_number(c, [&](std::int64_t i, double x) { out[static_cast<std::size_t>(i)] = x; });
  return out;
}

bool integral(DType d) { return d == DType::int64 || d == DType::boolean; }

Column from_doubles(std::vector<double>&& v) {
  Column c(DType::float64);
  const auto n = static_cast<std::int64_t>(v.size());
  c.mutable_numbers() = std::move(v);
  c.set_size(n);
  return c;
}

Column from_bools(std::vector<std::uint8_t>&& v) {
  Column c(DType::boolean);
  const auto n = static_cast<std::int64_t>(v.size());
  c.mutable_bytes() = std::move(v);
  c.set_size(n);
  return c;
}

std::int64_t checked_rows(const Column& a, const Column& b) {
  if (a.size() != b.size()) {
    // Row-limited evaluations (head) may differ in length: the caller trims.
    return std::min(a.size(), b.size());
  }
  return a.size();
}

struct Map final : SeriesNode {
  Op op = Op::add;
  std::vector<SeriesPtr> inputs;
  double number = 0;
  std::string text;
  std::vector<std::string> categories;  // Op::categorize
  bool has_number = false, scalar_first = false, has_text = false;
  DType target = DType::float64;

  void require(Needs& needs) const override { for (const auto& s : inputs) s->require(needs); }

  Column eval(EvalContext& ctx, std::int64_t row_limit) const override {
    Column a = inputs[0]->eval(ctx, row_limit);
    if (inputs.size() == 2) return eval_binary(a, inputs[1]->eval(ctx, row_limit));
    if (has_number) {
      // The scalar as a constant column: int64 when the result stays integral.
      Column b(dtype == DType::int64 ? DType::int64 : DType::float64);
      for (std::int64_t i = 0; i < a.size(); ++i)
        dtype == DType::int64 ? b.push_integer(static_cast<std::int64_t>(number)) : b.push_number(number);
      return scalar_first ? eval_binary(b, a) : eval_binary(a, b);
    }
    if (has_text && op != Op::fillna) return eval_text(a);
    return eval_unary(a);
  }

  Column eval_binary(const Column& a, const Column& b) const {
    const auto n = checked_rows(a, b);
    const bool ints = integral(a.dtype()) && integral(b.dtype()) && (op == Op::add || op == Op::sub || op == Op::mul);
    if (op == Op::logical_and || op == Op::logical_or) {
      std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        const bool x = !a.is_null(i) && a.bytes()[i], y = !b.is_null(i) && b.bytes()[i];
        out[static_cast<std::size_t>(i)] = op == Op::logical_and ? (x && y) : (x || y);
      }
      return from_bools(std::move(out));
    }
    if (a.dtype() == DType::string || a.dtype() == DType::category || b.dtype() == DType::string || b.dtype() == DType::category) {
      std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i)
        out[static_cast<std::size_t>(i)] = a.is_null(i) || b.is_null(i) ? op == Op::ne : compare(a.string_at(i).compare(b.string_at(i)));
      return from_bools(std::move(out));
    }
    if (ints) {
      Column out(DType::int64);
      out.reserve(n);
      for (std::int64_t i = 0; i < n; ++i) {
        if (a.is_null(i) || b.is_null(i)) { out.push_null(); continue; }
        const std::int64_t x = a.dtype() == DType::boolean ? a.bytes()[i] : a.integers()[i];
        const std::int64_t y = b.dtype() == DType::boolean ? b.bytes()[i] : b.integers()[i];
        out.push_integer(op == Op::add ? x + y : op == Op::sub ? x - y : x * y);
      }
      return out;
    }
    const auto x = as_doubles(a), y = as_doubles(b);
    if (op == Op::add || op == Op::sub || op == Op::mul || op == Op::div) {
      std::vector<double> out(static_cast<std::size_t>(n));
      for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = op == Op::add ? x[i] + y[i] : op == Op::sub ? x[i] - y[i] : op == Op::mul ? x[i] * y[i] : x[i] / y[i];
      return from_doubles(std::move(out));
    }
    std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < out.size(); ++i) {
      const double u = x[i], v = y[i];
      out[i] = (u == u && v == v) ? compare(u < v ? -1 : u > v ? 1 : 0) : op == Op::ne;  // null != x, as in pandas
    }
    return from_bools(std::move(out));
  }

  bool compare(int c) const {
    switch (op) {
      case Op::eq: return c == 0;
      case Op::ne: return c != 0;
      case Op::lt: return c < 0;
      case Op::le: return c <= 0;
      case Op::gt: return c > 0;
      case Op::ge: return c >= 0;
      default: return false;
    }
  }

  Column eval_text(const Column& a) const {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(a.size()));
    if (a.dtype() == DType::datetime) {
      std::int64_t t = 0;
      io::csv_detail::parse_datetime(text, t);
      for (std::int64_t i = 0; i < a.size(); ++i) {
        const auto v = a.integers()[i];
        out[static_cast<std::size_t>(i)] = a.is_null(i) ? op == Op::ne : compare(v < t ? -1 : v > t ? 1 : 0);
      }
    } else {
      for (std::int64_t i = 0; i < a.size(); ++i)
        out[static_cast<std::size_t>(i)] = a.is_null(i) ? op == Op::ne : compare(a.string_at(i).compare(text));
    }
    return from_bools(std::move(out));
  }

  Column eval_unary(const Column& a) const;
};

Column convert(const Column& a, DType to, const std::string& name) {
  const auto n = a.size();
  Column out(to);
  out.reserve(n);
  const DType from = a.dtype();
  if (from == to && to != DType::category) return a;
  if (to == DType::string || to == DType::category) {
    std::vector<std::string> cats;
    if (to == DType::category) {
      for (std::int64_t i = 0; i < n; ++i) if (!a.is_null(i)) cats.push_back(a.format(i));
      std::sort(cats.begin(), cats.end());
      cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
      out.set_categories(cats);
    }
    for (std::int64_t i = 0; i < n; ++i) {
      if (a.is_null(i)) { out.push_null(); continue; }
      const auto s = a.format(i);
      if (to == DType::string) out.push_string(s);
      else out.push_code(static_cast<std::int32_t>(std::lower_bound(cats.begin(), cats.end(), s) - cats.begin()));
    }
    return out;
  }
  const auto fail = [&](std::int64_t i) {
    return ValueError(fmt::format("astype({}): column '{}': cannot convert '{}'", dtype_name(to), name, a.format(i)));
  };
  for (std::int64_t i = 0; i < n; ++i) {
    if (a.is_null(i)) { out.push_null(); continue; }
    const bool text = from == DType::string || from == DType::category;
    const std::string_view s = text ? a.string_at(i) : std::string_view{};
    switch (to) {
      case DType::float64: {
        double v;
        if (text) { if (!io::csv_detail::parse_double(s, v)) throw fail(i); }
        else v = a.number_at(i);
        out.push_number(v);
        break;
      }
      case DType::int64: {
        std::int64_t v;
        if (text) { if (!io::csv_detail::parse_int(s, v)) throw fail(i); }
        else if (from == DType::float64) v = static_cast<std::int64_t>(std::trunc(a.numbers()[i]));
        else if (from == DType::boolean) v = a.bytes()[i];
        else v = a.integers()[i];
        out.push_integer(v);
        break;
      }
      case DType::boolean: {
        bool v;
        if (text) { if (!io::csv_detail::parse_bool(s, v)) throw fail(i); }
        else v = a.number_at(i) != 0;
        out.push_bool(v);
        break;
      }
      case DType::datetime: {
        std::int64_t v;
        if (text) { if (!io::csv_detail::parse_datetime(s, v)) throw fail(i); }
        else if (from == DType::float64) v = static_cast<std::int64_t>(a.numbers()[i]);
        else if (from == DType::int64) v = a.integers()[i];
        else throw fail(i);
        out.push_integer(v);
        break;
      }
      default: break;
    }
  }
  return out;
}

Column Map::eval_unary(const Column& a) const {
  const auto n = a.size();
  switch (op) {
    case Op::rename: return a;
    case Op::astype: return convert(a, target, inputs[0]->name);
    case Op::categorize: {
      Column out(DType::category);
      out.set_categories(categories);
      out.reserve(n);
      for (std::int64_t i = 0; i < n; ++i) {
        if (a.is_null(i)) { out.push_null(); continue; }
        const auto s = a.dtype() == DType::string || a.dtype() == DType::category ? std::string(a.string_at(i)) : a.format(i);
        const auto it = std::lower_bound(categories.begin(), categories.end(), s);
        if (it == categories.end() || *it != s) out.push_null();
        else out.push_code(static_cast<std::int32_t>(it - categories.begin()));
      }
      return out;
    }
    case Op::isna:
    case Op::notna: {
      std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = a.is_null(i) == (op == Op::isna);
      return from_bools(std::move(out));
    }
    case Op::logical_not: {
      std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = !(a.bytes()[i] && !a.is_null(i));
      return from_bools(std::move(out));
    }
    case Op::neg:
    case Op::abs: {
      if (a.dtype() == DType::int64) {
        Column out(DType::int64);
        for (std::int64_t i = 0; i < n; ++i) {
          if (a.is_null(i)) { out.push_null(); continue; }
          const auto v = a.integers()[i];
          out.push_integer(op == Op::neg ? -v : v < 0 ? -v : v);
        }
        return out;
      }
      auto v = as_doubles(a);
      for (auto& x : v) x = op == Op::neg ? -x : std::fabs(x);
      return from_doubles(std::move(v));
    }
    case Op::fillna: {
      if (has_text) {
        Column out(DType::string);
        for (std::int64_t i = 0; i < n; ++i) out.push_string(a.is_null(i) ? std::string_view(text) : a.string_at(i));
        return out;
      }
      if (dtype == DType::int64) {
        Column out(DType::int64);
        for (std::int64_t i = 0; i < n; ++i) out.push_integer(a.is_null(i) ? static_cast<std::int64_t>(number) : a.integers()[i]);
        return out;
      }
      auto v = as_doubles(a);
      for (auto& x : v) if (x != x) x = number;
      return from_doubles(std::move(v));
    }
    default: break;
  }
  // datetime fields
  Column out(op == Op::date ? DType::datetime : DType::int64);
  out.reserve(n);
  constexpr std::int64_t ns_per_day = 86'400'000'000'000;
  for (std::int64_t i = 0; i < n; ++i) {
    if (a.is_null(i)) { out.push_null(); continue; }
    const std::int64_t t = a.integers()[i];
    std::int64_t days = t / ns_per_day, rem = t % ns_per_day;
    if (rem < 0) { rem += ns_per_day; --days; }
    const std::int64_t secs = rem / 1'000'000'000;
    std::int64_t v = 0;
    switch (op) {
      case Op::hour: v = secs / 3600; break;
      case Op::minute: v = secs / 60 % 60; break;
      case Op::second: v = secs % 60; break;
      case Op::dayofweek: v = ((days + 3) % 7 + 7) % 7; break;
      case Op::date: v = days * ns_per_day; break;
      default: {
        const auto s = format_datetime(t, true);  // YYYY-MM-DD
        const int y = std::stoi(s.substr(0, s.size() - 6)), m = std::stoi(s.substr(s.size() - 5, 2)), d = std::stoi(s.substr(s.size() - 2));
        v = op == Op::year ? y : op == Op::month ? m : d;
      }
    }
    out.push_integer(v);
  }
  return out;
}

bool is_text(DType d) { return d == DType::string || d == DType::category; }

std::shared_ptr<Map> make_map(Op op, const SeriesPtr& a) {
  auto m = std::make_shared<Map>();
  m->op = op;
  m->inputs = {a};
  m->name = a->name;
  m->nparts = a->nparts;
  m->row_root = a->row_root;
  return m;
}

bool is_comparison(Op op) { return op == Op::eq || op == Op::ne || op == Op::lt || op == Op::le || op == Op::gt || op == Op::ge; }
bool is_arithmetic(Op op) { return op == Op::add || op == Op::sub || op == Op::mul || op == Op::div; }

std::string op_symbol(Op op) {
  switch (op) {
    case Op::add: return "+"; case Op::sub: return "-"; case Op::mul: return "*"; case Op::div: return "/";
    case Op::eq: return "=="; case Op::ne: return "!="; case Op::lt: return "<"; case Op::le: return "<=";
    case Op::gt: return ">"; case Op::ge: return ">="; case Op::logical_and: return "&"; case Op::logical_or: return "|";
    default: return "?";
  }
}

}  // namespace

SeriesPtr column_ref(FramePtr frame, const std::string& name) {
  auto s = std::make_shared<ColumnRef>();
  s->dtype = frame->dtype_of(name);
  s->name = name;
  s->nparts = frame->nparts;
  s->row_root = frame->row_root;
  s->frame = std::move(frame);
  return s;
}

SeriesPtr unary(Op op, SeriesPtr a, DType target) {
  auto m = make_map(op, a);
  const DType d = a->dtype;
  switch (op) {
    case Op::isna: case Op::notna: m->dtype = DType::boolean; break;
    case Op::logical_not:
      if (d != DType::boolean) throw ValueError("~ needs a bool series, '" + a->name + "' is " + dtype_name(d));
      m->dtype = DType::boolean;
      break;
    case Op::neg: case Op::abs:
      if (!is_numeric(d)) throw ValueError("'" + a->name + "' is " + dtype_name(d) + ", not numeric");
      m->dtype = d == DType::int64 ? DType::int64 : DType::float64;
      break;
    case Op::astype: m->dtype = target; m->target = target; break;
    case Op::rename: m->dtype = d; break;
    default:  // datetime fields
      if (d != DType::datetime) throw ValueError(".dt needs a datetime64[ns] series, '" + a->name + "' is " + dtype_name(d));
      m->dtype = op == Op::date ? DType::datetime : DType::int64;
  }
  return m;
}

SeriesPtr binary(Op op, SeriesPtr a, SeriesPtr b) {
  if (a->row_root != b->row_root)
    throw ValueError(fmt::format("'{}' {} '{}': the series are not row-aligned (they come from differently filtered or read frames)",
                                 a->name, op_symbol(op), b->name));
  auto m = make_map(op, a);
  m->inputs.push_back(b);
  if (op == Op::logical_and || op == Op::logical_or) {
    if (a->dtype != DType::boolean || b->dtype != DType::boolean) throw ValueError(op_symbol(op) + " needs bool series");
    m->dtype = DType::boolean;
  } else if (is_comparison(op)) {
    if (is_text(a->dtype) != is_text(b->dtype))
      throw ValueError(fmt::format("cannot compare '{}' ({}) with '{}' ({})", a->name, dtype_name(a->dtype), b->name, dtype_name(b->dtype)));
    m->dtype = DType::boolean;
  } else {
    if (!is_numeric(a->dtype) || !is_numeric(b->dtype))
      throw ValueError(fmt::format("'{}' ({}) {} '{}' ({}): arithmetic needs numeric series", a->name, dtype_name(a->dtype),
                                   op_symbol(op), b->name, dtype_name(b->dtype)));
    m->dtype = op != Op::div && integral(a->dtype) && integral(b->dtype) ? DType::int64 : DType::float64;
  }
  return m;
}

SeriesPtr with_number(Op op, SeriesPtr a, double b, bool scalar_first) {
  auto m = make_map(op, a);
  m->number = b;
  m->has_number = op != Op::fillna;
  m->scalar_first = scalar_first;
  const DType d = a->dtype;
  if (op == Op::fillna) {
    if (!is_numeric(d)) throw ValueError("fillna(number) on '" + a->name + "', a " + dtype_name(d) + " column");
    m->dtype = d == DType::int64 && b == std::trunc(b) ? DType::int64 : DType::float64;
    if (d == DType::boolean) m->dtype = DType::float64;
    return m;
  }
  if (!is_numeric(d)) throw ValueError(fmt::format("'{}' is {}, not numeric", a->name, dtype_name(d)));
  m->dtype = is_comparison(op) ? DType::boolean : DType::float64;  // a double scalar gives float64, as in pandas
  return m;
}

SeriesPtr with_string(Op op, SeriesPtr a, std::string b) {
  auto m = make_map(op, a);
  m->text = std::move(b);
  m->has_text = true;
  if (op == Op::fillna) {
    if (!is_text(a->dtype)) throw ValueError("fillna(string) on '" + a->name + "', a " + dtype_name(a->dtype) + " column");
    m->dtype = DType::string;
    return m;
  }
  if (!is_text(a->dtype) && a->dtype != DType::datetime)
    throw ValueError(fmt::format("cannot compare '{}' ({}) with a string", a->name, dtype_name(a->dtype)));
  if (a->dtype == DType::datetime) {
    std::int64_t t;
    if (!io::csv_detail::parse_datetime(m->text, t)) throw ValueError("not a datetime: '" + m->text + "'");
  }
  m->dtype = DType::boolean;
  return m;
}

namespace {
struct MissingColumn final : SeriesNode {
  std::vector<std::string> known;
  [[noreturn]] void fail() const {
    throw IndexError(fmt::format("no column '{}' (columns: {})", name, fmt::join(known, ", ")));
  }
  void require(Needs&) const override { fail(); }
  Column eval(EvalContext&, std::int64_t) const override { fail(); }
};
}  // namespace

SeriesPtr missing_column(FramePtr frame, const std::string& name) {
  auto s = std::make_shared<MissingColumn>();
  s->name = name;
  s->nparts = frame->nparts;
  s->row_root = frame->row_root;
  s->known = frame->names;
  return s;
}

SeriesPtr with_integer(Op op, SeriesPtr a, std::int64_t v, bool scalar_first) {
  auto m = std::static_pointer_cast<const Map>(with_number(op, a, static_cast<double>(v), scalar_first));
  if (is_arithmetic(op) && op != Op::div && integral(a->dtype)) std::const_pointer_cast<Map>(m)->dtype = DType::int64;
  return m;
}

SeriesPtr categorized(SeriesPtr a, std::vector<std::string> categories) {
  std::sort(categories.begin(), categories.end());
  categories.erase(std::unique(categories.begin(), categories.end()), categories.end());
  auto m = make_map(Op::categorize, a);
  m->dtype = DType::category;
  m->categories = std::move(categories);
  return m;
}

SeriesPtr renamed(SeriesPtr a, std::string name) {
  auto m = make_map(Op::rename, a);
  m->dtype = a->dtype;
  m->name = std::move(name);
  return m;
}

}  // namespace rankwise::frame_detail
