// epoll_loop and epoll_per_core. See epoll_servers.h.
#include "contend/server/epoll_servers.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace contend {

namespace {
int loops_of(const ServerConfig& config, bool per_core) {
  return per_core ? std::max(1, config.loops) : 1;
}
}  // namespace

EpollServer::EpollServer(const ServerConfig& config, bool per_core)
    : ServerBase(config, {.count = loops_of(config, per_core), .reuseport = per_core,
                          .nonblocking = true}),
      per_core_(per_core) {}

void EpollServer::launch() {
  // A loop per listener: one, or one per PU sharing the port.
  for (size_t i = 0; i < listener_count(); ++i)
    loops_.push_back(std::make_unique<EpollLoop>(listener(i), wake()));
  const std::vector<int>& all = config().pus;
  for (size_t i = 0; i < loops_.size(); ++i) {
    std::vector<int> pus = all;
    if (per_core_ && !all.empty()) pus = {all[i % all.size()]};
    EpollLoop* loop = loops_[i].get();
    spawn(Stops::kOnWake, std::move(pus), [loop] { loop->run(); });
  }
}

int EpollServer::live_connections() const {
  int live = 0;
  for (const auto& loop : loops_) live += loop->live_connections();
  return live;
}

}  // namespace contend
