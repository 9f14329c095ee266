#pragma once
/// Options of rw::read_csv (pandas' and dask's names).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rankwise {

/// What read_csv does with a line that has the wrong number of fields or a value that does not
/// parse as its column's type (pandas' on_bad_lines).
enum class BadLines {
  error,  ///< stop: a ParseError naming the file, the line and the column
  warn,   ///< drop the line and log a warning naming it (rank-local log)
  skip,   ///< drop the line silently
};

/// read_csv's options. Members are declared in the order DESIGN.md's example writes them, so
/// `{.assume_missing = true, .skip_blank_lines = true, .on_bad_lines = rw::BadLines::skip}`
/// compiles; every member has pandas' default.
struct CsvOptions {
  char sep = ',';
  /// Physical line (after `skiprows`) holding the column names; -1: no header (names are
  /// `names`, or "0", "1", ... like pandas' header=None).
  int header = 0;
  /// Column names; with a header line they replace it.
  std::vector<std::string> names = {};
  /// Columns to keep (by name; file order is kept). Empty: all. The others are never parsed.
  std::vector<std::string> usecols = {};
  /// Types forced per column: "float64", "int64", "bool", "string", "datetime64[ns]", "category".
  std::map<std::string, std::string> dtype = {};
  /// Columns parsed as datetime64[ns] (ISO "2016-01-01 00:00:00"; such columns are also inferred).
  std::vector<std::string> parse_dates = {};
  /// Integer-looking columns become float64 (dask's advice for data with missing values).
  bool assume_missing = false;
  /// Blank lines are skipped; false: a blank line is a row of nulls.
  bool skip_blank_lines = true;
  BadLines on_bad_lines = BadLines::error;
  /// Extra strings read as null, on top of pandas' defaults ("", "NA", "NaN", "null", ...).
  std::vector<std::string> na_values = {};
  /// false: only `na_values` (and the empty field) are null.
  bool keep_default_na = true;
  /// Outside quotes, this character starts a comment that runs to the end of the line (0: none).
  char comment = 0;
  /// Physical lines skipped at the start of every file, before the header.
  std::int64_t skiprows = 0;
  /// Target bytes per partition (dask's blocksize); every rank gets at least one partition.
  std::int64_t blocksize = 64ll << 20;
  char quotechar = '"';
  /// Bytes sampled per file for schema inference, spread over the file (start, middle, end).
  std::int64_t sample_bytes = 256 << 10;
};

}  // namespace rankwise
