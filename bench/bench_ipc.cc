// bench_ipc: moving items between processes (and, for comparison, between
// threads) — multiprocessing.Queue, Pipe and Manager().Queue() in C++.
//
//   ipc/throughput  producers send stamped messages of payload:N bytes,
//                   consumers receive and check them all. Items = messages.
//   ipc/pingpong    one worker sends, the other echoes back; items = round
//                   trips, p50/p99/p999 = round-trip time.
//
// impl ids (channel_catalog.h): shm_queue, pipe, socketpair, posix_mq,
// broker. Every channel runs in process mode; thread mode runs shm_queue
// always (the same queue between threads) and every other channel in a
// full run. Quick mode: payload 64 only, one to one, compact placement.
// Channels are given comparable buffering (options_for below), since how
// often a full or empty channel puts a side to sleep decides throughput.
#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "contend/harness/bench_main.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_counters.h"
#include "contend/harness/worker_group.h"
#include "contend/ipc/channel_catalog.h"
#include "contend/ipc/ipc_workload.h"

namespace contend {
namespace {

// Messages per producer and episode: several times the channel's buffer,
// a few milliseconds on a 2-core machine. posix_mq (10 messages of buffer)
// and the broker (two round trips per message) are slower: they send fewer.
// Sized for tens of milliseconds even through a broker or posix_mq on a VM;
// quick: a quarter of that.
uint64_t messages_per_producer(const ChannelKind& kind, size_t payload, bool quick) {
  uint64_t n = payload >= 4096 ? 1000 : 8000;
  if (quick) n /= 4;
  if (kind.id == "broker") return n / 8;
  if (kind.id == "posix_mq") return n / 4;
  return n;
}

// Quick: a few hundred round trips, since a sleeping end can take tens of
// microseconds to wake on a VM (p99.9 then goes unreported: too few samples).
uint64_t round_trips(const ChannelKind& kind, bool quick) {
  const uint64_t n = kind.id == "broker" ? 250 : 1000;
  return quick ? n / 8 : n;
}

// How much a channel may buffer decides how often its ends sleep and wake,
// which dominates throughput. Every channel we size gets what a pipe has by
// default, 64 KiB (at least 16 messages); posix_mq is held to the kernel's
// msg_max (10) and the socketpair keeps its own default (about 200 KiB).
ChannelOptions options_for(size_t payload, int clients) {
  ChannelOptions options;
  options.message_bytes = payload;
  options.capacity = std::clamp<size_t>((size_t{64} << 10) / payload, 16, 8192);
  options.clients = clients;
  return options;
}

void run_throughput(benchmark::State& state, const BenchEnvironment& env, const ChannelKind& kind,
                    WorkerMode mode, const ThroughputShape& shape,
                    const std::vector<Place>& places) {
  ChannelPair channels = kind.make(options_for(shape.message_bytes, shape.producers + shape.consumers));
  ThroughputWorkload work(*channels.forward, shape);
  WorkerGroup group(env.topology, places,
                    [&work](const WorkerContext& c) { return work.run_worker(c); }, mode);
  EpisodePlan plan = work.plan();
  plan.warmup_episodes = env.warmup_episodes;
  run_episodes(state, group, plan);
}

void run_pingpong(benchmark::State& state, const BenchEnvironment& env, const ChannelKind& kind,
                  WorkerMode mode, size_t payload, const std::vector<Place>& places) {
  ChannelPair channels = kind.make(options_for(payload, PingPongWorkload::kWorkers));
  PingPongWorkload work(*channels.forward, *channels.backward, round_trips(kind, env.quick), payload);
  WorkerGroup group(env.topology, places,
                    [&work](const WorkerContext& c) { return work.run_worker(c); }, mode);
  EpisodePlan plan = work.plan();
  plan.warmup_episodes = env.warmup_episodes;
  run_episodes(state, group, plan);
  if (!state.error_occurred()) set_latency_counters(state, work.latencies());
}

void register_ipc(const BenchEnvironment& env) {
  const std::vector<size_t> payloads =
      env.quick ? std::vector<size_t>{64} : std::vector<size_t>{8, 64, 4096};
  // Quick mode measures compact's map only (which may stand for scatter too).
  std::vector<PlacementPolicy> placements{PlacementPolicy::kCompact};
  if (!env.quick) placements.push_back(PlacementPolicy::kScatter);

  // Producer:consumer splits: always 1:1; in a full run, channels that
  // allow it also get n/2:n/2 for each larger ladder point.
  struct Split {
    int producers, consumers;
    bool oversubscribed;
  };
  for (const ChannelKind& kind : channel_kinds()) {
    std::vector<Split> splits{{1, 1, 2 > env.topology.pu_count()}};
    if (!env.quick && kind.many_to_many)
      for (const LadderPoint& p : env.ladder)
        if (p.workers >= 4) splits.push_back({p.workers / 2, p.workers - p.workers / 2, p.oversubscribed});

    for (WorkerMode mode : {WorkerMode::kThread, WorkerMode::kProcess}) {
      if (mode == WorkerMode::kThread && env.quick && kind.id != "shm_queue") continue;
      for (PlacementPolicy placement : placements) {
        for (size_t payload : payloads) {
          const std::string bytes = std::to_string(payload);
          for (const Split& split : splits) {
            const int workers = split.producers + split.consumers;
            auto distinct = distinct_placement(env.topology, placement, workers);
            if (!distinct) continue;  // same map as an earlier policy: measured there
            BenchmarkId id{"ipc", "throughput", std::string(kind.id), mode, workers,
                           split.producers, split.consumers, placement, split.oversubscribed,
                           {{"payload", bytes}}, distinct->covers};
            ThroughputShape shape{split.producers, split.consumers,
                                  messages_per_producer(kind, payload, env.quick), payload};
            auto places = distinct->places;
            register_instance(id, [&env, &kind, mode, shape, places](benchmark::State& state) {
              skip_on_exception(state, [&] { run_throughput(state, env, kind, mode, shape, places); });
            });
          }
          if (auto distinct = distinct_placement(env.topology, placement, 2)) {
            BenchmarkId id{"ipc", "pingpong", std::string(kind.id), mode, 2, 1, 1, placement,
                           2 > env.topology.pu_count(), {{"payload", bytes}}, distinct->covers};
            auto places = distinct->places;
            register_instance(id, [&env, &kind, mode, payload, places](benchmark::State& state) {
              skip_on_exception(state, [&] { run_pingpong(state, env, kind, mode, payload, places); });
            });
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_ipc); }
