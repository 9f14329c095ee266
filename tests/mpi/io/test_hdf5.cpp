// Parallel HDF5 at 1, 2 and 3 ranks: files written by h5py in each layout and element type
// (tests/data/hdf5/make_fixtures.py), writes read back by h5py, and every user error.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "rankwise/array.hpp"
#include "rankwise/io/hdf5.hpp"
#include "rankwise/linalg/dot.hpp"
#include "support/mpi_test.hpp"

namespace rw = rankwise;
using rankwise::testing::comm;
using rankwise::testing::data_path;

namespace {

const nlohmann::json& expected() {
  static const nlohmann::json j = [] {
    std::ifstream in(data_path("hdf5/expected.json"));
    return nlohmann::json::parse(in);
  }();
  return j;
}
const std::string layouts = data_path("hdf5/layouts.h5");

std::string scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("rankwise-hdf5-np" + std::to_string(comm().size()));
  if (comm().is_root()) std::filesystem::create_directories(dir);
  comm().barrier();
  return (dir / name).string();
}

template <class T>
void check_dataset(const std::string& name, const rw::ChunkSpec& chunks) {
  const auto X = rw::read_hdf5<T>(layouts, "/" + name, chunks);
  const auto& e = expected()[name];
  EXPECT_EQ(X.shape(), (rw::Shape{101, 3}));
  EXPECT_DOUBLE_EQ(static_cast<double>(X.sum().compute()), e["sum"].get<double>()) << name;
  const auto sum0 = X.sum(0).compute();
  for (int j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(static_cast<double>(sum0(j)), e["sum0"][j].get<double>()) << name;
  const auto all = X.compute();
  for (int j = 0; j < 3; ++j) {
    EXPECT_DOUBLE_EQ(static_cast<double>(all(0, j)), e["first_row"][j].get<double>());
    EXPECT_DOUBLE_EQ(static_cast<double>(all(100, j)), e["last_row"][j].get<double>());
  }
}

}  // namespace

// Every layout, read in its own type and in a wider one, with uneven blocks and with more
// blocks than ranks and fewer.
TEST(Hdf5, ReadsEveryLayoutWrittenByH5py) {
  for (const auto& chunks : {rw::ChunkSpec{10, 3}, rw::ChunkSpec{101, 3}, rw::ChunkSpec{34, 2}, rw::ChunkSpec{1, 3}}) {
    check_dataset<double>("contiguous_f64", chunks);
    check_dataset<float>("group/chunked_f32", chunks);
    check_dataset<double>("group/chunked_f32", chunks);
    check_dataset<std::int32_t>("gzip_i32", chunks);
    check_dataset<std::int64_t>("gzip_i32", chunks);
    check_dataset<std::int64_t>("bigendian_i64", chunks);
  }
  // Every layout x element type, read in its own type and as float64.
  for (const auto& chunks : {rw::ChunkSpec{10, 3}, rw::ChunkSpec{34, 2}}) {
    for (const std::string layout : {"contiguous", "chunked", "gzip"}) {
      check_dataset<float>("matrix/" + layout + "_f4", chunks);
      check_dataset<double>("matrix/" + layout + "_f8", chunks);
      check_dataset<std::int32_t>("matrix/" + layout + "_i4", chunks);
      check_dataset<std::int64_t>("matrix/" + layout + "_i8", chunks);
      for (const std::string t : {"f4", "f8", "i4", "i8"}) check_dataset<double>("matrix/" + layout + "_" + t, chunks);
    }
  }
  // Reading in the file's own type keeps HDF5's transfer collective, for every layout.
  for (const auto& name : {"/contiguous_f64", "/gzip_i32"}) {
    if (std::string(name) == "/contiguous_f64") (void)rw::read_hdf5<double>(layouts, name, 10).sum().compute();
    else (void)rw::read_hdf5<std::int64_t>(layouts, name, 10).sum().compute();
    EXPECT_EQ(rw::io::last_read_io_mode(), "collective") << name;
  }
  (void)rw::read_hdf5<float>(layouts, "/group/chunked_f32", 10).sum().compute();
  EXPECT_EQ(rw::io::last_read_io_mode(), "collective");
  const auto info = rw::io::hdf5_info(layouts, "/gzip_i32");
  EXPECT_EQ(info.dtype, "int32");
  EXPECT_EQ(info.shape, (rw::Shape{101, 3}));
}

