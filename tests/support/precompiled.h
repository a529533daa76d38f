// The headers nearly every test file includes, parsed once per build instead
// of once per test file (tests/CMakeLists.txt: contend_test_pch). GoogleTest
// and these standard headers cost about 2 CPU-s per file per build, against
// a few tenths for loading the precompiled header; CI builds every test
// twice (Release and ThreadSanitizer). Only what never changes belongs here:
// no header of contend's own, so editing the code never rebuilds it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>
