// read_csv's source: file listing, header and sample probes, schema agreement, byte-range
// partitions, and the partition reader with projection pushdown.
#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <numeric>

#include <absl/container/flat_hash_map.h>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <fmt/format.h>

#include "io/detail/csv_source.hpp"
#include "io/detail/csv_tokenizer.hpp"
#include "rankwise/runtime/agree.hpp"
#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/log.hpp"

namespace rankwise::io::csv_detail {

std::int64_t CsvFile::record_start(const char* data, std::int64_t offset) const {
  if (offset <= data_start) return data_start;
  if (offset >= size) return size;
  for (const auto& [split, start] : record_starts)
    if (split == offset) return start;
  if (data[offset - 1] == '\n') return offset;
  const void* nl = std::memchr(data + offset, '\n', static_cast<std::size_t>(size - offset));
  return nl ? static_cast<const char*>(nl) - data + 1 : size;
}

Schema CsvSource::schema() const {
  Schema s;
  for (const int c : kept) {
    s.names.push_back(file_schema.names[static_cast<std::size_t>(c)]);
    s.dtypes.push_back(file_schema.dtypes[static_cast<std::size_t>(c)]);
  }
  return s;
}

namespace {

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// Every file of the patterns, in order (each glob sorted); errors name the pattern.
std::vector<std::string> list_files(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  RANKWISE_CHECK(!patterns.empty(), ValueError, "read_csv: no file or pattern given");
  for (const auto& pat : patterns) {
    if (!has_glob_chars(pat)) {
      struct stat st {};
      if (::stat(pat.c_str(), &st) != 0) throw IoError(fmt::format("read_csv: no such file: '{}'", pat));
      if (S_ISDIR(st.st_mode)) throw IoError(fmt::format("read_csv: '{}' is a directory", pat));
      out.push_back(pat);
      continue;
    }
    glob_t g{};
    const int rc = ::glob(pat.c_str(), 0, nullptr, &g);
    std::vector<std::string> found;
    if (rc == 0)
      for (std::size_t i = 0; i < g.gl_pathc; ++i) found.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
    if (found.empty()) throw IoError(fmt::format("read_csv: no files match '{}'", pat));
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

// What one rank learned about one file.
struct FileProbe {
  std::int32_t file = 0;
  std::int64_t size = 0, data_start = 0;
  std::vector<std::string> header;       // names in the header line (or "0".. without header)
  bool has_data = false;                 // some record after the header
  bool has_quotes = false;               // a quote character in the sampled bytes
  std::vector<std::uint8_t> can, seen;   // per column: TypeBits all sampled values allow; any non-null
  template <class A>
  void serialize(A& a, unsigned) { a & file & size & data_start & header & has_data & has_quotes & can & seen; }
};

// Offset just past `lines` physical lines from `offset`.
std::int64_t skip_lines(const char* data, std::int64_t size, std::int64_t offset, std::int64_t lines) {
  for (std::int64_t k = 0; k < lines && offset < size; ++k) {
    const void* nl = std::memchr(data + offset, '\n', static_cast<std::size_t>(size - offset));
    offset = nl ? static_cast<const char*>(nl) - data + 1 : size;
  }
  return offset;
}

FileProbe probe_file(int index, const std::string& path, const CsvOptions& o) {
  FileProbe probe;
  probe.file = index;
  MappedFile file(path);
  probe.size = file.size();
  const char* data = file.data();
  std::int64_t at = 0;
  if (probe.size >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) at = 3;
  at = skip_lines(data, probe.size, at, o.skiprows + std::max(o.header, 0));
  // Wide enough for the header wherever it starts: every separator of the first MiB.
  const std::int64_t look = std::min(probe.size, at + (1 << 20));
  const int width = 2 + static_cast<int>(std::count(data + at, data + look, o.sep));
  Tokenizer tok(data, probe.size, o, width);
  // Header line (blank lines before it are skipped).
  while (at < probe.size) {
    const auto r = tok.parse(at);
    if (r.blank) { at = r.next; continue; }
    for (int k = 0; k < std::min(r.num_fields, width); ++k) probe.header.emplace_back(tok.field(k));
    if (o.header >= 0) at = r.next;  // without a header the first record is data
    break;
  }
  if (o.header < 0)
    for (std::size_t k = 0; k < probe.header.size(); ++k) probe.header[k] = std::to_string(k);
  probe.data_start = at;
  const int ncols = static_cast<int>(probe.header.size());
  probe.can.assign(static_cast<std::size_t>(ncols), 0xff);
  probe.seen.assign(static_cast<std::size_t>(ncols), 0);
  if (ncols == 0 || at >= probe.size) return probe;
  // Samples: the whole data when small, else evenly spaced windows from start to end.
  const NaSet na(o);
  Tokenizer sampler(data, probe.size, o, ncols);
  const std::int64_t data_bytes = probe.size - at;
  const int windows = data_bytes <= o.sample_bytes ? 1 : 8;
  const std::int64_t window = data_bytes <= o.sample_bytes ? data_bytes : std::max<std::int64_t>(o.sample_bytes / windows, 4096);
  for (int w = 0; w < windows; ++w) {
    std::int64_t begin = at + (windows == 1 ? 0 : (data_bytes - window) * w / (windows - 1));
    begin = sampler.line_start_at_or_after(begin, at);
    const std::int64_t stop = std::min(probe.size, begin + window);
    if (begin < stop && std::memchr(data + begin, o.quotechar, static_cast<std::size_t>(stop - begin))) probe.has_quotes = true;
    try {
      for (std::int64_t p = begin; p < stop;) {
        const auto r = sampler.parse(p);
        p = r.next;
        if (r.blank) continue;
        probe.has_data = true;
        if (r.num_fields != ncols) continue;  // bad lines are judged at read time
        for (int c = 0; c < ncols; ++c) {
          const auto f = sampler.field(c);
          if (na.contains(f)) continue;
          probe.seen[static_cast<std::size_t>(c)] = 1;
          probe.can[static_cast<std::size_t>(c)] &= classify(f);
        }
      }
    } catch (const ParseError&) {
      if (w == 0) throw;  // a window that starts mid-quote may misread; the first one cannot
    }
  }
  return probe;
}

DType infer_dtype(std::uint8_t can, bool seen, const CsvOptions& o) {
  if (!seen) return DType::float64;
  if (can & can_bool) return DType::boolean;
  if (can & can_int) return o.assume_missing ? DType::float64 : DType::int64;
  if (can & can_float) return DType::float64;
  if (can & can_datetime) return DType::datetime;
  return DType::string;
}

}  // namespace

std::shared_ptr<const CsvSource> open_csv(const std::vector<std::string>& patterns, const CsvOptions& o,
                                          const Communicator& comm) {
  RANKWISE_CHECK(o.sep != '\n' && o.sep != o.quotechar, ValueError, "read_csv: invalid separator");
  RANKWISE_CHECK(o.blocksize > 0, ValueError, "read_csv: blocksize must be positive");
  // Rank 0 lists (one view of the file system), everyone learns the list.
  std::vector<std::string> paths = agree(comm, "read_csv", [&] {
    return comm.rank() == 0 ? list_files(patterns) : std::vector<std::string>{};
  });
  bcast(comm, paths, 0);
  // Each rank probes every P-th file; the probes are shared.
  std::vector<FileProbe> mine = agree(comm, "read_csv", [&] {
    std::vector<FileProbe> probes;
    for (std::size_t f = static_cast<std::size_t>(comm.rank()); f < paths.size(); f += static_cast<std::size_t>(comm.size()))
      try {
        probes.push_back(probe_file(static_cast<int>(f), paths[f], o));
      } catch (const ParseError& e) {
        throw ParseError(fmt::format("read_csv: {}: {}", paths[f], e.what()));
      }
    return probes;
  });
  auto gathered = allgatherv(comm, std::span<const FileProbe>(mine));
  std::vector<FileProbe> probes(paths.size());
  for (auto& p : gathered.values) probes[static_cast<std::size_t>(p.file)] = std::move(p);

  auto source = std::make_shared<CsvSource>();
  source->options = o;
  // The header: the first file that has one; every other non-empty file must agree.
  const FileProbe* first = nullptr;
  for (const auto& p : probes)
    if (!p.header.empty()) { first = &p; break; }
  std::vector<std::string> names = first ? first->header : std::vector<std::string>{};
  for (const auto& p : probes) {
    if (p.header.empty() || p.header == names) continue;
    throw ParseError(fmt::format("read_csv: '{}' has columns [{}] but '{}' has [{}]", paths[static_cast<std::size_t>(p.file)],
                                 fmt::join(p.header, ", "), paths[static_cast<std::size_t>(first->file)], fmt::join(names, ", ")));
  }
  const auto ncols = names.size();
  if (!o.names.empty()) {
    RANKWISE_CHECK(o.names.size() == ncols || ncols == 0, ValueError,
                   fmt::format("read_csv: {} names given for {} columns", o.names.size(), ncols));
    names = o.names;
  }
  // Merge the samples, then apply the user's dtypes.
  std::vector<std::uint8_t> can(names.size(), 0xff), seen(names.size(), 0);
  for (const auto& p : probes)
    for (std::size_t c = 0; c < std::min(p.can.size(), names.size()); ++c) {
      can[c] &= p.can[c];
      seen[c] |= p.seen[c];
    }
  Schema& schema = source->file_schema;
  schema.names = names;
  for (std::size_t c = 0; c < names.size(); ++c) schema.dtypes.push_back(infer_dtype(can[c], seen[c] != 0, o));
  const auto index_of = [&](const std::string& name, const char* option) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
      throw ValueError(fmt::format("read_csv: {} names column '{}', which is not in [{}]", option, name, fmt::join(names, ", ")));
    return static_cast<std::size_t>(it - names.begin());
  };
  for (const auto& name : o.parse_dates) schema.dtypes[index_of(name, "parse_dates")] = DType::datetime;
  for (const auto& [name, type] : o.dtype) schema.dtypes[index_of(name, "dtype")] = parse_dtype(type);
  if (o.usecols.empty()) {
    source->kept.resize(names.size());
    std::iota(source->kept.begin(), source->kept.end(), 0);
  } else {
    std::vector<bool> keep(names.size());
    for (const auto& name : o.usecols) keep[index_of(name, "usecols")] = true;
    for (std::size_t c = 0; c < names.size(); ++c)
      if (keep[c]) source->kept.push_back(static_cast<int>(c));
  }
  // Files and partitions: the data bytes of all files, cut evenly.
  for (std::size_t f = 0; f < paths.size(); ++f) {
    const auto& p = probes[f];
    source->files.push_back({paths[f], p.size, p.header.empty() ? p.size : p.data_start, p.has_quotes, {}});
    source->total_bytes += source->files.back().size - source->files.back().data_start;
  }
  const std::int64_t total = source->total_bytes;
  const std::int64_t nparts = std::max<std::int64_t>(comm.size(), (total + o.blocksize - 1) / o.blocksize);
  source->partitions.resize(static_cast<std::size_t>(nparts));
  std::int64_t file_base = 0;  // global data offset of the current file's first data byte
  std::size_t current = 0;
  for (std::int64_t part = 0; part < nparts; ++part) {
    const std::int64_t lo = total * part / nparts, hi = total * (part + 1) / nparts;
    std::int64_t at = lo;
    while (at < hi) {
      const auto& file = source->files[current];
      const std::int64_t len = file.size - file.data_start;
      if (at >= file_base + len) { file_base += len; ++current; continue; }
      const std::int64_t end = std::min(hi, file_base + len);
      source->partitions[static_cast<std::size_t>(part)].push_back(
          {static_cast<int>(current), file.data_start + (at - file_base), file.data_start + (end - file_base)});
      at = end;
    }
  }
  // Files with quotes: the prober finds the true record start after each split point.
  using Starts = std::vector<std::array<std::int64_t, 3>>;  // (file, split, start)
  Starts mine_starts = agree(comm, "read_csv", [&] {
    Starts out;
    for (std::size_t f = static_cast<std::size_t>(comm.rank()); f < paths.size(); f += static_cast<std::size_t>(comm.size())) {
      const auto& file = source->files[f];
      if (!file.has_quotes) continue;
      std::vector<std::int64_t> splits;
      for (const auto& part : source->partitions)
        for (const auto& seg : part)
          if (seg.file == static_cast<int>(f) && seg.begin > file.data_start) splits.push_back(seg.begin);
      if (splits.empty()) continue;
      MappedFile mapped(file.path);
      Tokenizer tok(mapped.data(), mapped.size(), o, static_cast<int>(ncols));
      std::size_t k = 0;
      try {
        for (std::int64_t at = file.data_start; at < mapped.size() && k < splits.size();) {
          while (k < splits.size() && splits[k] <= at) out.push_back({static_cast<std::int64_t>(f), splits[k++], at});
          at = tok.parse(at).next;
        }
      } catch (const ParseError& e) {
        throw ParseError(fmt::format("read_csv: {}: {}", file.path, e.what()));
      }
      for (; k < splits.size(); ++k) out.push_back({static_cast<std::int64_t>(f), splits[k], mapped.size()});
    }
    return out;
  });
  const auto starts = allgatherv(comm, std::span<const std::array<std::int64_t, 3>>(mine_starts));
  for (const auto& s : starts.values) source->files[static_cast<std::size_t>(s[0])].record_starts.emplace_back(s[1], s[2]);
  return source;
}

// ---- reading one partition ----------------------------------------------------------------------
namespace {

// Appends converted fields to the wanted columns of one partition.
// Turns records into typed columns. Records are buffered (the views of their wanted fields,
// up to kBatch records) and converted a column at a time: the type dispatch runs once per
// column per batch and each loop runs one parser over one kind of text. A batch holding a value
// that does not parse is redone record by record, so bad lines are reported (or dropped) in
// file order, exactly as before batching.
class Builder {
 public:
  // 128 records × 19 views of 16 bytes stay in L1 while each column's loop walks them (1,024
  // measured 2% slower on the taxi files: every view came from L2).
  static constexpr std::int64_t kBatch = 128;

