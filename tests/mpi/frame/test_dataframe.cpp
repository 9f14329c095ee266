// DataFrame / Series operations at 1, 2 and 3 ranks (read_csv itself is test_read_csv's):
// derived columns (arithmetic, astype, comparisons, & | ~, isna / fillna, datetime fields),
// ColumnSlot and assign, boolean filters and s[mask], dropna / fillna, head / tail over many
// partitions, sample, persist, quantile, Series.describe, groupby, to_csv round trips,
// to_array / from_array / from_table, Table itself, and the user errors (the documented class,
// with the same clear message, on every rank).
//
// References: tests/data/frame/ops_expected.json, computed with pandas 1.5 by
// make_ops_fixtures.py from basic.csv, big.csv and multi/part-*.csv (the rankwise dtype each
// expression must have is written next to it below: pandas' dtypes differ by design, e.g.
// nullable int64). Checks that are properties rather than pandas calls (sample, persist, round
// trips, printing, conversions) compare rankwise with the input files or with itself.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rankwise/array/random.hpp"
#include "rankwise/rankwise.hpp"
#include "support/mpi_test.hpp"

namespace rw = rankwise;
using nlohmann::json;
using rw::testing::comm;
using rw::testing::data_path;
using Names = std::vector<std::string>;
using Ids = std::vector<std::int64_t>;

