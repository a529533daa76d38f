// Child processes: forking one that dies with its parent, waiting for it,
// reaping it, and saying how it ended.
//
// Every forked helper of contend goes through here: process workers
// (worker_group.h), the broker process (ipc/broker.h), pool tasks forked per
// task (fanout/pool_workload.h) and the tests' children. A benchmark must
// never leave a process behind, even when it is killed, and a child that
// crashed must be named in the error row, the same way everywhere.
//
// Guaranteed:
//  - fork_child's child gets PR_SET_PDEATHSIG(SIGKILL): it is killed when
//    the thread that forked it ends, SIGKILL of the whole process included.
//    A parent that died between fork() and prctl() is caught by comparing
//    getppid() with the pid from before the fork: that child exits at once.
//  - The child leaves through _exit(): none of the parent's atexit handlers
//    or static destructors (Google Benchmark's reporters among them) run in
//    it, no stdio buffer it inherited is flushed, and an exception from the
//    body never unwinds into the parent's frames: it becomes status 1.
//  - wait_child() retries waitpid() when a signal interrupts it.
// Not guaranteed:
//  - That output the parent buffered before the fork is written once: a
//    child body that writes to stdio needs the parent to fflush() first.
//  - Anything about grandchildren, or about a child of another thread once
//    that thread has ended (PR_SET_PDEATHSIG follows the forking thread).
//
// bench_fanout's `fork` spawn impl forks with a bare fork(), not
// fork_child(): that fork and its immediate _exit() are what it measures.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <system_error>

namespace contend {

namespace child_process_internal {
// In the child, right after fork(): dies with the parent, or exits at once
// if `parent` is already gone.
void die_with_parent(pid_t parent) noexcept;
}  // namespace child_process_internal

// Forks a child that runs `body()` (an int exit status, 0 for success) and
// _exit()s with it; returns the child's pid. Throws std::system_error when
// fork() fails.
template <class Body>
pid_t fork_child(Body&& body) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    child_process_internal::die_with_parent(parent);
    int status = 1;
    try {
      status = body();
    } catch (...) {
    }
    _exit(status);
  }
  return pid;
}

// Blocks until child `pid` ends and returns its wait status. Throws
// std::system_error when `pid` is not an unreaped child of this process.
int wait_child(pid_t pid);

// The wait status of child `pid` if it has ended (it is then reaped);
// nullopt while it runs, or when it is no unreaped child of this process.
std::optional<int> try_reap_child(pid_t pid) noexcept;

// SIGKILLs child `pid` and reaps it, for a child whose ending nobody reads.
void kill_child(pid_t pid) noexcept;

// True when the wait status is an exit with status `code`.
bool exited_with(int status, int code) noexcept;

// A wait status in words: "exited with status 3",
// "killed by signal 11 (Segmentation fault)".
std::string describe_wait_status(int status);

}  // namespace contend
