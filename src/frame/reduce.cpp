// Reductions, quantiles, describe and grouped aggregation (see detail/reduce.hpp).
#include "frame/detail/reduce.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>
#include <xxhash.h>

#include "frame/detail/execute.hpp"
#include "rankwise/frame/dataframe.hpp"
#include "rankwise/runtime/collectives.hpp"

namespace rankwise::frame_detail {

namespace {

double pairwise_sum(const double* x, std::size_t n) {
  if (n <= 128) {
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) s += x[i];
    return s;
  }
  const std::size_t h = n / 2;
  return pairwise_sum(x, h) + pairwise_sum(x + h, n - h);
}

std::vector<double> non_null_values(const Column& c) {
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(c.size()));
  for (std::int64_t i = 0; i < c.size(); ++i)
    if (!c.is_null(i)) v.push_back(c.number_at(i));
  return v;
}

Moments moments_of(const std::vector<double>& v) {
  Moments m;
  m.n = static_cast<std::int64_t>(v.size());
  if (v.empty()) return m;
  m.sum = pairwise_sum(v.data(), v.size());
  m.mean = m.sum / static_cast<double>(m.n);
  double m2 = 0;
  for (const double x : v) {
    m2 += (x - m.mean) * (x - m.mean);
    m.min = std::min(m.min, x);
    m.max = std::max(m.max, x);
  }
  m.m2 = m2;
  return m;
}

template <class T>
void put(Bytes& out, const T& v) {
  out.insert(out.end(), reinterpret_cast<const char*>(&v), reinterpret_cast<const char*>(&v) + sizeof v);
}
template <class T>
T take(const Bytes& in, std::size_t& at) {
  T v;
  std::memcpy(&v, in.data() + at, sizeof v);
  at += sizeof v;
  return v;
}

// Quantile summary of one partition: sorted values with weights (all of them when few).
constexpr std::size_t summary_points = 4096;
void put_summary(Bytes& out, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const std::size_t m = std::min(n, summary_points);
  put(out, static_cast<std::int64_t>(m));
  put(out, static_cast<std::int64_t>(n));
  for (std::size_t j = 0; j < m; ++j) {
    const std::size_t r = m == n ? j : static_cast<std::size_t>(std::llround(static_cast<double>(j) * static_cast<double>(n - 1) / static_cast<double>(m - 1)));
    put(out, v[r]);
  }
}
struct Summary {
  std::vector<std::pair<double, double>> points;  // (value, weight)
  double total = 0;
  void read(const Bytes& in, std::size_t& at) {
    const auto m = take<std::int64_t>(in, at), n = take<std::int64_t>(in, at);
    const double w = m > 0 ? static_cast<double>(n) / static_cast<double>(m) : 0;
    for (std::int64_t j = 0; j < m; ++j) points.emplace_back(take<double>(in, at), w);
    total += static_cast<double>(n);
  }
  double quantile(double q) {
    if (points.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(points.begin(), points.end());
    const double pos = q * (total - 1);
    const auto value_at = [&](double rank) {
      double c = 0;
      for (const auto& [v, w] : points) {
        if (rank < c + w) return v;
        c += w;
      }
      return points.back().first;
    };
    const double lo = std::floor(pos);
    const double a = value_at(lo), b = value_at(std::min(lo + 1, total - 1));
    return a + (pos - lo) * (b - a);
  }
};

void put_moments(Bytes& out, const Moments& m) { put(out, m); }

}  // namespace

Moments Moments::of(const Column& c) { return moments_of(non_null_values(c)); }

void Moments::merge(const Moments& o) {
  if (o.n == 0) return;
  if (n == 0) { *this = o; return; }
  const double na = static_cast<double>(n), nb = static_cast<double>(o.n), nt = na + nb;
  const double delta = o.mean - mean;
  sum += o.sum;
  m2 += o.m2 + delta * delta * na * nb / nt;
  n += o.n;
  mean = sum / nt;
  min = std::min(min, o.min);
  max = std::max(max, o.max);
}

