#pragma once
// What every estimator needs: this rank's row blocks of a persisted X, vectors aligned with
// them, reductions over per-block partials in block order (so results do not depend on the
// rank count), lazy row-wise maps for predict/transform, input checks, and model files.
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rankwise/array/array.hpp"
#include "rankwise/array/creation.hpp"
#include "rankwise/graph/value.hpp"
#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/environment.hpp"

namespace rankwise::ml::detail {

inline const Communicator& comm() { return default_comm(); }

/// This rank's row blocks of a 2-D X (one column block), in block order.
struct Rows {
  Array<double> array;                  ///< X persisted with one column block
  std::vector<std::int64_t> block;      ///< row-block index of each local block
  std::vector<std::int64_t> first_row;  ///< its first global row
  std::vector<graph::Value> values;     ///< NDArray<double> (rows × d), shared, not copied
  std::int64_t n = 0, d = 0, nblocks = 0;

  const NDArray<double>& at(std::size_t k) const { return values[k].get<NDArray<double>>(); }
  std::size_t size() const { return block.size(); }
};

/// Persists X (rechunked to one column block when needed) and returns this rank's blocks.
/// Collective. `who` names the caller in errors; X must be 2-D with at least one row.
Rows local_rows(const Array<double>& X, const std::string& who);

/// y rechunked to X's row blocks and persisted; this rank's blocks in the order of `rows`.
/// Collective. ShapeError when the lengths differ.
template <class T>
std::vector<NDArray<T>> aligned(const Array<T>& y, const Rows& rows, const std::string& who);

/// Sums per-block vectors (all of length `width`) in block order; the total on every rank.
/// Collective (one allgatherv).
std::vector<double> sum_blocks(const std::vector<std::vector<double>>& per_local_block,
                               const std::vector<std::int64_t>& blocks, std::size_t width);
inline std::vector<double> sum_blocks(const std::vector<std::vector<double>>& per_local_block, const Rows& rows,
                                      std::size_t width) {
  return sum_blocks(per_local_block, rows.block, width);
}

/// This rank's blocks of a 1-D array (persisted; rechunked to `chunks` when given), in block order.
template <class T>
struct LocalVector {
  std::vector<std::int64_t> block;
  std::vector<NDArray<T>> data;
  Chunks chunks;
};
template <class T>
LocalVector<T> local_vector(const Array<T>& y, const std::string& who, const Chunks* like = nullptr);

/// ValueError on every rank naming the first NaN or Inf (global row and column). Collective.
void check_finite(const Rows& rows, const std::string& who);

/// A lazy array whose row block b is f(row block b of X): shape (n) when out_cols == 0, else
/// (n × out_cols). Local.
template <class R>
Array<R> map_rows(const Array<double>& X, std::int64_t out_cols, const std::string& name,
                  std::function<NDArray<R>(const NDArray<double>&)> f);

/// NotFittedError unless `fitted`.
void require_fitted(bool fitted, const std::string& who);
/// ShapeError unless X has `d` columns.
void require_features(const Array<double>& X, std::int64_t d, const std::string& who);

/// A model file: parameters as attributes, arrays as datasets of one HDF5 file (h5py reads it).
struct ModelFile {
  std::string kind;  ///< the estimator's class, attribute "rankwise_model"
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> strings;
  std::map<std::string, NDArray<double>> arrays;
  std::map<std::string, NDArray<std::int64_t>> integers;
  /// Whole-number parameters (n_clusters, max_iter, n_iter_, flags): int64 attributes, as
  /// scikit-learn's are ints. Reading also puts them in `numbers`, so `number()` finds a
  /// parameter whichever way a file stored it.
  std::map<std::string, std::int64_t> whole_numbers;
  /// Lists of names (feature names, categories): 1-D variable-length UTF-8 string datasets.
  std::map<std::string, std::vector<std::string>> names;

  // Fields by name; a missing one is a ValueError naming it (a damaged or foreign file).
  double number(const std::string& key) const { return field(numbers, key); }
  const std::string& text(const std::string& key) const { return field(strings, key); }
  const NDArray<double>& array(const std::string& key) const { return field(arrays, key); }
  const NDArray<std::int64_t>& integer_array(const std::string& key) const { return field(integers, key); }
  const std::vector<std::string>& name_list(const std::string& key) const { return field(names, key); }
  /// A list that older files or array-fitted models may not have: empty when absent.
  std::vector<std::string> optional_name_list(const std::string& key) const {
    const auto it = names.find(key);
    return it == names.end() ? std::vector<std::string>{} : it->second;
  }
  /// An int64 parameter read exactly (a double holds integers only up to 2^53); from a file
  /// that stored it as a double, that double.
  std::int64_t whole_number(const std::string& key) const {
    const auto it = whole_numbers.find(key);
    return it != whole_numbers.end() ? it->second : static_cast<std::int64_t>(number(key));
  }

 private:
  template <class Map>
  const typename Map::mapped_type& field(const Map& m, const std::string& key) const {
    const auto it = m.find(key);
    if (it == m.end()) throw ValueError("load: the " + kind + " model file has no field '" + key + "'");
    return it->second;
  }
};
/// Rank 0 writes `path` atomically (a temporary name renamed); errors are agreed. Collective.
void write_model(const std::string& path, const ModelFile& model);
/// Every rank reads `path`; IoError when missing, ValueError when it holds another kind. Collective.
ModelFile read_model(const std::string& path, const std::string& kind);

/// Counter-based uniform double in [0, 1) for (seed, stream, counter). Local.
double uniform(std::uint64_t seed, std::uint32_t stream, std::uint64_t counter);
/// Counter-based standard normal for (seed, stream, counter). Local.
double normal(std::uint64_t seed, std::uint32_t stream, std::uint64_t counter);

}  // namespace rankwise::ml::detail
