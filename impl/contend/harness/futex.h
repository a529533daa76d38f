// futex_wait / futex_wake on a 32-bit atomic: sleeping without a mutex.
//
// Non-private futexes key on the physical page, so the same calls work for
// threads and for processes sharing a MAP_SHARED mapping. (C++20's
// atomic::wait uses private futexes in libstdc++ and so cannot wake another
// process.)
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace contend {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) &&
                  std::atomic<uint32_t>::is_always_lock_free,
              "futex words must be plain lock-free 32-bit atomics");

// Sleeps while `word` == `expected`, at most `timeout` (zero: no limit).
// Returns on wake, timeout, signal or a changed value; callers re-check.
void futex_wait(std::atomic<uint32_t>& word, uint32_t expected,
                std::chrono::nanoseconds timeout = {});
void futex_wake_all(std::atomic<uint32_t>& word);

}  // namespace contend