namespace {
void require_numeric(const SeriesNode& s, const char* what) {
  if (!is_numeric(s.dtype) && s.dtype != DType::datetime)
    throw ValueError(fmt::format("{}: '{}' is {}, not numeric", what, s.name, dtype_name(s.dtype)));
}
std::shared_ptr<const Needs> needs_of(const SeriesPtr& s) {
  auto needs = std::make_shared<Needs>();
  s->require(*needs);
  return needs;
}
}  // namespace

Moments moments(const SeriesPtr& s) {
  require_numeric(*s, "reduction");
  const auto frame = series_frame(s);
  const auto parts = all_partials(*frame, "moments " + s->name, needs_of(s), [s](EvalContext& ctx) {
    Bytes out;
    put_moments(out, Moments::of(s->eval(ctx, -1)));
    return out;
  });
  Moments total;
  for (const auto& b : parts) {
    std::size_t at = 0;
    total.merge(take<Moments>(b, at));
  }
  return total;
}

std::vector<Moments> column_moments(const FramePtr& frame, const std::vector<std::string>& columns) {
  auto needs = std::make_shared<Needs>();
  needs->add(*frame, ColumnSet(columns.begin(), columns.end()));
  const auto parts = all_partials(*frame, "moments", needs, [frame, columns](EvalContext& ctx) {
    const Table& t = ctx.frame(*frame);
    Bytes out;
    for (const auto& c : columns) put_moments(out, Moments::of(t.col(c)));
    return out;
  });
  std::vector<Moments> total(columns.size());
  for (const auto& b : parts) {
    std::size_t at = 0;
    for (auto& m : total) m.merge(take<Moments>(b, at));
  }
  return total;
}

double quantile(const SeriesPtr& s, double q) {
  require_numeric(*s, "quantile");
  if (!(q >= 0 && q <= 1)) throw ValueError(fmt::format("quantile: q must be in [0, 1], got {}", q));
  const auto frame = series_frame(s);
  const auto parts = all_partials(*frame, "quantile " + s->name, needs_of(s), [s](EvalContext& ctx) {
    Bytes out;
    put_summary(out, non_null_values(s->eval(ctx, -1)));
    return out;
  });
  Summary sum;
  for (const auto& b : parts) {
    std::size_t at = 0;
    sum.read(b, at);
  }
  return sum.quantile(q);
}

Table describe(const FramePtr& frame, const std::vector<std::string>& columns) {
  auto needs = std::make_shared<Needs>();
  needs->add(*frame, ColumnSet(columns.begin(), columns.end()));
  const auto parts = all_partials(*frame, "describe", needs, [frame, columns](EvalContext& ctx) {
    const Table& t = ctx.frame(*frame);
    Bytes out;
    for (const auto& c : columns) {
      auto v = non_null_values(t.col(c));
      put_moments(out, moments_of(v));
      put_summary(out, std::move(v));
    }
    return out;
  });
  Table out;
  Column stat(DType::string);
  for (const char* s : {"count", "mean", "std", "min", "25%", "50%", "75%", "max"}) stat.push_string(s);
  out.add("statistic", std::move(stat));
  std::vector<std::size_t> at(parts.size(), 0);
  for (const auto& c : columns) {
    Moments m;
    Summary sum;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      m.merge(take<Moments>(parts[p], at[p]));
      sum.read(parts[p], at[p]);
    }
    Column col(DType::float64);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    col.push_number(static_cast<double>(m.n));
    col.push_number(m.n ? m.mean : nan);
    col.push_number(std::sqrt(m.var(1)));
    col.push_number(m.n ? m.min : nan);
    for (const double q : {0.25, 0.5, 0.75}) col.push_number(sum.quantile(q));
    col.push_number(m.n ? m.max : nan);
    out.add(c, std::move(col));
  }
  return out;
}

