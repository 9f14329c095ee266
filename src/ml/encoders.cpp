// Categorizer, DummyEncoder, OneHotEncoder on dataframe columns.
#include "rankwise/ml/encoders.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "ml/detail/common.hpp"

namespace rankwise::ml {

namespace {
bool is_text(DType d) { return d == DType::string || d == DType::category; }

std::vector<std::string> text_columns(const DataFrame& X, const std::vector<std::string>& asked, const std::string& who) {
  std::vector<std::string> out;
  for (const auto& [name, type] : X.dtypes()) {
    const bool wanted = asked.empty() ? is_text(type) : std::find(asked.begin(), asked.end(), name) != asked.end();
    if (!wanted) continue;
    if (!is_text(type)) throw ValueError(fmt::format("{}: column '{}' is {}, not string or category", who, name, dtype_name(type)));
    out.push_back(name);
  }
  for (const auto& name : asked) (void)X[name];  // IndexError for an unknown column
  return out;
}
}  // namespace

Categorizer& Categorizer::fit(const DataFrame& X) {
  fitted_ = false;  // a failed refit leaves it unfitted, not half-updated
  categories_.clear();
  for (const auto& name : text_columns(X, params_.columns, "Categorizer")) {
    const Table counts = X[name].value_counts().compute();
    auto values = counts.column<std::string>(name);
    std::sort(values.begin(), values.end());
    categories_[name] = std::move(values);
  }
  fitted_ = true;
  return *this;
}

DataFrame Categorizer::transform(const DataFrame& X) const {
  detail::require_fitted(fitted_, "Categorizer.transform");
  DataFrame out = X;
  for (const auto& [name, cats] : categories_) out = out.assign(name, X[name].as_category(cats));
  return out;
}

const std::map<std::string, std::vector<std::string>>& Categorizer::categories() const {
  detail::require_fitted(fitted_, "Categorizer.categories");
  return categories_;
}

DummyEncoder& DummyEncoder::fit(const DataFrame& X) {
  fitted_ = false;
  const auto cols = text_columns(X, params_.columns, "DummyEncoder");
  categorizer_ = Categorizer({.columns = cols});
  categorizer_.fit(X);
  input_columns_ = X.columns();
  fitted_ = true;
  return *this;
}

std::vector<std::string> DummyEncoder::feature_names() const {
  detail::require_fitted(fitted_, "DummyEncoder.feature_names");
  const auto& cats = categorizer_.categories();
  std::vector<std::string> out;
  for (const auto& c : input_columns_)
    if (!cats.count(c)) out.push_back(c);
  for (const auto& c : input_columns_) {
    const auto it = cats.find(c);
    if (it == cats.end()) continue;
    for (std::size_t k = params_.drop_first ? 1 : 0; k < it->second.size(); ++k) out.push_back(c + "_" + it->second[k]);
  }
  return out;
}

DataFrame DummyEncoder::transform(const DataFrame& X) const {
  detail::require_fitted(fitted_, "DummyEncoder.transform");
  const auto& cats = categorizer_.categories();
  std::vector<std::string> kept;
  for (const auto& c : X.columns())
    if (!cats.count(c)) kept.push_back(c);
  for (const auto& [c, values] : cats) (void)X[c];  // IndexError when an encoded column is missing
  DataFrame out = X[kept];
  for (const auto& c : input_columns_) {
    const auto it = cats.find(c);
    if (it == cats.end()) continue;
    for (std::size_t k = params_.drop_first ? 1 : 0; k < it->second.size(); ++k)
      out = out.assign(c + "_" + it->second[k], (X[c] == it->second[k]).astype(DType::float64));
  }
  return out;
}

// ---- saved encoders: the encoded columns' names in "columns", column k's categories in
// "categories_k" (an HDF5 name cannot hold every column name, a number can) ----------------------
namespace {
void put_categories(detail::ModelFile& m, const std::map<std::string, std::vector<std::string>>& categories) {
  std::vector<std::string> columns;
  for (const auto& [column, values] : categories) {
    m.names["categories_" + std::to_string(columns.size())] = values;
    columns.push_back(column);
  }
  m.names["columns"] = columns;
}
std::map<std::string, std::vector<std::string>> get_categories(const detail::ModelFile& m) {
  std::map<std::string, std::vector<std::string>> out;
  const auto& columns = m.name_list("columns");
  for (std::size_t k = 0; k < columns.size(); ++k) out[columns[k]] = m.name_list("categories_" + std::to_string(k));
  return out;
}
}  // namespace

void Categorizer::save(const std::string& path) const {
  detail::require_fitted(fitted_, "Categorizer.save");
  detail::ModelFile m;
  m.kind = "Categorizer";
  put_categories(m, categories_);
  detail::write_model(path, m);
}

Categorizer Categorizer::fitted_with(std::map<std::string, std::vector<std::string>> categories) {
  Categorizer c;
  c.categories_ = std::move(categories);
  for (const auto& [column, values] : c.categories_) c.params_.columns.push_back(column);
  c.fitted_ = true;
  return c;
}

Categorizer Categorizer::load(const std::string& path) { return fitted_with(get_categories(detail::read_model(path, "Categorizer"))); }

void DummyEncoder::save(const std::string& path) const { save_as(path, "DummyEncoder"); }

DummyEncoder DummyEncoder::load(const std::string& path) {
  DummyEncoder e;
  e.load_from(path, "DummyEncoder");
  return e;
}

void DummyEncoder::save_as(const std::string& path, const std::string& kind) const {
  detail::require_fitted(fitted_, kind + ".save");
  detail::ModelFile m;
  m.kind = kind;
  m.whole_numbers["drop_first"] = params_.drop_first;
  put_categories(m, categorizer_.categories_);
  m.names["feature_names_in_"] = input_columns_;
  detail::write_model(path, m);
}

void DummyEncoder::load_from(const std::string& path, const std::string& kind) {
  const auto m = detail::read_model(path, kind);
  params_.drop_first = m.number("drop_first") != 0;
  categorizer_ = Categorizer::fitted_with(get_categories(m));
  params_.columns = categorizer_.params_.columns;
  input_columns_ = m.name_list("feature_names_in_");
  fitted_ = true;
}

const std::map<std::string, std::vector<std::string>>& DummyEncoder::categories() const {
  detail::require_fitted(fitted_, "DummyEncoder.categories");
  return categorizer_.categories();
}

}  // namespace rankwise::ml
