#pragma once
/// The array module: lazy distributed arrays (dask.array).
#include "rankwise/array/array.hpp"
#include "rankwise/array/chunks.hpp"
#include "rankwise/array/creation.hpp"
#include "rankwise/array/ndarray.hpp"
#include "rankwise/array/ops.hpp"
#include "rankwise/array/random.hpp"
#include "rankwise/array/shape_ops.hpp"
