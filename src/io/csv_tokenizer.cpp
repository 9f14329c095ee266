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
#include <immintrin.h>
#endif

#include "rankwise/error.hpp"
#include "rankwise/frame/column.hpp"
#include "runtime/detail/simd.hpp"

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
    if (!v.empty()) lengths_[static_cast<unsigned char>(v[0])] |= 1ull << std::min<std::size_t>(v.size(), 63);
}

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

bool parse_double_general(std::string_view s, double& out) {
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
  DateMemo memo;
  return parse_datetime(s, ns, memo);
}

bool parse_datetime(std::string_view s, std::int64_t& ns, DateMemo& memo) {
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
  unsigned h = 0, mi = 0, sec = 0;
  if (s.size() < 10) return false;
  if (!memo.valid || std::memcmp(s.data(), memo.month, 7) != 0) {
    unsigned y, mo;
    if (s[4] != '-' || !digits(0, 4, y) || !digits(5, 2, mo) || mo < 1 || mo > 12) return false;
    static constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    std::memcpy(memo.month, s.data(), 7);
    memo.first_day = days_from_civil(y, mo, 1);
    memo.last_day_of_month = month_days[mo - 1] + (mo == 2 && leap ? 1u : 0u);
    memo.valid = true;
  }
  unsigned d;
  if (s[7] != '-' || !digits(8, 2, d) || d < 1 || d > memo.last_day_of_month) return false;  // no 2016-02-31
  const std::int64_t days = memo.first_day + d - 1;
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
  ns = ((days * 86400 + h * 3600 + mi * 60 + sec) * 1'000'000'000) + frac_ns;
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
      fields_(static_cast<std::size_t>(num_columns_)), scratch_(static_cast<std::size_t>(num_columns_)), size_(size) {
  out_ = fields_.data();
}

void Tokenizer::set_wanted(const std::vector<int>& columns) {
  wanted_.assign(static_cast<std::size_t>(num_columns_), 0);
  first_wanted_ = num_columns_;
  last_wanted_ = -1;
  for (const int c : columns) {
    wanted_[static_cast<std::size_t>(c)] = 1;
    first_wanted_ = std::min(first_wanted_, c);
    last_wanted_ = std::max(last_wanted_, c);
  }
  all_wanted_ = false;
}

#if defined(__x86_64__) && defined(__GNUC__)
// Separator, line-break and quote/comment masks of `words` 64-byte words, with AVX2 (chosen at
// run time: the library is built for generic x86-64).
__attribute__((target("avx2"), always_inline)) static inline std::uint64_t bits(__m256i lo, __m256i hi) {
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(lo))) |
         static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))) << 32;
}
__attribute__((target("avx2"))) static void masks_avx2(const char* src, std::int64_t words, char sep, char quote,
                                                       char comment, std::uint64_t* seps, std::uint64_t* breaks,
                                                       std::uint64_t* specials) {
  const __m256i vs = _mm256_set1_epi8(sep), vn = _mm256_set1_epi8('\n'), vq = _mm256_set1_epi8(quote),
                vc = _mm256_set1_epi8(comment);
  for (std::int64_t w = 0; w < words; ++w, src += 64) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 32));
    seps[w] = bits(_mm256_cmpeq_epi8(a, vs), _mm256_cmpeq_epi8(b, vs));
    breaks[w] = bits(_mm256_cmpeq_epi8(a, vn), _mm256_cmpeq_epi8(b, vn));
    __m256i qa = _mm256_setzero_si256(), qb = _mm256_setzero_si256();
    if (quote) qa = _mm256_cmpeq_epi8(a, vq), qb = _mm256_cmpeq_epi8(b, vq);
    if (comment) qa = _mm256_or_si256(qa, _mm256_cmpeq_epi8(a, vc)), qb = _mm256_or_si256(qb, _mm256_cmpeq_epi8(b, vc));
    specials[w] = bits(qa, qb);
  }
}
#endif

