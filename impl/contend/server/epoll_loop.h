// EpollLoop: one thread's event loop over non-blocking sockets, the engine
// of both epoll models (epoll_loop_server.h: one loop; epoll_per_core_server.h:
// one per PU, each with its own SO_REUSEPORT listener).
//
// Level-triggered epoll over the listener, a wake descriptor and every
// connection. A readable connection is read (up to 64 KiB) and echoed at
// once; what the socket does not take stays pending, the connection then
// waits for EPOLLOUT only (no more reads until its backlog is out: a client
// that does not read its echoes is throttled, not buffered without bound).
// EOF, an error or a hang-up closes the connection.
//
// run() returns once the wake descriptor is readable (it is never read, so
// one signal stops every loop that watches it), closing every connection
// it holds; the listener stays the owner's to close.
#pragma once

#include <atomic>
#include <string>
#include <unordered_map>

#include "contend/server/server_support.h"

namespace contend {

class EpollLoop {
 public:
  // `listener` non-blocking; throws std::system_error when epoll cannot be made.
  EpollLoop(int listener, int wake);
  void run();
  int live_connections() const { return live_.load(std::memory_order_relaxed); }

 private:
  void accept_all();
  void on_readable(int fd, std::string& pending);
  void on_writable(int fd, std::string& pending);
  void close_connection(int fd);
  void watch(int fd, uint32_t events, int op);

  int listener_;
  int wake_;
  UniqueFd epoll_;
  std::unordered_map<int, std::string> pending_;  // per connection: bytes not yet echoed
  std::atomic<int> live_{0};  // relaxed: a statistic read by stats()
};

}  // namespace contend
