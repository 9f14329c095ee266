// Shared estimator plumbing (see detail/common.hpp).
#include "ml/detail/common.hpp"
#include "ml/detail/draws.hpp"
#include "rankwise/ml/model_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>

#include "rankwise/array/detail/array_impl.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::ml::detail {

Rows local_rows(const Array<double>& X, const std::string& who) {
  RANKWISE_CHECK(X.ndim() == 2, ShapeError, fmt::format("{}: X must be 2-D, got shape {}", who, shape_str(X.shape())));
  RANKWISE_CHECK(X.shape()[0] > 0, ValueError, who + ": X has no rows");
  const Array<double> one = X.numblocks()[1] == 1 ? X : X.rechunk(ChunkSpec(Chunks{X.chunks()[0], {X.shape()[1]}}));
  Rows rows{one.persist(), {}, {}, {}, 0, 0, 0};
  rows.n = X.shape()[0];
  rows.d = X.shape()[1];
  rows.nblocks = static_cast<std::int64_t>(one.chunks()[0].size());
  std::vector<std::int64_t> first(static_cast<std::size_t>(rows.nblocks) + 1, 0);
  for (std::size_t b = 0; b < one.chunks()[0].size(); ++b) first[b + 1] = first[b] + one.chunks()[0][b];
  auto blocks = array_detail::run_blocks(rows.array.expr());
  std::vector<std::int64_t> order;
  for (const auto& [b, v] : blocks) order.push_back(b);
  std::sort(order.begin(), order.end());
  for (const auto b : order) {
    rows.block.push_back(b);
    rows.first_row.push_back(first[static_cast<std::size_t>(b)]);
    rows.values.push_back(blocks.at(b));
  }
  return rows;
}

template <class T>
std::vector<NDArray<T>> aligned(const Array<T>& y, const Rows& rows, const std::string& who) {
  RANKWISE_CHECK(y.ndim() == 1, ShapeError, fmt::format("{}: y must be 1-D, got shape {}", who, shape_str(y.shape())));
  RANKWISE_CHECK(y.shape()[0] == rows.n, ShapeError,
                 fmt::format("{}: X has {} rows but y has {}", who, rows.n, y.shape()[0]));
  const Array<T> same = y.chunks()[0] == rows.array.chunks()[0] ? y : y.rechunk(ChunkSpec(Chunks{rows.array.chunks()[0]}));
  auto blocks = array_detail::run_blocks(same.persist().expr());
  std::vector<NDArray<T>> out;
  for (const auto b : rows.block) {
    const auto it = blocks.find(b);
    if (it == blocks.end()) throw Error(who + ": internal: y's blocks are not where X's are");
    out.push_back(it->second.template get<NDArray<T>>());
  }
  return out;
}
template std::vector<NDArray<double>> aligned(const Array<double>&, const Rows&, const std::string&);
template std::vector<NDArray<std::int64_t>> aligned(const Array<std::int64_t>&, const Rows&, const std::string&);

template <class T>
LocalVector<T> local_vector(const Array<T>& y, const std::string& who, const Chunks* like) {
  RANKWISE_CHECK(y.ndim() == 1, ShapeError, fmt::format("{}: expected a 1-D array, got shape {}", who, shape_str(y.shape())));
  Array<T> same = y;
  if (like) {
    RANKWISE_CHECK(y.shape()[0] == std::accumulate((*like)[0].begin(), (*like)[0].end(), std::int64_t{0}), ShapeError,
                   fmt::format("{}: inconsistent numbers of samples", who));
    if (y.chunks()[0] != (*like)[0]) same = y.rechunk(ChunkSpec(Chunks{(*like)[0]}));
  }
  LocalVector<T> out;
  out.chunks = same.chunks();
  for (auto& [b, v] : same.local_blocks()) {
    out.block.push_back(b);
    out.data.push_back(std::move(v));
  }
  return out;
}
template LocalVector<double> local_vector(const Array<double>&, const std::string&, const Chunks*);
template LocalVector<std::int64_t> local_vector(const Array<std::int64_t>&, const std::string&, const Chunks*);

