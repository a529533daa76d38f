// UringLoop: one thread's io_uring event loop, the engine of the io_uring
// model (uring_server.h). One ring, set up with SINGLE_ISSUER (only the
// loop's thread submits) and DEFER_TASKRUN (completions run only when that
// thread asks for them, in io_uring_submit_and_wait: no interrupting task
// work, no cross-thread wake-ups).
//
// What is in flight, at most:
//   - one multishot accept on the listener (re-armed when the kernel ends
//     it; after an accept error such as EMFILE, re-armed 10 ms later, so a
//     full descriptor table is a stalled connect, not a spinning loop);
//   - one poll on the wake descriptor: its completion stops the loop;
//   - exactly one operation per connection, a recv or a send, never both:
//     a recv of up to kUringBuffer bytes into the connection's buffer, then
//     sends until all of it is echoed, then the next recv. A client that
//     does not read its echoes is throttled, as with EpollLoop.
//
// Why this shape (the ECONNRESET of the first io_uring attempt, issue 24):
//   - user_data is the connection object, never the descriptor number, and
//     a connection's descriptor is closed only after its one operation has
//     completed. So no completion can land on a newer connection that
//     reused the number (closing a fresh client's socket with its request
//     unread sends it an RST: the ECONNRESET), and no close races a recv
//     the ring still holds (the ring keeps its own file reference: such a
//     close sends no FIN until the operation ends).
//   - stop: the loop cancels everything in flight (IORING_ASYNC_CANCEL_ANY)
//     and reaps every final completion, the multishot accept's included,
//     before it closes the connections and returns. So when
//     ServerBase::stop closes the listener next, no ring holds it (a ring
//     torn down with requests in flight drops its file references later,
//     from a kernel worker: the listener would accept past stop()).
//
//   - the ring is made, used and torn down on the loop's thread, so that
//     thread is the only one the kernel tracks for it. A ring made on the
//     bench's thread (and used on another: SINGLE_ISSUER with R_DISABLED)
//     had that thread sent task work with TWA_SIGNAL when the ring was torn
//     down, from a kernel worker, shortly after stop(): a blocking
//     connect() with a timeout (SO_SNDTIMEO, the load generator's) that the
//     thread was in then returned EINTR: the next repetition's fresh
//     client failed. Measured: 4 of 10 runs of
//     UringServerTest.EveryRestartServesItsFreshClients, 0 of 50 since.
//
// open() runs on the loop's thread: it makes the ring and arms the accept
// and the wake poll. A kernel or seccomp filter that refuses io_uring
// throws std::system_error naming io_uring_setup. serve() then runs on the
// same thread until the wake descriptor is readable (it is never read: one
// signal stops every watcher), and tears the ring down before it returns.
#pragma once

#include <liburing.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "contend/server/server_support.h"

namespace contend {

inline constexpr size_t kUringBuffer = 16 * 1024;  // per connection, touched as used

// Why this process cannot make UringLoop's ring (one line: what
// io_uring_setup returned), or "" when it can. Tests skip the model on it.
std::string uring_refusal();

class UringLoop {
 public:
  UringLoop(int listener, int wake);
  ~UringLoop();
  UringLoop(const UringLoop&) = delete;
  UringLoop& operator=(const UringLoop&) = delete;

  void open();
  void serve();
  int live_connections() const { return live_.load(std::memory_order_relaxed); }

 private:
  struct Connection;

  io_uring_sqe* next_sqe();
  void arm_accept();
  void arm_retry();
  void reap();
  void on_completion(uint64_t tag, int result, uint32_t flags);
  void on_accept(int result, uint32_t flags);
  void on_connection(Connection* connection, int result);
  void adopt(int fd);
  void post_recv(Connection* connection);
  void post_send(Connection* connection);
  void close_connection(Connection* connection);
  void cancel_and_drain();

  io_uring ring_{};
  int listener_;
  int wake_;
  bool ring_open_ = false;
  bool woken_ = false;
  bool stopping_ = false;
  bool accept_armed_ = false;
  bool retry_armed_ = false;
  __kernel_timespec retry_after_{};
  std::unordered_map<Connection*, std::unique_ptr<Connection>> connections_;
  std::atomic<int> live_{0};  // relaxed: a statistic read by stats()
};

}  // namespace contend
