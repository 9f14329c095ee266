#pragma once
/// The runtime module: MPI environment, communicators, collectives, ownership, errors, logging.
#include "rankwise/error.hpp"
#include "rankwise/runtime/agree.hpp"
#include "rankwise/runtime/build_info.hpp"
#include "rankwise/runtime/collectives.hpp"
#include "rankwise/runtime/communicator.hpp"
#include "rankwise/runtime/environment.hpp"
#include "rankwise/runtime/log.hpp"
#include "rankwise/runtime/owner_map.hpp"
#include "rankwise/runtime/serialize.hpp"
#include "rankwise/runtime/timer.hpp"