std::vector<double> sum_blocks(const std::vector<std::vector<double>>& partials, const std::vector<std::int64_t>& blocks,
                               std::size_t width) {
  // Records: block index then `width` values.
  std::vector<double> mine;
  for (std::size_t k = 0; k < partials.size(); ++k) {
    mine.push_back(static_cast<double>(blocks[k]));
    mine.insert(mine.end(), partials[k].begin(), partials[k].end());
  }
  const auto all = allgatherv(comm(), std::span<const double>(mine));
  std::vector<std::pair<std::int64_t, std::size_t>> order;  // (block, position)
  for (std::size_t at = 0; at < all.values.size(); at += width + 1)
    order.emplace_back(static_cast<std::int64_t>(all.values[at]), at + 1);
  std::sort(order.begin(), order.end());
  std::vector<double> total(width, 0.0);
  for (const auto& [b, at] : order)
    for (std::size_t j = 0; j < width; ++j) total[j] += all.values[at + j];
  return total;
}

void check_finite(const Rows& rows, const std::string& who) {
  agree(comm(), who, [&] {
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto& x = rows.at(k);
      // x·0 is 0 for finite x and NaN otherwise: eight branch-free partials (vectorised) tell
      // whether the block is clean; only a dirty block is searched for the first bad value.
      double probe[8] = {};
      const double* v = x.data();
      std::int64_t at = 0;
      for (; at + 8 <= x.size(); at += 8)
        for (int j = 0; j < 8; ++j) probe[j] += v[at + j] * 0.0;
      for (; at < x.size(); ++at) probe[0] += v[at] * 0.0;
      bool clean = true;
      for (const double p : probe) clean = clean && p == 0.0;
      if (clean) continue;
      for (std::int64_t i = 0; i < x.size(); ++i)
        if (!std::isfinite(x.data()[i]))
          throw ValueError(fmt::format("X contains {} at row {}, column {}", std::isnan(x.data()[i]) ? "NaN" : "Inf",
                                       rows.first_row[k] + i / rows.d, i % rows.d));
    }
  });
}

template <class R>
Array<R> map_rows(const Array<double>& X, std::int64_t out_cols, const std::string& name,
                  std::function<NDArray<R>(const NDArray<double>&)> f) {
  RANKWISE_CHECK(X.ndim() == 2, ShapeError, fmt::format("{}: X must be 2-D, got shape {}", name, shape_str(X.shape())));
  const Array<double> one = X.numblocks()[1] == 1 ? X : X.rechunk(ChunkSpec(Chunks{X.chunks()[0], {X.shape()[1]}}));
  Shape shape{X.shape()[0]};
  Chunks chunks{one.chunks()[0]};
  if (out_cols > 0) {
    shape.push_back(out_cols);
    chunks.push_back({out_cols});
  }
  const auto in = one.expr();
  const auto in_owners = array_detail::owners_of(*in);
  auto make = [in, in_owners, f, name](array_detail::Lowering& lowering, std::int64_t b) {
    graph::Task t;
    t.key = {name + "-" + std::to_string(in->serial()), {b}};
    t.label = name;
    t.inputs.push_back(array_detail::lower_block(lowering, in, in_owners, b));
    t.kernel = [f](std::span<const graph::Value* const> inputs) {
      return graph::Value::of(f(inputs[0]->get<NDArray<double>>()));
    };
    t.codec = graph::Codec::of<NDArray<R>>();
    t.owner_map = in_owners;
    t.block = b;
    return lowering.graph.append(std::move(t));
  };
  return Array<R>(std::make_shared<array_detail::Stored<R>>(name, shape, chunks, in_owners, make));
}
template Array<double> map_rows(const Array<double>&, std::int64_t, const std::string&,
                                std::function<NDArray<double>(const NDArray<double>&)>);
template Array<std::int64_t> map_rows(const Array<double>&, std::int64_t, const std::string&,
                                      std::function<NDArray<std::int64_t>(const NDArray<double>&)>);

void require_fitted(bool fitted, const std::string& who) {
  if (!fitted) throw NotFittedError(who + ": this estimator is not fitted yet; call fit() first");
}

void require_features(const Array<double>& X, std::int64_t d, const std::string& who) {
  RANKWISE_CHECK(X.ndim() == 2, ShapeError, fmt::format("{}: X must be 2-D, got shape {}", who, shape_str(X.shape())));
  RANKWISE_CHECK(X.shape()[1] == d, ShapeError,
                 fmt::format("{}: X has {} features, but the model was fitted with {}", who, X.shape()[1], d));
}

// ---- counter-based draws ------------------------------------------------------------------------
double uniform(std::uint64_t seed, std::uint32_t stream, std::uint64_t counter) {
  double v;
  uniform_run(seed, stream, counter, 1, &v);
  return v;
}

