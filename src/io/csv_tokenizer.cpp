// CSV tokenizer and field parsers (see detail/csv_tokenizer.hpp).
#include "io/detail/csv_tokenizer.hpp"

#include <algorithm>
#include <bit>

#include <fast_float/fast_float.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "rankwise/error.hpp"
#include "rankwise/frame/column.hpp"

namespace rankwise::io::csv_detail {

MappedFile::MappedFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(fmt::format("read_csv: cannot open '{}': {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw IoError(fmt::format("read_csv: cannot stat '{}': {}", path, std::strerror(errno)));
  }
  size_ = st.st_size;
  if (size_ > 0) {
    void* p = ::mmap(nullptr, static_cast<std::size_t>(size_), PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw IoError(fmt::format("read_csv: cannot map '{}': {}", path, std::strerror(errno)));
    }
    data_ = static_cast<const char*>(p);
    ::madvise(p, static_cast<std::size_t>(size_), MADV_SEQUENTIAL);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), static_cast<std::size_t>(size_));
}

void MappedFile::will_need(std::int64_t begin, std::int64_t end) const {
  if (!data_ || end <= begin) return;
  const std::int64_t page = ::sysconf(_SC_PAGESIZE);
  begin -= begin % page;
  ::madvise(const_cast<char*>(data_) + begin, static_cast<std::size_t>(std::min(end, size_) - begin), MADV_WILLNEED);
}

NaSet::NaSet(const CsvOptions& o) {
  if (o.keep_default_na)
    values_ = {"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
               "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"};
  values_.insert(values_.end(), o.na_values.begin(), o.na_values.end());
  for (const auto& v : values_)
    if (!v.empty()) first_[static_cast<unsigned char>(v[0])] = true;
}

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  const char* b = s.data();
  if (*b == '+') ++b;
  const auto r = fast_float::from_chars(b, s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_int(std::string_view s, std::int64_t& out) {
  s = trim(s);
  if (s.empty()) return false;
  std::size_t i = 0;
  const bool neg = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') ++i;
  if (i == s.size() || s.size() - i > 19) return false;
  std::uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  if (v > static_cast<std::uint64_t>(INT64_MAX) + (neg ? 1u : 0u)) return false;
  out = neg ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return true;
}

bool parse_bool(std::string_view s, bool& out) {
  s = trim(s);
  if (s == "True" || s == "true" || s == "TRUE") { out = true; return true; }
  if (s == "False" || s == "false" || s == "FALSE") { out = false; return true; }
  return false;
}

bool parse_datetime(std::string_view s, std::int64_t& ns) {
  s = trim(s);
  const auto digits = [&](std::size_t at, std::size_t n, unsigned& v) {
    if (at + n > s.size()) return false;
    v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      const unsigned d = static_cast<unsigned char>(s[i]) - '0';
      if (d > 9) return false;
      v = v * 10 + d;
    }
    return true;
  };
  unsigned y, mo, d, h = 0, mi = 0, sec = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4, y) || !digits(5, 2, mo) || !digits(8, 2, d))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  std::int64_t frac_ns = 0;
  if (s.size() > 10) {
    if ((s[10] != ' ' && s[10] != 'T') || s.size() < 16 || s[13] != ':' || !digits(11, 2, h) || !digits(14, 2, mi))
      return false;
    std::size_t at = 16;
    if (s.size() > 16) {
      if (s[16] != ':' || !digits(17, 2, sec)) return false;
      at = 19;
      if (s.size() > 19) {
        if (s[19] != '.' || s.size() == 20 || s.size() > 29) return false;
        std::int64_t scale = 100'000'000;
        for (std::size_t i = 20; i < s.size(); ++i, scale /= 10) {
          const unsigned dd = static_cast<unsigned char>(s[i]) - '0';
          if (dd > 9) return false;
          frac_ns += dd * scale;
        }
        at = s.size();
      }
    }
    if (at != s.size() || h > 23 || mi > 59 || sec > 60) return false;
  }
  ns = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1'000'000'000) + frac_ns;
  return true;
}

