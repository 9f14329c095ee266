#pragma once
// The row loops of LogisticRegression's two-class pass, over a tile of rows already in cache:
// scores, the per-row loss / residual / weight, and the weighted copy that feeds the Gram
// kernel with the gradient accumulated in the same loop. Each has an AVX2 version chosen at run
// time (the per-row terms also need glibc's vector math library, libmvec: exp and log1p four at
// a time, ≤ 4 ulp) and a portable one. Every row goes through the same code whatever its position
// in the tile, so results do not depend on how rows are split across ranks.
#include <cstdint>

namespace rankwise::ml::detail {

/// z[i] = b + x_i·w for the m rows of x (row-major, m × d). Local.
void row_dots(const double* x, std::int64_t m, std::int64_t d, const double* w, double b, double* z);

/// The two-class logistic terms of m rows with scores z and labels y (1: positive class, any
/// other value: negative), for penalty scale C: r[i] = C·(p_i − y_i) and w[i] = √(C·p_i·(1 − p_i))
/// with p = σ(z); returns Σ_i softplus(∓z_i) (the unscaled loss). Computed from e = exp(−|z|):
/// nothing overflows for any z, and p, 1 − p and p·(1 − p) = e / (1 + e)² keep full relative
/// precision however saturated the logit. Local.
double logistic_terms(const double* z, const std::int64_t* y, std::int64_t m, double C, double* r, double* w);

/// A[i] = w[i]·[x_i, 1 if ones] (rows of width d + ones) and g[0..d) += Σ_i r[i]·x_i. Local.
void weigh_rows(const double* x, std::int64_t m, std::int64_t d, const double* w, const double* r, bool ones, double* A, double* g);

/// The portable versions (what the functions above use without AVX2 / libmvec), for tests.
void row_dots_portable(const double* x, std::int64_t m, std::int64_t d, const double* w, double b, double* z);
double logistic_terms_portable(const double* z, const std::int64_t* y, std::int64_t m, double C, double* r, double* w);
void weigh_rows_portable(const double* x, std::int64_t m, std::int64_t d, const double* w, const double* r, bool ones, double* A, double* g);

}  // namespace rankwise::ml::detail
