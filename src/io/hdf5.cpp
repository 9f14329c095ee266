// Parallel HDF5: the one thin layer where HDF5 return codes become rankwise errors.
#include "rankwise/io/hdf5.hpp"

#include <hdf5.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "io/detail/hdf5_table.hpp"
#include "rankwise/runtime/agree.hpp"

namespace rankwise::io::detail {

namespace {

// Throws IoError naming the routine when an HDF5 call failed (negative return).
hid_t check(hid_t id, const char* routine, const std::string& what) {
  if (id < 0) throw IoError(std::string(routine) + " failed for " + what);
  return id;
}

// Closes an HDF5 handle with the right function when it goes out of scope.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    std::swap(id_, o.id_);
    std::swap(close_, o.close_);
    return *this;
  }
  ~Handle() {
    if (id_ >= 0 && close_) close_(id_);
  }
  hid_t get() const { return id_; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

std::string& last_mode() {
  static std::string mode = "none";
  return mode;
}

void quiet_hdf5() {
  static bool done = false;
  if (!done) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported as exceptions instead
    done = true;
  }
}

Handle mpio_access(const Communicator& comm) {
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate", "file access"), H5Pclose);
  check(H5Pset_fapl_mpio(fapl.get(), comm.native(), MPI_INFO_NULL), "H5Pset_fapl_mpio", "file access");
  check(H5Pset_all_coll_metadata_ops(fapl.get(), true), "H5Pset_all_coll_metadata_ops", "file access");
  return fapl;
}

Handle collective_transfer(bool collective = true) {
  Handle dxpl(check(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate", "transfer"), H5Pclose);
  check(H5Pset_dxpl_mpio(dxpl.get(), collective ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT), "H5Pset_dxpl_mpio", "transfer");
  return dxpl;
}

hid_t native_type(const std::string& code) {
  if (code == "float64") return H5T_NATIVE_DOUBLE;
  if (code == "float32") return H5T_NATIVE_FLOAT;
  if (code == "int64") return H5T_NATIVE_INT64;
  if (code == "int32") return H5T_NATIVE_INT32;
  throw ValueError("unsupported element type " + code);
}

// Selects the box (start, count) in `filespace` and returns the matching memory space. An empty
// count selects nothing: a rank with nothing to transfer still takes part in a collective call.
Handle select_box(const Handle& filespace, const std::vector<std::int64_t>& start, const std::vector<std::int64_t>& count,
                  const std::string& what) {
  if (count.empty()) {
    H5Sselect_none(filespace.get());
    Handle memspace(H5Scopy(filespace.get()), H5Sclose);
    H5Sselect_none(memspace.get());
    return memspace;
  }
  std::vector<hsize_t> s(start.begin(), start.end()), c(count.begin(), count.end());
  check(H5Sselect_hyperslab(filespace.get(), H5S_SELECT_SET, s.data(), nullptr, c.data(), nullptr), "H5Sselect_hyperslab",
        what);
  return Handle(H5Screate_simple(static_cast<int>(c.size()), c.data(), nullptr), H5Sclose);
}

std::size_t type_size(const std::string& code) { return code == "float64" || code == "int64" ? 8 : 4; }

// The dataset's element type as one of rankwise's codes, or ValueError.
std::string dtype_of(hid_t dset, const std::string& what) {
  Handle type(check(H5Dget_type(dset), "H5Dget_type", what), H5Tclose);
  const auto cls = H5Tget_class(type.get());
  const auto size = H5Tget_size(type.get());
  if (cls == H5T_FLOAT && size == 8) return "float64";
  if (cls == H5T_FLOAT && size == 4) return "float32";
  if (cls == H5T_INTEGER && H5Tget_sign(type.get()) == H5T_SGN_2 && size == 8) return "int64";
  if (cls == H5T_INTEGER && H5Tget_sign(type.get()) == H5T_SGN_2 && size == 4) return "int32";
  throw ValueError(what + " holds elements rankwise cannot read (class " + std::to_string(static_cast<int>(cls)) +
                   ", " + std::to_string(size) + " bytes): use float64, float32, int64 or int32");
}

template <class To>
void widen(const void* from, const std::string& code, std::size_t n, To* out) {
  auto copy = [&](auto* typed) {
    for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<To>(typed[k]);
  };
  if (code == "float64") copy(static_cast<const double*>(from));
  else if (code == "float32") copy(static_cast<const float*>(from));
  else if (code == "int64") copy(static_cast<const std::int64_t*>(from));
  else copy(static_cast<const std::int32_t*>(from));
}

}  // namespace

// Whether some of a dataset's storage was never written: chunks missing from a chunked
// dataset (counted: HDF5's space status calls a compressed or edge-chunked dataset "partly
// allocated" even when complete), or a contiguous one never allocated.
bool partly_allocated(hid_t dset, hid_t dcpl) {
  if (dcpl < 0 || H5Pget_layout(dcpl) != H5D_CHUNKED) {
    H5D_space_status_t status = H5D_SPACE_STATUS_ALLOCATED;
    return H5Dget_space_status(dset, &status) >= 0 && status != H5D_SPACE_STATUS_ALLOCATED;
  }
  Handle space(H5Dget_space(dset), H5Sclose);
  const int nd = H5Sget_simple_extent_ndims(space.get());
  if (space.get() < 0 || nd <= 0) return false;
  std::vector<hsize_t> dims(static_cast<std::size_t>(nd)), chunk(static_cast<std::size_t>(nd));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  if (H5Pget_chunk(dcpl, nd, chunk.data()) < 0) return false;
  hsize_t expected = 1, stored = 0;
  for (int d = 0; d < nd; ++d) expected *= chunk[static_cast<std::size_t>(d)] ? (dims[static_cast<std::size_t>(d)] + chunk[static_cast<std::size_t>(d)] - 1) / chunk[static_cast<std::size_t>(d)] : 0;
  return H5Dget_num_chunks(dset, space.get(), &stored) >= 0 && stored < expected;
}

class Hdf5Reader {
 public:
  Handle file, dset;
  std::string what, dtype;
  Shape shape;
  // Created with H5D_FILL_TIME_NEVER: unwritten parts are not filled by H5Dread, so reads zero
  // their buffers first (blocks are otherwise read into uninitialised memory).
  bool fill_never = false;
  // Some chunks never written (a partly filled chunked dataset, as h5py leaves one): parallel
  // HDF5 1.10's collective read of such a dataset fails inside MPI_File_set_view ("invalid
  // datatype"), so these are read with independent transfers (the same choice on every rank:
  // it comes from the file's metadata).
  bool partly_allocated = false;
};

DatasetInfo info_impl(const std::string& file, const std::string& dataset) {
  quiet_hdf5();
  const auto& comm = default_comm();
  return agree(comm, "read_hdf5", [&] {
    // Every rank sees the same file system, so every rank reaches the same verdict.
    if (!std::filesystem::exists(file)) throw IoError("no such file: " + file);
    const auto reader = open_reader(file, dataset, {});
    return DatasetInfo{reader->shape, reader->dtype};
  });
}

std::shared_ptr<Hdf5Reader> open_reader(const std::string& file, const std::string& dataset, const DatasetInfo&) {
  quiet_hdf5();
  auto r = std::make_shared<Hdf5Reader>();
  r->what = "dataset " + dataset + " in " + file;
  const auto fapl = mpio_access(default_comm());
  r->file = Handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
  if (r->file.get() < 0) throw IoError("cannot open " + file + " as HDF5 (not an HDF5 file, or unreadable)");
  if (H5Lexists(r->file.get(), dataset.c_str(), H5P_DEFAULT) <= 0)
    throw IoError("no dataset " + dataset + " in " + file);
  r->dset = Handle(H5Dopen2(r->file.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (r->dset.get() < 0) throw IoError(dataset + " in " + file + " is not a dataset");
  r->dtype = dtype_of(r->dset.get(), r->what);
  {
    Handle dcpl(H5Dget_create_plist(r->dset.get()), H5Pclose);
    H5D_fill_time_t fill_time = H5D_FILL_TIME_IFSET;
    if (dcpl.get() >= 0 && H5Pget_fill_time(dcpl.get(), &fill_time) >= 0) r->fill_never = fill_time == H5D_FILL_TIME_NEVER;
    r->partly_allocated = partly_allocated(r->dset.get(), dcpl.get());
  }
  Handle space(check(H5Dget_space(r->dset.get()), "H5Dget_space", r->what), H5Sclose);
  const int nd = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(nd, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  for (auto d : dims) r->shape.push_back(static_cast<std::int64_t>(d));
  return r;
}

void read_slab(Hdf5Reader& reader, const std::vector<std::int64_t>& start, const std::vector<std::int64_t>& count,
               void* out, const char* as_type) {
  Handle filespace(check(H5Dget_space(reader.dset.get()), "H5Dget_space", reader.what), H5Sclose);
  std::size_t n = count.empty() ? 0 : 1;
  for (auto c : count) n *= static_cast<std::size_t>(c);
  const Handle memspace = select_box(filespace, start, count, reader.what);
  // Read in the file's own type (keeps the transfer collective), widen in memory if needed.
  const bool same = reader.dtype == as_type;
  std::vector<char> staging(same ? 0 : n * type_size(reader.dtype));
  void* target = same ? out : staging.data();
  if (same && reader.fill_never && n) std::memset(out, 0, n * type_size(reader.dtype));
  const auto dxpl = collective_transfer(!reader.partly_allocated);
  check(H5Dread(reader.dset.get(), native_type(reader.dtype), memspace.get(), filespace.get(), dxpl.get(), target),
        "H5Dread", reader.what);
  H5D_mpio_actual_io_mode_t mode = H5D_MPIO_NO_COLLECTIVE;
  H5Pget_mpio_actual_io_mode(dxpl.get(), &mode);
  last_mode() = mode == H5D_MPIO_NO_COLLECTIVE ? "independent" : "collective";
  if (!same && n) {
    const std::string to = as_type;
    if (to == "float64") widen(staging.data(), reader.dtype, n, static_cast<double*>(out));
    else if (to == "float32") widen(staging.data(), reader.dtype, n, static_cast<float*>(out));
    else if (to == "int64") widen(staging.data(), reader.dtype, n, static_cast<std::int64_t*>(out));
    else widen(staging.data(), reader.dtype, n, static_cast<std::int32_t*>(out));
  }
}

class Hdf5Writer {
 public:
  explicit Hdf5Writer(Communicator c) : comm(std::move(c)) {}
  Communicator comm;
  std::string path, temporary, what, type;
  Handle file, dset;
  bool finished = false;
  ~Hdf5Writer() {
    dset = Handle();
    file = Handle();
    if (!finished && comm.is_root()) std::filesystem::remove(temporary);  // no partial output
  }
};

std::shared_ptr<Hdf5Writer> create_writer(const Communicator& comm, const std::string& file, const std::string& dataset,
                                          const Shape& shape, const char* type, const Hdf5WriteOptions& options) {
  quiet_hdf5();
  agree(comm, "to_hdf5", [&] {
    if (options.append && !std::filesystem::exists(file)) throw IoError("cannot append to " + file + ": no such file");
    if (std::filesystem::exists(file) && !options.overwrite && !options.append)
      throw IoError(file + " exists; pass overwrite = true to replace it");
    if (options.gzip && options.chunk_rows <= 0)
      throw ValueError("to_hdf5: gzip compression needs chunk_rows > 0 (a chunked layout)");
    const auto parent = std::filesystem::path(file).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent))
      throw IoError("cannot write " + file + ": no directory " + parent.string());
  });
  auto w = std::make_shared<Hdf5Writer>(comm);
  w->path = file;
  w->temporary = file + ".partial";
  w->what = "dataset " + dataset + " in " + file;
  w->type = type;
  if (options.append)  // extend a copy; the rename at the end replaces the original at once
    agree(comm, "to_hdf5", [&] {
      if (comm.is_root()) std::filesystem::copy_file(file, w->temporary, std::filesystem::copy_options::overwrite_existing);
    });
  agree(comm, "to_hdf5", [&] {
    const auto fapl = mpio_access(comm);
    w->file = Handle(options.append ? H5Fopen(w->temporary.c_str(), H5F_ACC_RDWR, fapl.get())
                                    : H5Fcreate(w->temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                     H5Fclose);
    if (w->file.get() < 0) throw IoError("cannot create " + w->temporary);
    if (options.append && H5Lexists(w->file.get(), dataset.c_str(), H5P_DEFAULT) > 0)
      throw IoError(file + " already holds " + dataset);
    std::vector<hsize_t> dims(shape.begin(), shape.end());
    Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple", w->what),
                 H5Sclose);
    Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate", w->what), H5Pclose);
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate", w->what), H5Pclose);
    if (options.chunk_rows > 0 && !dims.empty() && dims[0] > 0) {
      auto chunk = dims;
      chunk[0] = std::min<hsize_t>(dims[0], static_cast<hsize_t>(options.chunk_rows));
      for (auto& c : chunk) c = std::max<hsize_t>(c, 1);
      check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk", w->what);
      if (options.gzip) check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(options.gzip)), "H5Pset_deflate", w->what);
    }
    w->dset = Handle(H5Dcreate2(w->file.get(), dataset.c_str(), native_type(type), space.get(), lcpl.get(), dcpl.get(),
                                H5P_DEFAULT),
                     H5Dclose);
    check(w->dset.get(), "H5Dcreate2", w->what);
    for (const auto& [name, value] : options.attributes) {
      Handle aspace(H5Screate(H5S_SCALAR), H5Sclose);
      if (const auto* text = std::get_if<std::string>(&value)) {
        Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(t.get(), std::max<std::size_t>(1, text->size()));
        Handle a(check(H5Acreate2(w->dset.get(), name.c_str(), t.get(), aspace.get(), H5P_DEFAULT, H5P_DEFAULT),
                       "H5Acreate2", name),
                 H5Aclose);
        check(H5Awrite(a.get(), t.get(), text->c_str()), "H5Awrite", name);
      } else if (const auto* d = std::get_if<double>(&value)) {
        Handle a(check(H5Acreate2(w->dset.get(), name.c_str(), H5T_NATIVE_DOUBLE, aspace.get(), H5P_DEFAULT, H5P_DEFAULT),
                       "H5Acreate2", name),
                 H5Aclose);
        check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, d), "H5Awrite", name);
      } else {
        const auto i = std::get<std::int64_t>(value);
        Handle a(check(H5Acreate2(w->dset.get(), name.c_str(), H5T_NATIVE_INT64, aspace.get(), H5P_DEFAULT, H5P_DEFAULT),
                       "H5Acreate2", name),
                 H5Aclose);
        check(H5Awrite(a.get(), H5T_NATIVE_INT64, &i), "H5Awrite", name);
      }
    }
  });
  return w;
}