  Builder(const CsvSource& src, const std::vector<int>& wanted) : na_(src.options) {
    const auto schema = src.schema();
    for (const int w : wanted) {
      const auto k = static_cast<std::size_t>(w);
      slots_.push_back({src.kept[k], schema.dtypes[k], schema.names[k]});
      columns_.emplace_back(schema.dtypes[k]);
    }
    categories_.resize(slots_.size());
    views_.resize(slots_.size() * static_cast<std::size_t>(kBatch));
    identity_ = static_cast<int>(slots_.size()) == static_cast<int>(src.file_schema.names.size());
    for (std::size_t s = 0; s < slots_.size() && identity_; ++s) identity_ = slots_[s].file_column == static_cast<int>(s);
    starts_.resize(static_cast<std::size_t>(kBatch));
  }

  /// Buffers a record's wanted fields. A field the tokenizer unescaped lives in its scratch
  /// space (outside [mapped, mapped_end)) and is copied. Local.
  void add(const Tokenizer& tok, const Tokenizer::Record& r, const char* mapped, const char* mapped_end) {
    map_begin_ = mapped;  // a batch never outlives its mapping (flush comes first)
    map_end_ = mapped_end;
    const auto start = r.start;
    if (identity_ && !r.quoted) {  // every column in file order, all views into the mapping
      if (tok.fields() != &view(0, pending_)) std::copy_n(tok.fields(), slots_.size(), &view(0, pending_));
      starts_[static_cast<std::size_t>(pending_++)] = start;
      return;
    }
    for (std::size_t s = 0; s < slots_.size(); ++s) {
      const auto f = tok.field(slots_[s].file_column);
      const bool in_file = f.empty() || (f.data() >= mapped && f.data() < mapped_end);
      view(s, pending_) = in_file ? f : own(f);
    }
    starts_[static_cast<std::size_t>(pending_++)] = start;
  }
  /// Buffers a blank line kept as a row of nulls. Local.
  void add_blank(std::int64_t start) {
    for (std::size_t s = 0; s < slots_.size(); ++s) view(s, pending_) = {};
    starts_[static_cast<std::size_t>(pending_++)] = start;
  }
  bool full() const { return pending_ == kBatch; }
  /// Where the next record's views go when the slots are the file's columns in order (the
  /// tokenizer can write them there directly), else nullptr. Local.
  std::string_view* next_record() { return identity_ ? &view(0, pending_) : nullptr; }
  std::int64_t pending() const { return pending_; }
  std::int64_t rows() const { return rows_; }
  void reserve(std::int64_t rows) { for (auto& c : columns_) c.reserve(rows); }