void Tokenizer::load_window(std::int64_t first_block) {
  constexpr std::int64_t blocks = 1024;  // 64 KiB of text, 24 KiB of masks
  const std::int64_t total = (size_ + 63) / 64;
  window_block_ = first_block;
  window_blocks_ = std::min(blocks, total - first_block);
  seps_.resize(static_cast<std::size_t>(blocks));
  breaks_.resize(static_cast<std::size_t>(blocks));
  specials_.resize(static_cast<std::size_t>(blocks));
#if defined(__SSE2__)
  const __m128i vs = _mm_set1_epi8(sep_), vn = _mm_set1_epi8('\n'), vq = _mm_set1_epi8(quote_),
                vc = _mm_set1_epi8(comment_);
#endif
  std::int64_t w = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  if (rankwise::detail::cpu_has_avx2_fma()) {
    // Whole 64-byte words with AVX2 (twice SSE2's width); a short last word goes below.
    const std::int64_t full = std::min<std::int64_t>(window_blocks_, (end_ - data_) / 64 - first_block);
    masks_avx2(data_ + first_block * 64, full, sep_, quote_, comment_, seps_.data(), breaks_.data(), specials_.data());
    w = std::max<std::int64_t>(full, 0);
  }
#endif
  for (; w < window_blocks_; ++w) {
    const char* base = data_ + (first_block + w) * 64;
    const std::ptrdiff_t n = std::min<std::ptrdiff_t>(64, end_ - base);
    alignas(16) char tail[64];
    const char* src = base;
    if (n < 64) {  // never read past the mapping
      std::memset(tail, '\n', sizeof tail);
      std::memcpy(tail, base, static_cast<std::size_t>(n));
      src = tail;
    }
    std::uint64_t ms = 0, mn = 0, mq = 0;
#if defined(__SSE2__)
    for (int k = 0; k < 4; ++k) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16 * k));
      const auto shift = 16 * k;
      ms |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vs)))) << shift;
      mn |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn)))) << shift;
      __m128i special = _mm_setzero_si128();
      if (quote_) special = _mm_cmpeq_epi8(x, vq);
      if (comment_) special = _mm_or_si128(special, _mm_cmpeq_epi8(x, vc));
      mq |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(special))) << shift;
    }
#else
    for (int k = 0; k < 64; ++k) {
      ms |= static_cast<std::uint64_t>(src[k] == sep_) << k;
      mn |= static_cast<std::uint64_t>(src[k] == '\n') << k;
      mq |= static_cast<std::uint64_t>((quote_ && src[k] == quote_) || (comment_ && src[k] == comment_)) << k;
    }
#endif
    if (n < 64) {
      const std::uint64_t keep = (1ull << n) - 1;
      ms &= keep;
      mn &= keep;
      mq &= keep;
    }
    seps_[static_cast<std::size_t>(w)] = ms;
    breaks_[static_cast<std::size_t>(w)] = mn;
    specials_[static_cast<std::size_t>(w)] = mq;
  }
}

std::int64_t Tokenizer::first_bit(const std::uint64_t* m, std::int64_t from) const {
  std::int64_t w = (from >> 6) - window_block_;
  std::uint64_t bits = m[w] & (~0ull << (from & 63));
  while (bits == 0) {
    if (++w >= window_blocks_) return -1;
    bits = m[w];
  }
  return ((window_block_ + w) << 6) + std::countr_zero(bits);
}

std::int64_t Tokenizer::last_bit_before(const std::uint64_t* m, std::int64_t end) const {
  const std::int64_t last = end - 1;
  std::int64_t w = (last >> 6) - window_block_;
  const int top = static_cast<int>(last & 63);
  std::uint64_t bits = m[w] & (top == 63 ? ~0ull : (2ull << top) - 1);
  while (bits == 0) {
    if (--w < 0) return -1;
    bits = m[w];
  }
  return ((window_block_ + w) << 6) + 63 - std::countl_zero(bits);
}

