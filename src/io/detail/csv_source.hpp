#pragma once
// The CSV source behind read_csv: files, their byte-range partitions, the agreed schema, and the
// reader that turns one partition into a Table of the wanted columns.
#include <memory>
#include <string>
#include <vector>

#include "rankwise/frame/table.hpp"
#include "rankwise/io/csv.hpp"
#include "rankwise/runtime/communicator.hpp"

namespace rankwise::io::csv_detail {

struct CsvFile {
  std::string path;
  std::int64_t size = 0;
  std::int64_t data_start = 0;  ///< first byte after BOM, skipped rows and header
  bool has_quotes = false;      ///< the samples hold a quote character
  /// For files with quotes: (split offset, first record start at or after it), found by a
  /// quote-aware scan, so a split inside a quoted line break is realigned correctly.
  std::vector<std::pair<std::int64_t, std::int64_t>> record_starts;
  /// The first record start at or after `offset` (exact when record_starts holds it). Local.
  std::int64_t record_start(const char* data, std::int64_t offset) const;
};

/// Bytes [begin, end) of a file's data; the records that start inside belong to the segment.
struct Segment {
  int file = 0;
  std::int64_t begin = 0, end = 0;
};

struct Schema {
  std::vector<std::string> names;
  std::vector<DType> dtypes;
};

/// Everything needed to read any partition; identical on every rank.
struct CsvSource {
  CsvOptions options;
  std::vector<CsvFile> files;
  Schema file_schema;                  ///< every column of the files
  std::vector<int> kept;               ///< file columns kept after usecols, in file order
  std::vector<std::vector<Segment>> partitions;
  std::int64_t total_bytes = 0;

  /// The frame's schema (the kept columns).
  Schema schema() const;
};

/// Lists the files of `patterns` (globs or paths), reads headers and samples, agrees on the
/// schema, splits the data bytes into partitions. Collective.
std::shared_ptr<const CsvSource> open_csv(const std::vector<std::string>& patterns, const CsvOptions& options,
                                          const Communicator& comm);

/// Reads partition `p`: the columns `wanted` (indices into the frame's schema, ascending), and
/// at most `row_limit` rows when >= 0. Throws ParseError naming file, line and column. Local.
Table read_partition(const CsvSource& source, std::int64_t p, const std::vector<int>& wanted,
                     std::int64_t row_limit = -1);

}  // namespace rankwise::io::csv_detail
