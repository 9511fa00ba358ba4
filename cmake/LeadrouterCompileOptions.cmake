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
# GCC 12 reports -Wrestrict, -Wstringop-overflow and -Warray-bounds inside libstdc++'s
# std::string operator+ when it inlines it at -O3 (GCC bugs 105329, 105651 and 106199, fixed in
# 13): false positives in library code that come and go with inlining decisions (a precompiled
# header was enough to move them), which -Werror would turn into a failed release build. The
# sanitizer build checks the same accesses at run time.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(leadrouter_warnings INTERFACE -Wno-restrict -Wno-stringop-overflow
                                                       -Wno-array-bounds)
endif()

if(LEADROUTER_SANITIZE)
  string(REPLACE ";" "," _leadrouter_sanitizers "${LEADROUTER_SANITIZE}")
  message(STATUS "leadrouter: building with -fsanitize=${_leadrouter_sanitizers}")
  add_compile_options(-fsanitize=${_leadrouter_sanitizers} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_leadrouter_sanitizers})
endif()

# Coverage for the request fuzzer (fuzzer-no-link: the counters and comparison hooks libFuzzer
# reads, without its main). Outside the fuzzer, the sanitizer runtime's empty hooks answer them.
if(LEADROUTER_FUZZ_REQUESTS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang" OR NOT LEADROUTER_SANITIZE)
    message(FATAL_ERROR "LEADROUTER_FUZZ_REQUESTS=ON needs clang (CXX=clang++) and "
                        "LEADROUTER_SANITIZE (e.g. address,undefined)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

function(leadrouter_target_defaults target)
  target_link_libraries(${target} PRIVATE leadrouter_warnings)
endfunction()

# leadrouter_precompile(<target> <header>...): precompiles the heavy headers most of a target's
# files include (gRPC, Protobuf messages, RocksDB, Abseil), which otherwise cost each file seconds
# of parsing; that halves the build of the service targets on a 2-core CI machine. Headers are
# given as include paths in angle brackets. Off with -DLEADROUTER_PCH=OFF, e.g. to check that
# every file includes what it uses.
option(LEADROUTER_PCH "Precompile heavy headers of the larger targets" ON)
function(leadrouter_precompile target)
  if(LEADROUTER_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# leadrouter_unity(<target>): compiles the target's files together (one translation unit per 16
# files). For targets whose files each include CLI11, a header-only library whose inline code costs
# ~10 s of -O2 code generation in every file that includes it: compiling it once per target instead
# of once per command cuts the command-line tools' build by most of its time.
function(leadrouter_unity target)
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 16)
endfunction()
