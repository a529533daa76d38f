// Raw futex system calls. See futex.h.
#include "contend/harness/futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <climits>

namespace contend {

namespace {
uint32_t* address_of(std::atomic<uint32_t>& word) {
  return reinterpret_cast<uint32_t*>(&word);
}
}  // namespace

void futex_wait(std::atomic<uint32_t>& word, uint32_t expected,
                std::chrono::nanoseconds timeout) {
  timespec ts{};
  timespec* limit = nullptr;
  if (timeout.count() > 0) {
    ts.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
    limit = &ts;
  }
  syscall(SYS_futex, address_of(word), FUTEX_WAIT, expected, limit, nullptr, 0);
}

void futex_wake_all(std::atomic<uint32_t>& word) {
  syscall(SYS_futex, address_of(word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace contend
