// monotonic_ns: the one clock contend's timestamps come from.
//
// steady_clock is CLOCK_MONOTONIC on Linux: system-wide, so a stamp taken
// in a forked worker compares with one taken in the parent, and never
// stepped by NTP. Start gates, latency samples and makespans all use it.
#pragma once

#include <chrono>
#include <cstdint>

namespace contend {

inline int64_t monotonic_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace contend
