// The tutorial's design. See thread_per_connection_server.h.
#include "contend/server/thread_per_connection_server.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <thread>

namespace contend {

void ThreadPerConnectionServer::launch() {
  // The acceptor runs on the config's PUs; the handlers it creates inherit the mask.
  spawn_acceptor([this](int fd) { adopt(fd); }, [] {}, std::chrono::milliseconds(100));
}

void ThreadPerConnectionServer::adopt(int fd) {
  if (!connections_.adopt(fd)) {
    ::close(fd);
    return;
  }
  tally().enter();
  try {
    std::thread([this, fd] { handle(fd); }).detach();
  } catch (const std::system_error&) {  // no thread: the client sees EOF
    tally().leave(0);
    connections_.release(fd);
  }
}

void ThreadPerConnectionServer::handle(int fd) {
  echo_until_closed(fd);
  tally().leave(thread_cpu_ns());
  connections_.release(fd);  // last: stop() may destroy this object after it
}

void ThreadPerConnectionServer::end_connections() {
  connections_.shutdown_all();
  if (!connections_.wait_empty(kStopBound)) {
    std::fprintf(stderr, "thread_per_connection: handlers still running after stop's bound\n");
    std::abort();
  }
}

}  // namespace contend
