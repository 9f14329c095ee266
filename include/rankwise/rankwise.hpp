#pragma once
/// rankwise: Dask's programming model on MPI. The umbrella header: the stable public API.
///
///     #include <rankwise/rankwise.hpp>
///     namespace rw = rankwise;
#include "rankwise/version.hpp"
#include "rankwise/runtime.hpp"
#include "rankwise/graph.hpp"
#include "rankwise/delayed/delayed.hpp"
#include "rankwise/array.hpp"
#include "rankwise/io/hdf5.hpp"
#include "rankwise/io/csv.hpp"
#include "rankwise/frame/dataframe.hpp"
#include "rankwise/linalg/dot.hpp"
#include "rankwise/linalg/tsqr.hpp"
#include "rankwise/ml/cluster.hpp"
#include "rankwise/ml/datasets.hpp"
#include "rankwise/ml/encoders.hpp"
#include "rankwise/ml/linear_model.hpp"
#include "rankwise/ml/metrics.hpp"
#include "rankwise/ml/model_file.hpp"
#include "rankwise/ml/preprocessing.hpp"
