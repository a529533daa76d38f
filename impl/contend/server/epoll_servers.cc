// epoll_loop and epoll_per_core. See epoll_servers.h.
#include "contend/server/epoll_servers.h"

#include <algorithm>

namespace contend {

void EpollServer::start() {
  const int loops = per_core_ ? std::max(1, config_.loops) : 1;
  wake_ = make_wake_fd();
  listeners_.push_back(listen_loopback(config_.port, per_core_, true));
  port_ = bound_port(listeners_.front().get());
  for (int i = 1; i < loops; ++i) listeners_.push_back(listen_loopback(port_, true, true));
  for (int i = 0; i < loops; ++i)
    loops_.push_back(std::make_unique<EpollLoop>(listeners_[static_cast<size_t>(i)].get(), wake_.get()));
  for (int i = 0; i < loops; ++i) {
    std::vector<int> pus;
    if (!config_.pus.empty())
      pus = per_core_ ? std::vector<int>{config_.pus[static_cast<size_t>(i) % config_.pus.size()]}
                      : config_.pus;
    tally_.enter();
    threads_.emplace_back([this, i, pus] {
      TallyScope scope(tally_);
      pin_current_thread_to(pus);
      loops_[static_cast<size_t>(i)]->run();
    });
  }
}

void EpollServer::stop() {
  if (threads_.empty()) return;
  signal_wake_fd(wake_.get());
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  loops_.clear();
  listeners_.clear();
  wake_.reset();
}

ServerStats EpollServer::stats() const {
  int live = 0;
  for (const auto& loop : loops_) live += loop->live_connections();
  return {.peak_tasks = tally_.peak(), .cpu_ns = tally_.cpu_ns(), .live_connections = live};
}

}  // namespace contend
