# The request fuzzer, built inside a sanitizer build configured with LEADROUTER_FUZZ_REQUESTS=ON
# (the Makefile's build-sanitize): it links that build's server library, which the option compiles
# with libFuzzer's coverage (cmake/LeadrouterCompileOptions.cmake). Not a ctest test:
# scripts/fuzz-smoke.sh runs it for a bounded time.
add_executable(fuzz_requests ${CMAKE_CURRENT_LIST_DIR}/fuzz_requests.cc)
# Not leadrouter_testing: its gtest_main would bring a second main().
target_link_libraries(fuzz_requests PRIVATE leadrouter_server)
target_include_directories(fuzz_requests PRIVATE ${CMAKE_CURRENT_LIST_DIR}
                                                 ${CMAKE_CURRENT_LIST_DIR}/../server
                                                 ${CMAKE_CURRENT_LIST_DIR}/../testing)
target_compile_definitions(fuzz_requests PRIVATE LEADROUTER_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_compile_options(fuzz_requests PRIVATE -fsanitize=fuzzer)
target_link_options(fuzz_requests PRIVATE -fsanitize=fuzzer)
leadrouter_target_defaults(fuzz_requests)