void write_slab(Hdf5Writer& writer, const std::vector<std::int64_t>& start, const std::vector<std::int64_t>& count,
                const void* data) {
  Handle filespace(check(H5Dget_space(writer.dset.get()), "H5Dget_space", writer.what), H5Sclose);
  const Handle memspace = select_box(filespace, start, count, writer.what);
  const auto dxpl = collective_transfer();
  check(H5Dwrite(writer.dset.get(), native_type(writer.type), memspace.get(), filespace.get(), dxpl.get(), data),
        "H5Dwrite", writer.what);
}

void finish_writer(Hdf5Writer& writer) {
  writer.dset = Handle();
  writer.file = Handle();  // collective close: all data is on disk after this
  agree(writer.comm, "to_hdf5", [&] {
    if (!writer.comm.is_root()) return;
    std::error_code error;
    std::filesystem::rename(writer.temporary, writer.path, error);
    if (error) throw IoError("cannot rename " + writer.temporary + " to " + writer.path + ": " + error.message());
  });
  writer.finished = true;
}

}  // namespace rankwise::io::detail

namespace rankwise::io {
std::string last_read_io_mode() { return detail::last_mode(); }

std::vector<DatasetSummary> hdf5_list(const std::string& file) {
  detail::quiet_hdf5();
  return agree(default_comm(), "hdf5_list", [&] {
    if (!std::filesystem::exists(file)) throw IoError("no such file: " + file);
    detail::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (f.get() < 0) throw IoError(file + " is not an HDF5 file");
    std::vector<DatasetSummary> out;
    H5Ovisit2(f.get(), H5_INDEX_NAME, H5_ITER_INC,
              [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
                if (info->type != H5O_TYPE_DATASET) return 0;
                auto& list = *static_cast<std::vector<DatasetSummary>*>(data);
                DatasetSummary s;
                s.path = std::string("/") + name;
                detail::Handle d(H5Dopen2(root, name, H5P_DEFAULT), H5Dclose);
                detail::Handle space(H5Dget_space(d.get()), H5Sclose);
                const int nd = H5Sget_simple_extent_ndims(space.get());
                std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(nd, 0)));
                H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
                s.shape.assign(dims.begin(), dims.end());
                detail::Handle type(H5Dget_type(d.get()), H5Tclose);
                const auto size = H5Tget_size(type.get());
                switch (H5Tget_class(type.get())) {
                  case H5T_FLOAT: s.dtype = size == 8 ? "float64" : "float32"; break;
                  case H5T_INTEGER: s.dtype = std::string(H5Tget_sign(type.get()) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(size * 8); break;
                  case H5T_STRING: s.dtype = "string[" + std::to_string(size) + "]"; break;
                  default: s.dtype = "other"; break;
                }
                detail::Handle dcpl(H5Dget_create_plist(d.get()), H5Pclose);
                if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
                  std::vector<hsize_t> c(static_cast<std::size_t>(std::max(nd, 0)));
                  H5Pget_chunk(dcpl.get(), nd, c.data());
                  s.chunks.assign(c.begin(), c.end());
                }
                for (int k = 0; k < H5Pget_nfilters(dcpl.get()); ++k) {
                  unsigned flags = 0, level = 0;
                  std::size_t n = 1;
                  if (H5Pget_filter2(dcpl.get(), static_cast<unsigned>(k), &flags, &n, &level, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE)
                    s.compression = "gzip-" + std::to_string(level);
                }
                list.push_back(std::move(s));
                return 0;
              },
              &out, H5O_INFO_BASIC);
    return out;
  });
}

