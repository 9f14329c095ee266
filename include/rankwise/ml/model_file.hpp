#pragma once
/// Saved models: which estimator a file holds.
#include <string>

namespace rankwise::ml {

/// The estimator class a file written by `save()` holds ("KMeans", "LinearRegression", ...).
/// Collective (every rank reads the attribute). Throws IoError for a missing or non-HDF5 file,
/// ValueError for an HDF5 file that is not a rankwise model.
std::string saved_model_kind(const std::string& path);

}  // namespace rankwise::ml