namespace {

// ---- fixtures -------------------------------------------------------------------------------------
const json& expected() {
  static const json j = [] {
    std::ifstream in(data_path("frame/ops_expected.json"));
    return json::parse(in);
  }();
  return j;
}

// Small blocks, so that every frame has several partitions per rank (rank-count independent).
rw::DataFrame basic(std::int64_t blocksize = 256) {  // 40 rows, 8 partitions
  return rw::read_csv(data_path("frame/basic.csv"), {.blocksize = blocksize});
}
rw::DataFrame big(std::int64_t blocksize = 512) {  // 300 rows, 11 partitions
  return rw::read_csv(data_path("frame/big.csv"), {.blocksize = blocksize});
}
rw::DataFrame multi(std::int64_t blocksize = 512) {  // 88 rows over 3 files, 7 partitions
  return rw::read_csv(data_path("frame/multi/part-*.csv"), {.blocksize = blocksize});
}

std::string dtype_of(const rw::DataFrame& d, const std::string& column) {
  for (const auto& [name, type] : d.dtypes())
    if (name == column) return rw::dtype_name(type);
  return "(no column " + column + ")";
}

Ids ids(const rw::Table& t) { return t.column<std::int64_t>("id"); }
Ids ids(const json& j) { return j.get<Ids>(); }
Ids range(std::int64_t first, std::int64_t last) {
  Ids out;
  for (std::int64_t i = first; i <= last; ++i) out.push_back(i);
  return out;
}

json first(const json& a, std::int64_t n) {
  json out = json::array();
  for (std::size_t i = 0; i < std::min(static_cast<std::size_t>(n), a.size()); ++i) out.push_back(a[i]);
  return out;
}
json last(const json& a, std::int64_t n) {
  json out = json::array();
  const auto k = std::min(static_cast<std::size_t>(n), a.size());
  for (std::size_t i = a.size() - k; i < a.size(); ++i) out.push_back(a[i]);
  return out;
}

// ---- comparisons ----------------------------------------------------------------------------------
// Why value i of `c` differs from the pandas value `want` (empty when they agree).
std::string mismatch(const rw::Column& c, std::int64_t i, const json& want) {
  const auto row = "row " + std::to_string(i) + ": ";
  if (want.is_null()) return c.is_null(i) ? "" : row + "expected null, got '" + c.format(i) + "'";
  if (c.is_null(i)) return row + "expected " + want.dump() + ", got null";
  if (want.is_boolean() || want.is_number()) {
    if (!rw::is_numeric(c.dtype()))
      return row + "expected " + want.dump() + ", got " + rw::dtype_name(c.dtype()) + " '" + c.format(i) + "'";
    const double w = want.is_boolean() ? (want.get<bool>() ? 1.0 : 0.0) : want.get<double>();
    if (std::fabs(c.number_at(i) - w) <= 1e-9 * std::max(1.0, std::fabs(w))) return "";
    return row + "expected " + want.dump() + ", got " + c.format(i);
  }
  const auto text = c.format(i);
  return text == want.get<std::string>() ? "" : row + "expected '" + want.get<std::string>() + "', got '" + text + "'";
}

// Every value of `c` against the pandas values (one message listing the first differences).
::testing::AssertionResult matches(const rw::Column& c, const json& want) {
  if (c.size() != static_cast<std::int64_t>(want.size()))
    return ::testing::AssertionFailure() << c.size() << " values, expected " << want.size();
  std::string shown;
  int bad = 0;
  for (std::int64_t i = 0; i < c.size(); ++i) {
    const auto m = mismatch(c, i, want[static_cast<std::size_t>(i)]);
    if (!m.empty() && bad++ < 4) shown += m + "; ";
  }
  if (bad == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << bad << " of " << c.size() << " values differ: " << shown;
}

// Same columns, dtypes, nulls and text of every value.
::testing::AssertionResult same_table(const rw::Table& a, const rw::Table& b) {
  if (a.columns() != b.columns()) return ::testing::AssertionFailure() << "the columns differ";
  if (a.num_rows() != b.num_rows()) return ::testing::AssertionFailure() << a.num_rows() << " rows vs " << b.num_rows();
  for (std::int64_t k = 0; k < a.num_columns(); ++k) {
    const auto& name = a.columns()[static_cast<std::size_t>(k)];
    const rw::Column &x = a.col(k), &y = b.col(k);
    if (x.dtype() != y.dtype())
      return ::testing::AssertionFailure() << name << ": " << rw::dtype_name(x.dtype()) << " vs " << rw::dtype_name(y.dtype());
    for (std::int64_t r = 0; r < a.num_rows(); ++r)
      if (x.is_null(r) != y.is_null(r) || x.format(r) != y.format(r))
        return ::testing::AssertionFailure() << name << " row " << r << ": '" << x.format(r) << "' vs '" << y.format(r) << "'";
  }
  return ::testing::AssertionSuccess();
}

bool same_number(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Runs `f`, which must throw E on every rank, with a message holding every one of `parts` and
// the same on every rank. The agreement check runs on every rank whatever happened.
template <class E>
void expect_error(const std::string& what, const std::function<void()>& f, const Names& parts) {
  std::string message;
  bool right_class = false;
  try {
    f();
  } catch (const E& e) {
    message = e.what();
    right_class = true;
  } catch (const std::exception& e) {
    message = std::string("another class: ") + e.what();
  }
  EXPECT_TRUE(right_class) << what << ": " << (message.empty() ? "no error" : message);
  for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << what << ": '" << p << "' not in: " << message;
  EXPECT_TRUE(rw::testing::same_on_all_ranks(message)) << what << ": the message differs between ranks";
}

// ---- files ----------------------------------------------------------------------------------------
// A directory every rank agrees on: rank 0 makes it (mkdtemp) and broadcasts the name; rank 0
// removes it after a barrier at the end of the test.
class TempDir {
 public:
  TempDir() {
    if (comm().is_root()) {
      std::string pattern = (std::filesystem::temp_directory_path() / "rankwise-test-XXXXXX").string();
      if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    }
    rw::bcast(comm(), path_, 0);
  }
  ~TempDir() {
    comm().barrier();
    std::error_code ec;
    if (comm().is_root() && !path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Rank 0 writes the file; every rank returns once it exists.
void write_file(const std::string& path, const std::string& text) {
  if (comm().is_root()) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  comm().barrier();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// ---- derived series ---------------------------------------------------------------------------------
// One expression per ops_expected.json "basic.series" entry, with the dtype rankwise must give.
struct SeriesCase {
  const char* name;
  rw::DType dtype;
  std::function<rw::Series(const rw::DataFrame&)> make;
};

const std::vector<SeriesCase>& basic_cases() {
  using D = rw::DType;
  using F = const rw::DataFrame&;
  static const std::vector<SeriesCase> cases{
      // arithmetic: float wins, int op int stays int64, / is always float64
      {"x2_plus_id", D::float64, [](F d) { return d["x"] * 2.0 + d["id"]; }},
      {"one_minus_x", D::float64, [](F d) { return 1.0 - d["x"]; }},
      {"n_div_id", D::float64, [](F d) { return d["n"] / d["id"]; }},
      {"id_plus_k", D::int64, [](F d) { return d["id"] + d["k"]; }},
      {"n_plus_k", D::int64, [](F d) { return d["n"] + d["k"]; }},
      {"id_times_3_minus_k", D::int64, [](F d) { return d["id"] * 3 - d["k"]; }},
      {"id_div_2", D::float64, [](F d) { return d["id"] / 2.0; }},
      {"neg_x", D::float64, [](F d) { return -d["x"]; }},
      {"neg_n", D::int64, [](F d) { return -d["n"]; }},
      {"abs_x", D::float64, [](F d) { return d["x"].abs(); }},
      {"abs_n_minus_30", D::int64, [](F d) { return (d["n"] - 30).abs(); }},
      // astype
      {"id_as_float", D::float64, [](F d) { return d["id"].astype<double>(); }},
      {"x_as_int", D::int64, [](F d) { return d["x"].astype<std::int64_t>(); }},
      {"n_as_string", D::string, [](F d) { return d["n"].astype<std::string>(); }},
      {"flag_as_float", D::float64, [](F d) { return d["flag"].astype(D::float64); }},
      {"k_as_category", D::category, [](F d) { return d["k"].astype(D::string).astype(D::category); }},
      {"cat_as_category", D::category, [](F d) { return d["cat"].astype(D::category); }},
      {"name_category_round_trip", D::string, [](F d) { return d["name"].astype(D::category).astype(D::string); }},
      // comparisons with scalars and between columns
      {"x_gt_0", D::boolean, [](F d) { return d["x"] > 0.0; }},
      {"x_le_10", D::boolean, [](F d) { return d["x"] <= 10.0; }},
      {"x_eq_0", D::boolean, [](F d) { return d["x"] == 0.0; }},
      {"x_ne_0", D::boolean, [](F d) { return d["x"] != 0.0; }},
      {"n_ge_id", D::boolean, [](F d) { return d["n"] >= d["id"]; }},
      {"x_lt_n", D::boolean, [](F d) { return d["x"] < d["n"]; }},
      {"name_eq_bob", D::boolean, [](F d) { return d["name"] == std::string("bob"); }},
      {"name_ne_bob", D::boolean, [](F d) { return d["name"] != std::string("bob"); }},
      {"name_lt_c", D::boolean, [](F d) { return d["name"] < std::string("c"); }},
      {"cat_eq_a", D::boolean, [](F d) { return d["cat"] == std::string("a"); }},
      {"when_gt_0115", D::boolean, [](F d) { return d["when"] > std::string("2016-01-15"); }},
      // logic
      {"x_gt_0_and_k_eq_1", D::boolean, [](F d) { return (d["x"] > 0.0) & (d["k"] == 1.0); }},
      {"x_gt_20_or_flag", D::boolean, [](F d) { return (d["x"] > 20.0) | d["flag"]; }},
      {"not_flag", D::boolean, [](F d) { return ~d["flag"]; }},
      {"not_x_gt_0", D::boolean, [](F d) { return ~(d["x"] > 0.0); }},
      // nulls
      {"x_isna", D::boolean, [](F d) { return d["x"].isna(); }},
      {"n_notna", D::boolean, [](F d) { return d["n"].notna(); }},
      {"name_isna", D::boolean, [](F d) { return d["name"].isna(); }},
      {"x_fillna", D::float64, [](F d) { return d["x"].fillna(-1.0); }},
      {"n_fillna", D::int64, [](F d) { return d["n"].fillna(0.0); }},
      {"name_fillna", D::string, [](F d) { return d["name"].fillna(std::string("nobody")); }},
      // datetime fields (a null stays null)
      {"when_hour", D::int64, [](F d) { return d["when"].dt().hour(); }},
      {"when_minute", D::int64, [](F d) { return d["when"].dt().minute(); }},
      {"when_second", D::int64, [](F d) { return d["when"].dt().second(); }},
      {"when_dayofweek", D::int64, [](F d) { return d["when"].dt().dayofweek(); }},
      {"when_month", D::int64, [](F d) { return d["when"].dt().month(); }},
      {"when_year", D::int64, [](F d) { return d["when"].dt().year(); }},
      {"when_day", D::int64, [](F d) { return d["when"].dt().day(); }},
      {"when_date", D::datetime, [](F d) { return d["when"].dt().date(); }},
  };
  return cases;
}

// compute() and a row-limited head() of `s` against every pandas value.
void check_series(const rw::Series& s, rw::DType dtype, const json& want) {
  EXPECT_EQ(rw::dtype_name(s.dtype()), rw::dtype_name(dtype));
  const rw::Table t = s.compute();
  ASSERT_EQ(t.num_columns(), 1);
  EXPECT_EQ(rw::dtype_name(t.col(0).dtype()), rw::dtype_name(dtype));
  EXPECT_TRUE(matches(t.col(0), want));
  EXPECT_TRUE(matches(s.head(7).col(0), first(want, 7))) << "head(7)";
}

// ---- groupby ----------------------------------------------------------------------------------------
rw::Lazy<rw::Table> aggregate(const rw::GroupBy& g, const std::string& fn) {
  if (fn == "sum") return g.sum();
  if (fn == "mean") return g.mean();
  if (fn == "count") return g.count();
  if (fn == "min") return g.min();
  if (fn == "max") return g.max();
  if (fn == "std") return g.std();
  if (fn == "var") return g.var();
  throw std::invalid_argument("no aggregation " + fn);
}

// Every aggregation of one ops_expected.json groupby entry, and size().
void check_groupby(const rw::DataFrame& ddf, const json& g) {
  const auto by = g["by"].get<Names>();
  const auto cols = g["columns"].get<Names>();
  SCOPED_TRACE("groupby " + g["by"].dump() + " " + g["columns"].dump());
  const rw::GroupBy grouped = g["all_columns"].get<bool>() ? ddf.groupby(by) : ddf.groupby(by)[cols];
  Names want_columns = by;
  want_columns.insert(want_columns.end(), cols.begin(), cols.end());
  for (const auto& [fn, per_column] : g["agg"].items()) {
    const rw::Table t = aggregate(grouped, fn).compute();
    EXPECT_EQ(t.columns(), want_columns) << fn;
    if (t.columns() != want_columns) continue;
    for (const auto& k : by) EXPECT_TRUE(matches(t.col(k), g["keys"][k])) << fn << " key " << k;
    for (const auto& c : cols) EXPECT_TRUE(matches(t.col(c), per_column[c])) << fn << "(" << c << ")";
    if (fn == "count" || fn == "mean") {
      for (const auto& c : cols) EXPECT_EQ(rw::dtype_name(t.col(c).dtype()), fn == "count" ? "int64" : "float64") << fn;
    }
  }
  const rw::Table s = grouped.size().compute();
  Names size_columns = by;
  size_columns.push_back("size");
  EXPECT_EQ(s.columns(), size_columns);
  if (s.columns() == size_columns) {
    EXPECT_TRUE(matches(s.col("size"), g["size"]));
    for (const auto& k : by) EXPECT_TRUE(matches(s.col(k), g["keys"][k])) << "size key " << k;
  }
}

// Sets the groupby shuffle threshold for one scope.
struct ShuffleThreshold {
  explicit ShuffleThreshold(std::int64_t groups) : old(rw::frame::set_groupby_shuffle_threshold(groups)) {}
  ~ShuffleThreshold() { rw::frame::set_groupby_shuffle_threshold(old); }
  std::int64_t old;
};

}  // namespace

// ===================================================================================================
// Derived columns
// ===================================================================================================

TEST(Series, DerivedColumnsMatchPandas) {
  const auto ddf = basic();
  const auto& want = expected()["basic"]["series"];
  EXPECT_EQ(want.size(), basic_cases().size()) << "every fixture series has an expression here";
  for (const auto& c : basic_cases()) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(want.contains(c.name));
    check_series(c.make(ddf), c.dtype, want[c.name]);
  }
}

TEST(Series, DatetimeFieldsOverManyFilesMatchPandas) {
  const auto ddf = multi();
  const auto pickup = ddf["pickup"];
  const auto& want = expected()["multi"]["series"];
  const std::vector<std::tuple<std::string, rw::DType, rw::Series>> cases{
      {"pickup_hour", rw::DType::int64, pickup.dt().hour()},
      {"pickup_dayofweek", rw::DType::int64, pickup.dt().dayofweek()},
      {"pickup_month", rw::DType::int64, pickup.dt().month()},
      {"pickup_year", rw::DType::int64, pickup.dt().year()},
      {"pickup_day", rw::DType::int64, pickup.dt().day()},
      {"pickup_date", rw::DType::datetime, pickup.dt().date()},
  };
  for (const auto& [name, dtype, s] : cases) {
    SCOPED_TRACE(name);
    check_series(s, dtype, want[name]);
  }
}

TEST(Series, CategoriesAreSortedAndAstypeToStringReadsBack) {
  const auto ddf = basic();
  // Categories made per partition are unified (sorted) when the partitions are put together.
  const rw::Table cat = ddf["cat"].astype(rw::DType::category).compute();
  EXPECT_EQ(cat.col(0).categories(), (Names{"a", "b", "c"}));
  const rw::Table k = ddf["k"].astype(rw::DType::string).astype(rw::DType::category).compute();
  EXPECT_EQ(k.col(0).categories(), (Names{"0", "1", "2", "3"}));
  // float -> string gives text that parses back to the same number; a null stays null.
  const rw::Table x = ddf["x"].astype(rw::DType::string).compute();
  const auto& want = expected()["basic"]["columns"]["x"];
  ASSERT_EQ(x.num_rows(), static_cast<std::int64_t>(want.size()));
  EXPECT_EQ(rw::dtype_name(x.col(0).dtype()), "string");
  for (std::int64_t i = 0; i < x.num_rows(); ++i) {
    const auto& w = want[static_cast<std::size_t>(i)];
    if (w.is_null()) {
      EXPECT_TRUE(x.col(0).is_null(i)) << "row " << i;
    } else {
      EXPECT_EQ(std::stod(std::string(x.col(0).string_at(i))), w.get<double>()) << "row " << i << ": '" << x.col(0).string_at(i) << "'";
    }
  }
}

TEST(DataFrame, SelectsColumnsInTheGivenOrder) {
  const auto ddf = basic();
  EXPECT_EQ(ddf.columns(), (Names{"id", "x", "n", "flag", "name", "when", "cat", "k"}));
  const auto one = ddf[Names{"name"}];
  EXPECT_EQ(one.columns(), (Names{"name"}));
  const auto some = ddf[Names{"k", "id", "x"}];
  EXPECT_EQ(some.columns(), (Names{"k", "id", "x"}));
  EXPECT_EQ(dtype_of(some, "k"), "int64");
  EXPECT_EQ(dtype_of(some, "x"), "float64");
  const rw::Table t = some.compute();
  EXPECT_EQ(t.columns(), (Names{"k", "id", "x"}));
  EXPECT_EQ(ids(t), range(1, 40));
  EXPECT_TRUE(matches(t.col("x"), expected()["basic"]["columns"]["x"]));
  EXPECT_EQ(some.head(3).columns(), (Names{"k", "id", "x"}));
  // a single column as a Series computes to a one-column table of that name
  const rw::Table name = ddf["name"].compute();
  EXPECT_EQ(name.columns(), (Names{"name"}));
  EXPECT_EQ(name.num_rows(), 40);
  EXPECT_TRUE(rw::testing::same_on_all_ranks(t.encode()));
}

TEST(DataFrame, AssignAndAstypeAddOrReplaceColumns) {
  const auto ddf = basic();
  const auto& want = expected()["basic"]["series"];
  const auto out = ddf.assign("y", ddf["x"] * 2.0 + ddf["id"]).assign("k", ddf["id"] + ddf["k"]);
  EXPECT_EQ(out.columns(), (Names{"id", "x", "n", "flag", "name", "when", "cat", "k", "y"}));
  EXPECT_EQ(dtype_of(out, "y"), "float64");
  EXPECT_EQ(dtype_of(out, "k"), "int64");
  const rw::Table t = out.compute();
  EXPECT_TRUE(matches(t.col("y"), want["x2_plus_id"]));
  EXPECT_TRUE(matches(t.col("k"), want["id_plus_k"]));
  EXPECT_TRUE(matches(out.head(3).col("y"), first(want["x2_plus_id"], 3)));
  EXPECT_EQ(ddf.columns().size(), 8u) << "assign returns a new frame";
  EXPECT_EQ(dtype_of(ddf, "k"), "int64");

  const auto typed = ddf.astype({{"id", rw::DType::float64}, {"cat", rw::DType::category}, {"x", rw::DType::int64}});
  EXPECT_EQ(typed.columns(), ddf.columns());
  EXPECT_EQ(dtype_of(typed, "id"), "float64");
  EXPECT_EQ(dtype_of(typed, "cat"), "category");
  EXPECT_EQ(dtype_of(typed, "x"), "int64");
  const rw::Table tt = typed.compute();
  EXPECT_TRUE(matches(tt.col("id"), want["id_as_float"]));
  EXPECT_TRUE(matches(tt.col("cat"), want["cat_as_category"]));
  EXPECT_TRUE(matches(tt.col("x"), want["x_as_int"]));
}

TEST(DataFrame, ColumnSlotReplacesAColumn) {
  rw::DataFrame ddf = basic();
  const auto& want = expected()["basic"]["series"];
  ddf["x"] = 1.0 - ddf["x"];
  EXPECT_EQ(ddf.columns(), (Names{"id", "x", "n", "flag", "name", "when", "cat", "k"}));
  EXPECT_TRUE(matches(ddf.compute().col("x"), want["one_minus_x"]));
  ddf["x"] = 1.0 - ddf["x"];  // the slot reads the frame as it is now: back to x
  EXPECT_TRUE(matches(ddf.compute().col("x"), expected()["basic"]["columns"]["x"]));
  ddf["k"] = ddf["id"] + ddf["k"];
  EXPECT_EQ(dtype_of(ddf, "k"), "int64");
  ddf["id"] = 2.5;  // a constant
  EXPECT_EQ(dtype_of(ddf, "id"), "float64");
  const rw::Table t = ddf.compute();
  EXPECT_TRUE(matches(t.col("k"), want["id_plus_k"]));
  EXPECT_EQ(t.column<double>("id"), std::vector<double>(40, 2.5));
  EXPECT_EQ(ddf["k"].name(), "k");
}

// pandas: ddf["new"] = expr adds a column (dataframe.hpp: "replaces or adds the column").
TEST(DataFrame, ColumnSlotAddsANewColumn) {
  rw::DataFrame ddf = basic();
  const auto& want = expected()["basic"]["series"];
  ddf["y"] = ddf["x"] * 2.0 + ddf["id"];
  ddf["c"] = 2.5;
  EXPECT_EQ(ddf.columns(), (Names{"id", "x", "n", "flag", "name", "when", "cat", "k", "y", "c"}));
  EXPECT_EQ(dtype_of(ddf, "y"), "float64");
  const rw::Table t = ddf.compute();
  EXPECT_TRUE(matches(t.col("y"), want["x2_plus_id"]));
  EXPECT_EQ(t.column<double>("c"), std::vector<double>(40, 2.5));
  EXPECT_EQ(ddf["y"].name(), "y");
}

// pandas: df["n"] = df["x"] replaces n by a copy of x (the right side is itself a slot here).
TEST(DataFrame, ColumnSlotTakesAnotherColumn) {
  rw::DataFrame ddf = basic();
  ddf["n"] = ddf["x"];
  EXPECT_EQ(dtype_of(ddf, "n"), "float64");
  EXPECT_TRUE(matches(ddf.compute().col("n"), expected()["basic"]["columns"]["x"]));
}

// ===================================================================================================
// Filters and nulls
// ===================================================================================================

TEST(DataFrame, BooleanFiltersThenReductions) {
  const auto ddf = basic();
  const auto& f = expected()["basic"]["filters"];
  const auto& pos_want = f["x_gt_0"];
  const auto pos = ddf[ddf["x"] > 0.0];
  EXPECT_EQ(pos.columns(), ddf.columns());
  EXPECT_EQ(pos.npartitions(), ddf.npartitions());
  EXPECT_EQ(pos.num_rows(), pos_want["num_rows"].get<std::int64_t>());
  EXPECT_DOUBLE_EQ(pos["x"].sum().compute(), pos_want["x_sum"].get<double>());  // quarters: exact
  EXPECT_NEAR(pos["n"].mean().compute(), pos_want["n_mean"].get<double>(), 1e-12);
  EXPECT_EQ(pos["n"].count().compute(), pos_want["n_count"].get<std::int64_t>());
  const rw::Table t = pos.compute();
  EXPECT_EQ(ids(t), ids(pos_want["id"]));
  EXPECT_TRUE(matches(t.col("n"), pos_want["n"]));

  // s[mask] on a series
  const auto n_pos = ddf["n"][ddf["x"] > 0.0];
  EXPECT_TRUE(matches(n_pos.compute().col(0), pos_want["n"]));
  EXPECT_EQ(n_pos.count().compute(), pos_want["n_count"].get<std::int64_t>());

  // combined masks, a filter of a filter, a mask without nulls
  EXPECT_EQ(ids(ddf[(ddf["x"] > 0.0) & (ddf["name"] == std::string("bob"))].compute()), ids(f["x_gt_0_and_bob"]["id"]));
  EXPECT_EQ(ids(pos[pos["k"] == 1.0].compute()), ids(f["x_gt_0_then_k_eq_1"]["id"]));
  EXPECT_DOUBLE_EQ(ddf[ddf["k"] != 1.0]["x"].sum().compute(), f["k_ne_1_x_sum"].get<double>());
  EXPECT_EQ(ids(ddf[ddf["x"] > 1000.0].compute()), Ids{});
  EXPECT_EQ(ddf[ddf["x"] > 1000.0].num_rows(), 0);

  // head / tail after a filter read on past the rows the filter drops
  const auto pos_ids = ids(pos_want["id"]);
  EXPECT_EQ(ids(pos.head(7)), Ids(pos_ids.begin(), pos_ids.begin() + 7));
  EXPECT_EQ(ids(pos.tail(4)), Ids(pos_ids.end() - 4, pos_ids.end()));
  EXPECT_EQ(ids(pos.head(100)), pos_ids);
  EXPECT_TRUE(rw::testing::same_on_all_ranks(t.encode()));
}

TEST(DataFrame, DropnaAndFillna) {
  const auto ddf = basic();
  const auto& f = expected()["basic"]["filters"];
  EXPECT_EQ(ids(ddf.dropna().compute()), ids(f["dropna_all"]["id"]));
  EXPECT_EQ(ddf.dropna().num_rows(), static_cast<std::int64_t>(f["dropna_all"]["id"].size()));
  EXPECT_EQ(ids(ddf.dropna({"x"}).compute()), ids(f["dropna_x"]["id"]));
  EXPECT_EQ(ids(ddf.dropna({"x", "n"}).compute()), ids(f["dropna_x_n"]["id"]));
  EXPECT_EQ(ddf.dropna({"x", "n"}).columns(), ddf.columns());
  EXPECT_EQ(ddf.dropna({"x"})["n"].count().compute(), 34);

  const auto filled = ddf.fillna(0.0);
  const rw::Table t = filled.compute();
  EXPECT_TRUE(matches(t.col("x"), f["fillna_0"]["x"]));
  EXPECT_TRUE(matches(t.col("n"), f["fillna_0"]["n"]));
  EXPECT_EQ(filled["x"].count().compute(), 40);
  // Columns that are not numeric keep their nulls and their dtype; so do int64 columns filled
  // with an integral value. (bool columns become float64: docs/frame.md, unlike pandas.)
  EXPECT_TRUE(t.col("name").is_null(11));
  EXPECT_TRUE(t.col("when").is_null(26));
  for (const auto& c : ddf.columns()) {
    if (c != "flag") {
      EXPECT_EQ(dtype_of(filled, c), dtype_of(ddf, c)) << c;
    }
  }
  EXPECT_TRUE(matches(t.col("flag"), expected()["basic"]["series"]["flag_as_float"]));

  // DataFrame::count(): non-null values per column, every column converted
  const rw::Table counts = ddf.count().compute();
  EXPECT_EQ(counts.columns(), (Names{"column", "count"}));
  EXPECT_EQ(counts.column<std::string>("column"), ddf.columns());
  const auto& want_counts = expected()["basic"]["count"];
  Ids want;
  for (const auto& c : ddf.columns()) want.push_back(want_counts[c].get<std::int64_t>());
  EXPECT_EQ(counts.column<std::int64_t>("count"), want);
  EXPECT_EQ(ddf[ddf["x"] > 0.0].count().compute().column<std::int64_t>("count")[2],  // n
            f["x_gt_0"]["n_count"].get<std::int64_t>());
}

// ===================================================================================================
// head / tail, sample, persist
// ===================================================================================================

TEST(DataFrame, HeadAndTailOverManyPartitions) {
  const auto& w = expected()["big"]["w"];
  const auto ddf = big();
  EXPECT_GE(ddf.npartitions(), 10);  // about 27 rows each
  for (const std::int64_t n : {0, 1, 27, 40, 300, 1000}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    const rw::Table h = ddf.head(n), t = ddf.tail(n);
    EXPECT_EQ(h.columns(), ddf.columns());
    EXPECT_EQ(t.columns(), ddf.columns());
    EXPECT_EQ(h.num_rows(), std::min<std::int64_t>(n, 300));
    EXPECT_EQ(t.num_rows(), std::min<std::int64_t>(n, 300));
    if (h.num_columns() == 4) {
      EXPECT_TRUE(matches(h.col("w"), first(w, n)));
    }
    if (t.num_columns() == 4) {
      EXPECT_TRUE(matches(t.col("w"), last(w, n)));
    }
  }
  EXPECT_TRUE(matches(ddf["w"].head(40).col(0), first(w, 40)));
  EXPECT_TRUE(matches(ddf["w"].tail(40).col(0), last(w, 40)));

  // ~1.4 rows per partition: every head crosses partitions
  const auto small = basic(64);
  EXPECT_GE(small.npartitions(), 20);
  for (const std::int64_t n : {1, 3, 12, 41}) {
    SCOPED_TRACE("basic n = " + std::to_string(n));
    const auto m = std::min<std::int64_t>(n, 40);
    EXPECT_EQ(ids(small.head(n)), range(1, m));
    EXPECT_EQ(ids(small.tail(n)), range(41 - m, 40));
  }
  EXPECT_EQ(ids(small.head()), range(1, 5));
  const rw::Table none = small.head(0);
  EXPECT_EQ(none.num_rows(), 0);
  EXPECT_EQ(none.columns(), small.columns());
  for (std::int64_t k = 0; k < none.num_columns(); ++k)
    EXPECT_EQ(rw::dtype_name(none.col(k).dtype()), dtype_of(small, none.columns()[static_cast<std::size_t>(k)]));
  EXPECT_EQ(small.tail(0).num_rows(), 0);

  // after a filter
  const auto pos = ddf[ddf["v"] > 0.0];
  const auto& pos_w = expected()["big"]["v_gt_0_w"];
  EXPECT_TRUE(matches(pos.head(30).col("w"), first(pos_w, 30)));
  EXPECT_TRUE(matches(pos.tail(30).col("w"), last(pos_w, 30)));
  EXPECT_TRUE(matches(pos.head(1000).col("w"), pos_w));
}

TEST(DataFrame, SampleIsReproducible) {
  const auto ddf = basic();
  const rw::Table a = ddf.sample(0.5, 42).compute();
  const rw::Table b = ddf.sample(0.5, 42).compute();
  EXPECT_TRUE(same_table(a, b)) << "the same seed twice";
  EXPECT_TRUE(rw::testing::same_on_all_ranks(a.encode())) << "the same rows on every rank";
  EXPECT_GT(a.num_rows(), 0);
  EXPECT_LT(a.num_rows(), 40);
  EXPECT_EQ(ddf.sample(0.5, 42).num_rows(), a.num_rows());
  // whole rows of the input, in order
  const auto got = ids(a);
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  const auto& x = expected()["basic"]["columns"]["x"];
  for (std::int64_t i = 0; i < a.num_rows(); ++i) {
    const auto id = got[static_cast<std::size_t>(i)];
    ASSERT_TRUE(id >= 1 && id <= 40) << id;
    EXPECT_EQ(mismatch(a.col("x"), i, x[static_cast<std::size_t>(id - 1)]), "") << "id " << id;
  }
  EXPECT_NE(ids(ddf.sample(0.5, 43).compute()), got) << "another seed, other rows";

  EXPECT_EQ(ddf.sample(0.0, 42).num_rows(), 0);
  const rw::Table none = ddf.sample(0.0, 42).compute();
  EXPECT_EQ(none.num_rows(), 0);
  EXPECT_EQ(none.columns(), ddf.columns());
  EXPECT_EQ(ids(ddf.sample(1.0, 42).compute()), range(1, 40));

  const auto n = big().sample(0.3, 7).num_rows();  // about 90 of 300
  EXPECT_GE(n, 45);
  EXPECT_LE(n, 135);
}

TEST(DataFrame, PersistGivesTheSameResultsAsLazy) {
  const auto ddf = basic();
  const auto derived = ddf.assign("y", ddf["x"] * 2.0 + ddf["id"]);
  const auto lazy = derived[derived["k"] != 1.0];
  const auto kept = lazy.persist();
  EXPECT_EQ(kept.npartitions(), lazy.npartitions());
  EXPECT_EQ(kept.columns(), lazy.columns());
  EXPECT_EQ(kept.dtypes(), lazy.dtypes());
  EXPECT_TRUE(same_table(kept.compute(), lazy.compute()));
  EXPECT_EQ(kept.num_rows(), lazy.num_rows());
  EXPECT_DOUBLE_EQ(kept["x"].sum().compute(), expected()["basic"]["filters"]["k_ne_1_x_sum"].get<double>());
  EXPECT_TRUE(same_table(kept.groupby("cat")["y"].mean().compute(), lazy.groupby("cat")["y"].mean().compute()));
  EXPECT_TRUE(same_table(kept.groupby(Names{"cat", "k"}).size().compute(), lazy.groupby(Names{"cat", "k"}).size().compute()));
  // lazy work on top of the persisted partitions
  EXPECT_TRUE(same_table(kept[kept["x"] > 0.0].head(5), lazy[lazy["x"] > 0.0].head(5)));
  EXPECT_TRUE(same_table(kept.tail(3), lazy.tail(3)));
  EXPECT_DOUBLE_EQ(kept["y"].quantile(0.5).compute(), lazy["y"].quantile(0.5).compute());
}

// ===================================================================================================
// Reductions and groupby
// ===================================================================================================

TEST(Series, QuantileMatchesPandasLinearInterpolation) {
  const std::vector<std::pair<std::string, rw::DataFrame>> frames{{"basic", basic()}, {"big", big()}, {"multi", multi()}};
  for (const auto& [file, ddf] : frames)
    for (const auto& [column, qs] : expected()[file]["quantile"].items())
      for (const auto& [q, want] : qs.items()) {
        const double w = want.get<double>();
        EXPECT_NEAR(ddf[column].quantile(std::stod(q)).compute(), w, 1e-12 * std::max(1.0, std::fabs(w)))
            << file << " " << column << " q = " << q;
      }
}

TEST(Series, DescribeMatchesPandas) {
  const std::vector<std::pair<std::string, rw::DataFrame>> frames{{"basic", basic()}, {"big", big()}, {"multi", multi()}};
  const Names stats{"count", "mean", "std", "min", "25%", "50%", "75%", "max"};
  for (const auto& [file, ddf] : frames)
    for (const auto& [column, want] : expected()[file]["describe"].items()) {
      SCOPED_TRACE(file + " " + column);
      const rw::Table d = ddf[column].describe().compute();
      ASSERT_EQ(d.columns(), (Names{"statistic", column}));
      EXPECT_EQ(d.column<std::string>("statistic"), stats);
      json values = json::array();
      for (const auto& s : stats) values.push_back(want[s]);
      EXPECT_TRUE(matches(d.col(column), values));
    }
}

TEST(GroupBy, AggregationsMatchPandas) {
  const std::vector<std::pair<std::string, rw::DataFrame>> frames{{"basic", basic()}, {"big", big()}, {"multi", multi()}};
  for (const auto& [file, ddf] : frames) {
    SCOPED_TRACE(file);
    for (const auto& g : expected()[file]["groupby"]) check_groupby(ddf, g);
  }
  // One column by name; a category key groups like the strings it holds.
  const auto ddf = basic();
  const auto& by_k = expected()["basic"]["groupby"][0];
  const rw::Table mean = ddf.groupby("k")["x"].mean().compute();
  EXPECT_EQ(mean.columns(), (Names{"k", "x"}));
  EXPECT_TRUE(matches(mean.col("x"), by_k["agg"]["mean"]["x"]));
  const auto& by_cat = expected()["basic"]["groupby"][3];
  const auto categorical = ddf.assign("cat", ddf["cat"].astype(rw::DType::category));
  const rw::Table sums = categorical.groupby("cat")[Names{"x", "n"}].sum().compute();
  EXPECT_EQ(sums.columns(), (Names{"cat", "x", "n"}));
  EXPECT_TRUE(matches(sums.col("cat"), by_cat["keys"]["cat"]));
  EXPECT_TRUE(matches(sums.col("x"), by_cat["agg"]["sum"]["x"]));
  EXPECT_TRUE(matches(sums.col("n"), by_cat["agg"]["sum"]["n"]));
  // a filtered frame
  const auto& pos_sizes = expected()["basic"]["filters"]["x_gt_0_size_by_k"];
  const rw::Table pos = ddf[ddf["x"] > 0.0].groupby("k").size().compute();
  EXPECT_EQ(pos.column<std::int64_t>("k"), pos_sizes["k"].get<Ids>());
  EXPECT_EQ(pos.column<std::int64_t>("size"), pos_sizes["size"].get<Ids>());
}

TEST(GroupBy, ShufflePathMatchesPandasToo) {
  const ShuffleThreshold everything_shuffles(0);
  const auto b = big();
  for (const auto& g : expected()["big"]["groupby"]) check_groupby(b, g);
  check_groupby(basic(), expected()["basic"]["groupby"][2]);  // string key with a null
}

// ===================================================================================================
// to_csv
// ===================================================================================================

TEST(ToCsv, OneFileReadsBackAsTheFrame) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const auto ddf = basic();
  const rw::Table original = ddf.compute();
  const auto path = dir / "one.csv";
  ddf.to_csv(path);
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  EXPECT_EQ(first_line(path), "id,x,n,flag,name,when,cat,k");
  const auto text = slurp(path);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 41) << "one header, 40 rows";
  EXPECT_NE(text.find("\n1,15.25,39,True,carol,2016-01-01 14:25:40,a,0\n"), std::string::npos);
  EXPECT_NE(text.find(",59,False,,2016-01-12 19:43:01,b,1\n"), std::string::npos) << "a null is an empty field";
  const auto back = rw::read_csv(path, {.blocksize = 300});
  EXPECT_EQ(back.dtypes(), ddf.dtypes());
  EXPECT_TRUE(same_table(back.compute(), original));

  // without the header; another separator
  const auto bare = dir / "bare.csv";
  ddf.to_csv(bare, {.header = false});
  EXPECT_EQ(first_line(bare), "1,15.25,39,True,carol,2016-01-01 14:25:40,a,0");
  EXPECT_TRUE(same_table(rw::read_csv(bare, {.header = -1, .names = ddf.columns()}).compute(), original));
  const auto semi = dir / "semi.csv";
  ddf.to_csv(semi, {.sep = ';'});
  EXPECT_EQ(first_line(semi), "id;x;n;flag;name;when;cat;k");
  EXPECT_TRUE(same_table(rw::read_csv(semi, {.sep = ';'}).compute(), original));

  // a filtered, derived frame
  const auto derived = ddf[ddf["x"] > 0.0][Names{"id", "x"}];
  const auto part = dir / "derived.csv";
  derived.to_csv(part);
  EXPECT_TRUE(same_table(rw::read_csv(part).compute(), derived.compute()));
}

TEST(ToCsv, OneFilePerPartition) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const auto ddf = basic();
  ASSERT_LT(ddf.npartitions(), 10) << "the glob below must list the files in partition order";
  ddf.to_csv(dir / "out-*.csv", {.one_file_per_partition = true});
  std::int64_t lines = 0;
  for (std::int64_t p = 0; p < ddf.npartitions(); ++p) {
    const auto file = dir / ("out-" + std::to_string(p) + ".csv");
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    EXPECT_FALSE(std::filesystem::exists(file + ".partial"));
    EXPECT_EQ(first_line(file), "id,x,n,flag,name,when,cat,k") << file;
    const auto text = slurp(file);
    lines += std::count(text.begin(), text.end(), '\n') - 1;
  }
  EXPECT_EQ(lines, 40);
  EXPECT_FALSE(std::filesystem::exists(dir / ("out-" + std::to_string(ddf.npartitions()) + ".csv")));
  EXPECT_TRUE(same_table(rw::read_csv(dir / "out-*.csv").compute(), ddf.compute()));

  ddf.to_csv(dir / "bare-*.csv", {.one_file_per_partition = true, .header = false});
  EXPECT_EQ(first_line(dir / "bare-0.csv").substr(0, 8), "1,15.25,");
  EXPECT_TRUE(same_table(rw::read_csv(dir / "bare-*.csv", {.header = -1, .names = ddf.columns()}).compute(), ddf.compute()));
}

TEST(ToCsv, QuotesStringsThatNeedIt) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  rw::Table t;
  rw::Column s(rw::DType::string);
  for (const char* v : {"plain", "with, comma", "say \"hi\""}) s.push_string(v);
  s.push_null();
  rw::Column v(rw::DType::float64);
  for (const double d : {1.5, 2.25, -3.5, 4.75}) v.push_number(d);
  t.add("s", std::move(s));
  t.add("v", std::move(v));
  const auto path = dir / "quoted.csv";
  rw::from_table(t, 2).to_csv(path);
  EXPECT_EQ(slurp(path), "s,v\nplain,1.5\n\"with, comma\",2.25\n\"say \"\"hi\"\"\",-3.5\n,4.75\n");
  EXPECT_TRUE(same_table(rw::read_csv(path).compute(), t));
}

// pandas writes 2.0 as "2.0", so a float column stays float64 when read back.
TEST(ToCsv, WholeNumberFloatsReadBackAsFloat) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  rw::Table t;
  rw::Column f(rw::DType::float64);
  for (const double d : {1.0, 2.0, -3.0}) f.push_number(d);
  t.add("f", std::move(f));
  const auto path = dir / "whole.csv";
  rw::from_table(t).to_csv(path);
  const auto back = rw::read_csv(path);
  EXPECT_EQ(dtype_of(back, "f"), "float64") << slurp(path);
  EXPECT_EQ(back.compute().column<double>("f"), (std::vector<double>{1.0, 2.0, -3.0}));
}

