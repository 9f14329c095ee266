#include "rankwise/array/ops.hpp"

#include "rankwise/array/detail/reducers.hpp"

#include <atomic>

namespace rankwise::array_detail {

double tile_sum_f64(const double* x, std::int64_t n) {
  // The same association as the template (eight partial sums): the same bits either way.
  double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::int64_t k = 0;
  for (; k + 8 <= n; k += 8)
    for (int j = 0; j < 8; ++j) s[j] += x[k + j];
  double rest = 0;
  for (; k < n; ++k) rest += x[k];
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])) + rest;
}

std::uint64_t next_serial() {
  static std::atomic<std::uint64_t> serial{0};
  return serial++;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const auto nd = std::max(a.size(), b.size());
  Shape out(nd);
  for (std::size_t k = 0; k < nd; ++k) {
    const auto da = k < nd - a.size() ? 1 : a[k - (nd - a.size())];
    const auto db = k < nd - b.size() ? 1 : b[k - (nd - b.size())];
    if (da != db && da != 1 && db != 1)
      throw ShapeError(std::string(op) + ": operands could not be broadcast together with shapes " +
                       shape_str(a) + " and " + shape_str(b));
    out[k] = da == 1 ? db : da;
  }
  return out;
}

Chunks broadcast_chunks(const Shape& out, const Shape& a, const Chunks& ca, const Shape& b, const Chunks& cb) {
  const auto nd = out.size();
  Chunks chunks(nd);
  for (std::size_t k = 0; k < nd; ++k) {
    const bool a_full = k >= nd - a.size() && a[k - (nd - a.size())] == out[k];
    const bool b_full = k >= nd - b.size() && b[k - (nd - b.size())] == out[k];
    const auto* from_a = a_full ? &ca[k - (nd - a.size())] : nullptr;
    const auto* from_b = b_full ? &cb[k - (nd - b.size())] : nullptr;
    chunks[k] = from_a ? *from_a : (from_b ? *from_b : std::vector<std::int64_t>{out[k]});
  }
  return chunks;
}

Chunks chunks_aligned_to(const Shape& out, const Shape& a, const Chunks& ca, const Shape& b, const Chunks& cb) {
  const auto nd = out.size();
  Chunks want = cb;
  for (std::size_t j = 0; j < b.size(); ++j) {
    const auto k = j + (nd - b.size());
    const bool a_full = k >= nd - a.size() && a[k - (nd - a.size())] == out[k];
    if (a_full && b[j] == out[k]) want[j] = ca[k - (nd - a.size())];
  }
  return want;
}

}  // namespace rankwise::array_detail
