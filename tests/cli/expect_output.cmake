# Runs COMMAND (a ;-list) and checks its exit code and output.
#   -DCOMMAND=a|b|c (the command, |-separated)  -DEXPECT_EXIT=0  -DEXPECT_LINE=<regex>  -DEXPECT_COUNT=1
#   [-DFORBID=<regex>]
# EXPECT_LINE must match exactly EXPECT_COUNT lines of stdout (proves rank-0-only printing);
# FORBID must match nothing in stdout or stderr (e.g. a stack trace, a second rank's message).
string(REPLACE "|" ";" COMMAND "${COMMAND}")
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT "${code}" STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED EXPECT_LINE)
  set(stream "${out}")
  if(DEFINED EXPECT_IN_STDERR)
    set(stream "${err}")
  endif()
  string(REPLACE "\n" ";" lines "${stream}")
  set(count 0)
  foreach(line IN LISTS lines)
    if(line MATCHES "${EXPECT_LINE}")
      math(EXPR count "${count} + 1")
    endif()
  endforeach()
  if(NOT count EQUAL EXPECT_COUNT)
    message(FATAL_ERROR "'${EXPECT_LINE}' matched ${count} lines, expected ${EXPECT_COUNT}\n"
                        "stdout:\n${out}\nstderr:\n${err}")
  endif()
endif()
if(DEFINED FORBID AND ("${out}${err}" MATCHES "${FORBID}"))
  message(FATAL_ERROR "output matches forbidden '${FORBID}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