double normal(std::uint64_t seed, std::uint32_t stream, std::uint64_t counter) {
  double v;
  normal_run(seed, stream, counter, 1, &v);  // the same log and cos as the runs
  return v;
}

// ---- model files --------------------------------------------------------------------------------
namespace {
struct H5 {
  hid_t id;
  herr_t (*close)(hid_t);
  ~H5() { if (id >= 0) close(id); }
};
hid_t ok(hid_t id, const std::string& what) {
  if (id < 0) throw IoError("model file: " + what + " failed");
  return id;
}
void put_attribute(hid_t file, const std::string& name, hid_t type, const void* value) {
  H5 space{ok(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose};
  H5 attr{ok(H5Acreate2(file, name.c_str(), type, space.id, H5P_DEFAULT, H5P_DEFAULT), "H5Acreate " + name), H5Aclose};
  ok(H5Awrite(attr.id, type, value), "H5Awrite " + name);
}
void put_names(hid_t file, const std::string& name, const std::vector<std::string>& values) {
  const hsize_t n = values.size();
  H5 space{ok(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"), H5Sclose};
  H5 type{ok(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose};
  H5Tset_size(type.id, H5T_VARIABLE);
  H5Tset_cset(type.id, H5T_CSET_UTF8);  // h5py reads them as str
  std::vector<const char*> pointers;
  for (const auto& v : values) {
    if (v.find('\0') != std::string::npos)
      throw ValueError("save: the name list '" + name + "' holds a name with a NUL character, which HDF5 strings cannot keep");
    pointers.push_back(v.c_str());
  }
  H5 set{ok(H5Dcreate2(file, name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Dcreate " + name), H5Dclose};
  if (n > 0) ok(H5Dwrite(set.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "H5Dwrite " + name);
}
// A string dataset's values, whether variable-length (as put_names writes) or fixed-length (as
// h5py writes numpy 'S' arrays), of any shape, in row-major order.
std::vector<std::string> get_names(hid_t set, hid_t space, hsize_t n) {
  std::vector<std::string> out;
  if (n == 0) return out;
  H5 stored{ok(H5Dget_type(set), "H5Dget_type"), H5Tclose};
  if (H5Tis_variable_str(stored.id) <= 0) {
    const auto size = H5Tget_size(stored.id);
    std::vector<char> buffer(n * size);
    ok(H5Dread(set, stored.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "H5Dread");
    for (hsize_t k = 0; k < n; ++k) {
      std::string v(buffer.data() + k * size, size);
      v.erase(v.find_last_not_of(std::string(" \0", 2)) + 1);
      out.push_back(std::move(v));
    }
    return out;
  }
  H5 type{ok(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose};
  H5Tset_size(type.id, H5T_VARIABLE);
  H5Tset_cset(type.id, H5Tget_cset(stored.id));  // HDF5 does not convert between ASCII and UTF-8
  std::vector<char*> pointers(n, nullptr);
  ok(H5Dread(set, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "H5Dread");
  for (const char* p : pointers) out.emplace_back(p ? p : "");
  H5Dvlen_reclaim(type.id, space, H5P_DEFAULT, pointers.data());
  return out;
}
template <class T>
void put_dataset(hid_t file, const std::string& name, const NDArray<T>& a, hid_t type) {
  std::vector<hsize_t> dims(a.shape().begin(), a.shape().end());
  H5 space{ok(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple"), H5Sclose};
  H5 set{ok(H5Dcreate2(file, name.c_str(), type, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Dcreate " + name), H5Dclose};
  ok(H5Dwrite(set.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data()), "H5Dwrite " + name);
}
}  // namespace

void write_model(const std::string& path, const ModelFile& m) {
  agree(comm(), "save", [&] {
    if (!comm().is_root()) return;
    const std::string partial = path + ".partial";
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    {
      H5 file{H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
      if (file.id < 0) throw IoError(fmt::format("save: cannot create '{}'", path));
      try {
        H5 str{ok(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose};
        H5Tset_strpad(str.id, H5T_STR_NULLPAD);  // exactly the characters, no terminator
        const auto put_string = [&](const std::string& name, const std::string& value) {
          ok(H5Tset_size(str.id, std::max<std::size_t>(value.size(), 1)), "H5Tset_size");
          put_attribute(file.id, name, str.id, value.empty() ? " " : value.c_str());
        };
        put_string("rankwise_model", m.kind);
        for (const auto& [k, v] : m.strings) put_string(k, v);
        for (const auto& [k, v] : m.numbers) put_attribute(file.id, k, H5T_NATIVE_DOUBLE, &v);
        for (const auto& [k, v] : m.whole_numbers) put_attribute(file.id, k, H5T_NATIVE_INT64, &v);
        for (const auto& [k, v] : m.arrays) put_dataset(file.id, k, v, H5T_NATIVE_DOUBLE);
        for (const auto& [k, v] : m.integers) put_dataset(file.id, k, v, H5T_NATIVE_INT64);
        for (const auto& [k, v] : m.names) put_names(file.id, k, v);
      } catch (...) {
        std::remove(partial.c_str());
        throw;
      }
    }
    std::filesystem::rename(partial, path);
  });
}

ModelFile read_model(const std::string& path, const std::string& kind) {
  return agree(comm(), "load", [&] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    if (!std::filesystem::exists(path)) throw IoError(fmt::format("load: no such file: '{}'", path));
    H5 file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    if (file.id < 0) throw IoError(fmt::format("load: '{}' is not an HDF5 file", path));
    ModelFile m;
    // Attributes: strings, whole numbers and doubles.
    std::vector<std::string> names;
    H5Aiterate2(file.id, H5_INDEX_NAME, H5_ITER_INC, nullptr,
                [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
                  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
                  return 0;
                },
                &names);
    for (const auto& name : names) {
      H5 attr{ok(H5Aopen(file.id, name.c_str(), H5P_DEFAULT), "H5Aopen " + name), H5Aclose};
      H5 type{H5Aget_type(attr.id), H5Tclose};
      if (H5Tget_class(type.id) == H5T_STRING) {
        std::string value(H5Tget_size(type.id), '\0');
        H5 mem{H5Tcopy(H5T_C_S1), H5Tclose};
        H5Tset_size(mem.id, value.size());
        H5Tset_strpad(mem.id, H5T_STR_NULLPAD);
        ok(H5Aread(attr.id, mem.id, value.data()), "H5Aread");
        value.erase(value.find_last_not_of(std::string(" \0", 2)) + 1);
        if (name == "rankwise_model") m.kind = value;
        else m.strings[name] = value;
      } else if (H5Tget_class(type.id) == H5T_INTEGER) {
        std::int64_t v = 0;
        ok(H5Aread(attr.id, H5T_NATIVE_INT64, &v), "H5Aread");
        m.whole_numbers[name] = v;
        m.numbers[name] = static_cast<double>(v);
      } else {
        double v = 0;
        ok(H5Aread(attr.id, H5T_NATIVE_DOUBLE, &v), "H5Aread");
        m.numbers[name] = v;
      }
    }
    if (kind.empty() && m.kind.empty()) throw ValueError(fmt::format("load: '{}' is not a rankwise model file", path));
    if (!kind.empty() && m.kind != kind)
      throw ValueError(fmt::format("load: '{}' holds a {} model, not a {}", path, m.kind.empty() ? "non-rankwise" : m.kind, kind));
    // Datasets in the root group.
    H5G_info_t info{};
    H5Gget_info(file.id, &info);
    for (hsize_t k = 0; k < info.nlinks; ++k) {
      char name[256];
      H5Lget_name_by_idx(file.id, ".", H5_INDEX_NAME, H5_ITER_INC, k, name, sizeof name, H5P_DEFAULT);
      H5 set{ok(H5Dopen2(file.id, name, H5P_DEFAULT), std::string("H5Dopen ") + name), H5Dclose};
      H5 space{H5Dget_space(set.id), H5Sclose};
      const int nd = H5Sget_simple_extent_ndims(space.id);
      std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(nd, 0)));
      H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
      Shape shape(dims.begin(), dims.end());
      H5 type{H5Dget_type(set.id), H5Tclose};
      if (H5Tget_class(type.id) == H5T_STRING) {
        hsize_t count = 1;
        for (auto e : dims) count *= e;
        m.names.emplace(name, get_names(set.id, space.id, count));
      } else if (H5Tget_class(type.id) == H5T_INTEGER) {
        NDArray<std::int64_t> a(shape);
        ok(H5Dread(set.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data()), "H5Dread");
        m.integers.emplace(name, std::move(a));
      } else {
        NDArray<double> a(shape);
        ok(H5Dread(set.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data()), "H5Dread");
        m.arrays.emplace(name, std::move(a));
      }
    }
    return m;
  });
}

}  // namespace rankwise::ml::detail

std::string rankwise::ml::saved_model_kind(const std::string& path) { return detail::read_model(path, "").kind; }
