#pragma once
/// Parallel HDF5 for arrays: lazy collective reads, collective atomic writes.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "rankwise/array/array.hpp"

namespace rankwise::io {

/// What a dataset holds, as read from the file.
struct DatasetInfo {
  Shape shape;
  std::string dtype;  ///< "float64", "float32", "int64", "int32"
};

/// Reads the shape and element type of `dataset` in `file`. Collective (every rank opens the
/// file). Throws IoError for a missing file or dataset, ValueError for an element type rankwise
/// does not read (strings, compound types, unsigned integers).
DatasetInfo hdf5_info(const std::string& file, const std::string& dataset);

/// "collective" or "independent": how HDF5 carried out this rank's last read (a diagnostic;
/// HDF5 silently falls back to independent I/O when it must convert types). Local.
std::string last_read_io_mode();

namespace detail {
/// Reads blocks collectively, one round at a time: in round k every rank reads its k-th block
/// (ranks with fewer blocks take part with an empty selection). The file is read in its own
/// element type (so HDF5 keeps the transfer collective) and widened in memory.
class Hdf5Reader;
std::shared_ptr<Hdf5Reader> open_reader(const std::string& file, const std::string& dataset, const DatasetInfo& info);
/// Round `round` of the reader (see array_detail::Rounds); returns this rank's block as
/// NDArray<T> (an empty array when it has none). Collective.
template <class T>
graph::Value read_round(Hdf5Reader& reader, const Communicator& comm, const BlockGrid& grid,
                        const array_detail::Rounds& rounds, std::int64_t round);

struct WriteOptions;
class Hdf5Writer;
}  // namespace detail

/// Reads `dataset` of an HDF5 file as a lazy array of T with `chunks`: nothing is read until a
/// computation needs it, and then block by block (a reduction streams: a few blocks per rank in
/// memory whatever the dataset size). Reads are collective hyperslab reads in the file's own
/// type (contiguous, chunked and gzip layouts), widened to T in memory.
/// Collective (the metadata is read now, on every rank). Throws IoError (missing file or
/// dataset), ValueError (element type), ShapeError (chunks of the wrong dimensionality).
template <class T>
Array<T> read_hdf5(const std::string& file, const std::string& dataset, const ChunkSpec& chunks = "auto");

/// An attribute value.
using Attribute = std::variant<std::string, double, std::int64_t>;

/// How to_hdf5 writes.
struct Hdf5WriteOptions {
  bool overwrite = false;          ///< replace an existing file instead of failing
  std::int64_t chunk_rows = 0;     ///< > 0: chunked layout with this many rows per HDF5 chunk
  int gzip = 0;                    ///< 1..9: gzip level (needs chunk_rows; collective writes)
  std::map<std::string, Attribute> attributes;  ///< written on the dataset
  /// Add the dataset to an existing file (which must not hold it yet) instead of creating the
  /// file; still atomic: the file is copied, extended, and renamed over the original.
  bool append = false;
};

/// One dataset of a file, as hdf5_list sees it.
struct DatasetSummary {
  std::string path;                 ///< "/group/name"
  Shape shape;
  std::string dtype;                ///< "float64", "int64", "uint8", "string[12]", ...
  std::vector<std::int64_t> chunks; ///< empty: contiguous layout
  std::string compression;          ///< "gzip-4", "" for none
};
/// Every dataset of an HDF5 file, depth first. Collective (every rank reads the metadata).
/// Throws IoError for a missing or non-HDF5 file.
std::vector<DatasetSummary> hdf5_list(const std::string& file);

/// Computes `array` and writes it as `dataset` (groups created) of a new HDF5 file, collectively,
/// round by round, so memory stays at a few blocks per rank. Atomic: the file is written under a
/// temporary name and renamed when complete; on error nothing is left behind. Collective.
/// Throws IoError when `file` exists and `options.overwrite` is false.
template <class T>
void to_hdf5(const Array<T>& array, const std::string& file, const std::string& dataset,
             const Hdf5WriteOptions& options = {});

}  // namespace rankwise::io

namespace rankwise {
using io::read_hdf5;
using io::to_hdf5;
}  // namespace rankwise

#include "rankwise/io/detail/hdf5_impl.hpp"