TEST(ToCsv, AnExistingFileIsLeftAlone) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const auto ddf = basic();
  const auto path = dir / "keep.csv";
  write_file(path, "precious\n");
  expect_error<rw::IoError>("to_csv over a file", [&] { ddf.to_csv(path); }, {"keep.csv", "exists", "overwrite"});
  EXPECT_EQ(slurp(path), "precious\n");
  // one of the per-partition files exists: nothing is written
  write_file(dir / "part-1.csv", "precious\n");
  expect_error<rw::IoError>("to_csv over a partition file", [&] { ddf.to_csv(dir / "part-*.csv", {.one_file_per_partition = true}); },
                            {"part-1.csv", "exists"});
  EXPECT_EQ(slurp(dir / "part-1.csv"), "precious\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "part-0.csv"));
  // overwrite = true replaces it
  ddf.to_csv(path, {.overwrite = true});
  EXPECT_TRUE(same_table(rw::read_csv(path).compute(), ddf.compute()));
}

TEST(Schema, ImpossibleDatesAreNotDatetimes) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  write_file(dir / "leap.csv", "when\n2016-02-29 10:00:00\n2000-02-29 00:00:00\n");
  write_file(dir / "bad.csv", "when\n2016-02-29 10:00:00\n2016-02-31 10:00:00\n");
  write_file(dir / "noleap.csv", "when\n1900-02-29\n");
  EXPECT_EQ(rw::read_csv(dir / "leap.csv").dtypes()[0].second, rw::DType::datetime);
  EXPECT_EQ(rw::read_csv(dir / "bad.csv").dtypes()[0].second, rw::DType::string);
  EXPECT_EQ(rw::read_csv(dir / "noleap.csv").dtypes()[0].second, rw::DType::string);
}

