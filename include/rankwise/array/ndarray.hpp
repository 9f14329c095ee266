#pragma once
/// NDArray: a local, dense, row-major array on one rank — what compute() returns.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <numeric>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "rankwise/error.hpp"
#include "rankwise/graph/value.hpp"

namespace rankwise {

/// A shape: the extent of each dimension.
using Shape = std::vector<std::int64_t>;

/// Number of elements of `shape` (1 for a 0-d shape). Local.
inline std::int64_t shape_size(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::int64_t{1}, std::multiplies<>());
}

/// "(3, 4)" for messages. Local.
inline std::string shape_str(const Shape& shape) {
  std::string s = "(";
  for (std::size_t d = 0; d < shape.size(); ++d) s += (d ? ", " : "") + std::to_string(shape[d]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

namespace detail {
/// Asks the kernel to back a large allocation (4 MiB and more) with transparent huge pages, as
/// numpy does: fewer page faults when it is first written and fewer TLB misses when rows are
/// read out of order. Call before the memory is touched. A no-op elsewhere than on Linux or for
/// smaller sizes. Local.
void advise_huge_pages(void* data, std::size_t bytes) noexcept;

/// Storage for n elements, zeroed when `zero`; large ones advised onto huge pages first.
template <class Elem>
Elem* allocate_elements(std::int64_t n, bool zero) {
  const auto count = static_cast<std::size_t>(n);
  if (count * sizeof(Elem) < (std::size_t{4} << 20)) return zero ? new Elem[count]() : new Elem[count];
  Elem* data = new Elem[count];
  advise_huge_pages(data, count * sizeof(Elem));
  if (zero) std::fill(data, data + count, Elem{});
  return data;
}
}  // namespace detail

/// A dense, row-major array held by one rank. Works for bool too (unlike std::vector<bool>, the
/// storage is contiguous). Copies are deep. Local.
template <class Elem>
class NDArray {
 public:
  using value_type = Elem;

  NDArray() : NDArray(Shape{0}) {}
  /// Zero-initialised array of `shape`.
  explicit NDArray(Shape shape) : shape_(std::move(shape)), size_(shape_size(shape_)), data_(detail::allocate_elements<Elem>(size_, true)) {}
  NDArray(Shape shape, Elem fill) : NDArray(std::move(shape)) { std::fill(begin(), end(), fill); }
  /// Array of `shape` with these values (row-major); throws ShapeError on a size mismatch.
  NDArray(Shape shape, std::initializer_list<Elem> values) : NDArray(std::move(shape)) {
    RANKWISE_CHECK(static_cast<std::int64_t>(values.size()) == size_, ShapeError,
                   "NDArray: " + std::to_string(values.size()) + " values for shape " + shape_str(shape_));
    std::copy(values.begin(), values.end(), begin());
  }
  NDArray(Shape shape, std::span<const Elem> values) : NDArray(std::move(shape)) {
    RANKWISE_CHECK(static_cast<std::int64_t>(values.size()) == size_, ShapeError,
                   "NDArray: " + std::to_string(values.size()) + " values for shape " + shape_str(shape_));
    std::copy(values.begin(), values.end(), begin());
  }
  /// An array of `shape` whose values are left unset, for a producer that writes every element
  /// (a file read, a fused evaluation): saves a pass over memory. Local.
  static NDArray uninitialized(Shape shape) { return NDArray(std::move(shape), Unset{}); }
  NDArray(const NDArray& other) : NDArray(other.shape_, Unset{}) { std::copy(other.begin(), other.end(), begin()); }
  NDArray(NDArray&&) noexcept = default;
  NDArray& operator=(const NDArray& other) {
    if (this != &other) *this = NDArray(other);
    return *this;
  }
  NDArray& operator=(NDArray&&) noexcept = default;

  const Shape& shape() const noexcept { return shape_; }
  std::int64_t ndim() const noexcept { return static_cast<std::int64_t>(shape_.size()); }
  std::int64_t size() const noexcept { return size_; }
  Elem* data() noexcept { return data_.get(); }
  const Elem* data() const noexcept { return data_.get(); }
  Elem* begin() noexcept { return data_.get(); }
  Elem* end() noexcept { return data_.get() + size_; }
  const Elem* begin() const noexcept { return data_.get(); }
  const Elem* end() const noexcept { return data_.get() + size_; }

  /// Element at a multi-index (one index per dimension; no bounds check). Local.
  template <class... I>
  Elem& operator()(I... index) noexcept {
    return data_[static_cast<std::size_t>(offset(index...))];
  }
  template <class... I>
  const Elem& operator()(I... index) const noexcept {
    return data_[static_cast<std::size_t>(offset(index...))];
  }
  /// The single element of a 0-d or one-element array. Local.
  Elem item() const {
    RANKWISE_CHECK(size_ == 1, ShapeError, "item(): array of shape " + shape_str(shape_) + " is not one element");
    return data_[0];
  }
  /// Same data, another shape of the same size. Local.
  NDArray reshaped(Shape shape) && {
    RANKWISE_CHECK(shape_size(shape) == size_, ShapeError,
                   "cannot reshape " + shape_str(shape_) + " to " + shape_str(shape));
    NDArray out(std::move(*this));
    out.shape_ = std::move(shape);
    return out;
  }

  bool operator==(const NDArray& other) const {
    return shape_ == other.shape_ && std::equal(begin(), end(), other.begin());
  }

 private:
  struct Unset {};
  NDArray(Shape shape, Unset) : shape_(std::move(shape)), size_(shape_size(shape_)), data_(detail::allocate_elements<Elem>(size_, false)) {}
  template <class... I>
  std::int64_t offset(I... index) const noexcept {
    const std::int64_t idx[] = {static_cast<std::int64_t>(index)...};
    std::int64_t off = 0;
    for (std::size_t d = 0; d < sizeof...(I); ++d) off = off * shape_[d] + idx[d];
    return off;
  }
  Shape shape_;
  std::int64_t size_ = 0;
  std::unique_ptr<Elem[]> data_;
};

/// Prints like numpy: [[1, 2], [3, 4]]. Local.
template <class Elem>
std::ostream& operator<<(std::ostream& os, const NDArray<Elem>& a) {
  const auto& shape = a.shape();
  if (shape.empty()) return os << +a.data()[0];
  std::int64_t i = 0;
  auto rec = [&](auto& self, std::size_t d) -> void {
    os << '[';
    for (std::int64_t k = 0; k < shape[d]; ++k) {
      if (k) os << ", ";
      if (d + 1 == shape.size()) os << +a.data()[i++];
      else self(self, d + 1);
    }
    os << ']';
  };
  rec(rec, 0);
  return os;
}

}  // namespace rankwise

namespace rankwise::graph {
/// NDArrays cross ranks as raw bytes: [ndim][shape...][elements].
template <class Elem>
struct CodecTraits<NDArray<Elem>> {
  static std::vector<char> encode(const NDArray<Elem>& a) {
    const std::int64_t ndim = a.ndim();
    std::vector<char> bytes(sizeof(std::int64_t) * static_cast<std::size_t>(1 + ndim) +
                            sizeof(Elem) * static_cast<std::size_t>(a.size()));
    char* p = bytes.data();
    std::memcpy(p, &ndim, sizeof ndim);
    p += sizeof ndim;
    std::memcpy(p, a.shape().data(), sizeof(std::int64_t) * static_cast<std::size_t>(ndim));
    p += sizeof(std::int64_t) * static_cast<std::size_t>(ndim);
    if (a.size()) std::memcpy(p, a.data(), sizeof(Elem) * static_cast<std::size_t>(a.size()));
    return bytes;
  }
  static NDArray<Elem> decode(std::span<const char> bytes) {
    std::int64_t ndim = 0;
    std::memcpy(&ndim, bytes.data(), sizeof ndim);
    Shape shape(static_cast<std::size_t>(ndim));
    std::memcpy(shape.data(), bytes.data() + sizeof ndim, sizeof(std::int64_t) * shape.size());
    NDArray<Elem> a(std::move(shape));
    const auto offset = sizeof(std::int64_t) * static_cast<std::size_t>(1 + ndim);
    if (a.size()) std::memcpy(a.data(), bytes.data() + offset, sizeof(Elem) * static_cast<std::size_t>(a.size()));
    return a;
  }
};
}  // namespace rankwise::graph
