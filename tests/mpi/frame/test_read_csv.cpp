// read_csv against pandas: every case of tests/data/frame/expected.json (made by
// make_fixtures.py) at the default partitioning and with tiny blocks (splits everywhere,
// including inside quoted fields), at 1, 2 and 3 ranks.
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "rankwise/rankwise.hpp"
#include "support/mpi_test.hpp"

namespace rw = rankwise;
using nlohmann::json;
using rw::testing::data_path;

namespace {

const json& cases() {
  static const json all = [] {
    std::ifstream in(data_path("frame/expected.json"));
    return json::parse(in)["cases"];
  }();
  return all;
}

const json& find_case(const std::string& name) {
  for (const auto& c : cases())
    if (c["name"] == name) return c;
  throw std::runtime_error("no fixture case " + name);
}

rw::CsvOptions options_of(const json& o, std::int64_t blocksize) {
  rw::CsvOptions opt;
  if (o.contains("sep")) opt.sep = o["sep"].get<std::string>()[0];
  if (o.contains("header")) opt.header = o["header"].is_null() ? -1 : o["header"].get<int>();
  if (o.contains("names")) opt.names = o["names"].get<std::vector<std::string>>();
  if (o.contains("usecols")) opt.usecols = o["usecols"].get<std::vector<std::string>>();
  if (o.contains("dtype")) opt.dtype = o["dtype"].get<std::map<std::string, std::string>>();
  if (o.contains("parse_dates")) opt.parse_dates = o["parse_dates"].get<std::vector<std::string>>();
  if (o.contains("assume_missing")) opt.assume_missing = o["assume_missing"];
  if (o.contains("skip_blank_lines")) opt.skip_blank_lines = o["skip_blank_lines"];
  if (o.contains("on_bad_lines")) {
    const auto b = o["on_bad_lines"].get<std::string>();
    opt.on_bad_lines = b == "skip" ? rw::BadLines::skip : b == "warn" ? rw::BadLines::warn : rw::BadLines::error;
  }
  if (o.contains("na_values")) opt.na_values = o["na_values"].get<std::vector<std::string>>();
  if (o.contains("comment")) opt.comment = o["comment"].get<std::string>()[0];
  if (o.contains("skiprows")) opt.skiprows = o["skiprows"];
  if (blocksize > 0) opt.blocksize = blocksize;
  return opt;
}

std::vector<std::string> files_of(const json& c) {
  std::vector<std::string> out;
  for (const auto& f : c["files"]) out.push_back(data_path("frame/" + f.get<std::string>()));
  return out;
}

// Text of an expected JSON scalar the way Column::format writes it.
std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return fmt::format("{}", v.get<double>());
}