TEST(Series, ValueCountsOfAColumnNamedCount) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  write_file(dir / "c.csv", "count,other\n3,a\n1,b\n3,c\n2,d\n3,e\n1,f\n");
  const rw::Table t = rw::read_csv(dir / "c.csv")["count"].value_counts().compute();
  ASSERT_EQ(t.columns(), (Names{"count", "frequency"}));
  EXPECT_EQ(t.column<std::int64_t>("count"), (Ids{3, 1, 2}));
  EXPECT_EQ(t.column<std::int64_t>("frequency"), (Ids{3, 2, 1}));
  const rw::Table u = rw::read_csv(dir / "c.csv")["other"].value_counts().compute();
  EXPECT_EQ(u.columns(), (Names{"other", "count"}));
}

TEST(ToCsv, AFailedWriteLeavesNothingBehind) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  // A directory where the file should go: the final rename fails on every rank.
  const auto path = dir / "blocked.csv";
  if (comm().is_root()) std::filesystem::create_directories(std::filesystem::path(path) / "inside");
  comm().barrier();
  expect_error<rw::IoError>("to_csv onto a directory", [&] { basic().to_csv(path, {.overwrite = true}); }, {"blocked.csv"});
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST(ToHdf5, ColumnsBecomeDatasets) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const auto ddf = basic();
  const rw::Table t = ddf.compute();
  const auto path = dir / "basic.h5";
  ddf.to_hdf5(path, "/frame");
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  const auto x = rw::io::read_hdf5<double>(path, "/frame/x", rw::ChunkSpec(7)).compute();
  const auto id = rw::io::read_hdf5<std::int64_t>(path, "/frame/id", rw::ChunkSpec(7)).compute();
  ASSERT_EQ(x.size(), t.num_rows());
  for (std::int64_t i = 0; i < t.num_rows(); ++i) {
    const double want = t.col("x").number_at(i);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(x.data()[i]));
    } else {
      EXPECT_EQ(x.data()[i], want);
    }
    EXPECT_EQ(id.data()[i], t.col("id").integers()[static_cast<std::size_t>(i)]);
  }
  // (h5py reads the string columns and the n__null mask: checked by hand, see docs/frame.md)
  expect_error<rw::IoError>("to_hdf5 over a file", [&] { ddf.to_hdf5(path); }, {"exists"});
}

