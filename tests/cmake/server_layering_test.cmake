# Proves that the server/ layering check (tests/cmake/server_layering.cmake) fires: a tiny tree
# whose files include what they may and what they may not, and exactly the errors listed below.
#
#   cmake -DWORK_DIR=<scratch dir> -P tests/cmake/server_layering_test.cmake
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/server_layering.cmake)

set(fixture ${WORK_DIR}/fixture)
file(REMOVE_RECURSE ${WORK_DIR})
function(fixture_file path text)
  file(WRITE ${fixture}/${path} "${text}")
endfunction()

# Allowed: the folder itself (its internal/ too), folders before it, the files that wire them.
fixture_file(server/api/errors.h "#pragma once\n")
fixture_file(server/assign/internal/parts.h "#include \"server/api/errors.h\"\n")
fixture_file(server/assign/a.cc "#include \"server/assign/internal/parts.h\"\n#include <string>\n")
fixture_file(server/server.cc "#include \"server/services/s.h\"\n")
# Forbidden, each expected below.
# Brackets and semicolons on other lines must not shift the count.
fixture_file(server/roster/r.h "#pragma once\nint v[2] = {1, 2}; // [\n#include \"server/assign/a.h\"\n")
fixture_file(server/services/s.h "#include \"server/assign/internal/parts.h\"\n")
fixture_file(server/api/e.cc "  #  include <server/unknown/x.h>\n")

set(expected
    "server/api/e.cc:1: server/api may not include server/unknown/x.h: it is not a layer before server/api"
    "server/roster/r.h:3: server/roster may not include server/assign/a.h: it is not a layer before server/roster"
    "server/services/s.h:1: server/services may not include server/assign/internal/parts.h: internal/ headers are private to server/assign")

leadrouter_server_layer_violations(found ${fixture})
if(NOT "${found}" STREQUAL "${expected}")
  list(JOIN expected "\n  " expected_text)
  list(JOIN found "\n  " found_text)
  message(FATAL_ERROR "expected:\n  ${expected_text}\nfound:\n  ${found_text}")
endif()
