// `rankwise tour`: the talk, start to finish, on generated data; pictures and outputs in --out.
// Sections arrive with the modules they show; today: the delayed example.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "cli/command.hpp"
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

}  // namespace

void add_tour_command(CLI::App& app, Context& context) {
  static TourOptions options;
  auto* tour = app.add_subcommand("tour", "Run the talk's examples on generated data; outputs go to --out");
  tour->add_option("--out", options.out, "Folder for pictures, data and the trace")->capture_default_str();
  tour->add_option("--nap", options.nap, "Seconds each task of the delayed example sleeps")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60.0));
  tour->callback([&context] {
    agree(*context.comm, "tour", [&] {
      if (context.comm->is_root()) std::filesystem::create_directories(options.out);
    });
    // Record the whole tour in a Chrome trace unless the user chose a file already.
    const auto trace = (std::filesystem::path(options.out) / "trace.json").string();
    setenv("RANKWISE_TRACE", trace.c_str(), /*overwrite=*/0);
    context.out() << "rankwise tour on " << context.comm->size() << " rank(s); outputs in "
                  << options.out << "/\n\n";
    array_section(context);
    ols_section(context);
    delayed_section(context, options);
    context.out() << "trace: " << std::getenv("RANKWISE_TRACE")
                  << " (open in https://ui.perfetto.dev)\n";
  });
}

}  // namespace rankwise::cli
