// `rankwise tour`: the talk, start to finish, on generated data; pictures and outputs in --out.
// Sections: arrays, OLS, delayed, taxi CSV statistics, k-means with its scatter plot.
#include <chrono>
#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/sources.hpp"
#include "rankwise/frame/dataframe.hpp"
#include "rankwise/io/hdf5.hpp"
#include "rankwise/ml/cluster.hpp"
#include "rankwise/ml/datasets.hpp"
#include "rankwise/array.hpp"
#include "rankwise/delayed/delayed.hpp"
#include "rankwise/linalg/dot.hpp"
#include "rankwise/runtime/agree.hpp"
#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/timer.hpp"

namespace rankwise::cli {

namespace {

struct TourOptions {
  std::string out = "out";
  double nap = 1.0;  // seconds each delayed example task sleeps
  std::int64_t taxi_rows = 400'000;
  std::int64_t blob_rows = 1'000'000;
};

// The talk's dask.array slides: a chunked random array, its blocks and their owners, a product.
void array_section(const Context& context) {
  auto& out = context.out();
  const auto& comm = *context.comm;
  out << "== dask.array: a 4 x 4 random array in 2 x 2 chunks ==\n";
  const auto X = random::random({4, 4}, {2, 2}, /*seed=*/0);
  out << fmt::format("shape ({}, {}), chunks ((2, 2), (2, 2)), npartitions {}\n", X.shape()[0], X.shape()[1],
                     X.npartitions());
  const auto owners = X.owners();
  for (std::int64_t b = 0; b < X.npartitions(); ++b)
    out << fmt::format("  block {} -> rank {}\n", b, owners.owner(b));
  const auto values = X.compute();
  out << "X = " << values << "\n";
  out << "dot(X, X) = " << dot(X, X).compute() << "\n";
  const auto E = (exp(X) * 2 + 1).sum().compute();
  out << fmt::format("(exp(X) * 2 + 1).sum() = {:.6f}   (one fused pass per block)\n\n", E);
  (void)comm;
}

// The talk's OLS slide, literally: w = (XᵀX)⁻¹ Xᵀ y on 10,000 x 20 in 1,000-row chunks.
void ols_section(const Context& context) {
  auto& out = context.out();
  const auto& comm = *context.comm;
  out << "== OLS: dot(dot(inv(dot(X.T(), X)), X.T()), y), 10,000 x 20 ==\n";
  comm.barrier();
  Timer timer;
  const auto X = random::random({10000, 20}, {1000, 20}, 1);
  const auto y = random::random({10000}, {10000}, 2);
  const auto w = dot(dot(linalg::inv(dot(X.T(), X)), X.T()), y).compute();
  const double seconds = allreduce(comm, timer.seconds(), ReduceOp::max);
  out << "w[0:5] =";
  for (int k = 0; k < 5; ++k) out << fmt::format(" {:.5f}", w(k));
  out << fmt::format("\n{} partitions, {:.2f} ms from generation to coefficients\n\n", X.npartitions(), seconds * 1e3);
}

// The talk's dask.delayed slide: two averages and a sum, each sleeping `nap` seconds.
void delayed_section(const Context& context, const TourOptions& options) {
  auto& out = context.out();
  const double nap = options.nap;
  auto avg = [nap](const std::vector<double>& xs) {
    std::this_thread::sleep_for(std::chrono::duration<double>(nap));
    return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
  };
  auto add = [nap](double a, double b) {
    std::this_thread::sleep_for(std::chrono::duration<double>(nap));
    return a + b;
  };
  const std::vector<double> l1{1, 2, 3, 4, 5, 6}, l2{10, 20, 30};
  out << "== dask.delayed: avg(l1), avg(l2), add ==\n";

  Timer direct;
  const double expected = add(avg(l1), avg(l2));
  const double direct_seconds = direct.seconds();
  out << fmt::format("called directly:          {:.2f} s  -> {}\n", direct_seconds, expected);

  auto l1_avg = delayed(avg, {.name = "avg", .cost = nap})(l1);
  auto l2_avg = delayed(avg, {.name = "avg", .cost = nap})(l2);
  auto result = delayed(add, {.name = "add", .cost = nap})(l1_avg, l2_avg);
  const auto graph_path = (std::filesystem::path(options.out) / "graph.svg").string();
  result.visualize(graph_path, *context.comm);
  context.comm->barrier();
  Timer lazy;
  const double value = result.compute(*context.comm);
  const double lazy_seconds = allreduce(*context.comm, lazy.seconds(), ReduceOp::max);
  out << fmt::format("through rankwise, {} rank{}: {:.2f} s  -> {}\n", context.comm->size(),
                     context.comm->size() > 1 ? "s" : " ", lazy_seconds, value);
  out << "graph: " << graph_path << "\n\n";
}

// The talk's dask.dataframe slides on generated NYC-taxi-like CSV files.
void taxi_section(const Context& context, const TourOptions& options) {
  auto& out = context.out();
  const auto& comm = *context.comm;
  out << "== dask.dataframe: taxi trips in CSV files ==\n";
  const auto pattern = write_taxi_csv((std::filesystem::path(options.out) / "taxi").string(), options.taxi_rows, 4, 0);
  comm.barrier();
  Timer timer;
  auto ddf = read_csv(pattern, {.assume_missing = true, .skip_blank_lines = true, .on_bad_lines = BadLines::skip});
  const double open = allreduce(comm, timer.seconds(), ReduceOp::max);
  out << fmt::format("read_csv('{}'): {} columns, {} partitions ({:.1f} ms: files listed, schema inferred from samples)\n", pattern,
                     ddf.columns().size(), ddf.npartitions(), open * 1e3);
  out << fmt::format("len(ddf) = {}\n", ddf.num_rows());
  out << ddf[std::vector<std::string>{"tpep_pickup_datetime", "passenger_count", "trip_distance", "fare_amount", "tip_amount",
                                      "total_amount"}]
             .head();
  timer = Timer();
  const double mean = ddf["total_amount"].mean().compute();
  const double mean_s = allreduce(comm, timer.seconds(), ReduceOp::max);
  out << fmt::format("ddf['total_amount'].mean() = {:.4f}   ({:.1f} ms, one column parsed)\n", mean, mean_s * 1e3);
  timer = Timer();
  const Table tips = ddf.groupby("passenger_count")["tip_amount"].mean().compute();
  const double group_s = allreduce(comm, timer.seconds(), ReduceOp::max);
  out << fmt::format("ddf.groupby('passenger_count')['tip_amount'].mean()   ({:.1f} ms)\n", group_s * 1e3) << tips << "\n";
}

// The talk's dask-ml slide: make_blobs 1,000,000 x 2 and KMeans with k-means||; a scatter plot.
void kmeans_section(const Context& context, const TourOptions& options) {
  auto& out = context.out();
  const auto& comm = *context.comm;
  out << "== dask-ml: KMeans on make_blobs(1,000,000 x 2, centers = 3) ==\n";
  comm.barrier();
  Timer timer;
  auto [X, y] = ml::datasets::make_blobs({.n_samples = options.blob_rows, .n_features = 2, .centers = 3, .chunks = 100'000,
                                          .random_state = 0});
  X = X.persist();
  ml::KMeans km({.n_clusters = 3, .init_max_iter = 2, .oversampling_factor = 10});
  km.fit(X);
  const double seconds = allreduce(comm, timer.seconds(), ReduceOp::max);
  out << fmt::format("data + fit: {:.3f} s, {} Lloyd iterations, inertia {:.6g}\n", seconds, km.n_iter(), km.inertia());
  out << "cluster_centers =\n" << km.cluster_centers() << "\n";
  const auto dir = std::filesystem::path(options.out);
  const auto data = (dir / "blobs.h5").string(), result = (dir / "kmeans.h5").string(), png = (dir / "kmeans.png").string();
  io::Hdf5WriteOptions replace;
  replace.overwrite = true;
  io::to_hdf5(X, data, "/X", replace);
  agree(comm, "tour", [&] { if (comm.is_root()) std::filesystem::remove(result); });
  km.save(result);
  io::Hdf5WriteOptions append;
  append.append = true;
  io::to_hdf5(km.labels(), result, "/labels", append);
  plot_clusters(comm, data + ":/X", result, png);
  out << "plot: " << png << "\n\n";
}

}  // namespace

void add_tour_command(CLI::App& app, Context& context) {
  static TourOptions options;
  auto* tour = app.add_subcommand("tour", "Run the talk's examples on generated data; outputs go to --out");
  tour->add_option("--out", options.out, "Folder for pictures, data and the trace")->capture_default_str();
  tour->add_option("--nap", options.nap, "Seconds each task of the delayed example sleeps")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60.0));
  tour->add_option("--taxi-rows", options.taxi_rows, "Rows of the generated taxi CSV files")->capture_default_str()->check(positive_number());
  tour->add_option("--blob-rows", options.blob_rows, "Rows of the k-means example")->capture_default_str()->check(positive_number());
  tour->callback([&context] {
    agree(*context.comm, "tour", [&] {
      if (context.comm->is_root()) std::filesystem::create_directories(options.out);
    });
    // Record the whole tour in a Chrome trace unless the user chose a file already.
    const auto trace = (std::filesystem::path(options.out) / "trace.json").string();
    setenv("RANKWISE_TRACE", trace.c_str(), /*overwrite=*/0);
    // --json: the narrative goes to <out>/tour.txt and stdout gets one JSON summary.
    const auto log_path = (std::filesystem::path(options.out) / "tour.txt").string();
    std::ofstream log;
    if (context.json && context.comm->is_root()) log.open(log_path);
    if (context.json) context.redirect = &log;
    Timer total;
    context.out() << "rankwise tour on " << context.comm->size() << " rank(s); outputs in "
                  << options.out << "/\n\n";
    array_section(context);
    ols_section(context);
    delayed_section(context, options);
    taxi_section(context, options);
    kmeans_section(context, options);
    context.out() << "trace: " << std::getenv("RANKWISE_TRACE")
                  << " (open in https://ui.perfetto.dev)\n";
    if (!context.json) return;
    context.redirect = nullptr;
    log.close();
    const double seconds = total.seconds();
    if (!context.comm->is_root()) return;
    nlohmann::json summary{{"ranks", context.comm->size()}, {"out", options.out}, {"log", log_path},
                           {"trace", std::getenv("RANKWISE_TRACE")}, {"seconds", seconds}};
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(options.out))
      if (entry.is_regular_file()) files.push_back(std::filesystem::relative(entry.path(), options.out).string());
    std::sort(files.begin(), files.end());
    summary["files"] = files;
    std::cout << summary.dump() << "\n";
  });
}

}  // namespace rankwise::cli