// ===================================================================================================
// Conversions
// ===================================================================================================

TEST(Conversions, ToArrayHoldsTheNumericColumns) {
  const auto ddf = basic();
  const rw::Table t = ddf.compute();
  const Names numeric{"id", "x", "n", "flag", "k"};
  const auto a = ddf.to_array();
  EXPECT_EQ(a.shape(), (rw::Shape{40, 5}));
  const auto m = a.compute();
  ASSERT_EQ(m.shape(), (rw::Shape{40, 5}));
  for (std::int64_t j = 0; j < 5; ++j) {
    const auto col = t.column<double>(numeric[static_cast<std::size_t>(j)]);
    for (std::int64_t i = 0; i < 40; ++i)
      EXPECT_TRUE(same_number(m(i, j), col[static_cast<std::size_t>(i)])) << numeric[static_cast<std::size_t>(j)] << " row " << i;
  }
  const auto two = ddf.to_array(Names{"k", "x"}).compute();
  ASSERT_EQ(two.shape(), (rw::Shape{40, 2}));
  const auto k = t.column<double>("k");
  for (std::int64_t i = 0; i < 40; ++i) EXPECT_EQ(two(i, 0), k[static_cast<std::size_t>(i)]);
  EXPECT_EQ(ddf[ddf["x"] > 0.0].to_array(Names{"x"}).shape(), (rw::Shape{29, 1}));
}

