// process_per_connection: one acceptor thread forks a child per accepted
// connection (the pre-thread Unix server). The child closes every
// descriptor but its connection (close_range: it must not hold the
// listener, or another connection's socket open, or the load generator's
// sockets, which live in this same process), echoes with read/write until
// the client closes, and _exit()s. Forked from a threaded process, the child
// calls only async-signal-safe functions (close_range, recv, send, prctl,
// _exit): no allocation, no locks, no stdio. It dies with the acceptor
// thread (PR_SET_PDEATHSIG via fork_child), so a crashed or killed bench
// leaves no child behind. Tasks at peak = 1 + live children.
//
// Children that ended are reaped by the acceptor (waitpid WNOHANG on its
// own pids only, never -1: other children of this process are not its
// business) after each accept and every 20 ms. end_connections()
// (ServerBase::stop's step 3, after the acceptor was joined and the
// listener closed): SIGKILLs every live child and reaps it.
//
// cpu_ns counts the acceptor and the children reaped since start()
// (RUSAGE_CHILDREN); child_resident_bytes() sums the live children's
// proportional set size (Pss of /proc/<pid>/smaps_rollup: pages shared
// copy-on-write with this process are divided among their sharers).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <vector>

#include "contend/server/server_base.h"

namespace contend {

class ProcessPerConnectionServer final : public ServerBase {
 public:
  explicit ProcessPerConnectionServer(const ServerConfig& config) : ServerBase(config, {}) {}
  ~ProcessPerConnectionServer() override { stop(); }
  ServerStats stats() const override;
  int64_t child_resident_bytes() const override;

 private:
  void launch() override;
  void end_connections() override;
  int live_connections() const override;
  void fork_handler(int fd);
  void reap_ended();

  int64_t children_cpu_at_start_ = 0;
  mutable std::mutex children_mutex_;  // children_: the acceptor vs stats readers
  std::vector<pid_t> children_;
};

}  // namespace contend