  /// Converts the buffered records; `bad(start, slot, text)` hears of each record holding a
  /// value that does not parse (the record is dropped). Returns the records kept. Local.
  template <class OnBad>
  std::int64_t flush(OnBad&& bad) {
    const auto before = rows_;
    bool clean = true;
    for (std::size_t s = 0; s < slots_.size() && clean; ++s) clean = convert_column(s);
    if (clean) {
      rows_ += pending_;
    } else {
      for (auto& c : columns_) c.truncate(before);
      for (std::int64_t i = 0; i < pending_; ++i) {
        const int slot = convert_record(i);
        if (slot < 0) {
          ++rows_;
          continue;
        }
        for (auto& c : columns_) c.truncate(rows_);
        bad(starts_[static_cast<std::size_t>(i)], slot, view(static_cast<std::size_t>(slot), i));
      }
    }
    pending_ = 0;
    owned_.clear();
    return rows_ - before;
  }

  std::string_view name(int slot) const { return slots_[static_cast<std::size_t>(slot)].name; }
  DType dtype(int slot) const { return slots_[static_cast<std::size_t>(slot)].dtype; }
  std::vector<int> file_columns() const {
    std::vector<int> out;
    for (const auto& s : slots_) out.push_back(s.file_column);
    return out;
  }

