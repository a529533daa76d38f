// Gives contend_test_pch (tests/CMakeLists.txt) a source to build its
// precompiled header with.