std::uint8_t classify(std::string_view s) {
  std::uint8_t bits = 0;
  bool b;
  double x;
  std::int64_t i;
  if (parse_bool(s, b)) bits |= can_bool;
  if (parse_int(s, i)) bits |= can_int | can_float;
  else if (parse_double(s, x)) bits |= can_float;
  if (!(bits & can_float) && parse_datetime(s, i)) bits |= can_datetime;
  return bits;
}

// ---- the tokenizer ------------------------------------------------------------------------------

Tokenizer::Tokenizer(const char* data, std::int64_t size, const CsvOptions& o, int num_columns)
    : data_(data), end_(data + size), sep_(o.sep), quote_(o.quotechar), comment_(o.comment),
      num_columns_(std::max(num_columns, 1)),
      fields_(static_cast<std::size_t>(num_columns_)), scratch_(static_cast<std::size_t>(num_columns_)) {}

std::uint64_t Tokenizer::block_mask(const char* base) const {
  const std::ptrdiff_t n = std::min<std::ptrdiff_t>(64, end_ - base);
  alignas(16) char tail[64];
  const char* src = base;
  if (n < 64) {  // never read past the mapping
    std::memset(tail, '\0', sizeof tail);
    std::memcpy(tail, base, static_cast<std::size_t>(n));
    src = tail;
  }
#if defined(__SSE2__)
  const __m128i vs = _mm_set1_epi8(sep_), vn = _mm_set1_epi8('\n');
  std::uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16 * k));
    const auto bits = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, vs), _mm_cmpeq_epi8(x, vn))));
    m |= static_cast<std::uint64_t>(bits) << (16 * k);
  }
#else
  std::uint64_t m = 0;
  for (int k = 0; k < 64; ++k)
    m |= static_cast<std::uint64_t>(src[k] == sep_ || src[k] == '\n') << k;
#endif
  if (n < 64) m &= (1ull << n) - 1;
  return m;
}

void Tokenizer::fill_index(const char* from) {
  constexpr std::ptrdiff_t window = 1 << 16;
  if (index_.size() < static_cast<std::size_t>(window)) index_.resize(static_cast<std::size_t>(window));
  const char* stop = std::min(end_, from + window);
  const char** out = index_.data();
  for (const char* b = from; b < stop; b += 64) {
    std::uint64_t m = block_mask(b);
    while (m) {
      *out++ = b + std::countr_zero(m);
      m &= m - 1;
    }
  }
  index_from_ = from;
  index_to_ = stop;
  index_size_ = static_cast<std::size_t>(out - index_.data());
  index_pos_ = 0;
}

const char* Tokenizer::next_structural(const char* p) {
  // Re-synchronise after a jump (a new record elsewhere, or one read by the quoted path).
  if (!index_from_ || p < index_from_ || p >= index_to_ || (index_pos_ > 0 && index_[index_pos_ - 1] >= p)) fill_index(p);
  for (;;) {
    while (index_pos_ < index_size_ && index_[index_pos_] < p) ++index_pos_;
    if (index_pos_ < index_size_) return index_[index_pos_++];
    if (index_to_ >= end_) return end_;
    fill_index(index_to_);
  }
}

bool Tokenizer::line_has_special(const char* line, const char* next) {
  if (!quote_ && !comment_) return false;
  if (special_ && special_ >= line) return special_ < next;
  // Search ahead in windows (never to the end of a large file at once).
  const char* from = std::max(line, scanned_ ? scanned_ : line);
  while (from < next) {
    const char* stop = std::min(end_, std::max(next, from + (1 << 16)));
    const char* hit = nullptr;
    for (const char c : {quote_, comment_}) {
      if (!c) continue;
      const void* q = std::memchr(from, c, static_cast<std::size_t>(stop - from));
      if (q && (!hit || static_cast<const char*>(q) < hit)) hit = static_cast<const char*>(q);
    }
    if (hit) {  // bytes after the hit are not searched yet
      special_ = hit;
      scanned_ = hit + 1;
      return hit < next;
    }
    scanned_ = stop;
    special_ = nullptr;
    from = stop;
  }
  return false;
}