::testing::AssertionResult same_value(const rw::Column& c, std::int64_t i, const json& want) {
  if (want.is_null()) {
    if (c.is_null(i)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "row " << i << ": expected null, got '" << c.format(i) << "'";
  }
  if (c.is_null(i)) return ::testing::AssertionFailure() << "row " << i << ": expected " << want.dump() << ", got null";
  if (want.is_number() && rw::is_numeric(c.dtype())) {
    const double w = want.get<double>(), got = c.number_at(i);
    if (std::fabs(got - w) <= 1e-12 * std::max(1.0, std::fabs(w))) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "row " << i << ": expected " << w << ", got " << got;
  }
  if (want.is_boolean() && c.dtype() == rw::DType::boolean) {
    if ((c.bytes()[static_cast<std::size_t>(i)] != 0) == want.get<bool>()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "row " << i << ": bool mismatch";
  }
  if (c.format(i) == text_of(want)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "row " << i << ": expected '" << text_of(want) << "', got '" << c.format(i) << "'";
}

void expect_number(double got, const json& want, const std::string& what) {
  if (want.is_null()) {
    EXPECT_TRUE(std::isnan(got)) << what << ": expected null, got " << got;
    return;
  }
  const double w = want.is_boolean() ? (want.get<bool>() ? 1.0 : 0.0) : want.get<double>();
  EXPECT_NEAR(got, w, 1e-9 * std::max(1.0, std::fabs(w))) << what;
}

void check_case(const json& c, std::int64_t blocksize) {
  SCOPED_TRACE(c["name"].get<std::string>() + " blocksize " + std::to_string(blocksize));
  const auto opt = options_of(c["options"], blocksize);
  if (!c["error"].is_null()) {
    try {
      auto ddf = rw::read_csv(files_of(c), opt);
      (void)ddf.compute();
      ADD_FAILURE() << "no error";
    } catch (const rw::Error& e) {
      EXPECT_NE(std::string(e.what()).find(c["error"].get<std::string>()), std::string::npos) << e.what();
      if (c.contains("bad_lines")) {
        EXPECT_NE(std::string(e.what()).find("line " + std::to_string(c["bad_lines"][0].get<int>())), std::string::npos) << e.what();
      }
    }
    return;
  }
  auto ddf = rw::read_csv(files_of(c), opt);
  EXPECT_GE(ddf.npartitions(), rw::testing::comm().size());
  const auto cols = c["columns"].get<std::vector<std::string>>();
  ASSERT_EQ(ddf.columns(), cols);
  for (const auto& [name, type] : ddf.dtypes()) EXPECT_EQ(rw::dtype_name(type), c["dtypes"][name]) << name;
  EXPECT_EQ(ddf.num_rows(), c["num_rows"].get<std::int64_t>());
  const rw::Table t = ddf.compute();
  ASSERT_EQ(t.num_rows(), c["num_rows"].get<std::int64_t>());
  for (const auto& name : cols) {
    const auto& want = c["values"][name];
    for (std::int64_t i = 0; i < t.num_rows(); ++i) EXPECT_TRUE(same_value(t.col(name), i, want[static_cast<std::size_t>(i)])) << name;
  }
  if (c.contains("reductions"))
    for (const auto& [name, r] : c["reductions"].items()) {
      const auto s = ddf[name];
      if (r["count"].get<std::int64_t>() == 0) continue;
      expect_number(s.sum().compute(), r["sum"], name + " sum");
      expect_number(s.mean().compute(), r["mean"], name + " mean");
      expect_number(s.min().compute(), r["min"], name + " min");
      expect_number(s.max().compute(), r["max"], name + " max");
      EXPECT_EQ(s.count().compute(), r["count"].get<std::int64_t>()) << name;
      expect_number(s.std().compute(), r["std"], name + " std");
      expect_number(s.var().compute(), r["var"], name + " var");
      EXPECT_EQ(s.nunique().compute(), r["nunique"].get<std::int64_t>()) << name;
    }
  if (c.contains("groupby"))
    for (const auto& g : c["groupby"]) {
      const auto by = g["by"].get<std::vector<std::string>>();
      const auto col = g["column"].get<std::string>();
      const rw::Table r = ddf.groupby(by).agg({{col, "sum"}, {col, "mean"}, {col, "count"}, {col, "min"},
                                              {col, "max"}, {col, "std"}, {col, "size"}}).compute();
      const auto& keys = g["keys"];
      ASSERT_EQ(r.num_rows(), static_cast<std::int64_t>(keys[by[0]].size())) << col;
      for (const auto& k : by)
        for (std::int64_t i = 0; i < r.num_rows(); ++i) EXPECT_TRUE(same_value(r.col(k), i, keys[k][static_cast<std::size_t>(i)])) << k;
      for (const std::string f : {"sum", "mean", "count", "min", "max", "std", "size"}) {
        const auto& out = r.col(f == "size" ? std::string("size") : col + "_" + f);
        for (std::int64_t i = 0; i < r.num_rows(); ++i) expect_number(out.number_at(i), g[f][static_cast<std::size_t>(i)], col + " " + f);
      }
      // The same through the other combine path.
      const auto old = rw::frame::set_groupby_shuffle_threshold(0);
      const rw::Table shuffled = ddf.groupby(by)[col].mean().compute();
      rw::frame::set_groupby_shuffle_threshold(old);
      ASSERT_EQ(shuffled.num_rows(), r.num_rows());
      for (std::int64_t i = 0; i < r.num_rows(); ++i) EXPECT_EQ(std::isnan(shuffled.col(col).number_at(i)) ? 0.0 : shuffled.col(col).number_at(i),
                                                               std::isnan(r.col(col + "_mean").number_at(i)) ? 0.0 : r.col(col + "_mean").number_at(i));
    }
  if (c.contains("value_counts"))
    for (const auto& v : c["value_counts"]) {
      const auto col = v["column"].get<std::string>();
      const rw::Table r = ddf[col].value_counts().compute();
      ASSERT_EQ(r.num_rows(), static_cast<std::int64_t>(v["values"].size())) << col;
      for (std::int64_t i = 0; i < r.num_rows(); ++i) {
        EXPECT_TRUE(same_value(r.col(col), i, v["values"][static_cast<std::size_t>(i)])) << col;
        EXPECT_EQ(r.col("count").integers()[static_cast<std::size_t>(i)], v["counts"][static_cast<std::size_t>(i)].get<std::int64_t>());
      }
    }
  if (c.contains("describe")) {
    const rw::Table d = ddf.describe().compute();
    const auto& want = c["describe"];
    for (const auto& col : want["columns"]) {
      const auto name = col.get<std::string>();
      const auto k = &col - &want["columns"][0];
      int row = 0;
      for (const std::string stat : {"count", "mean", "std", "min", "25%", "50%", "75%", "max"})
        expect_number(d.col(name).number_at(row++), want[stat][static_cast<std::size_t>(k)], name + " " + stat);
    }
  }
  // compute() is identical on every rank.
  EXPECT_TRUE(rw::testing::same_on_all_ranks(t.encode()));
}

class ReadCsvCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ReadCsvCase, MatchesPandas) {
  const auto& c = find_case(GetParam());
  check_case(c, 0);
  check_case(c, 16);  // about one partition per line: splits land everywhere
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ReadCsvCase,
                         ::testing::Values("basic", "basic_usecols", "basic_dtype", "basic_assume_missing", "quoted",
                                           "crlf", "no_newline", "bom", "blank_lines", "blank_lines_keep",
                                           "bad_lines_error", "bad_lines_skip", "bad_lines_warn", "empty",
                                           "header_only", "tiny", "tiny_no_header", "multi", "multi_glob", "options",
                                           "tabs", "big", "nomatch"));

TEST(ReadCsv, EveryFixtureCaseIsListed) { EXPECT_EQ(cases().size(), 23u); }

}  // namespace
