#pragma once
/// Encoders for dataframe columns (dask_ml.preprocessing): Categorizer, DummyEncoder and
/// OneHotEncoder. fit is Collective (one pass per encoded column); transform is Local (lazy).
#include <map>
#include <string>
#include <vector>

#include "rankwise/frame/dataframe.hpp"

namespace rankwise::ml {

/// Learns the categories of string (or category) columns; transform makes them category
/// columns with exactly those categories, sorted, so every partition and every later frame
/// agrees on the codes. A value not seen in fit becomes null.
class Categorizer {
 public:
  struct Params {
    std::vector<std::string> columns = {};  ///< empty: every string column
  };
  Categorizer() = default;
  explicit Categorizer(Params params) : params_(std::move(params)) {}

  Categorizer& fit(const DataFrame& X);  ///< Collective.
  DataFrame transform(const DataFrame& X) const;
  DataFrame fit_transform(const DataFrame& X) { return fit(X).transform(X); }
  /// column -> its categories. NotFittedError before fit.
  const std::map<std::string, std::vector<std::string>>& categories() const;

  /// Saves the columns and their categories (HDF5: string datasets, readable by h5py).
  /// Collective. NotFittedError before fit.
  void save(const std::string& path) const;
  /// Collective. IoError for a missing file, ValueError for another model kind.
  static Categorizer load(const std::string& path);

 private:
  friend class DummyEncoder;
  /// A fitted Categorizer of these columns and categories (what load rebuilds).
  static Categorizer fitted_with(std::map<std::string, std::vector<std::string>> categories);
  Params params_;
  std::map<std::string, std::vector<std::string>> categories_;
  bool fitted_ = false;
};

/// Replaces each encoded column (string or category) by one float64 indicator column per
/// category, named "<column>_<category>" (1.0 where the value is that category, else 0.0; a
/// null is 0 everywhere), after the other columns — like pandas.get_dummies and dask-ml's
/// DummyEncoder. drop_first leaves out each column's first category.
class DummyEncoder {
 public:
  struct Params {
    std::vector<std::string> columns = {};  ///< empty: every string and category column
    bool drop_first = false;
  };
  DummyEncoder() = default;
  explicit DummyEncoder(Params params) : params_(std::move(params)) {}

  DummyEncoder& fit(const DataFrame& X);  ///< Collective.
  DataFrame transform(const DataFrame& X) const;
  DataFrame fit_transform(const DataFrame& X) { return fit(X).transform(X); }
  const std::map<std::string, std::vector<std::string>>& categories() const;
  /// The output columns transform produces, in order.
  std::vector<std::string> feature_names() const;

  /// Saves drop_first, the input columns and each encoded column's categories. Collective.
  void save(const std::string& path) const;
  /// Collective. IoError for a missing file, ValueError for another model kind.
  static DummyEncoder load(const std::string& path);

 protected:
  void save_as(const std::string& path, const std::string& kind) const;
  void load_from(const std::string& path, const std::string& kind);

 private:
  Params params_;
  Categorizer categorizer_;
  std::vector<std::string> input_columns_;
  bool fitted_ = false;
};

/// scikit-learn's name for the same dense encoding of dataframe columns (every category kept).
class OneHotEncoder : public DummyEncoder {
 public:
  struct Params {
    std::vector<std::string> columns = {};
  };
  OneHotEncoder() = default;
  explicit OneHotEncoder(Params params) : DummyEncoder({.columns = std::move(params.columns), .drop_first = false}) {}
  void save(const std::string& path) const { save_as(path, "OneHotEncoder"); }  ///< Collective.
  static OneHotEncoder load(const std::string& path) {  ///< Collective.
    OneHotEncoder e;
    e.load_from(path, "OneHotEncoder");
    return e;
  }
};

}  // namespace rankwise::ml
