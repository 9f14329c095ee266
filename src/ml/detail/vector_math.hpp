#pragma once
// Elementwise exp and log1p over arrays, for the per-row losses of the estimators. On x86-64
// glibc with AVX2 (chosen at run time) they are glibc's vector math library (libmvec, ≤ 4 ulp,
// four doubles per call); elsewhere std::exp and std::log1p. Every element goes through the same
// function whatever its position, so results do not depend on how rows are split.
#include <cstdint>

namespace rankwise::ml::detail {

/// e[i] = exp(-|z[i]|) and l[i] = log1p(e[i]) for i < n: the two transcendental terms of the
/// logistic loss and probability, without overflow for any z. Local.
void exp_neg_abs_log1p(const double* z, std::int64_t n, double* e, double* l);

/// Whether the libmvec path is in use (for tests).
bool vector_math_available();

}  // namespace rankwise::ml::detail
