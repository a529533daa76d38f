// A blocking pool fed by a BlockingQueue. See thread_pool_server.h.
#include "contend/server/thread_pool_server.h"

#include <unistd.h>

namespace contend {

void ThreadPoolServer::launch() {
  for (int w = 0; w < config().pool_workers; ++w)
    spawn(Stops::kOnDrain, config().pus, [this] { work(); });
  spawn_acceptor(
      [this](int fd) {
        if (accepted_.put(fd) != QueueResult::kOk) ::close(fd);
      },
      [] {}, std::chrono::milliseconds(100));
}

void ThreadPoolServer::work() {
  int fd = -1;
  while (accepted_.get(fd) == QueueResult::kOk) {
    if (!connections_.adopt(fd)) {
      ::close(fd);
      continue;
    }
    echo_until_closed(fd);
    connections_.release(fd);
  }
}

void ThreadPoolServer::end_connections() {
  connections_.shutdown_all();
  accepted_.close();  // gets drain what is queued (closed unserved), then kClosed
}

}  // namespace contend
