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
// end_connections() (ServerBase::stop's step 3, after the acceptor was
// joined and the listener closed): shuts down the connections being served
// (ConnectionSet) and closes the queue (a worker that still takes a queued
// connection after that closes it unserved: the set refuses it); the
// workers, Stops::kOnDrain tasks, are joined after it.
#pragma once

#include "contend/queue/blocking_queue.h"
#include "contend/server/server_base.h"
#include "contend/server/server_support.h"

namespace contend {

class ThreadPoolServer final : public ServerBase {
 public:
  explicit ThreadPoolServer(const ServerConfig& config) : ServerBase(config, {}) {}
  ~ThreadPoolServer() override { stop(); }

 private:
  void launch() override;
  void end_connections() override;
  int live_connections() const override { return connections_.size(); }
  void work();

  ConnectionSet connections_;
  BlockingQueue<int> accepted_;
};

}  // namespace contend
