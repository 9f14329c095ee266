# Test registration helpers.
#
# rankwise_add_mpi_test(<target> SOURCES ... [NP 1 2 3] [LABELS ...] [TIMEOUT s] [ENV K=V ...])
#   Builds <target> with the MPI-aware GoogleTest main and registers <target>_np<N> for each N as
#   MPIEXEC_EXECUTABLE MPIEXEC_NUMPROC_FLAG N MPIEXEC_PREFLAGS <binary> MPIEXEC_POSTFLAGS.
#   Site flags (--oversubscribe, running as root) come from MPIEXEC_PREFLAGS and the environment
#   that scripts/test.sh sets, never from here. In ENV values, @NP@ becomes the rank count.
# rankwise_add_unit_test(<target> SOURCES ... [LABELS ...])
#   A serial test with GoogleTest's own main.

function(rankwise_add_mpi_test target)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;NP;LABELS;ENV" ${ARGN})
  if(NOT ARG_NP)
    set(ARG_NP 1 2 3)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE rankwise_test_support rankwise_warnings)
  foreach(np IN LISTS ARG_NP)
    add_test(NAME ${target}_np${np}
             COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${np} ${MPIEXEC_PREFLAGS}
                     $<TARGET_FILE:${target}> ${MPIEXEC_POSTFLAGS})
    set_tests_properties(${target}_np${np} PROPERTIES
      PROCESSORS ${np} TIMEOUT ${ARG_TIMEOUT} LABELS "mpi;${ARG_LABELS}")
    if(ARG_ENV)
      string(REPLACE "@NP@" "${np}" env "${ARG_ENV}")
      set_tests_properties(${target}_np${np} PROPERTIES ENVIRONMENT "${env}")
    endif()
  endforeach()
endfunction()

function(rankwise_add_unit_test target)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE rankwise_test_common GTest::gtest_main rankwise_warnings)
  add_test(NAME ${target} COMMAND ${target})
  set_tests_properties(${target} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "unit;${ARG_LABELS}")
endfunction()
