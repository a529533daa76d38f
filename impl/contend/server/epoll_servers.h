// The two event-loop models on EpollLoop:
//
//   epoll_loop      one thread, one listener, every connection on one loop:
//                   the single-threaded reactor (Python's asyncio, Node).
//                   Tasks at peak = 1.
//   epoll_per_core  ServerConfig::loops threads, each with its own loop and
//                   its own listener on the same port (SO_REUSEPORT: the
//                   kernel spreads connections across the listeners by a
//                   hash of the address pair), loop i pinned to
//                   pus[i % pus.size()]. Tasks at peak = loops. On one
//                   server PU it is epoll_loop with SO_REUSEPORT.
//
// Every loop watches the wake descriptor, so ServerBase::stop's step 1
// ends them all (each closes its connections) before the listeners close.
#pragma once

#include <memory>
#include <vector>

#include "contend/server/epoll_loop.h"
#include "contend/server/server_base.h"

namespace contend {

class EpollServer final : public ServerBase {
 public:
  // per_core false: epoll_loop; true: epoll_per_core.
  EpollServer(const ServerConfig& config, bool per_core);
  ~EpollServer() override { stop(); }

 private:
  void launch() override;
  void end_connections() override { loops_.clear(); }  // their threads were joined
  int live_connections() const override;

  const bool per_core_;
  std::vector<std::unique_ptr<EpollLoop>> loops_;
};

}  // namespace contend
