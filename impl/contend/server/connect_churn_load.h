// ConnectChurnLoad: the load generator of `connect_per_request`, the
// tutorial's clients: each worker of a WorkerGroup (pinned client threads)
// loops connect, send one request, receive its whole echo, close, for
// requests_per_client requests per episode. Latency = connect_to_close:
// from before socket() to after close(), every request.
//
// Every echoed byte is checked (request i of client w is EchoPattern stream
// w * 2^32 + the worker's running request count, so a byte from another
// connection does not match). A wrong byte, an EOF before the whole echo,
// a reset, a receive that waits longer than stall_timeout (SO_RCVTIMEO),
// or a connect that fails (connect_loopback: refusals retried and counted)
// ends the worker's episode with a one-line error.
//
// TIME_WAIT. The client closes first, so its side of every connection
// waits in TIME_WAIT for 60 s holding an ephemeral port; Linux reuses
// those for new loopback connections (net.ipv4.tcp_tw_reuse = 2, the
// default, allows it for loopback), and an episode is bounded anyway. A
// kernel that runs out anyway gives EADDRNOTAVAIL: an error row saying so.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/worker_group.h"

namespace contend {

struct ChurnLoadConfig {
  uint16_t port = 0;
  int clients = 1;
  size_t bytes = 64;
  uint64_t requests_per_client = 64;  // per episode
  std::chrono::milliseconds stall_timeout{5000};
};

class ConnectChurnLoad {
 public:
  explicit ConnectChurnLoad(const ChurnLoadConfig& config);
  ~ConnectChurnLoad();

  void prepare();
  uint64_t run(const WorkerContext& context);
  EpisodeVerdict judge(const EpisodeResult& result);
  void forget() { latencies_.clear(); }

  const LatencyHistogram& latencies() const { return latencies_; }
  int refused() const;
  uint64_t completed_total() const { return completed_total_; }

 private:
  struct Worker;
  std::string request(Worker& worker);

  ChurnLoadConfig config_;
  std::vector<std::unique_ptr<Worker>> workers_;
  LatencyHistogram latencies_;
  uint64_t completed_total_ = 0;
};

}  // namespace contend
