// thread_pool: a fixed pool of ServerConfig::pool_workers blocking workers,
// fed accepted connections by one acceptor through the project's
// BlockingQueue (Python's queue.Queue). A worker serves one connection until
// the client closes, then takes the next: at most pool_workers connections
// are served at once, and the rest wait in the queue, unanswered, until a
// worker is free. That is the model's limit with persistent connections
// (the bench reports it as an error row rather than waiting forever);
// with connect_per_request it is the classic design. Tasks at peak =
// 1 + pool_workers.
//
// stop(): wakes and joins the acceptor, closes the listener, shuts down
// the connections being served (ConnectionSet), closes the queue (a worker
// that still takes a queued connection after that closes it unserved: the
// set refuses it), and joins the workers.
#pragma once

#include <thread>
#include <vector>

#include "contend/queue/blocking_queue.h"
#include "contend/server/echo_server.h"
#include "contend/server/server_support.h"

namespace contend {

class ThreadPoolServer final : public EchoServer {
 public:
  explicit ThreadPoolServer(ServerConfig config) : config_(std::move(config)) {}
  ~ThreadPoolServer() override { stop(); }
  void start() override;
  void stop() override;
  uint16_t port() const override { return port_; }
  ServerStats stats() const override;

 private:
  void work();

  const ServerConfig config_;
  UniqueFd listener_;
  UniqueFd wake_;
  uint16_t port_ = 0;
  TaskTally tally_;
  ConnectionSet connections_;
  BlockingQueue<int> accepted_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

}  // namespace contend
