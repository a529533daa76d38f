// What bench_ipc measures. See ipc_plan.h.
#include "contend/ipc/ipc_plan.h"

#include <algorithm>
#include <string>
#include <utility>

#include "contend/ipc/channel_catalog.h"

namespace contend {

namespace {

uint64_t messages_per_producer(const ChannelKind& kind, size_t payload, bool quick) {
  uint64_t n = payload >= 4096 ? 1000 : 8000;
  if (quick) n /= 4;
  if (kind.id == "broker") return n / 8;
  if (kind.id == "posix_mq") return n / 4;
  return n;
}

uint64_t round_trips(const ChannelKind& kind, bool quick) {
  const uint64_t n = kind.id == "broker" ? 250 : 1000;
  return quick ? n / 8 : n;
}

ChannelOptions options_for(size_t payload, int clients) {
  ChannelOptions options;
  options.message_bytes = payload;
  options.capacity = std::clamp<size_t>((size_t{64} << 10) / payload, 16, 8192);
  options.clients = clients;
  return options;
}

struct Split {
  int producers, consumers;
};

}  // namespace

std::vector<IpcScenario> ipc_plan(const PlanInput& input) {
  const std::vector<size_t> payloads =
      input.quick ? std::vector<size_t>{64} : std::vector<size_t>{8, 64, 4096};
  std::vector<IpcScenario> plan;
  for (const ChannelKind& kind : channel_kinds()) {
    std::vector<Split> splits{{1, 1}};
    if (!input.quick && kind.many_to_many)
      for (const LadderPoint& p : input.ladder)
        if (p.workers >= 4) splits.push_back({p.workers / 2, p.workers - p.workers / 2});

    for (WorkerMode mode : {WorkerMode::kThread, WorkerMode::kProcess}) {
      if (mode == WorkerMode::kThread && input.quick && kind.id != "shm_queue") continue;
      for (size_t payload : payloads) {
        // One entry per distinct placement map of the split's workers.
        auto add = [&](const char* benchmark, const Split& split, const auto& shape) {
          const int workers = split.producers + split.consumers;
          // Past the full grid's counts, one payload: the middle one.
          if (!input.full_grid(workers) && payload != payloads[payloads.size() / 2]) return;
          for (DistinctPlacement& map : input.placements(workers, QuickPlacements::kCompact)) {
            plan.push_back({BenchmarkId{.family = "ipc",
                                        .benchmark = benchmark,
                                        .impl = std::string(kind.id),
                                        .mode = mode,
                                        .threads = workers,
                                        .producers = split.producers,
                                        .consumers = split.consumers,
                                        .placement = map.canonical,
                                        .oversubscribed = input.oversubscribed(workers),
                                        .params = {{"payload", std::to_string(payload)}},
                                        .placements = map.covers},
                            options_for(payload, workers), shape, std::move(map.places)});
          }
        };
        for (const Split& split : splits) {
          add("throughput", split,
              ThroughputShape{split.producers, split.consumers,
                              messages_per_producer(kind, payload, input.quick), payload});
        }
        add("pingpong", Split{1, 1}, PingPongShape{round_trips(kind, input.quick), payload});
      }
    }
  }
  return plan;
}

}  // namespace contend
