#pragma once
// Reading committed numpy fixtures (JSON made by the scripts beside them in tests/data).
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "rankwise/array/ndarray.hpp"
#include "support/mpi_test.hpp"

namespace rankwise::testing {

/// The parsed JSON file tests/data/<name>, read once per name.
inline const nlohmann::json& reference(const std::string& name) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    std::ifstream in(data_path(name));
    it = cache.emplace(name, nlohmann::json::parse(in)).first;
  }
  return it->second;
}

/// A JSON number, list or list of lists as an NDArray<double> (0-d, 1-d or 2-d).
inline NDArray<double> to_ndarray(const nlohmann::json& v) {
  if (v.is_number()) return NDArray<double>(Shape{}, {v.get<double>()});
  if (!v[0].is_array()) {
    NDArray<double> out({static_cast<std::int64_t>(v.size())});
    for (std::size_t i = 0; i < v.size(); ++i) out.data()[i] = v[i].get<double>();
    return out;
  }
  NDArray<double> out({static_cast<std::int64_t>(v.size()), static_cast<std::int64_t>(v[0].size())});
  for (std::size_t i = 0; i < v.size(); ++i)
    for (std::size_t j = 0; j < v[0].size(); ++j) out(i, j) = v[i][j].get<double>();
  return out;
}

}  // namespace rankwise::testing
