# leadrouter_source_includes(<out_var> <file>): the #include lines of a source file, as a CMake
# list of "<line number>:<header>" (`#include "dsl/base/value.h"` on line 3 is "3:dsl/base/value.h"),
# for the configure-time include checks (cmake/LeadrouterDslPhases.cmake,
# tests/cmake/server_layering.cmake). Only a line that starts with `#include` counts (a commented
# one does not); brackets and semicolons elsewhere in the file do not shift the numbers.
function(leadrouter_source_includes out_var file)
  file(READ ${file} text)
  # One list element per line: characters that a CMake list treats specially become harmless.
  string(REPLACE "\\" "/" text "${text}")
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "[" "(" text "${text}")
  string(REPLACE "]" ")" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(includes "")
  set(number 0)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">]")
      list(APPEND includes "${number}:${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(${out_var} "${includes}" PARENT_SCOPE)
endfunction()
