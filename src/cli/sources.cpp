// See sources.hpp.
#include "cli/sources.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "ml/detail/common.hpp"
#include "rankwise/error.hpp"
#include "rankwise/frame/column.hpp"
#include "rankwise/io/hdf5.hpp"
#include "rankwise/runtime/agree.hpp"
#include "rankwise/runtime/environment.hpp"

namespace rankwise::cli {

H5Spec parse_h5(const std::string& spec, const std::string& option) {
  const auto at = spec.rfind(":/");
  if (at == std::string::npos || at == 0)
    throw ValueError(fmt::format("{} expects FILE.h5:/DATASET, got '{}'", option, spec));
  return {spec.substr(0, at), spec.substr(at + 1)};
}

std::int64_t rows_per_block(std::int64_t rows, int) {
  // From the data alone (not the rank count), so results are the same at any number of ranks.
  return std::clamp<std::int64_t>((rows + 63) / 64, 1'000, 1'000'000);
}

Array<double> read_matrix(const H5Spec& spec, int ranks) {
  const auto info = io::hdf5_info(spec.file, spec.dataset);
  if (info.shape.size() == 1) {
    const auto v = io::read_hdf5<double>(spec.file, spec.dataset, ChunkSpec(rows_per_block(info.shape[0], ranks)));
    return v.reshape({info.shape[0], 1});
  }
  if (info.shape.size() != 2)
    throw ShapeError(fmt::format("{}:{} has {} dimensions; a matrix needs 2", spec.file, spec.dataset, info.shape.size()));
  return io::read_hdf5<double>(spec.file, spec.dataset, ChunkSpec(std::vector<std::int64_t>{rows_per_block(info.shape[0], ranks), info.shape[1]}));
}

Array<double> read_vector(const H5Spec& spec, int ranks) {
  const auto info = io::hdf5_info(spec.file, spec.dataset);
  if (info.shape.size() != 1 && !(info.shape.size() == 2 && info.shape[1] == 1))
    throw ShapeError(fmt::format("{}:{} has shape {}; a vector is needed", spec.file, spec.dataset, shape_str(info.shape)));
  const auto n = info.shape[0];
  if (info.shape.size() == 2)
    return io::read_hdf5<double>(spec.file, spec.dataset, ChunkSpec(std::vector<std::int64_t>{rows_per_block(n, ranks), 1})).reshape({n});
  return io::read_hdf5<double>(spec.file, spec.dataset, ChunkSpec(rows_per_block(n, ranks)));
}

namespace {
// Two-decimal money as the real files write it: "7.3", "12", "0.5".
std::string money(double v) { return fmt::format("{}", std::round(v * 100) / 100); }

std::string stamp(std::int64_t seconds) {
  return format_datetime(seconds * 1'000'000'000);
}
}  // namespace

std::string write_taxi_csv(const std::string& dir, std::int64_t rows, int files, std::uint64_t seed) {
  using ml::detail::normal;
  using ml::detail::uniform;
  const auto& comm = default_comm();
  RANKWISE_CHECK(files >= 1 && files <= 120 && rows >= files, ValueError, "generate taxi: need 1..120 files and at least one row per file");
  agree(comm, "generate", [&] { if (comm.is_root()) std::filesystem::create_directories(dir); });
  agree(comm, "generate", [&] {
    for (int f = comm.rank(); f < files; f += comm.size()) {
      const int year = 2016 + f / 12, month = f % 12 + 1;
      const auto path = fmt::format("{}/yellow_tripdata_{}-{:02}.csv", dir, year, month);
      std::ofstream out(path + ".partial", std::ios::binary);
      if (!out) throw IoError("generate taxi: cannot write " + path);
      out << "VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,pickup_longitude,"
             "pickup_latitude,RatecodeID,store_and_fwd_flag,dropoff_longitude,dropoff_latitude,payment_type,fare_amount,"
             "extra,mta_tax,tip_amount,tolls_amount,improvement_surcharge,total_amount\n";
      const std::int64_t first = rows * f / files, last = rows * (f + 1) / files;
      const std::int64_t month_start = days_from_civil(year, static_cast<unsigned>(month), 1) * 86400;
      std::string buf;
      for (std::int64_t r = first; r < last; ++r) {
        const auto u = [&](std::uint32_t s) { return uniform(seed, s, static_cast<std::uint64_t>(r)); };
        const auto pickup = month_start + static_cast<std::int64_t>(u(1) * 28 * 86400);
        const double minutes = std::exp(2.4 + 0.6 * normal(seed, 2, static_cast<std::uint64_t>(r)));
        const auto dropoff = pickup + static_cast<std::int64_t>(minutes * 60);
        const double pc = u(3);
        const int passengers = pc < 0.70 ? 1 : pc < 0.85 ? 2 : pc < 0.90 ? 3 : pc < 0.93 ? 4 : pc < 0.97 ? 5 : 6;
        const double distance = std::max(0.1, minutes / 60 * (8 + 6 * u(4)));
        const double lon0 = -73.99 + 0.03 * normal(seed, 5, static_cast<std::uint64_t>(r));
        const double lat0 = 40.75 + 0.03 * normal(seed, 6, static_cast<std::uint64_t>(r));
        const double lon1 = lon0 + 0.01 * normal(seed, 7, static_cast<std::uint64_t>(r));
        const double lat1 = lat0 + 0.01 * normal(seed, 8, static_cast<std::uint64_t>(r));
        const int payment = u(9) < 0.65 ? 1 : u(9) < 0.98 ? 2 : 3;
        const double fare = std::round((2.5 + 2.5 * distance) * 2) / 2;
        const double extra = u(10) < 0.4 ? 0.5 : 0.0;
        const double tip = payment == 1 ? std::round(fare * (0.1 + 0.15 * u(11)) * 100) / 100 : 0.0;
        // The first 100,000 rows of the first file have no tolls: a first-block type guess says int.
        const bool toll = r >= 100'000 && u(12) < 0.05;
        const double total = fare + extra + 0.5 + tip + (toll ? 5.54 : 0.0) + 0.3;
        buf += fmt::format("{},{},{},{},{:.2f},{:.15f},{:.15f},{},{},{:.15f},{:.15f},{},{},{},0.5,{},{},0.3,{}\n", u(13) < 0.5 ? 1 : 2,
                           stamp(pickup), stamp(dropoff), passengers, distance, lon0, lat0, u(14) < 0.97 ? 1 : 2,
                           u(15) < 0.99 ? "N" : "Y", lon1, lat1, payment, money(fare), money(extra), money(tip),
                           toll ? "5.54" : "0", money(total));
        if (buf.size() > (1 << 20)) {
          out << buf;
          buf.clear();
        }
      }
      out << buf;
      out.close();
      if (!out) throw IoError("generate taxi: cannot write " + path);
      std::filesystem::rename(path + ".partial", path);
    }
  });
  return dir + "/yellow_tripdata_*.csv";
}

}  // namespace rankwise::cli