TEST(Conversions, FromArrayRoundTrip) {
  const auto X = rw::random::random(rw::Shape{100, 3}, rw::ChunkSpec{30, 3}, 7);
  const auto x = X.compute();
  const auto f = rw::from_array(X, {"a", "b", "c"});
  EXPECT_EQ(f.npartitions(), 4);
  EXPECT_EQ(f.columns(), (Names{"a", "b", "c"}));
  for (const auto& c : f.columns()) EXPECT_EQ(dtype_of(f, c), "float64");
  EXPECT_EQ(f.num_rows(), 100);
  const rw::Table t = f.compute();
  ASSERT_EQ(t.num_rows(), 100);
  double sum_b = 0;
  std::int64_t big_a = 0;
  for (std::int64_t i = 0; i < 100; ++i) {
    for (std::int64_t j = 0; j < 3; ++j) EXPECT_EQ(t.col(j).numbers()[static_cast<std::size_t>(i)], x(i, j)) << i << "," << j;
    sum_b += x(i, 1);
    big_a += x(i, 0) > 0.5;
  }
  EXPECT_NEAR(f["b"].sum().compute(), sum_b, 1e-12 * sum_b);
  EXPECT_EQ(f[f["a"] > 0.5].num_rows(), big_a);
  const auto back = f.to_array().compute();
  ASSERT_EQ(back.shape(), (rw::Shape{100, 3}));
  for (std::int64_t i = 0; i < 100; ++i)
    for (std::int64_t j = 0; j < 3; ++j) EXPECT_EQ(back(i, j), x(i, j));
  EXPECT_EQ(rw::from_array(X).columns(), (Names{"0", "1", "2"}));
}

