// A blocking pool fed by a BlockingQueue. See thread_pool_server.h.
#include "contend/server/thread_pool_server.h"

#include <unistd.h>

#include "contend/server/thread_per_connection_server.h"

namespace contend {

void ThreadPoolServer::start() {
  listener_ = listen_loopback(config_.port);
  port_ = bound_port(listener_.get());
  wake_ = make_wake_fd();
  for (int w = 0; w < config_.pool_workers; ++w) {
    tally_.enter();
    workers_.emplace_back([this] { work(); });
  }
  tally_.enter();
  acceptor_ = std::thread([this] {
    TallyScope scope(tally_);
    pin_current_thread_to(config_.pus);
    run_accept_loop(
        listener_.get(), wake_.get(),
        [this](int fd) {
          if (accepted_.put(fd) != QueueResult::kOk) ::close(fd);
        },
        [] {}, std::chrono::milliseconds(100));
  });
}

void ThreadPoolServer::work() {
  TallyScope scope(tally_);
  pin_current_thread_to(config_.pus);
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

void ThreadPoolServer::stop() {
  if (!acceptor_.joinable()) return;
  signal_wake_fd(wake_.get());
  acceptor_.join();
  listener_.reset();
  connections_.shutdown_all();
  accepted_.close();  // gets drain what is queued (closed unserved), then kClosed
  for (auto& worker : workers_) worker.join();
  workers_.clear();
  wake_.reset();
}

ServerStats ThreadPoolServer::stats() const {
  return {.peak_tasks = tally_.peak(), .cpu_ns = tally_.cpu_ns(),
          .live_connections = connections_.size()};
}

}  // namespace contend