// ---- sorting --------------------------------------------------------------------------------------
namespace {
int compare_rows(const Column& c, std::int64_t i, std::int64_t j) {
  const bool ni = c.is_null(i), nj = c.is_null(j);
  if (ni || nj) return ni == nj ? 0 : ni ? 1 : -1;  // nulls last
  switch (c.dtype()) {
    case DType::string:
    case DType::category: return c.string_at(i).compare(c.string_at(j));
    case DType::int64:
    case DType::datetime: {
      const auto a = c.integers()[static_cast<std::size_t>(i)], b = c.integers()[static_cast<std::size_t>(j)];
      return a < b ? -1 : a > b ? 1 : 0;
    }
    default: {
      const double a = c.number_at(i), b = c.number_at(j);
      return a < b ? -1 : a > b ? 1 : 0;
    }
  }
}
}  // namespace

Table sort_by(const Table& t, const std::vector<std::string>& columns, const std::vector<bool>& descending) {
  std::vector<std::int64_t> rows(static_cast<std::size_t>(t.num_rows()));
  std::iota(rows.begin(), rows.end(), 0);
  std::vector<const Column*> cols;
  for (const auto& c : columns) cols.push_back(&t.col(c));
  std::stable_sort(rows.begin(), rows.end(), [&](std::int64_t a, std::int64_t b) {
    for (std::size_t k = 0; k < cols.size(); ++k) {
      int c = compare_rows(*cols[k], a, b);
      if (k < descending.size() && descending[k]) c = -c;
      if (c != 0) return c < 0;
    }
    return false;
  });
  return t.take(rows);
}

