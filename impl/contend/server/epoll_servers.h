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
// stop(): signals the wake descriptor every loop watches, joins the loops
// (each closes its connections), closes the listeners.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "contend/server/echo_server.h"
#include "contend/server/epoll_loop.h"
#include "contend/server/server_support.h"

namespace contend {

class EpollServer final : public EchoServer {
 public:
  // loops = 1 and no SO_REUSEPORT: epoll_loop; otherwise epoll_per_core.
  EpollServer(ServerConfig config, bool per_core) : config_(std::move(config)), per_core_(per_core) {}
  ~EpollServer() override { stop(); }
  void start() override;
  void stop() override;
  uint16_t port() const override { return port_; }
  ServerStats stats() const override;

 private:
  const ServerConfig config_;
  const bool per_core_;
  UniqueFd wake_;
  uint16_t port_ = 0;
  TaskTally tally_;
  std::vector<UniqueFd> listeners_;
  std::vector<std::unique_ptr<EpollLoop>> loops_;
  std::vector<std::thread> threads_;
};

}  // namespace contend
