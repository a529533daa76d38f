// io_uring: one thread, one ring (UringLoop: SINGLE_ISSUER, DEFER_TASKRUN,
// a multishot accept, one recv or send in flight per connection), on one
// listener. The completion-based counterpart of epoll_loop: the same single
// thread, but each echo is a submitted operation rather than a readiness
// event followed by a system call. Tasks at peak = 1.
//
// launch() starts the loop's thread, which makes the ring and arms it, and
// returns once the accept is armed; a kernel or seccomp filter that
// refuses io_uring is the std::system_error the thread caught, rethrown
// from start() (the bench's error row: one line).
// The loop watches the wake descriptor, so ServerBase::stop's step 1 ends
// it, after it cancelled and reaped every operation and closed its
// connections, before the listener closes.
#pragma once

#include <memory>

#include "contend/server/server_base.h"
#include "contend/server/uring_loop.h"

namespace contend {

class UringServer final : public ServerBase {
 public:
  explicit UringServer(const ServerConfig& config) : ServerBase(config, {}) {}
  ~UringServer() override { stop(); }

 private:
  void launch() override;
  void end_connections() override { loop_.reset(); }  // its thread was joined
  int live_connections() const override { return loop_ ? loop_->live_connections() : 0; }

  std::unique_ptr<UringLoop> loop_;
};

}  // namespace contend