// ---- grouped aggregation --------------------------------------------------------------------------
// A partial is a Table: the key columns, "#size", and per value column v the columns
// v#n v#sum v#mean v#m2 v#min v#max.
namespace {

const char* const stat_names[] = {"#n", "#sum", "#mean", "#m2", "#min", "#max"};

void append_key(std::string& key, const Column& c, std::int64_t i) {
  switch (c.dtype()) {
    case DType::string:
    case DType::category: {
      const auto s = c.string_at(i);
      const auto len = static_cast<std::uint32_t>(s.size());
      key.append(reinterpret_cast<const char*>(&len), sizeof len);
      key.append(s);
      break;
    }
    case DType::int64:
    case DType::datetime: key.append(reinterpret_cast<const char*>(&c.integers()[static_cast<std::size_t>(i)]), 8); break;
    case DType::boolean: key.push_back(static_cast<char>(c.bytes()[static_cast<std::size_t>(i)])); break;
    case DType::float64: {
      double v = c.numbers()[static_cast<std::size_t>(i)];
      if (v == 0) v = 0;  // -0.0 and 0.0 are one group
      key.append(reinterpret_cast<const char*>(&v), 8);
      break;
    }
  }
}

std::string row_key(const std::vector<const Column*>& keys, std::int64_t i) {
  std::string k;
  for (const auto* c : keys) append_key(k, *c, i);
  return k;
}

bool any_null(const std::vector<const Column*>& keys, std::int64_t i) {
  for (const auto* c : keys)
    if (c->is_null(i)) return true;
  return false;
}

// Group index of every row (-1 for a null key) and the first row of each group.
std::pair<std::vector<std::int32_t>, std::vector<std::int64_t>> group_rows(const std::vector<const Column*>& keys, std::int64_t n) {
  std::vector<std::int32_t> gid(static_cast<std::size_t>(n), -1);
  std::vector<std::int64_t> first;
  const Column& k0 = *keys[0];
  const bool single_int = keys.size() == 1 && (k0.dtype() == DType::int64 || k0.dtype() == DType::datetime ||
                                               k0.dtype() == DType::category || k0.dtype() == DType::boolean);
  if (single_int) {  // the common case: one integer-like key, no string building
    absl::flat_hash_map<std::int64_t, std::int32_t> index;
    const bool nulls = k0.has_nulls() || k0.dtype() == DType::category;
    for (std::int64_t i = 0; i < n; ++i) {
      if (nulls && k0.is_null(i)) continue;
      const auto u = static_cast<std::size_t>(i);
      const std::int64_t k = k0.dtype() == DType::category ? k0.codes()[u] : k0.dtype() == DType::boolean ? k0.bytes()[u] : k0.integers()[u];
      const auto [it, inserted] = index.try_emplace(k, static_cast<std::int32_t>(first.size()));
      if (inserted) first.push_back(i);
      gid[u] = it->second;
    }
    return {std::move(gid), std::move(first)};
  }
  absl::flat_hash_map<std::string, std::int32_t> index;
  for (std::int64_t i = 0; i < n; ++i) {
    if (any_null(keys, i)) continue;
    const auto [it, inserted] = index.try_emplace(row_key(keys, i), static_cast<std::int32_t>(first.size()));
    if (inserted) first.push_back(i);
    gid[static_cast<std::size_t>(i)] = it->second;
  }
  return {std::move(gid), std::move(first)};
}

void add_stats(Table& out, const std::string& v, const std::vector<Moments>& ms) {
  Column cn(DType::int64);
  std::vector<double> cols[5];
  for (const auto& m : ms) {
    cn.push_integer(m.n);
    cols[0].push_back(m.sum);
    cols[1].push_back(m.mean);
    cols[2].push_back(m.m2);
    cols[3].push_back(m.min);
    cols[4].push_back(m.max);
  }
  out.add(v + stat_names[0], std::move(cn));
  for (int k = 0; k < 5; ++k) {
    Column c(DType::float64);
    const auto n = static_cast<std::int64_t>(cols[k].size());
    c.mutable_numbers() = std::move(cols[k]);
    c.set_size(n);
    out.add(v + stat_names[k + 1], std::move(c));
  }
}

Moments stats_at(const Table& t, const std::string& v, std::int64_t r) {
  Moments m;
  const auto u = static_cast<std::size_t>(r);
  m.n = t.col(v + stat_names[0]).integers()[u];
  m.sum = t.col(v + stat_names[1]).numbers()[u];
  m.mean = t.col(v + stat_names[2]).numbers()[u];
  m.m2 = t.col(v + stat_names[3]).numbers()[u];
  m.min = t.col(v + stat_names[4]).numbers()[u];
  m.max = t.col(v + stat_names[5]).numbers()[u];
  return m;
}

Table group_partial(const Table& t, const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  std::vector<const Column*> kc;
  for (const auto& k : keys) kc.push_back(&t.col(k));
  const auto [gid, first] = group_rows(kc, t.num_rows());
  const std::size_t groups = first.size();
  Table out = t.select(keys).take(first);
  std::vector<std::int64_t> size(groups, 0);
  for (const auto g : gid) if (g >= 0) ++size[static_cast<std::size_t>(g)];
  Column sc(DType::int64);
  sc.mutable_integers() = size;
  sc.set_size(static_cast<std::int64_t>(groups));
  out.add("#size", std::move(sc));
  for (const auto& v : values) {
    const Column& c = t.col(v);
    std::vector<Moments> ms(groups);
    std::vector<double> x(static_cast<std::size_t>(c.size()));
    std::vector<std::uint8_t> ok(x.size());
    for (std::int64_t i = 0; i < c.size(); ++i) {
      const auto u = static_cast<std::size_t>(i);
      if (gid[u] < 0 || c.is_null(i)) continue;
      x[u] = c.number_at(i);
      ok[u] = 1;
      auto& m = ms[static_cast<std::size_t>(gid[u])];
      ++m.n;
      m.sum += x[u];
      m.min = std::min(m.min, x[u]);
      m.max = std::max(m.max, x[u]);
    }
    for (auto& m : ms) m.mean = m.n ? m.sum / static_cast<double>(m.n) : 0;
    for (std::size_t u = 0; u < x.size(); ++u)
      if (ok[u]) {
        auto& m = ms[static_cast<std::size_t>(gid[u])];
        m.m2 += (x[u] - m.mean) * (x[u] - m.mean);
      }
    add_stats(out, v, ms);
  }
  return out;
}

// Merges partials (in the given order) into one partial.
Table merge_partials(const std::vector<const Table*>& parts, const std::vector<std::string>& keys,
                     const std::vector<std::string>& values, const Table& prototype) {
  absl::flat_hash_map<std::string, std::int32_t> index;
  std::vector<Column> key_cols;
  for (const auto& k : keys) key_cols.emplace_back(prototype.col(k).dtype());
  std::vector<std::int64_t> size;
  std::vector<std::vector<Moments>> ms(values.size());
  for (const Table* t : parts) {
    std::vector<const Column*> kc;
    for (const auto& k : keys) kc.push_back(&t->col(k));
    const auto& sz = t->col("#size").integers();
    for (std::int64_t r = 0; r < t->num_rows(); ++r) {
      const auto [it, inserted] = index.try_emplace(row_key(kc, r), static_cast<std::int32_t>(size.size()));
      if (inserted) {
        for (std::size_t k = 0; k < keys.size(); ++k) key_cols[k].push_from(*kc[k], r);
        size.push_back(0);
        for (auto& m : ms) m.emplace_back();
      }
      const auto g = static_cast<std::size_t>(it->second);
      size[g] += sz[static_cast<std::size_t>(r)];
      for (std::size_t v = 0; v < values.size(); ++v) ms[v][g].merge(stats_at(*t, values[v], r));
    }
  }
  Table out;
  for (std::size_t k = 0; k < keys.size(); ++k) out.add(keys[k], std::move(key_cols[k]));
  Column sc(DType::int64);
  const auto groups = static_cast<std::int64_t>(size.size());
  sc.mutable_integers() = std::move(size);
  sc.set_size(groups);
  out.add("#size", std::move(sc));
  for (std::size_t v = 0; v < values.size(); ++v) add_stats(out, values[v], ms[v]);
  return out;
}

std::int64_t shuffle_threshold = 1 << 16;

}  // namespace

