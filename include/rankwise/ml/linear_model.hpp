#pragma once
/// Linear models (sklearn.linear_model): true OLS, ridge, and L2 logistic regression. fit is
/// Collective; predict / predict_proba / decision_function are lazy arrays (they stream).
#include <string>

#include "rankwise/array/array.hpp"

namespace rankwise::ml {

/// Ordinary least squares, as scikit-learn's LinearRegression (no regularisation).
///
///     rw::ml::LinearRegression lr;
///     lr.fit(X, y);
///     lr.coef(); lr.intercept(); lr.score(X, y);
class LinearRegression {
 public:
  struct Params {
    bool fit_intercept = true;
    /// "tsqr": QR of the centred X (accurate when X is ill-conditioned); "normal": the
    /// centred normal equations solved by Cholesky (a pass for the means and one for the Gram
    /// matrix, one collective each; faster).
    std::string solver = "tsqr";
  };
  LinearRegression() = default;
  explicit LinearRegression(Params params) : params_(std::move(params)) {}

  /// Collective. Throws ShapeError when X and y disagree in rows, ValueError on NaN/Inf.
  LinearRegression& fit(const Array<double>& X, const Array<double>& y);
  Array<double> predict(const Array<double>& X) const;
  /// R² of the prediction. Collective.
  double score(const Array<double>& X, const Array<double>& y) const;

  const NDArray<double>& coef() const;
  double intercept() const;
  std::int64_t rank() const { return rank_; }

  void save(const std::string& path) const;
  static LinearRegression load(const std::string& path);

 private:
  Params params_;
  NDArray<double> coef_;
  double intercept_ = 0;
  std::int64_t rank_ = 0;
  bool fitted_ = false;
};

/// Least squares with an L2 penalty alpha·||w||² (intercept not penalised), solved from the
/// centred normal equations like scikit-learn's "cholesky" solver.
class Ridge {
 public:
  struct Params {
    double alpha = 1.0;
    bool fit_intercept = true;
  };
  Ridge() = default;
  explicit Ridge(Params params) : params_(params) {}

  Ridge& fit(const Array<double>& X, const Array<double>& y);  ///< Collective.
  Array<double> predict(const Array<double>& X) const;
  double score(const Array<double>& X, const Array<double>& y) const;  ///< Collective.
  const NDArray<double>& coef() const;
  double intercept() const;

  void save(const std::string& path) const;
  static Ridge load(const std::string& path);

 private:
  Params params_;
  NDArray<double> coef_;
  double intercept_ = 0;
  bool fitted_ = false;
};

/// L2-regularised logistic regression, binary or multinomial (softmax), minimising
/// C·Σ log-loss + ½||W||² (intercepts not penalised) like scikit-learn's lbfgs solver. Two
/// solvers: Newton's method — each iteration reduces the gradient and the Hessian over all rows
/// with one collective, then every rank takes the same step (backtracking line search) — or
/// L-BFGS, which reduces only the objective and the gradient (one collective per evaluation)
/// and so suits many features, where the Hessian ((K·d)² doubles) would not fit.
class LogisticRegression {
 public:
  struct Params {
    double C = 1.0;
    bool fit_intercept = true;
    int max_iter = 100;
    /// Stop when the largest gradient entry is below tol · max(1, C·n) (the gradient is a sum
    /// over the n rows), or when the Newton decrement reaches rounding level.
    double tol = 1e-8;
    /// "newton", "lbfgs", or "auto": Newton while P = K·(d + 1) <= 2048 and the Hessian
    /// partials every rank gathers (nblocks · P² doubles) fit in 256 MiB, else L-BFGS.
    std::string solver = "auto";
  };
  LogisticRegression() = default;
  explicit LogisticRegression(Params params) : params_(std::move(params)) {}

  /// Collective. Throws ValueError for fewer than two classes or NaN/Inf in X.
  LogisticRegression& fit(const Array<double>& X, const Array<std::int64_t>& y);
  /// Class probabilities (n × n_classes), lazy.
  Array<double> predict_proba(const Array<double>& X) const;
  /// Scores: (n,) for two classes (the positive class's logit), else (n × n_classes). Lazy.
  Array<double> decision_function(const Array<double>& X) const;
  /// Predicted class labels, lazy.
  Array<std::int64_t> predict(const Array<double>& X) const;
  /// Accuracy. Collective.
  double score(const Array<double>& X, const Array<std::int64_t>& y) const;

  /// (1 × n_features) for two classes, else (n_classes × n_features), as scikit-learn.
  const NDArray<double>& coef() const;
  const NDArray<double>& intercept() const;
  const NDArray<std::int64_t>& classes() const;
  int n_iter() const { return n_iter_; }
  /// False when max_iter was reached first (reported, not thrown).
  bool converged() const { return converged_; }
  const Params& params() const { return params_; }
  /// The solver the last fit used ("newton" or "lbfgs"; "auto" resolved).
  const std::string& solver_used() const { return solver_used_; }

  void save(const std::string& path) const;
  static LogisticRegression load(const std::string& path);

 private:
  Params params_;
  NDArray<double> coef_, intercept_;
  NDArray<std::int64_t> classes_;
  int n_iter_ = 0;
  bool converged_ = false;
  std::string solver_used_;
  bool fitted_ = false;
};

}  // namespace rankwise::ml