TEST(Conversions, FromTable) {
  const rw::Table t = basic().compute();
  const auto f = rw::from_table(t, 5);
  EXPECT_EQ(f.npartitions(), 5);
  EXPECT_EQ(f.columns(), t.columns());
  EXPECT_EQ(f.dtypes(), basic().dtypes());
  EXPECT_EQ(f.num_rows(), 40);
  EXPECT_TRUE(same_table(f.compute(), t));
  EXPECT_EQ(ids(f.head(3)), range(1, 3));
  EXPECT_EQ(ids(f.tail(12)), range(29, 40));
  check_groupby(f, expected()["basic"]["groupby"][0]);
  EXPECT_EQ(rw::from_table(t).npartitions(), comm().size());
  const auto few = rw::from_table(t.slice(0, 3), 5);  // more partitions than rows
  EXPECT_EQ(few.num_rows(), 3);
  EXPECT_EQ(ids(few.compute()), range(1, 3));
  EXPECT_EQ(ids(few.tail(2)), range(2, 3));
}

// ===================================================================================================
// Table
// ===================================================================================================

TEST(Table, TypedColumnCopies) {
  rw::Table t;
  rw::Column i(rw::DType::int64), f(rw::DType::float64), s(rw::DType::string), b(rw::DType::boolean);
  i.push_integer(3), i.push_null(), i.push_integer(-7);
  f.push_number(0.5), f.push_null(), f.push_number(2);
  s.push_string("a"), s.push_null(), s.push_string("c");
  b.push_bool(true), b.push_bool(false), b.push_bool(true);
  t.add("i", i);
  t.add("f", f);
  t.add("s", s);
  t.add("b", b);
  EXPECT_EQ(t.num_rows(), 3);
  EXPECT_EQ(t.columns(), (Names{"i", "f", "s", "b"}));

  const auto id = t.column<double>("i");
  EXPECT_EQ(id[0], 3.0);
  EXPECT_TRUE(std::isnan(id[1]));
  EXPECT_EQ(id[2], -7.0);
  EXPECT_EQ(t.column<std::int64_t>("i"), (Ids{3, 0, -7}));
  const auto fd = t.column<double>("f");
  EXPECT_EQ(fd[0], 0.5);
  EXPECT_TRUE(std::isnan(fd[1]));
  EXPECT_EQ(fd[2], 2.0);
  EXPECT_EQ(t.column<double>("b"), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(t.column<std::int64_t>("b"), (Ids{1, 0, 1}));
  EXPECT_EQ(t.column<bool>("b"), (std::vector<bool>{true, false, true}));
  EXPECT_EQ(t.column<std::string>("s"), (Names{"a", "", "c"}));
  EXPECT_EQ(t.column<std::string>("i"), (Names{"3", "", "-7"}));
  EXPECT_EQ(t.column<std::string>("b"), (Names{"True", "False", "True"}));
  EXPECT_TRUE(t.col("s").is_null(1));
  EXPECT_FALSE(t.col("s").is_null(0));

  EXPECT_THROW((void)t.column<bool>("i"), rw::ValueError);
  EXPECT_THROW((void)t.column<double>("s"), rw::ValueError);
  EXPECT_THROW((void)t.column<std::int64_t>("f"), rw::ValueError);
  expect_error<rw::IndexError>("Table::col", [&] { (void)t.column<double>("nope"); }, {"nope", "i, f, s, b"});
  rw::Column shorter(rw::DType::int64);
  shorter.push_integer(1);
  EXPECT_THROW(t.add("short", shorter), rw::ShapeError);
  EXPECT_EQ(t.select({"s", "i"}).columns(), (Names{"s", "i"}));
}

TEST(Table, PrintsAlignedColumnsWithTheirNames) {
  rw::Table t;
  rw::Column id(rw::DType::int64), name(rw::DType::string), flag(rw::DType::boolean), value(rw::DType::float64);
  for (const std::int64_t v : {1, 22, 333, 4}) id.push_integer(v);
  name.push_string("alice"), name.push_string("bob"), name.push_null(), name.push_string("dave");
  for (const bool v : {true, false, true, false}) flag.push_bool(v);
  value.push_number(1.5), value.push_number(-22.25), value.push_null(), value.push_number(100);
  t.add("id", id);
  t.add("name", name);
  t.add("flag", flag);
  t.add("value", value);
  std::ostringstream out;
  out << t;
  const auto text = out.str();
  for (const char* part : {"id", "name", "flag", "value", "alice", "True", "1.50", "-22.25", "100.00", "NaN", "[4 rows x 4 columns]"})
    EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in:\n" << text;
  // One number of decimals per float column, right-aligned: the header and the four rows
  // (the float column is the last one) all end at the same place.
  std::istringstream lines(text);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line) && !line.empty();) rows.push_back(line);
  ASSERT_EQ(rows.size(), 5u) << text;
  for (const auto& r : rows) EXPECT_EQ(r.size(), rows[0].size()) << "'" << r << "' in:\n" << text;
  EXPECT_EQ(rows[0].find("value") + 5, rows[0].size());

  // Many rows: the middle ones are elided.
  rw::Table many;
  rw::Column k(rw::DType::int64);
  for (std::int64_t v = 0; v < 100; ++v) k.push_integer(v * 1000);
  many.add("k", k);
  std::ostringstream short_out;
  many.print(short_out, 10);
  const auto s = short_out.str();
  EXPECT_NE(s.find("..."), std::string::npos) << s;
  EXPECT_NE(s.find("99000"), std::string::npos) << s;
  EXPECT_EQ(s.find("50000"), std::string::npos) << s;
  EXPECT_NE(s.find("[100 rows x 1 columns]"), std::string::npos) << s;
}

TEST(Table, ConcatUnifiesCategories) {
  rw::Column c1(rw::DType::category), c2(rw::DType::category);
  c1.set_categories({"b", "c"});
  c1.push_code(1), c1.push_code(0), c1.push_null();
  c2.set_categories({"a", "c"});
  c2.push_code(0), c2.push_code(1);
  rw::Table t1, t2;
  t1.add("c", c1);
  t2.add("c", c2);
  const auto t = rw::Table::concat({t1, t2});
  EXPECT_EQ(t.num_rows(), 5);
  EXPECT_EQ(rw::dtype_name(t.col("c").dtype()), "category");
  EXPECT_EQ(t.col("c").categories(), (Names{"a", "b", "c"}));
  EXPECT_EQ(t.column<std::string>("c"), (Names{"c", "b", "", "a", "c"}));
  EXPECT_TRUE(t.col("c").is_null(2));
  EXPECT_FALSE(t.col("c").is_null(3));
  const auto codes = t.col("c").codes();
  EXPECT_EQ(codes[0], 2);
  EXPECT_EQ(codes[3], 0);
}

// ===================================================================================================
// User errors: the documented class on every rank, with a message that says what is wrong
// ===================================================================================================

