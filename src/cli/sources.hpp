#pragma once
// Strings to data: "file.h5:/dataset" specs, HDF5 matrices and vectors with row chunks that give
// every rank work, and the taxi CSV generator shared by `generate` and `tour`.
#include <string>

#include "rankwise/array/array.hpp"

namespace rankwise::cli {

/// "file.h5:/path/in/file" split at the last ":/". ValueError naming `option` otherwise.
struct H5Spec {
  std::string file, dataset;
};
H5Spec parse_h5(const std::string& spec, const std::string& option);

/// Rows per block: a 64th of the rows, between 1,000 and 1,000,000 — from the data size only, so a
/// command gives the same result at any number of ranks. Local.
std::int64_t rows_per_block(std::int64_t rows, int ranks);

/// The dataset as a float64 matrix (a 1-D dataset becomes one column). Collective.
Array<double> read_matrix(const H5Spec& spec, int ranks);
/// The dataset as a float64 vector. Collective.
Array<double> read_vector(const H5Spec& spec, int ranks);

/// Writes `files` NYC-yellow-taxi-like CSV files (the 19 columns of 2016) with `rows` rows in
/// all into `dir`, deterministic from `seed`; file f is written by rank f mod P. Collective.
/// Returns the glob matching them.
std::string write_taxi_csv(const std::string& dir, std::int64_t rows, int files, std::uint64_t seed);

}  // namespace rankwise::cli
