// The translation unit the tests' shared precompiled headers are built with
// (tests/CMakeLists.txt, leadrouter_test_pch).