// Expressions over a file stream through it; the result is the same as in memory.
// Chunked datasets whose middle chunks were never written (h5py's defaults, and fill time
// "never", where HDF5 leaves the reader's buffer untouched and rankwise must zero it itself).
// Parallel HDF5 1.10 cannot read such datasets collectively (MPI_File_set_view fails): they
// are read with independent transfers.
TEST(Hdf5, NeverWrittenChunksReadAsZero) {
  for (const char* name : {"/sparse_default", "/sparse_fill_never"})
    for (const std::int64_t rows_per_block : {7, 40}) {
      const auto X = rw::read_hdf5<double>(layouts, name, rw::ChunkSpec{rows_per_block, 3});
      const auto all = X.compute();
      EXPECT_EQ(rw::io::last_read_io_mode(), "independent") << name;
      for (std::int64_t i = 0; i < 40; ++i)
        for (std::int64_t j = 0; j < 3; ++j) EXPECT_EQ(all(i, j), i < 10 ? 1.0 : i >= 30 ? 2.0 : 0.0) << name << " " << i << ", " << j;
      EXPECT_EQ(X.sum().compute(), 90.0);
    }
}

// A reduction straight over a file reads each block in slabs and reduces them in cache: the
// same bits as reducing the blocks read whole (the persisted array), for every reduction kind,
// blocks of two slabs and more, a last block of one short slab, a widened element type, and
// more ranks than blocks.
TEST(Hdf5, StreamedReductionsEqualInMemoryOnes) {
  const auto path = scratch("stream.h5");
  const std::int64_t rows = 600'001;
  const auto X = rw::random::random({rows, 3}, rw::ChunkSpec{250'000, 3}, 5) * 10.0 - 3.0;
  rw::io::Hdf5WriteOptions replace;
  replace.overwrite = true;
  rw::to_hdf5(X, path, "/X", replace);
  rw::to_hdf5(X.astype<std::int32_t>(), path + ".i", "/I", replace);
  for (const std::int64_t chunk : {250'000, 600'001, 400'000}) {
    const auto F = rw::read_hdf5<double>(path, "/X", rw::ChunkSpec{chunk, 3});
    const auto M = F.persist();
    EXPECT_EQ(F.sum().compute(), M.sum().compute()) << chunk;
    EXPECT_EQ(F.mean().compute(), M.mean().compute()) << chunk;
    EXPECT_EQ(F.std().compute(), M.std().compute()) << chunk;
    EXPECT_EQ(F.min().compute(), M.min().compute()) << chunk;
    EXPECT_EQ(F.argmax().compute(), M.argmax().compute()) << chunk;
    EXPECT_NEAR(F.sum().compute(), X.sum().compute(), 1e-9 * static_cast<double>(rows));
    // Elementwise expressions over the file stream too (a generator inside keyed on positions).
    const auto noise = rw::random::random({rows, 3}, rw::ChunkSpec{chunk, 3}, 9);
    EXPECT_EQ(rw::pow(F * 2.0 + 1.0, 2).sum().compute(), rw::pow(M * 2.0 + 1.0, 2).sum().compute()) << chunk;
    EXPECT_EQ((F * F - F).mean().compute(), (M * M - M).mean().compute()) << chunk;
    EXPECT_EQ((F + noise).argmin().compute(), (M + noise).argmin().compute()) << chunk;
    // Not slab-safe (a slice): the block path, the same values.
    const std::vector<rw::Slice> inner{{1, rows - 1, 1}, {0, 3, 1}};
    EXPECT_EQ(F.slice(inner).sum().compute(), M.slice(inner).sum().compute()) << chunk;
    const auto I = rw::read_hdf5<double>(path + ".i", "/I", rw::ChunkSpec{chunk, 3});
    EXPECT_EQ(I.sum().compute(), I.persist().sum().compute()) << chunk;
  }
  // Two blocks for three ranks: the third takes part in every read with nothing.
  const auto few = rw::read_hdf5<double>(path, "/X", rw::ChunkSpec{300'001, 3});
  EXPECT_EQ(few.sum().compute(), few.persist().sum().compute());
  if (comm().is_root()) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + ".i");
  }
}

namespace {
// This process's resident set (VmRSS) or its peak since the last reset (VmHWM), in bytes.
std::int64_t status_bytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1)) * 1024;
  return -1;
}
// Sets VmHWM back to the current resident set (Linux >= 4.0).
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  return static_cast<bool>(out.flush());
}
}  // namespace

// A reduction over a file holds a few blocks per rank, not its share of the file: 160 MB in
// 100 blocks of 1.6 MB, and the peak resident set may grow by at most 24 MB (15 blocks) on
// any rank (a rank's share is 53 to 160 MB).
TEST(Hdf5, AReductionOverAFileStreamsInFewBlocks) {
  const auto path = scratch("big.h5");
  const std::int64_t rows = 2'000'000, block_rows = 20'000;
  const auto X = rw::random::random({rows, 10}, rw::ChunkSpec{block_rows, 10}, 13);
  rw::io::Hdf5WriteOptions replace;
  replace.overwrite = true;
  rw::to_hdf5(X, path, "/X", replace);
  const auto F = rw::read_hdf5<double>(path, "/X", rw::ChunkSpec{block_rows, 10});
  comm().barrier();
  if (!reset_peak_rss()) GTEST_SKIP() << "cannot reset the peak resident set here";
  const auto before = status_bytes("VmRSS");
  const double total = F.sum().compute();
  const double spread = F.std().compute();
  const auto grew = status_bytes("VmHWM") - before;
  EXPECT_LT(grew, 24 << 20) << "peak resident set grew by " << grew / (1 << 20) << " MB";
  EXPECT_NEAR(total, X.sum().compute(), 1e-6);
  EXPECT_NEAR(spread, std::sqrt(1.0 / 12.0), 1e-3);
  comm().barrier();
  if (comm().is_root()) std::filesystem::remove(path);
}

