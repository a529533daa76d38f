// thread_per_connection: the tutorial's TCPServer. One acceptor thread; each
// accepted connection gets a new (detached) handler thread that echoes
// what it receives, with blocking reads and writes, until the client
// closes (HandleData). Tasks at peak = 1 + connections.
//
// stop(): wakes the acceptor (eventfd) and joins it, closes the listener,
// then shuts down every live connection, which ends each handler's blocked
// recv(); waits for every handler to release its connection, the
// handler's last touch of this object (ConnectionSet).
#pragma once

#include <thread>

#include "contend/server/echo_server.h"
#include "contend/server/server_support.h"

namespace contend {

class ThreadPerConnectionServer final : public EchoServer {
 public:
  explicit ThreadPerConnectionServer(ServerConfig config) : config_(std::move(config)) {}
  ~ThreadPerConnectionServer() override { stop(); }
  void start() override;
  void stop() override;
  uint16_t port() const override { return port_; }
  ServerStats stats() const override;

 private:
  void accept_loop();
  void handle(int fd);

  const ServerConfig config_;
  UniqueFd listener_;
  UniqueFd wake_;
  uint16_t port_ = 0;
  TaskTally tally_;
  ConnectionSet connections_;
  std::thread acceptor_;
};

// The blocking echo every handler of the blocking models runs: until EOF,
// an error, or a shutdown by stop().
void echo_until_closed(int fd);

}  // namespace contend
