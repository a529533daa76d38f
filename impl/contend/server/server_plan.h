// What bench_server measures on a machine: every server model under three
// workloads, over a ladder of concurrent connections.
//
//   echo                 closed loop over persistent connections: requests/s
//                        and the round trip of every request; bytes=64|4096,
//                        connections = the ladder, one request in flight per
//                        connection; and pipelined: depth=8 requests in
//                        flight per connection, 64 B, 16 and 256 connections.
//   latency              open loop over the same connections at load_pct% of
//                        the closed loop's capacity (measured in-process
//                        first): latency since the intended send, and
//                        whether the server kept up.
//   connect_per_request  each client thread loops connect, send, receive,
//                        close (the tutorial's clients): connection churn.
//
// Connection ladder (full run): 1, 16, 256, 1024, 4096 (process_per_connection:
// up to 1024). It stops there by choice, not by a limit: every repetition
// reconnects, and past a few thousand the per-connection models spend the
// repetition starting threads and forking (process_per_connection already
// at 4096); this VM's 20000 descriptors would allow 9968. A point needing more descriptors than RLIMIT_NOFILE
// allows is an error row (descriptor_limit.h), as is a thread_pool point
// with more persistent connections than the pool has workers (the
// surplus would never be served: the model's limit, stated, not waited on).
// Quick: echo at 64 B and 16 connections for every model, and
// connect_per_request for thread_per_connection.
//
// Placement. The server's tasks and the client threads sit on disjoint PU
// sets: of the allowed PUs in compact order, the first half (at least
// one) is the server's, the rest the clients' (one client thread per PU,
// no more threads than connections). On 2 PUs that is 1 + 1. A one-PU
// machine puts both on PU 0 and marks the instance oversubscribed.
// threads = server PUs + client threads; the model's own task count is the
// peak_tasks column. mode = process for process_per_connection.
#pragma once

#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/server/echo_server.h"
#include "contend/topology/placement.h"

namespace contend {

enum class ServerWorkload { kEcho, kLatency, kConnectPerRequest };

inline constexpr int kThreadPoolWorkers = 16;

struct ServerScenario {
  BenchmarkId id;
  ServerModel model;
  ServerWorkload workload;
  size_t bytes = 64;
  int connections = 1;  // persistent ones; connect_per_request: the client threads
  int load_pct = 0;     // latency only
  int depth = 1;        // echo: requests in flight per connection (> 1: pipelined)
  std::vector<int> server_pus;
  std::vector<Place> client_places;
};

std::vector<int> server_ladder(bool quick);

// In kAllServerModels order, then workload, bytes, connections, load.
std::vector<ServerScenario> server_plan(const PlanInput& input);

}  // namespace contend