std::int64_t Tokenizer::count_bits(const std::uint64_t* m, std::int64_t from, std::int64_t end) const {
  if (from >= end) return 0;
  const std::int64_t wa = (from >> 6) - window_block_, we = ((end - 1) >> 6) - window_block_;
  const std::uint64_t head = ~0ull << (from & 63);
  const int top = static_cast<int>((end - 1) & 63);
  const std::uint64_t tail = top == 63 ? ~0ull : (2ull << top) - 1;
  if (wa == we) return std::popcount(m[wa] & head & tail);
  std::int64_t n = std::popcount(m[wa] & head) + std::popcount(m[we] & tail);
  for (std::int64_t w = wa + 1; w < we; ++w) n += std::popcount(m[w]);
  return n;
}

Tokenizer::Record Tokenizer::parse(std::int64_t offset) {
  if (!in_window(offset)) load_window(offset >> 6);
  std::int64_t eol = first_bit(breaks_.data(), offset);
  if (eol < 0 && window_block_ + window_blocks_ < (size_ + 63) / 64) {
    // The line runs past the window: restart the window at the line.
    if ((offset >> 6) != window_block_) load_window(offset >> 6);
    eol = first_bit(breaks_.data(), offset);
    if (eol < 0 && window_block_ + window_blocks_ < (size_ + 63) / 64) return parse_quoted(offset);  // a line over 64 KiB
  }
  if (eol < 0) eol = size_;
  if (count_bits(specials_.data(), offset, eol) > 0) return parse_quoted(offset);
  const int k = 1 + static_cast<int>(count_bits(seps_.data(), offset, eol));
  Record r{offset, eol < size_ ? eol + 1 : size_, k, false};
  const std::int64_t content_end = eol > offset && data_[eol - 1] == '\r' ? eol - 1 : eol;
  if (k == 1 && content_end == offset) {
    r.blank = true;
    out_[0] = {};
    return r;
  }
  const auto set = [&](int f, std::int64_t b, std::int64_t e) {
    if (f == k - 1 && e == eol) e = content_end;
    out_[f] = {data_ + b, static_cast<std::size_t>(e - b)};
  };
  // Walking forward pops the separator bits one by one (the line's k - 1 separators are all
  // in the window: count_bits saw them).
  std::int64_t word = (offset >> 6) - window_block_;
  std::uint64_t bits = seps_[static_cast<std::size_t>(word)] & (~0ull << (offset & 63));
  const auto next_sep = [&] {
    while (bits == 0) bits = seps_[static_cast<std::size_t>(++word)];
    const std::int64_t at = ((window_block_ + word) << 6) + std::countr_zero(bits);
    bits &= bits - 1;
    return at;
  };
  if (all_wanted_) {  // every field, up to the column count
    std::int64_t at = offset;
    const int n = std::min(k, num_columns_);
    for (int f = 0; f < n; ++f) {
      const std::int64_t e = f < k - 1 ? next_sep() : eol;
      set(f, at, e);
      at = e + 1;
    }
    return r;
  }
  if (k != num_columns_ || last_wanted_ < 0) return r;
  if (last_wanted_ <= k - 1 - first_wanted_) {  // forward from the start
    std::int64_t at = offset;
    for (int f = 0; f <= last_wanted_; ++f) {
      const std::int64_t e = f < k - 1 ? next_sep() : eol;
      if (wanted_[static_cast<std::size_t>(f)]) set(f, at, e);
      at = e + 1;
    }
  } else {  // backward from the end
    std::int64_t e = eol;
    for (int f = k - 1; f >= first_wanted_; --f) {
      const std::int64_t b = f > 0 ? last_bit_before(seps_.data(), e) + 1 : offset;
      if (wanted_[static_cast<std::size_t>(f)]) set(f, b, e);
      e = b - 1;
    }
  }
  return r;
}

Tokenizer::Record Tokenizer::parse_quoted(std::int64_t offset) {
  const char* p = data_ + offset;
  int k = 0;
  bool comment_only = false;
  const auto store = [&](std::string_view f) {
    if (k < num_columns_) out_[k] = f;
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
  Record r{offset, (p < end_ ? p + 1 : end_) - data_, comment_only ? 1 : k, false, true};
  if (comment_only) out_[0] = {};
  r.blank = comment_only || (k == 1 && out_[0].empty());
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
