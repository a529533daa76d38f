// wait_until_asleep_in: for a test of a wake-up (or of an interrupted
// wait), waits until the waiter really is asleep in the kernel, in the call
// the test is about, instead of sleeping a while and hoping it got there.
//
// Asleep in a call means both, read from /proc/<pid>/task/<tid>/:
//  - stat's state is 'S' (interruptible sleep), and
//  - syscall names that call: futex (or futex_waitv) is where a pthread
//    condition variable, a pthread mutex and std::atomic::wait park a
//    blocked thread; wait4/waitid where waitpid does. Where the kernel has
//    no syscall file (CONFIG_HAVE_ARCH_TRACEHOOK off), state 'S' alone is
//    taken.
// A thread in 'S' in any other call (a nanosleep, a read) is not taken.
// It works the same under ThreadSanitizer (its interceptors end in the same
// futex call) and on a loaded machine (it waits however long it takes; the
// limit only stops a broken waiter from hanging the test).
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <initializer_list>
#include <string>
#include <thread>

namespace contend::testing_support {

// The state letter of /proc/<pid>/task/<tid>/stat ('R', 'S', ...), or 0
// when the thread is gone. The command name in (...) may hold spaces and
// parentheses: the state follows the last ')'.
inline char thread_state(pid_t pid, pid_t tid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return 0;
  const size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() ? line[close + 2] : 0;
}

// Whether the thread is in one of the system calls `numbers`; true when
// the kernel does not say (no syscall file), false when it says "running"
// or names another call.
inline bool in_system_call(pid_t pid, pid_t tid, std::initializer_list<long> numbers) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) +
                     "/syscall");
  if (!file) return true;
  long number = -1;
  if (!(file >> number)) return false;  // "running"
  return std::find(numbers.begin(), numbers.end(), number) != numbers.end();
}

// True once thread `tid` of process `pid` is asleep in one of the system
// calls `numbers` (see the top); false if it was not within `limit` (a hang
// guard: far beyond the microseconds a waiter needs to get there, even
// under ThreadSanitizer on a loaded machine).
inline bool wait_until_asleep_in(pid_t pid, pid_t tid, std::initializer_list<long> numbers,
                                 std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (thread_state(pid, tid) == 'S' && in_system_call(pid, tid, numbers)) return true;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return false;
}

// Asleep on a futex: a blocked condition variable, mutex or atomic wait.
inline bool wait_until_asleep_in_futex(pid_t pid, pid_t tid) {
#ifdef SYS_futex_waitv
  return wait_until_asleep_in(pid, tid, {SYS_futex, SYS_futex_waitv});
#else
  return wait_until_asleep_in(pid, tid, {SYS_futex});
#endif
}

}  // namespace contend::testing_support