  Table finish() {
    Table t;
    for (std::size_t s = 0; s < slots_.size(); ++s) {
      Column& c = columns_[s];
      if (slots_[s].dtype == DType::category) {  // sorted categories, codes remapped
        std::vector<std::pair<std::string, std::int32_t>> entries(categories_[s].begin(), categories_[s].end());
        std::sort(entries.begin(), entries.end());
        std::vector<std::int32_t> remap(entries.size());
        std::vector<std::string> names;
        for (std::size_t k = 0; k < entries.size(); ++k) {
          remap[static_cast<std::size_t>(entries[k].second)] = static_cast<std::int32_t>(k);
          names.push_back(entries[k].first);
        }
        for (auto& code : c.mutable_codes()) if (code >= 0) code = remap[static_cast<std::size_t>(code)];
        c.set_categories(std::move(names));
      }
      t.add(slots_[s].name, std::move(c));
    }
    if (slots_.empty()) return Table::rows_only(rows_);  // a count-only read still knows its rows
    return t;  // (not through ?:, which would copy every column)
  }

 private:
  struct Slot {
    int file_column;
    DType dtype;
    std::string name;
  };

  // Record-major: a record's views are adjacent (slot-major rows 16 KiB apart would fight over
  // the same L1 sets on every record).
  std::string_view& view(std::size_t slot, std::int64_t i) {
    return views_[static_cast<std::size_t>(i) * slots_.size() + slot];
  }

