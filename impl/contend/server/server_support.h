// What the echo server models share: loopback listeners, descriptor
// ownership, pinning, and the bookkeeping behind ServerStats (tasks alive at
// peak, CPU time of the server's threads).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_set>
#include <utility>
#include <vector>

#include "contend/harness/cpu_time.h"  // thread_cpu_ns

namespace contend {

// Owns one descriptor; closes it once.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// A TCP listener on 127.0.0.1:`port` (0: ephemeral), close-on-exec, with
// SO_REUSEPORT when asked (epoll_per_core's listeners share one port).
// Throws std::system_error naming the address when it cannot bind
// (EADDRINUSE: a port in use).
UniqueFd listen_loopback(uint16_t port, bool reuseport = false, bool nonblocking = false);
uint16_t bound_port(int fd);

void set_nonblocking(int fd);
// Requests and echoes go out at once, not held back by Nagle's algorithm
// behind an unacknowledged segment (which would add a delayed-ACK wait to
// every pipelined request).
void set_nodelay(int fd);

// An eventfd that wakes a poll()/epoll_wait() on stop.
UniqueFd make_wake_fd();
void signal_wake_fd(int fd);

// Binds the calling thread to `pus` (OS indices); nothing for an empty set.
// Threads it creates afterwards, and children it forks, inherit the mask.
// Throws std::system_error when the kernel refuses.
void pin_current_thread_to(const std::vector<int>& pus);

// Writes all of `data` to a blocking descriptor; false on an error or EOF.
bool write_all(int fd, const char* data, size_t size);

// The blocking echo every handler of the blocking models runs: until EOF,
// an error, or a shutdown by stop(). Both are async-signal-safe (recv and
// send on the stack, no allocation, no lock), so a child forked from this
// threaded process may call them (process_per_connection).
void echo_until_closed(int fd);

// Tasks alive (threads and children), their peak, and the CPU time of the
// threads that have ended. Lock-free: handlers enter and leave while the
// bench reads stats().
class TaskTally {
 public:
  void enter();
  void leave(int64_t cpu_ns);  // a thread ending adds its own CPU time
  void leave_child();          // a reaped child: its CPU comes from RUSAGE_CHILDREN
  int live() const { return live_.load(std::memory_order_relaxed); }
  int peak() const { return peak_.load(std::memory_order_relaxed); }
  int64_t cpu_ns() const { return cpu_ns_.load(std::memory_order_relaxed); }

 private:
  // Relaxed throughout: plain statistics, read after stop() joined the
  // threads that wrote them (or as a snapshot while they run).
  std::atomic<int> live_{0};
  std::atomic<int> peak_{0};
  std::atomic<int64_t> cpu_ns_{0};
};

// In a server thread: leaves the tally with the thread's CPU time when
// destroyed (the thread's last act); whoever created the thread entered it
// (ServerBase::spawn), so the peak counts a thread from before it runs.
class TallyScope {
 public:
  explicit TallyScope(TaskTally& tally) : tally_(tally) {}
  ~TallyScope() { tally_.leave(thread_cpu_ns()); }
  TallyScope(const TallyScope&) = delete;
  TallyScope& operator=(const TallyScope&) = delete;

 private:
  TaskTally& tally_;
};

// RUSAGE_CHILDREN's user + system time so far, ns (reaped children only).
int64_t children_cpu_ns();

}  // namespace contend

namespace contend {

// The connections blocking handlers are serving, so that stop() can wake
// each one: shutdown(SHUT_RDWR) makes a blocked recv() return 0. adopt and
// shutdown_all take one mutex, so a connection is either adopted before
// the stop (and shut down by it) or refused after it (and closed by the
// caller): none is served past stop().
class ConnectionSet {
 public:
  // False once shutdown_all() ran: the caller closes `fd` instead.
  bool adopt(int fd);
  // Forgets and closes `fd`, and wakes wait_empty() when it was the last.
  // A detached handler's last touch of the server.
  void release(int fd);
  void shutdown_all();
  // Waits until every adopted connection is released; false after `bound`.
  bool wait_empty(std::chrono::nanoseconds bound);
  int size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable empty_;
  std::unordered_set<int> fds_;
  bool stopping_ = false;
};

// The acceptor's loop, shared by the blocking models: polls `listener` and
// `wake`, hands each accepted connection (blocking, close-on-exec,
// TCP_NODELAY) to `on_accept`, calls `on_idle` at least every `idle`, and
// returns once `wake` is signalled. Transient accept errors (a client gone
// before accept, EMFILE) are retried after a pause, never fatal.
void run_accept_loop(int listener, int wake, const std::function<void(int)>& on_accept,
                     const std::function<void()>& on_idle, std::chrono::milliseconds idle);

}  // namespace contend