TEST(Errors, ExpressionsOnTheWrongColumns) {
  const auto ddf = basic();
  expect_error<rw::IndexError>("unknown column", [&] { (void)ddf["nope"]; }, {"nope", "id, x, n, flag, name, when, cat, k"});
  expect_error<rw::IndexError>("unknown column in a selection", [&] { (void)ddf[Names{"id", "nope"}]; }, {"nope"});
  expect_error<rw::IndexError>("unknown groupby key", [&] { (void)ddf.groupby("nope"); }, {"nope"});
  expect_error<rw::IndexError>("unknown dropna column", [&] { (void)ddf.dropna({"nope"}); }, {"nope"});
  expect_error<rw::ValueError>("a column selected twice", [&] { (void)ddf[Names{"id", "id"}]; }, {"id", "twice"});

  expect_error<rw::ValueError>("string * number", [&] { (void)(ddf["name"] * 2.0); }, {"name", "string"});
  expect_error<rw::ValueError>("string + float column", [&] { (void)(ddf["name"] + ddf["x"]); }, {"name", "x", "numeric"});
  expect_error<rw::ValueError>("-string", [&] { (void)(-ddf["cat"]); }, {"cat", "string"});
  expect_error<rw::ValueError>("sum of strings", [&] { (void)ddf["name"].sum().compute(); }, {"name", "string"});
  expect_error<rw::ValueError>("describe of strings", [&] { (void)ddf["name"].describe(); }, {"name", "string"});
  expect_error<rw::ValueError>("~ of a float", [&] { (void)(~ddf["x"]); }, {"x", "bool"});
  expect_error<rw::ValueError>("string compared with a number column", [&] { (void)(ddf["name"] < ddf["x"]); }, {"name", "x"});

  const auto pos = ddf[ddf["x"] > 0.0];
  expect_error<rw::ValueError>("mask of another filter", [&] { (void)ddf[pos["n"] > 10.0]; }, {"row-aligned"});
  expect_error<rw::ValueError>("mask of the unfiltered frame", [&] { (void)pos[ddf["n"] > 10.0]; }, {"row-aligned"});
  expect_error<rw::ValueError>("s[mask] of another filter", [&] { (void)ddf["n"][pos["x"] > 1.0]; }, {"row-aligned"});
  expect_error<rw::ValueError>("arithmetic across filters", [&] { (void)(pos["n"] + ddf["n"]); }, {"row-aligned"});
  expect_error<rw::ValueError>("a float mask", [&] { (void)ddf[ddf["x"]]; }, {"bool"});

  expect_error<rw::ValueError>(".dt of a float", [&] { (void)ddf["x"].dt(); }, {"x", "datetime64[ns]", "float64"});
  expect_error<rw::ValueError>(".dt of a string", [&] { (void)ddf["name"].dt().hour(); }, {"name", "datetime64[ns]"});
  expect_error<rw::ValueError>("unknown aggregation", [&] { (void)ddf.groupby("k").agg({{"x", "median"}}).compute(); },
                               {"median", "sum, mean"});
  expect_error<rw::ValueError>("sum of a string by group", [&] { (void)ddf.groupby("k").agg({{"name", "sum"}}).compute(); },
                               {"name", "string"});
  expect_error<rw::ValueError>("sample frac > 1", [&] { (void)ddf.sample(1.5); }, {"frac"});
  expect_error<rw::ValueError>("quantile q > 1", [&] { (void)ddf["x"].quantile(2.0).compute(); }, {"q"});
  expect_error<rw::ValueError>("head(-1)", [&] { (void)ddf.head(-1); }, {"n"});
  expect_error<rw::ValueError>("to_array of a string", [&] { (void)ddf.to_array(Names{"name"}); }, {"name", "string"});
}

TEST(Errors, AValueThatContradictsAForcedDtype) {
  const auto path = data_path("frame/basic.csv");
  // Default blocksize: rank 0 holds the first rows, so the agreed error is about line 2.
  const auto ddf = rw::read_csv(path, {.dtype = {{"name", "int64"}}});
  expect_error<rw::ParseError>("name as int64", [&] { (void)ddf.compute(); },
                               {"basic.csv", "line 2", "'name'", "carol", "int64"});
  // on_bad_lines = skip drops those lines: only id 12 (a missing name) is left in any pass that
  // converts name. (A pass that does not convert name keeps every line: projection pushdown,
  // docs/frame.md "Bad lines"; not checked here.)
  const auto kept = rw::read_csv(path, {.dtype = {{"name", "int64"}}, .on_bad_lines = rw::BadLines::skip, .blocksize = 256});
  EXPECT_EQ(dtype_of(kept, "name"), "int64");
  const rw::Table t = kept.compute();
  EXPECT_EQ(ids(t), Ids{12});
  EXPECT_TRUE(t.col("name").is_null(0));
  EXPECT_EQ(ids(kept[Names{"id", "name"}].compute()), Ids{12});
  EXPECT_EQ(kept["name"].isna().sum().compute(), 1.0);
}

// Records are converted in batches of 1024; a bad value or a short line deep inside a batch
// must still be reported in file order (error) or drop exactly its own line (skip), with
// every other value in place: 3000 lines, partitions of ~8 KiB and one of 64 KiB.
TEST(Errors, BadLinesDeepInsideConversionBatches) {
  TempDir dir;
  const auto path = dir / "long.csv";
  std::string text = "id,x,when\n";
  for (int i = 0; i < 3000; ++i) {
    if (i == 700) text += "700,1.5\n";                               // a short line
    else if (i == 1500) text += "1500,oops,2016-01-01 00:00:00\n";   // a bad float
    else if (i == 2100) text += "2100,2.5,2016-02-31 00:00:00\n";    // an impossible date
    else text += fmt::format("{},{}.25,2016-01-{:02d} 10:00:{:02d}\n", i, i, 1 + i % 28, i % 60);
  }
  write_file(path, text);
  // A value that does not parse (line 1202) comes before an unterminated quote (line 1252) in
  // the same conversion batch, both outside the schema sample (8 windows of 4 KiB over 200 KiB):
  // the earlier line is the error; skipping bad lines, the quote is.
  const auto quoted = dir / "quote.csv";
  std::string qtext = "id,x\n";
  for (int i = 0; i < 20000; ++i) {
    if (i == 1200) qtext += "abc,1.5\n";
    else if (i == 1250) qtext += "\"5,5.5\n";
    else qtext += fmt::format("{},{}.5\n", i, i % 10);
  }
  write_file(quoted, qtext);
  const rw::CsvOptions sampled{.dtype = {{"id", "int64"}}, .sample_bytes = 32 << 10};
  expect_error<rw::ParseError>("bad value before a bad quote", [&] { (void)rw::read_csv(quoted, sampled).compute(); },
                               {"quote.csv", "line 1202", "'abc'"});
  auto sampled_skip = sampled;
  sampled_skip.on_bad_lines = rw::BadLines::skip;
  expect_error<rw::ParseError>("the bad quote once line 1202 is skipped",
                               [&] { (void)rw::read_csv(quoted, sampled_skip).compute(); },
                               {"quote.csv", "unterminated quoted field", "line 1252"});
  for (const std::int64_t blocksize : {8 << 10, 64 << 10}) {
    const rw::CsvOptions forced{.dtype = {{"x", "float64"}, {"when", "datetime64[ns]"}}, .blocksize = blocksize};
    expect_error<rw::ParseError>("first bad line", [&] { (void)rw::read_csv(path, forced).compute(); },
                                 {"long.csv", "line 702", "expected 3 fields, saw 2"});
    auto skip = forced;
    skip.on_bad_lines = rw::BadLines::skip;
    const rw::Table t = rw::read_csv(path, skip).compute();
    ASSERT_EQ(t.num_rows(), 2997);
    const auto id = t.col("id").integers();
    const auto x = t.col("x").numbers();
    std::int64_t expected = 0;
    for (std::int64_t r = 0; r < t.num_rows(); ++r, ++expected) {
      while (expected == 700 || expected == 1500 || expected == 2100) ++expected;
      ASSERT_EQ(id[static_cast<std::size_t>(r)], expected);
      ASSERT_EQ(x[static_cast<std::size_t>(r)], static_cast<double>(expected) + 0.25);
    }
  }
}

TEST(Errors, FilesThatCannotBeRead) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  write_file(dir / "left.csv", "a,b\n1,2\n");
  write_file(dir / "right.csv", "a,c\n3,4\n");
  expect_error<rw::ParseError>("headers differ",
                               [&] { (void)rw::read_csv(std::vector<std::string>{dir / "left.csv", dir / "right.csv"}); },
                               {"left.csv", "right.csv", "[a, b]", "[a, c]"});
  expect_error<rw::ParseError>("headers differ (glob)", [&] { (void)rw::read_csv(dir / "*.csv"); }, {"left.csv", "right.csv"});
  expect_error<rw::IoError>("missing file", [&] { (void)rw::read_csv(dir / "missing.csv"); }, {"no such file", "missing.csv"});
  expect_error<rw::IoError>("no match", [&] { (void)rw::read_csv(dir / "missing-*.csv"); }, {"no files match", "missing-*.csv"});
  const auto ddf = basic();
  expect_error<rw::ValueError>("one file per partition without '*'",
                               [&] { ddf.to_csv(dir / "out.csv", {.one_file_per_partition = true}); }, {"'*'"});
  EXPECT_FALSE(std::filesystem::exists(dir / "out.csv"));
}
