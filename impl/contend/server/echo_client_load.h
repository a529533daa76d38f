// EchoClientLoad: the load generator of the `echo` and `latency`
// benchmarks. N persistent connections to an echo server on 127.0.0.1,
// driven by the workers of a WorkerGroup (client threads pinned on PUs of
// their own, disjoint from the server's): worker w owns connections
// [w*N/W, (w+1)*N/W) and multiplexes them with its own epoll set.
//
// Episodes. Each connection makes requests_per_connection requests of
// `bytes` bytes per episode; a request is complete when its echo has been
// fully received. Two ways to pace them:
//   closed loop (offered_per_second = 0): `depth` requests in flight per
//     connection (1: the next is sent when the previous echo is complete;
//     more: pipelined, a new one as each echo completes). Latency = send
//     to echo complete (round_trip), every request.
//   open loop (offered_per_second = R > 0): connection c's k-th request is
//     due at t0 + (k*N + c) / R, t0 being when the first worker starts; a
//     worker spins on the clock and sends each request when due, whether or
//     not earlier echoes are back (requests pipeline on the connection). A
//     request the socket cannot take yet waits in the connection's backlog
//     and keeps its due time. Latency = echo complete - due time
//     (since_intended_send: coordinated omission corrected, as wrk2 and
//     queue/open_loop_workload.h do). kept_up(): the queue's rule, per
//     window (KeptUpWindows): at least half of the judged episodes
//     achieved >= 90% of R over their schedule window (t0 to the last echo).
//
// Checks, every byte: each connection's stream is EchoPattern's, so every
// echoed byte is compared with what was sent at that offset. The first
// wrong byte, an EOF or a reset from the server, or no progress (no byte
// received and no request sent) for stall_timeout ends the worker's
// episode with a one-line error, which the judge returns (an error row). Requests are counted only when their echo
// is complete and correct: a lost request shows as a stall.
//
// Connections are opened by connect_all() (not timed) and live until
// close_all() or destruction. A refused connect (ECONNREFUSED) is retried
// up to kConnectRetries times, 10 ms apart, and counted (refused());
// anything else, or a connect that takes longer than stall_timeout, throws
// std::runtime_error with one line naming the errno.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/open_loop_workload.h"
#include "contend/server/server_support.h"

namespace contend {

inline constexpr int kConnectRetries = 100;

struct EchoLoadConfig {
  uint16_t port = 0;
  int connections = 1;
  int clients = 1;                 // the WorkerGroup's workers
  size_t bytes = 64;               // per request
  uint64_t requests_per_connection = 16;  // per episode
  double offered_per_second = 0;   // 0: closed loop
  uint64_t depth = 1;              // closed loop: requests in flight per connection
  std::chrono::milliseconds stall_timeout{5000};
};

// Connects one blocking TCP socket to 127.0.0.1:port within `timeout`,
// retrying a refusal (counted in *refused) as above. Throws
// std::runtime_error naming the failure.
UniqueFd connect_loopback(uint16_t port, std::chrono::milliseconds timeout, int* refused);

class EchoClientLoad {
 public:
  explicit EchoClientLoad(const EchoLoadConfig& config);
  ~EchoClientLoad();

  void connect_all();
  void close_all();
  // The next episodes' pace and size (the latency benchmark's saturation
  // runs closed, its paced episodes open, over the same connections).
  void set_pace(double offered_per_second, uint64_t requests_per_connection);

  // Episode hooks for run_on_group: prepare before, run as the body, judge after.
  void prepare();
  uint64_t run(const WorkerContext& context);
  EpisodeVerdict judge(const EpisodeResult& result);
  void forget();  // the warm-up's latencies and windows

  const LatencyHistogram& latencies() const { return latencies_; }
  double achieved_per_second() const;
  bool kept_up() const;
  int refused() const { return refused_; }
  uint64_t completed_total() const { return completed_total_; }  // every judged episode
  const EchoLoadConfig& config() const { return config_; }

 private:
  struct Connection;
  struct Worker;

  EchoLoadConfig config_;
  double ns_per_request_ = 0;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::unique_ptr<Worker>> workers_;
  // t0 of the episode: the first worker's start (relaxed CAS; each worker
  // reads it once at its start, and the judge after the group's check-out).
  alignas(64) std::atomic<int64_t> start_ns_{0};
  LatencyHistogram latencies_;
  int refused_ = 0;
  uint64_t completed_total_ = 0;
  KeptUpWindows windows_;  // the judged episodes' schedule windows
};

}  // namespace contend