TEST(Hdf5, LazyExpressionsOverAFile) {
  const auto X = rw::read_hdf5<double>(layouts, "/contiguous_f64", rw::ChunkSpec{7, 3});
  const auto M = rw::from_ndarray(X.compute(), rw::ChunkSpec{7, 3});
  EXPECT_DOUBLE_EQ((X * 2.0 + 1.0).std().compute(), (M * 2.0 + 1.0).std().compute());
  EXPECT_EQ(X.slice({{5, 60, 4}}).compute(), M.slice({{5, 60, 4}}).compute());
}

TEST(Hdf5, WritesCollectivelyAndAtomicallyReadableByH5py) {
  for (int gzip : {0, 4}) {
    const auto path = scratch("out" + std::to_string(gzip) + ".h5");
    if (comm().is_root()) std::filesystem::remove(path);
    comm().barrier();
    const auto X = rw::random::random({1001, 4}, rw::ChunkSpec{100, 4}, 9);
    rw::io::Hdf5WriteOptions options;
    options.chunk_rows = gzip ? 64 : 0;
    options.gzip = gzip;
    options.attributes = {{"units", std::string("metres")}, {"scale", 2.0}, {"version", std::int64_t{3}}};
    rw::to_hdf5(X * 2.0, path, "/results/X2", options);
    const double total = (X * 2.0).sum().compute();
    EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
    // Read back by rankwise, and by h5py (an independent reader).
    EXPECT_NEAR(rw::read_hdf5<double>(path, "/results/X2", 77).sum().compute(), total, 1e-9);
    int ok = 0;
    if (comm().is_root()) {
      const std::string cmd = "/usr/bin/python3 " + data_path("hdf5/check_written.py") + " " + path +
                              " /results/X2 " + std::to_string(total) + " 1001 4 units=metres version=3 " +
                              (gzip ? "layout=chunked:64:gzip:4" : "layout=contiguous") + " > /dev/null";
      ok = std::system(cmd.c_str()) == 0;
    }
    rw::bcast(comm(), ok, 0);
    EXPECT_TRUE(ok) << "h5py could not read back " << path;
    // An existing file is an error unless overwrite is asked.
    EXPECT_THROW(rw::to_hdf5(X, path, "/X"), rw::IoError);
    rw::io::Hdf5WriteOptions again;
    again.overwrite = true;
    rw::to_hdf5(X.slice({{0, 10}}), path, "/X", again);
    EXPECT_EQ(rw::io::hdf5_info(path, "/X").shape, (rw::Shape{10, 4}));
    // A write whose data fails to compute (a singular matrix's inverse) leaves the existing
    // file as it was and no partial file behind, on every rank.
    const auto singular = rw::from_ndarray(rw::NDArray<double>({3, 3}, {1, 2, 3, 2, 4, 6, 1, 1, 1}), 2);
    EXPECT_THROW(rw::to_hdf5(rw::linalg::inv(singular), path, "/X", again), rw::LinalgError);
    comm().barrier();
    EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
    EXPECT_EQ(rw::io::hdf5_info(path, "/X").shape, (rw::Shape{10, 4}));
    EXPECT_NEAR(rw::read_hdf5<double>(path, "/X").sum().compute(), X.slice({{0, 10}}).sum().compute(), 1e-12);
  }
}

TEST(Hdf5, UserErrorsAreClearOnEveryRank) {
  try {
    (void)rw::read_hdf5<double>("/nonexistent/data.h5", "/X");
    ADD_FAILURE() << "no error";
  } catch (const rw::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no such file: /nonexistent/data.h5"), std::string::npos) << e.what();
  }
  try {
    (void)rw::read_hdf5<double>(layouts, "/missing");
    ADD_FAILURE() << "no error";
  } catch (const rw::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("no dataset /missing"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)rw::read_hdf5<double>(layouts, "/names"), rw::ValueError);
  try {
    (void)rw::read_hdf5<double>(layouts, "/cube", rw::ChunkSpec{std::vector<std::int64_t>{2, 3}});
    ADD_FAILURE() << "no error";
  } catch (const rw::ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("(4, 3, 2)"), std::string::npos) << e.what();
  }
  const auto not_hdf5 = data_path("hdf5/expected.json");
  EXPECT_THROW((void)rw::read_hdf5<double>(not_hdf5, "/X"), rw::IoError);
  EXPECT_THROW(rw::to_hdf5(rw::zeros<double>({3}, 2), "/nonexistent/dir/out.h5", "/X"), rw::IoError);
}
