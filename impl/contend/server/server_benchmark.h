// run_server_scenario: one repetition of a bench_server instance, and the
// row it leaves.
//
// A repetition starts a fresh server (pinned to the scenario's server PUs),
// opens the connections (not timed), runs the harness's episodes with the
// client threads as the WorkerGroup (warm-up, judge, manual time: items =
// requests, items_per_second = requests/s), then closes the connections
// and stops the server. The latency workload first measures the capacity
// its offered loads are shares of: closed-loop episodes over the same
// connections, once per process and instance (saturation_once, as the
// queue's latency benchmark does).
//
// Counters besides the harness's:
//   p50..max_ns, latency_samples   every request of the timed episodes
//                     (latency: only when kept_up, as queue latency rows)
//   offered_per_second, kept_up    latency rows
//   peak_tasks       server threads + child processes alive at once, at most
//   peak_rss_bytes   the server's resident memory at the end of the timed
//                    episodes, connections still open: this process's
//                    resident set growth since just before the server
//                    started (the threads' stacks and buffers; the client
//                    side's own growth, small and preallocated, is in it
//                    too) plus the children's Pss (process_per_connection)
//   cpu_ns_per_item  the server's CPU time (user + system of its threads,
//                    plus its reaped children) over the whole repetition,
//                    warm-up included, per request completed in it. The
//                    kernel's loopback work is charged mostly to the
//                    sending side's system time, so the server's share of
//                    it is its echoes'.
//   refused          connects refused (ECONNREFUSED) and retried, per repetition
//
// Error rows (SkipWithError, one line): a wrong echoed byte, an EOF or a
// reset, a stall past the load's timeout, a lost request, a point beyond
// RLIMIT_NOFILE, a thread_pool point with more persistent connections than
// workers, a port in use.
#pragma once

#include <benchmark/benchmark.h>

#include "contend/harness/bench_main.h"
#include "contend/server/server_plan.h"

namespace contend {

void run_server_scenario(benchmark::State& state, const BenchEnvironment& env,
                         const ServerScenario& scenario);

// This process's resident set now, bytes (/proc/self/statm).
int64_t resident_bytes();

}  // namespace contend
