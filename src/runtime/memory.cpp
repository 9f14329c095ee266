// Memory advice for large arrays (declared in rankwise/array/ndarray.hpp).
#include <cstdint>

#include "rankwise/array/ndarray.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace rankwise::detail {

void advise_huge_pages(void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::size_t kLarge = std::size_t{4} << 20, kPage = 4096;
  if (data == nullptr || bytes < kLarge) return;
  // madvise wants a page-aligned start; the kernel uses huge pages for the whole 2 MiB-aligned
  // stretches inside the range. A refusal (THP disabled) is harmless.
  const auto at = reinterpret_cast<std::uintptr_t>(data);
  const auto start = (at + kPage - 1) & ~(kPage - 1);
  (void)::madvise(reinterpret_cast<void*>(start), bytes - (start - at), MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace rankwise::detail
