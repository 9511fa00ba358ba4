# leadrouter_source_lines(<out_var> <file>): the lines of a source file as a CMake list, one
# element a line, for the configure-time include checks (cmake/LeadrouterDslPhases.cmake,
# tests/cmake/server_layering.cmake). Characters a CMake list treats specially become harmless:
# `\` is `/`, `;` is `,`, `[` and `]` are `(` and `)`; an #include line is matched unchanged.
function(leadrouter_source_lines out_var file)
  file(READ ${file} text)
  string(REPLACE "\\" "/" text "${text}")
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "[" "(" text "${text}")
  string(REPLACE "]" ")" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(${out_var} "${lines}" PARENT_SCOPE)
endfunction()