DatasetInfo hdf5_info(const std::string& file, const std::string& dataset) { return detail::info_impl(file, dataset); }
}  // namespace rankwise::io

// ---- tables: one dataset per column ------------------------------------------------------------

namespace rankwise::io::detail {

void write_table(const Communicator& comm, const std::string& file, const std::string& group,
                 std::vector<ColumnSlab>& columns, std::int64_t local_rows, bool overwrite) {
  quiet_hdf5();
  agree(comm, "to_hdf5", [&] {
    if (std::filesystem::exists(file) && !overwrite) throw IoError(file + " exists; pass overwrite = true to replace it");
    const auto parent = std::filesystem::path(file).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent))
      throw IoError("cannot write " + file + ": no directory " + parent.string());
  });
  const auto counts = allgather(comm, local_rows);
  std::int64_t offset = 0, total = 0;
  for (int r = 0; r < comm.size(); ++r) {
    if (r < comm.rank()) offset += counts[static_cast<std::size_t>(r)];
    total += counts[static_cast<std::size_t>(r)];
  }
  for (auto& c : columns)  // one string width for every rank
    if (c.type == "string") c.width = std::max<std::int64_t>(1, allreduce(comm, c.width, ReduceOp::max));
  Hdf5Writer w(comm);
  w.path = file;
  w.temporary = file + ".partial";
  agree(comm, "to_hdf5", [&] {
    const auto fapl = mpio_access(comm);
    w.file = Handle(H5Fcreate(w.temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
    if (w.file.get() < 0) throw IoError("cannot create " + w.temporary);
  });
  for (auto& c : columns) {
    const std::string path = group.empty() || group == "/" ? "/" + c.name : group + "/" + c.name;
    const std::string what = "dataset " + path + " in " + file;
    agree(comm, "to_hdf5", [&] {
      const hsize_t dims[1] = {static_cast<hsize_t>(total)};
      Handle space(check(H5Screate_simple(1, dims, nullptr), "H5Screate_simple", what), H5Sclose);
      Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate", what), H5Pclose);
      H5Pset_create_intermediate_group(lcpl.get(), 1);
      Handle type;
      hid_t type_id;
      if (c.type == "string") {
        type = Handle(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(type.get(), static_cast<std::size_t>(c.width));
        H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
        type_id = type.get();
        // Repack this rank's strings to the agreed width.
        std::vector<char> packed(static_cast<std::size_t>(local_rows * c.width), '\0');
        const auto old = c.data.size() / static_cast<std::size_t>(std::max<std::int64_t>(local_rows, 1));
        for (std::int64_t i = 0; i < local_rows; ++i)
          std::copy_n(c.data.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(i) * old), std::min<std::size_t>(old, static_cast<std::size_t>(c.width)),
                      packed.begin() + i * c.width);
        c.data = std::move(packed);
      } else {
        type_id = c.type == "uint8" ? H5T_NATIVE_UINT8 : native_type(c.type);
      }
      Handle dset(H5Dcreate2(w.file.get(), path.c_str(), type_id, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
      check(dset.get(), "H5Dcreate2", what);
      if (!c.units.empty()) {
        Handle aspace(H5Screate(H5S_SCALAR), H5Sclose);
        Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(t.get(), c.units.size());
        Handle a(check(H5Acreate2(dset.get(), "units", t.get(), aspace.get(), H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2", what), H5Aclose);
        check(H5Awrite(a.get(), t.get(), c.units.c_str()), "H5Awrite", what);
      }
      Handle filespace(check(H5Dget_space(dset.get()), "H5Dget_space", what), H5Sclose);
      const Handle memspace = select_box(filespace, local_rows ? std::vector<std::int64_t>{offset} : std::vector<std::int64_t>{},
                                         local_rows ? std::vector<std::int64_t>{local_rows} : std::vector<std::int64_t>{}, what);
      const auto dxpl = collective_transfer();
      const char none = 0;  // a rank without rows still passes a valid buffer
      check(H5Dwrite(dset.get(), type_id, memspace.get(), filespace.get(), dxpl.get(), c.data.empty() ? &none : c.data.data()),
            "H5Dwrite", what);
    });
  }
  finish_writer(w);
}

}  // namespace rankwise::io::detail
