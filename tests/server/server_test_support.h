// Helpers of the server tests: descriptors held, a load run for a few
// episodes, and faulty servers that break the echo in one known way each.
#pragma once

#include <dirent.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "contend/harness/worker_group.h"
#include "contend/server/echo_client_load.h"
#include "contend/server/server_support.h"
#include "contend/topology/placement.h"
#include "support/test_machine.h"

namespace contend::testing {

// Descriptors this process holds now.
inline int open_descriptors() {
  int count = 0;
  if (DIR* dir = opendir("/proc/self/fd")) {
    while (const dirent* entry = readdir(dir))
      if (entry->d_name[0] != '.') ++count;
    closedir(dir);
  }
  return count - 1;  // the directory's own descriptor
}

inline std::vector<Place> client_places(int clients) {
  return place_workers(this_machine(), PlacementPolicy::kCompact, clients);
}

// Runs `episodes` episodes of `load` (connected) on `clients` client
// threads; the first verdict with an error, or the last.
template <class Load>
EpisodeVerdict run_load(Load& load, int clients, int episodes) {
  WorkerGroup group(this_machine(), client_places(clients),
                    [&load](const WorkerContext& context) { return load.run(context); });
  EpisodeVerdict verdict;
  for (int i = 0; i < episodes; ++i) {
    load.prepare();
    const EpisodeResult result = group.run_episode();
    if (!result.ok()) return EpisodeVerdict{.error = "episode: " + result.error};
    verdict = load.judge(result);
    if (!verdict.error.empty()) return verdict;
  }
  return verdict;
}

// A one-connection server that serves its single client by `serve(fd)`
// on a thread of its own; the test's fault injector.
class FaultyServer {
 public:
  template <class Serve>
  explicit FaultyServer(Serve serve) : listener_(listen_loopback(0)) {
    port_ = bound_port(listener_.get());
    thread_ = std::thread([this, serve] {
      UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (fd) serve(fd.get());
    });
  }
  ~FaultyServer() {
    ::shutdown(listener_.get(), SHUT_RDWR);  // wakes accept() if no client came
    thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  UniqueFd listener_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace contend::testing
