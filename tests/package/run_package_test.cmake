# Installs the build tree into a scratch prefix, builds tests/package against it with
# find_package(rankwise), and runs the consumer under mpiexec.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "failed (${code}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -S ${CONSUMER_SOURCE} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${MPIEXEC} -n 2 ${MPIEXEC_PREFLAGS} ${WORK_DIR}/build/consumer)
if(NOT last_output MATCHES "consumer ok: 2 rank")
  message(FATAL_ERROR "consumer printed: ${last_output}")
endif()
run(${prefix}/bin/rankwise --version)
message(STATUS "installed package consumed: ${last_output}")