  // Out of line and rare: the copy's bookkeeping would otherwise spill the views of the
  // common path to the stack (a store-forwarding stall per field).
  [[gnu::noinline]] std::string_view own(std::string_view f) { return owned_.emplace_back(f); }

  // One value into slot s's column; false when it does not parse.
  bool push(std::size_t s, std::string_view f) {
    Column& c = columns_[s];
    if (na_.contains(f)) {
      c.push_null();
      return true;
    }
    switch (slots_[s].dtype) {
      case DType::float64: { double v; if (!parse_double(f, v)) return false; c.push_number(v); return true; }
      case DType::int64: { std::int64_t v; if (!parse_int(f, v)) return false; c.push_integer(v); return true; }
      case DType::boolean: { bool v; if (!parse_bool(f, v)) return false; c.push_bool(v); return true; }
      case DType::datetime: { std::int64_t v; if (!parse_datetime(f, v)) return false; c.push_integer(v); return true; }
      case DType::string: c.push_string(f); return true;
      case DType::category: {
        auto& dict = categories_[s];
        auto it = dict.find(absl::string_view(f.data(), f.size()));
        if (it == dict.end()) it = dict.emplace(std::string(f), static_cast<std::int32_t>(dict.size())).first;
        c.push_code(it->second);
        return true;
      }
    }
    return false;
  }