Table group_aggregate(const FramePtr& frame, const std::vector<std::string>& keys, const Aggregations& aggs,
                      const std::vector<std::string>& names) {
  RANKWISE_CHECK(!keys.empty(), ValueError, "groupby: no key columns");
  for (const auto& k : keys) frame->dtype_of(k);
  std::vector<std::string> values;
  for (const auto& [col, fn] : aggs) {
    static const std::vector<std::string> known{"sum", "mean", "count", "min", "max", "var", "std", "size"};
    if (std::find(known.begin(), known.end(), fn) == known.end())
      throw ValueError(fmt::format("groupby: unknown aggregation '{}' (sum, mean, count, min, max, var, std, size)", fn));
    if (fn == "size") continue;
    const DType d = frame->dtype_of(col);
    if (!is_numeric(d) && d != DType::datetime)
      throw ValueError(fmt::format("groupby: cannot take the {} of '{}', a {} column", fn, col, dtype_name(d)));
    if (std::find(values.begin(), values.end(), col) == values.end()) values.push_back(col);
  }
  auto needs = std::make_shared<Needs>();
  ColumnSet cols(keys.begin(), keys.end());
  cols.insert(values.begin(), values.end());
  needs->add(*frame, cols);
  // The empty partial fixes key dtypes for ranks without partitions.
  Table prototype;
  for (const auto& k : keys) prototype.add(k, Column(frame->dtype_of(k)));

  const Bytes merged_bytes = map_combine(
      *frame, "groupby", needs,
      [frame, keys, values](EvalContext& ctx) { return group_partial(ctx.frame(*frame), keys, values).encode(); },
      [keys, values, prototype](const Communicator& comm, const std::vector<std::pair<std::int64_t, const Bytes*>>& local) {
        std::vector<std::pair<std::int64_t, Table>> mine;
        std::int64_t partial_groups = 0;
        for (const auto& [p, b] : local) {
          mine.emplace_back(p, Table::decode(*b));
          partial_groups += mine.back().second.num_rows();
        }
        partial_groups = allreduce(comm, partial_groups, ReduceOp::sum);
        // (partition, table) records to send: to everyone (few groups) or by key hash (many).
        const int P = comm.size();
        const bool shuffle = partial_groups > shuffle_threshold && P > 1;
        std::vector<Bytes> send(static_cast<std::size_t>(shuffle ? P : 1));
        const auto record = [](Bytes& out, std::int64_t p, const Table& t) {
          const auto bytes = t.encode();
          put(out, p);
          put(out, static_cast<std::int64_t>(bytes.size()));
          out.insert(out.end(), bytes.begin(), bytes.end());
        };
        for (const auto& [p, t] : mine) {
          if (!shuffle) { record(send[0], p, t); continue; }
          std::vector<const Column*> kc;
          for (const auto& k : keys) kc.push_back(&t.col(k));
          std::vector<std::vector<std::int64_t>> rows(static_cast<std::size_t>(P));
          for (std::int64_t r = 0; r < t.num_rows(); ++r) {
            const auto key = row_key(kc, r);
            rows[XXH3_64bits(key.data(), key.size()) % static_cast<std::uint64_t>(P)].push_back(r);
          }
          for (int d = 0; d < P; ++d) record(send[static_cast<std::size_t>(d)], p, t.take(rows[static_cast<std::size_t>(d)]));
        }
        const auto decode_records = [](const Bytes& all) {
          std::vector<std::pair<std::int64_t, Table>> out;
          for (std::size_t at = 0; at < all.size();) {
            const auto p = take<std::int64_t>(all, at);
            const auto n = static_cast<std::size_t>(take<std::int64_t>(all, at));
            out.emplace_back(p, Table::decode(std::span<const char>(all.data() + at, n)));
            at += n;
          }
          // Partition order makes the floating-point merge independent of the rank count.
          std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
          return out;
        };
        const auto merge = [&](const std::vector<std::pair<std::int64_t, Table>>& parts) {
          std::vector<const Table*> ptrs;
          for (const auto& [p, t] : parts) ptrs.push_back(&t);
          return merge_partials(ptrs, keys, values, prototype);
        };
        std::vector<std::int64_t> offsets;
        if (!shuffle) {
          const auto all = runtime::detail::allgatherv_bytes(comm, send[0], offsets);
          return merge(decode_records(all)).encode();
        }
        Bytes flat;
        std::vector<std::int64_t> send_offsets{0};
        for (const auto& s : send) {
          flat.insert(flat.end(), s.begin(), s.end());
          send_offsets.push_back(static_cast<std::int64_t>(flat.size()));
        }
        const auto received = runtime::detail::alltoallv_bytes(comm, flat, send_offsets, offsets);
        // This rank's share of the groups, merged; then every rank's share, gathered.
        Bytes mine_merged;
        record(mine_merged, comm.rank(), merge(decode_records(received)));
        const auto all = runtime::detail::allgatherv_bytes(comm, mine_merged, offsets);
        std::vector<Table> shares;
        for (auto& [r, t] : decode_records(all)) shares.push_back(std::move(t));
        return Table::concat(shares).encode();
      });
  const Table merged = Table::decode(merged_bytes);

  // Final columns from the merged statistics.
  Table out = merged.select(keys);
  const auto groups = merged.num_rows();
  for (std::size_t a = 0; a < aggs.size(); ++a) {
    const auto& [col, fn] = aggs[a];
    if (fn == "size") { out.add(names[a], merged.col("#size")); continue; }
    const bool ints = frame->dtype_of(col) == DType::int64 || frame->dtype_of(col) == DType::boolean;
    Column c((fn == "count") || (ints && (fn == "sum" || fn == "min" || fn == "max")) ? DType::int64 : DType::float64);
    for (std::int64_t r = 0; r < groups; ++r) {
      const Moments m = stats_at(merged, col, r);
      if (fn == "count") { c.push_integer(m.n); continue; }
      if (m.n == 0 && fn != "sum") { c.push_null(); continue; }
      double v = 0;
      if (fn == "sum") v = m.sum;
      else if (fn == "mean") v = m.sum / static_cast<double>(m.n);
      else if (fn == "min") v = m.min;
      else if (fn == "max") v = m.max;
      else if (fn == "var") v = m.var(1);
      else v = std::sqrt(m.var(1));
      if (c.dtype() == DType::int64) c.push_integer(static_cast<std::int64_t>(v));
      else c.push_number(v);
    }
    out.add(names[a], std::move(c));
  }
  return sort_by(out, keys);
}

}  // namespace rankwise::frame_detail

std::int64_t rankwise::frame::set_groupby_shuffle_threshold(std::int64_t groups) {
  return std::exchange(frame_detail::shuffle_threshold, groups);
}
