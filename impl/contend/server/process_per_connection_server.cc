// A child per connection. See process_per_connection_server.h.
#include "contend/server/process_per_connection_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <system_error>

#include "contend/harness/child_process.h"
#include "contend/server/server_support.h"

namespace contend {

namespace {

// The child's whole life: async-signal-safe calls only (see the header).
int echo_child(int fd) {
  if (fd > 3) ::close_range(3, static_cast<unsigned>(fd) - 1, 0);
  ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  echo_until_closed(fd);
  return 0;
}

int64_t pss_bytes(pid_t pid) {
  std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string key;
  int64_t kib = 0;
  while (rollup >> key) {
    if (key == "Pss:") {
      rollup >> kib;
      return kib * 1024;
    }
    rollup.ignore(1 << 10, '\n');
  }
  return 0;  // ended meanwhile
}

}  // namespace

void ProcessPerConnectionServer::launch() {
  children_cpu_at_start_ = children_cpu_ns();
  // The acceptor runs on the config's PUs; the children it forks inherit the mask.
  spawn_acceptor([this](int fd) { fork_handler(fd); }, [this] { reap_ended(); },
                 std::chrono::milliseconds(20));
}

void ProcessPerConnectionServer::fork_handler(int fd) {
  // Counted before the fork: the child may serve its client completely
  // before this thread runs again, and a peak read then must include it.
  tally().enter();
  try {
    const pid_t child = fork_child([fd] { return echo_child(fd); });
    std::lock_guard lock(children_mutex_);
    children_.push_back(child);
  } catch (const std::system_error&) {  // no child: the client sees EOF
    tally().leave_child();
  }
  ::close(fd);  // the child's copy is the connection now
}

void ProcessPerConnectionServer::reap_ended() {
  std::lock_guard lock(children_mutex_);
  std::erase_if(children_, [this](pid_t child) {
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) != child) return false;
    tally().leave_child();
    return true;
  });
}

void ProcessPerConnectionServer::end_connections() {
  std::lock_guard lock(children_mutex_);
  for (pid_t child : children_) ::kill(child, SIGKILL);
  for (pid_t child : children_) {
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    tally().leave_child();
  }
  children_.clear();
}

int ProcessPerConnectionServer::live_connections() const {
  std::lock_guard lock(children_mutex_);
  return static_cast<int>(children_.size());
}

ServerStats ProcessPerConnectionServer::stats() const {
  ServerStats stats = ServerBase::stats();
  stats.cpu_ns += children_cpu_ns() - children_cpu_at_start_;  // the reaped children's
  return stats;
}

int64_t ProcessPerConnectionServer::child_resident_bytes() const {
  std::lock_guard lock(children_mutex_);
  int64_t total = 0;
  for (pid_t child : children_) total += pss_bytes(child);
  return total;
}

}  // namespace contend