  // Every buffered value of slot s; false at the first that does not parse.
  bool convert_column(std::size_t s) {
    const std::size_t stride = slots_.size();
    const std::string_view* f = &view(s, 0);
    Column& c = columns_[s];
    // The common numeric types get their own loops (no per-value dispatch).
    switch (slots_[s].dtype) {
      case DType::float64: {
        // Short unsigned decimals (most money columns) take the branch-free reader, which
        // reads the eight bytes ending at the field's end: only for fields in the mapping, at
        // least eight bytes past its start (an unescaped field lives elsewhere).
        const char* const short_from = map_begin_ ? map_begin_ + 8 : map_end_ + 1;  // none before a record
        for (std::int64_t i = 0; i < pending_; ++i) {
          double v;
          const auto text = f[static_cast<std::size_t>(i) * stride];
          const char* const text_end = text.data() + text.size();
          if (na_.contains(text)) c.push_null();
          else if (text_end >= short_from && text_end <= map_end_ && parse_short_decimal(text_end, text.size(), v))
            c.push_number(v);
          else if (parse_double(text, v)) c.push_number(v);
          else return false;
        }
        return true;
      }
      case DType::int64:
        for (std::int64_t i = 0; i < pending_; ++i) {
          std::int64_t v;
          const auto text = f[static_cast<std::size_t>(i) * stride];
          if (na_.contains(text)) c.push_null();
          else if (parse_int(text, v)) c.push_integer(v);
          else return false;
        }
        return true;
      case DType::datetime: {
        DateMemo memo;
        for (std::int64_t i = 0; i < pending_; ++i) {
          std::int64_t v;
          const auto text = f[static_cast<std::size_t>(i) * stride];
          if (na_.contains(text)) c.push_null();
          else if (parse_datetime(text, v, memo)) c.push_integer(v);
          else return false;
        }
        return true;
      }
      default:
        for (std::int64_t i = 0; i < pending_; ++i)
          if (!push(s, f[static_cast<std::size_t>(i) * stride])) return false;
        return true;
    }
  }

  // Buffered record i into every column; the failing slot, or -1.
  int convert_record(std::int64_t i) {
    for (std::size_t s = 0; s < slots_.size(); ++s)
      if (!push(s, view(s, i))) return static_cast<int>(s);
    return -1;
  }