Tokenizer::Record Tokenizer::parse(std::int64_t offset) {
  const char* line = data_ + offset;
  const char* p = line;
  int k = 0;
  const char* q;
  for (;;) {
    q = next_structural(p);
    if (k < num_columns_) fields_[static_cast<std::size_t>(k)] = {p, static_cast<std::size_t>(q - p)};
    ++k;
    if (q == end_ || *q == '\n') break;
    p = q + 1;
  }
  const char* next = q == end_ ? end_ : q + 1;
  if (line_has_special(line, next)) return parse_quoted(offset);
  if (k <= num_columns_) {
    auto& last = fields_[static_cast<std::size_t>(k - 1)];
    if (!last.empty() && last.back() == '\r') last.remove_suffix(1);
  }
  Record r{offset, next - data_, k, false};
  r.blank = k == 1 && fields_[0].empty();
  return r;
}

Tokenizer::Record Tokenizer::parse_quoted(std::int64_t offset) {
  const char* p = data_ + offset;
  int k = 0;
  bool comment_only = false;
  const auto store = [&](std::string_view f) {
    if (k < num_columns_) fields_[static_cast<std::size_t>(k)] = f;
    ++k;
  };
  for (;;) {  // one field per turn
    if (p < end_ && *p == quote_ && quote_) {
      std::string* buf = k < num_columns_ ? &scratch_[static_cast<std::size_t>(k)] : nullptr;
      if (buf) buf->clear();
      const char* s = ++p;
      bool escaped = false;
      for (;;) {
        const void* hit = std::memchr(p, quote_, static_cast<std::size_t>(end_ - p));
        if (!hit) throw ParseError(fmt::format("unterminated quoted field starting at line {}", line_of(offset)));
        const char* qq = static_cast<const char*>(hit);
        if (qq + 1 < end_ && qq[1] == quote_) {  // a doubled quote is one quote character
          if (buf) buf->append(s, qq + 1);
          p = s = qq + 2;
          escaped = true;
          continue;
        }
        if (buf && escaped) buf->append(s, qq);
        p = qq + 1;
        // Lenient like pandas: characters after the closing quote belong to the field.
        const char* t = p;
        while (t < end_ && *t != sep_ && *t != '\n' && !(*t == '\r' && t + 1 < end_ && t[1] == '\n')) ++t;
        if (t != p && buf) {
          if (!escaped) buf->assign(s, qq);
          buf->append(p, t);
          escaped = true;
        }
        store(buf && escaped ? std::string_view(*buf) : std::string_view(s, static_cast<std::size_t>(qq - s)));
        p = t;
        break;
      }
    } else {
      const char* s = p;
      while (p < end_ && *p != sep_ && *p != '\n' && !(comment_ && *p == comment_)) ++p;
      std::string_view f(s, static_cast<std::size_t>(p - s));
      if (!f.empty() && f.back() == '\r' && (p == end_ || *p == '\n')) f.remove_suffix(1);
      if (p < end_ && comment_ && *p == comment_) {
        if (k == 0 && f.empty()) comment_only = true;
        if (!comment_only || k > 0) store(f);
        while (p < end_ && *p != '\n') ++p;
        break;
      }
      store(f);
    }
    if (p < end_ && *p == '\r' && p + 1 < end_ && p[1] == '\n') ++p;
    if (p >= end_ || *p == '\n') break;
    ++p;  // the separator
  }
  Record r{offset, (p < end_ ? p + 1 : end_) - data_, comment_only ? 1 : k, false};
  if (comment_only) fields_[0] = {};
  r.blank = comment_only || (k == 1 && fields_[0].empty());
  return r;
}

std::int64_t Tokenizer::line_start_at_or_after(std::int64_t offset, std::int64_t floor) const {
  const std::int64_t size = end_ - data_;
  if (offset <= floor) return floor;
  if (offset >= size) return size;
  if (data_[offset - 1] == '\n') return offset;
  const void* nl = std::memchr(data_ + offset, '\n', static_cast<std::size_t>(size - offset));
  return nl ? static_cast<const char*>(nl) - data_ + 1 : size;
}

std::int64_t Tokenizer::line_of(std::int64_t offset) {
  if (offset < line_offset_) line_offset_ = 0, line_number_ = 1;
  line_number_ += std::count(data_ + line_offset_, data_ + offset, '\n');
  line_offset_ = offset;
  return line_number_;
}

}  // namespace rankwise::io::csv_detail
