// bench_ipc: moving items between processes (and, for comparison, between
// threads) — multiprocessing.Queue, Pipe and Manager().Queue() in C++; what
// runs where, with which buffering and how many messages, is ipc_plan.h.
//
//   ipc/throughput  producers send stamped messages of payload:N bytes,
//                   consumers receive and check them all. Items = messages.
//   ipc/pingpong    one worker sends, the other echoes back; items = round
//                   trips, p50/p99/p999 = round-trip time.
//
// impl ids (channel_catalog.h): shm_queue, pipe, socketpair, posix_mq,
// broker.
#include <variant>
#include <vector>

#include "contend/harness/bench_main.h"
#include "contend/harness/latency_counters.h"
#include "contend/ipc/channel_catalog.h"
#include "contend/ipc/ipc_plan.h"
#include "contend/ipc/ipc_workload.h"

namespace contend {
namespace {

void run_ipc(benchmark::State& state, const BenchEnvironment& env, const IpcScenario& s) {
  ChannelPair channels = channel_kind(s.id.impl).make(s.channel);
  if (const auto* shape = std::get_if<ThroughputShape>(&s.shape)) {
    ThroughputWorkload work(*channels.forward, *shape);
    run_workload_on_group(state, env, s.places, s.id.mode, work);
  } else {
    const auto& pingpong = std::get<PingPongShape>(s.shape);
    PingPongWorkload work(*channels.forward, *channels.backward, pingpong.round_trips,
                          pingpong.message_bytes);
    run_workload_on_group(state, env, s.places, s.id.mode, work);
    if (!state.error_occurred()) set_latency_counters(state, work.latencies());
  }
}

void register_ipc(const BenchEnvironment& env) { register_plan(env, ipc_plan(env), run_ipc); }

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_ipc); }