  NaSet na_;
  std::vector<Slot> slots_;
  std::vector<Column> columns_;
  std::vector<absl::flat_hash_map<std::string, std::int32_t>> categories_;
  std::vector<std::string_view> views_;  // kBatch records x slots
  std::vector<std::int64_t> starts_;     // each buffered record's first byte
  std::deque<std::string> owned_;        // unescaped fields (stable addresses)
  std::int64_t pending_ = 0, rows_ = 0;
  const char* map_begin_ = nullptr;  // the mapped file the buffered views point into
  const char* map_end_ = nullptr;
  bool identity_ = false;  // the slots are the file's columns in order
};

}  // namespace

Table read_partition(const CsvSource& src, std::int64_t p, const std::vector<int>& wanted, std::int64_t row_limit) {
  const auto& o = src.options;
  const int ncols = static_cast<int>(src.file_schema.names.size());
  const auto& segments = src.partitions[static_cast<std::size_t>(p)];
  std::int64_t partition_bytes = 0, bytes_done = 0;
  for (const auto& seg : segments) partition_bytes += seg.end - seg.begin;
  Builder builder(src, wanted);
  bool reserved = false;
  const auto room = [&] { return row_limit < 0 || builder.rows() + builder.pending() < row_limit; };
  for (const auto& seg : segments) {
    if (row_limit >= 0 && builder.rows() >= row_limit) break;
    const auto& file = src.files[static_cast<std::size_t>(seg.file)];
    MappedFile mapped(file.path);
    if (mapped.size() != file.size)
      throw IoError(fmt::format("read_csv: '{}' changed size while being read ({} then {} bytes)", file.path, file.size, mapped.size()));
    mapped.will_need(seg.begin, seg.end);
    Tokenizer tok(mapped.data(), mapped.size(), o, ncols);
    tok.set_wanted(builder.file_columns());
    const auto where = [&](std::int64_t offset) { return fmt::format("read_csv: {}: line {}", file.path, tok.line_of(offset)); };
    const auto bad = [&](const std::string& message) {
      if (o.on_bad_lines == BadLines::error) throw ParseError(message);
      if (o.on_bad_lines == BadLines::warn) logger().warn("{} (line skipped)", message);
    };
    std::int64_t at = file.record_start(mapped.data(), seg.begin);
    const auto first = at;
    // Converts the buffered records (before any later line is reported: errors stay in file order).
    const auto flush = [&] {
      builder.flush([&](std::int64_t start, int slot, std::string_view text) {
        bad(fmt::format("{}, column '{}': cannot parse '{}' as {}", where(start), builder.name(slot),
                        std::string(text.substr(0, 40)), dtype_name(builder.dtype(slot))));
      });
      // Room for the whole partition at the rate seen over the first 512 records, and never more rows
      // than the partition has line breaks' worth of fields (a run of blank lines kept as rows
      // must not reserve gigabytes).
      if (!reserved && builder.rows() >= 512 && row_limit < 0) {
        const double per_byte = static_cast<double>(builder.rows()) / static_cast<double>(bytes_done + (at - first));
        const auto estimate = static_cast<std::int64_t>(per_byte * static_cast<double>(partition_bytes) * 1.05) + Builder::kBatch;
        builder.reserve(std::min(estimate, partition_bytes / std::max(ncols, 1) + Builder::kBatch));
        reserved = true;
      }
    };
    while (at < seg.end && room()) {
      while (at < seg.end && !builder.full() && room()) {
        Tokenizer::Record r;
        tok.set_output(builder.next_record());
        try {
          r = tok.parse(at);
        } catch (const ParseError& e) {
          flush();  // bad values in earlier lines come first
          throw ParseError(fmt::format("read_csv: {}: {}", file.path, e.what()));
        }
        at = r.next;
        if (r.blank) {
          if (!o.skip_blank_lines) builder.add_blank(r.start);
        } else if (r.num_fields != ncols) {
          flush();
          bad(fmt::format("{}: expected {} fields, saw {}", where(r.start), ncols, r.num_fields));
        } else {
          builder.add(tok, r, mapped.data(), mapped.data() + mapped.size());
        }
      }
      flush();  // also before the mapping goes: the views point into it
    }
    bytes_done += seg.end - seg.begin;
    // The next partition starts where the line-start rule puts it; a record that ran past
    // that point hid a line break inside quotes: reading from there would mis-split.
    if (room() && seg.end < file.size) {
      const auto expected = file.record_start(mapped.data(), seg.end);
      if (at != expected)
        throw ParseError(fmt::format(
            "read_csv: {}: a quoted field with a line break (line {}) spans the partition boundary at byte {}; "
            "raise the option sample_bytes above the file's size (then the quotes are seen when the file is opened and "
            "every split is realigned by a quote-aware scan)",
            file.path, tok.line_of(std::min(at, expected)), seg.end));
    }
  }
  return builder.finish();
}

}  // namespace rankwise::io::csv_detail
