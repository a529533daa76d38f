// thread_per_connection: the tutorial's TCPServer. One acceptor thread; each
// accepted connection gets a new (detached) handler thread that echoes
// what it receives, with blocking reads and writes, until the client
// closes (HandleData). Tasks at peak = 1 + connections.
//
// end_connections() (ServerBase::stop's step 3, after the acceptor was
// joined and the listener closed): shuts down every live connection, which
// ends each handler's blocked recv(), and waits for every handler to
// release its connection, the handler's last touch of this object
// (ConnectionSet).
#pragma once

#include "contend/server/server_base.h"
#include "contend/server/server_support.h"

namespace contend {

class ThreadPerConnectionServer final : public ServerBase {
 public:
  explicit ThreadPerConnectionServer(const ServerConfig& config) : ServerBase(config, {}) {}
  ~ThreadPerConnectionServer() override { stop(); }

 private:
  void launch() override;
  void end_connections() override;
  int live_connections() const override { return connections_.size(); }
  void adopt(int fd);
  void handle(int fd);

  ConnectionSet connections_;
};

}  // namespace contend
