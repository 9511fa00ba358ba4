# Warning and sanitizer flags shared by every leadrouter target.
#
# leadrouter_target_defaults(<target>) applies them; third-party code (generated protobuf sources)
# gets the sanitizer flags but not our warning set.

add_library(leadrouter_warnings INTERFACE)
target_compile_options(leadrouter_warnings INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                                     -Wpedantic)
if(LEADROUTER_WERROR)
  target_compile_options(leadrouter_warnings INTERFACE -Werror)
endif()

if(LEADROUTER_SANITIZE)
  string(REPLACE ";" "," _leadrouter_sanitizers "${LEADROUTER_SANITIZE}")
  message(STATUS "leadrouter: building with -fsanitize=${_leadrouter_sanitizers}")
  add_compile_options(-fsanitize=${_leadrouter_sanitizers} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_leadrouter_sanitizers})
endif()

function(leadrouter_target_defaults target)
  target_link_libraries(${target} PRIVATE leadrouter_warnings)
endfunction()
