# Proves that the dsl/ layering check (cmake/LeadrouterDslPhases.cmake) fails the configure step:
# configures a tiny tree of four phases (low <- side, low <- mid <- high) whose files include what
# they may and what they may not, and expects exactly the errors listed below, file:line each.
#
#   cmake -DLEADROUTER_SOURCE_DIR=<source dir> -DWORK_DIR=<scratch dir> -DGENERATOR=Ninja
#         -P tests/cmake/dsl_layering_test.cmake
cmake_minimum_required(VERSION 3.25)

set(fixture ${WORK_DIR}/fixture)
file(REMOVE_RECURSE ${WORK_DIR})
function(fixture_file path text)
  file(WRITE ${fixture}/${path} "${text}")
endfunction()

fixture_file(CMakeLists.txt [=[
cmake_minimum_required(VERSION 3.25)
project(dsl_layering_fixture LANGUAGES NONE)
function(leadrouter_target_defaults target)
endfunction()
include(LeadrouterDslPhases)
add_subdirectory(dsl/low)
add_subdirectory(dsl/side)
add_subdirectory(dsl/mid)
add_subdirectory(dsl/high)
]=])
fixture_file(dsl/low/CMakeLists.txt "leadrouter_dsl_phase(low)\n")
fixture_file(dsl/side/CMakeLists.txt "leadrouter_dsl_phase(side DEPS low)\n")
fixture_file(dsl/mid/CMakeLists.txt "leadrouter_dsl_phase(mid DEPS low)\n")
fixture_file(dsl/high/CMakeLists.txt "leadrouter_dsl_phase(high DEPS mid)\n")

# Allowed: a phase's own private header, its own and lower phases' public headers (also through
# a phase in between), anything outside dsl/, includes in comments.
fixture_file(dsl/low/internal/secret.h "#pragma once\n")
fixture_file(dsl/low/a.h "#pragma once\n#include \"dsl/low/internal/secret.h\"\n")
fixture_file(dsl/side/s.h "#include <string>\n#include \"dsl/low/a.h\"\n")
fixture_file(dsl/mid/internal/x.h "#pragma once\n")
fixture_file(dsl/high/ok.h "// #include \"dsl/mid/internal/x.h\"\n#include \"dsl/low/a.h\"\n")
# Forbidden, each expected below. Brackets and semicolons on other lines must not shift the count.
fixture_file(dsl/low/a.cc "// upward\nint v[2] = {1, 2}; // [\n#include \"dsl/mid/b.h\"\n")
fixture_file(dsl/mid/b.h "#include \"dsl/low/a.h\"\n#include <dsl/low/internal/secret.h>\n")
fixture_file(dsl/mid/b.cc "#include \"dsl/flat.h\"\n  #  include \"dsl/side/s.h\"\n")
fixture_file(dsl/high/c.cc "#include \"dsl/mid/b.h\"\n\n#include \"dsl/mid/internal/x.h\"\n")

set(expected
    "dsl/low/a.cc:3: dsl/low may not include dsl/mid/b.h: dsl/low builds on no other phase"
    "dsl/mid/b.cc:1: dsl/mid may not include dsl/flat.h: it is not in a phase folder (dsl/<phase>/)"
    "dsl/mid/b.cc:2: dsl/mid may not include dsl/side/s.h: dsl/mid builds only on dsl/low"
    "dsl/mid/b.h:2: dsl/mid may not include dsl/low/internal/secret.h: internal/ headers are private to dsl/low"
    "dsl/high/c.cc:3: dsl/high may not include dsl/mid/internal/x.h: internal/ headers are private to dsl/mid")

execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${fixture} -B ${WORK_DIR}/build -G ${GENERATOR}
          -DCMAKE_MODULE_PATH=${LEADROUTER_SOURCE_DIR}/cmake
  RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0)
  message(FATAL_ERROR "the fixture configured although its includes break the layering:\n${output}")
endif()
string(REGEX MATCHALL "dsl/[a-z]+/[a-z_./]+:[0-9]+: [^\n]*" reported "${output}")
if(NOT reported STREQUAL expected)
  list(JOIN expected "\n  " expected_text)
  list(JOIN reported "\n  " reported_text)
  message(FATAL_ERROR "expected the errors\n  ${expected_text}\nbut the configure said\n  "
                      "${reported_text}\nFull output:\n${output}")
endif()
list(LENGTH expected count)
message(STATUS "the layering check failed the configure with the ${count} expected errors")
