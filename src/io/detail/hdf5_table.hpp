#pragma once
// Writing a table's columns as datasets of one HDF5 group, collectively (DataFrame::to_hdf5).
#include <string>
#include <vector>

#include "rankwise/runtime/communicator.hpp"

namespace rankwise::io::detail {

/// This rank's rows of one column, packed.
struct ColumnSlab {
  std::string name;
  std::string type;        ///< "float64", "int64", "uint8" or "string"
  std::vector<char> data;  ///< rows × element size; strings: rows × width, NUL-padded
  std::int64_t width = 0;  ///< bytes per string (this rank's longest; the widest rank's wins)
  std::string units;       ///< written as the attribute "units" when not empty
};

/// Writes the columns as 1-D datasets /group/<name> of a new file, each rank's rows after the
/// rows of lower ranks; atomic (temporary name, renamed by rank 0). Collective.
void write_table(const Communicator& comm, const std::string& file, const std::string& group,
                 std::vector<ColumnSlab>& columns, std::int64_t local_rows, bool overwrite);

}  // namespace rankwise::io::detail
