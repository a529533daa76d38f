// CPU time clocks (user + system), ns: the calling thread's, and this
// process's (every thread, including those that have ended). For the
// network families' cpu_ns_per_item (server and chatlog rows).
#pragma once

#include <time.h>

#include <cstdint>

namespace contend {

inline int64_t cpu_clock_ns(clockid_t clock) {
  timespec t{};
  ::clock_gettime(clock, &t);
  return static_cast<int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// The calling thread's CPU time so far.
inline int64_t thread_cpu_ns() { return cpu_clock_ns(CLOCK_THREAD_CPUTIME_ID); }

// This process's CPU time so far: every thread's, live or ended (not its
// children's).
inline int64_t process_cpu_ns() { return cpu_clock_ns(CLOCK_PROCESS_CPUTIME_ID); }

}  // namespace contend
