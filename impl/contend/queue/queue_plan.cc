// What bench_queue measures for a queue. See queue_plan.h.
#include "contend/queue/queue_plan.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

namespace contend {

namespace {

struct EpisodeSizes {
  uint64_t items_per_producer;  // throughput
  uint64_t drain_items;         // drain, split over the producers
  uint64_t round_trips;         // pingpong
};
// Latency, quick or full: 100 ms of schedule per episode, in 10 windows of
// 10 ms, so that a vCPU stall under about 15 ms cannot sink a repetition
// (open_loop_workload.h; a 10 ms schedule sank most queues' rows on the
// loaded 2-core VM, a 50 ms one 1 in 100 on the quiet VM, issue 24) and a
// slow queue gets samples too; at least 1000 items, so a p99.9 has its
// samples.
constexpr std::chrono::milliseconds kLatencySchedule{100};
constexpr uint64_t kLatencyMinItems = 1000;
constexpr EpisodeSizes kFullSizes{1 << 15, 1 << 15, 1 << 10};
// Quick pingpong: 256 round trips, as a block-mode wake-up can take tens of
// microseconds on a VM (p99.9 then goes unreported: too few samples).
constexpr EpisodeSizes kQuickSizes{1 << 13, 1 << 13, 1 << 8};
// Quality: the queue's size while it is measured, and the pop-push pairs
// per thread per episode (quick: a quarter; the replay's cost, untimed,
// grows with it).
constexpr uint64_t kQualityPrefill = 1 << 12;
constexpr uint64_t kQualityOps = 1 << 14;
constexpr uint64_t kQuickQualityOps = 1 << 12;

}  // namespace

std::vector<QueueScenario> queue_plan(const PlanInput& input, std::string_view impl,
                                      const QueueTraits& traits) {
  const EpisodeSizes sizes = input.quick ? kQuickSizes : kFullSizes;
  const std::vector<size_t> payloads = input.quick ? std::vector<size_t>{8}
                                                   : std::vector<size_t>{8, 64};
  const std::vector<QueueShape> shapes = queue_shapes(input, traits);
  const std::string family(queue_family(traits));
  std::vector<QueueScenario> plan;
  // One entry per distinct placement map of the shape's workers. A grid's
  // other entries (`grid_first` false: another payload, capacity, load)
  // are asked under the first map only: placement is asked once per
  // scenario, at the grid's first entry, not again for every combination.
  auto add = [&](const char* benchmark, const QueueShape& shape, const BenchmarkId::Params& params,
                 size_t payload, const auto& config,
                 QuickPlacements quick_placements = QuickPlacements::kAll,
                 bool grid_first = true) {
    std::vector<DistinctPlacement> maps = input.placements(shape.threads(), quick_placements);
    if (!grid_first && !maps.empty()) maps.resize(1);
    for (DistinctPlacement& map : maps) {
      plan.push_back({BenchmarkId{.family = family,
                                  .benchmark = benchmark,
                                  .impl = std::string(impl),
                                  .threads = shape.threads(),
                                  .producers = shape.producers,
                                  .consumers = shape.consumers,
                                  .placement = map.canonical,
                                  .oversubscribed = shape.oversubscribed,
                                  .params = params,
                                  .placements = map.covers},
                      payload, config, std::move(map.places)});
    }
  };

  const std::vector<size_t> capacities = stream_capacities(traits, input.quick);
  // The capacity a thinned grid keeps: the quick run's, so quick stays within full.
  const size_t kept_capacity = stream_capacities(traits, /*quick=*/true).front();
  for (size_t payload : payloads) {
    const std::string bytes = std::to_string(payload);
    for (size_t capacity : capacities) {
      for (WaitMode wait : wait_modes(traits)) {
        for (const QueueShape& shape : shapes) {
          // Past the full grid's counts: the first payload and capacity only.
          const bool first = payload == payloads.front() && capacity == kept_capacity;
          if (!first && !input.full_grid(shape.threads())) continue;
          add("throughput", shape,
              {{"payload", bytes},
               {"capacity", std::to_string(capacity)},
               {"wait", std::string(to_string(wait))}},
              payload,
              ProducerConsumerConfig{.scenario = ExchangeScenario::kStream,
                                     .producers = shape.producers,
                                     .consumers = shape.consumers,
                                     .items_per_producer = sizes.items_per_producer,
                                     .wait = wait,
                                     .capacity = capacity},
              QuickPlacements::kAll, first);
        }
      }
    }
    if (!input.quick && payload == 8) {
      for (const QueueShape& shape : shapes) {
        const uint64_t per_producer = sizes.drain_items / static_cast<uint64_t>(shape.producers);
        const uint64_t items = per_producer * static_cast<uint64_t>(shape.producers);
        add("drain", shape, {{"payload", bytes}}, payload,
            ProducerConsumerConfig{.scenario = ExchangeScenario::kDrain,
                                   .producers = shape.producers,
                                   .consumers = shape.consumers,
                                   .items_per_producer = per_producer,
                                   .capacity = traits.can_be_unbounded() ? 0 : items},
            QuickPlacements::kAll, /*grid_first=*/false);
      }
    }
    const QueueShape pair{1, 1, input.oversubscribed(2)};
    for (WaitMode wait : wait_modes(traits)) {
      add("pingpong", pair, {{"payload", bytes}, {"wait", std::string(to_string(wait))}}, payload,
          QueuePingPongConfig{.round_trips = sizes.round_trips,
                              .wait = wait,
                              .capacity = pingpong_capacity(traits)},
          QuickPlacements::kAll, payload == payloads.front());
    }
  }
  const size_t latency_capacity = stream_capacities(traits, true).front();
  // A curve's loads side by side.
  for (WaitMode wait : wait_modes(traits)) {
    for (const QueueShape& shape : latency_shapes(input, traits)) {
      for (int load : latency_loads(input.quick)) {
        add("latency", shape,
            {{"payload", "8"},
             {"capacity", std::to_string(latency_capacity)},
             {"wait", std::string(to_string(wait))},
             {"load_pct", std::to_string(load)}},
            8,
            OpenLoopLatencyConfig{.queue = {.producers = shape.producers,
                                            .consumers = shape.consumers,
                                            .wait = wait,
                                            .capacity = latency_capacity},
                                  .load_pct = load,
                                  .schedule = kLatencySchedule,
                                  .min_items = kLatencyMinItems},
            QuickPlacements::kCompact, load == latency_loads(/*quick=*/true).front());
      }
    }
  }
  if (measures_rank_error(traits)) {
    for (const LadderPoint& point : input.points(QuickPoints::kFullMachine)) {
      const RankErrorConfig config{.threads = point.workers,
                                   .prefill = kQualityPrefill,
                                   .ops_per_thread = input.quick ? kQuickQualityOps : kQualityOps};
      for (DistinctPlacement& map : input.placements(point.workers, QuickPlacements::kCompact)) {
        plan.push_back({BenchmarkId{.family = family,
                                    .benchmark = "quality",
                                    .impl = std::string(impl),
                                    .threads = point.workers,
                                    .placement = map.canonical,
                                    .oversubscribed = point.oversubscribed,
                                    .params = {{"payload", "8"},
                                               {"prefill", std::to_string(kQualityPrefill)}},
                                    .placements = map.covers},
                        8, config, std::move(map.places)});
      }
    }
  }
  return plan;
}

bool measures_rank_error(const QueueTraits& traits) {
  return traits.order == QueueOrder::kPriority || traits.order == QueueOrder::kRelaxedPriority;
}

std::vector<QueueShape> queue_shapes(const PlanInput& input, const QueueTraits& traits) {
  std::vector<QueueShape> shapes;
  auto add = [&](int producers, int consumers) {
    if (!traits.allows(producers, consumers)) return;
    auto same = [&](const QueueShape& s) {
      return s.producers == producers && s.consumers == consumers;
    };
    if (std::none_of(shapes.begin(), shapes.end(), same))
      shapes.push_back({producers, consumers, input.oversubscribed(producers + consumers)});
  };
  for (const LadderPoint& point : input.points(QuickPoints::kFitting, 2)) {
    const int w = point.workers;
    const int n = point.oversubscribed ? (w + 1) / 2 : w / 2;
    const bool whole = !input.quick && input.full_grid(w);
    if (whole) {  // the lopsided splits: a small-count question
      add(1, w - 1);
      add(w - 1, 1);
    }
    add(n, n);  // at W = 2 (or 3, rounded down) this is 1:1
    // A thinned point keeps one split per queue: n:n, or where the queue
    // allows no n:n (one producer or one consumer), its own lopsided one.
    if (!input.quick && !whole && !traits.allows(n, n)) {
      add(w - 1, 1);
      add(1, w - 1);
    }
  }
  return shapes;
}

std::vector<size_t> stream_capacities(const QueueTraits& traits, bool quick) {
  constexpr size_t kSmall = 64, kLarge = 65536;
  if (quick) return {traits.can_be_unbounded() ? size_t{0} : kLarge};
  switch (traits.capacity) {
    case QueueCapacity::kUnbounded: return {0};
    case QueueCapacity::kBounded: return {kSmall, kLarge};
    case QueueCapacity::kOptional: return {0, kSmall, kLarge};
  }
  return {0};
}

size_t pingpong_capacity(const QueueTraits& traits) {
  return traits.can_be_unbounded() ? 0 : 64;
}

std::vector<QueueShape> latency_shapes(const PlanInput& input, const QueueTraits& traits) {
  std::vector<QueueShape> shapes{{1, 1, input.oversubscribed(2)}};
  if (input.quick) return shapes;
  int largest = 0;
  for (const LadderPoint& point : input.points(QuickPoints::kAll, 2))
    if (!point.oversubscribed) largest = std::max(largest, point.workers);
  const int n = largest / 2;
  if (n > 1 && traits.allows(n, n)) shapes.push_back({n, n, input.oversubscribed(2 * n)});
  return shapes;
}

std::vector<int> latency_loads(bool quick) {
  if (quick) return {50};
  return {10, 50, 80, 95};
}

std::vector<WaitMode> wait_modes(const QueueTraits& traits) {
  if (traits.blocking) return {WaitMode::kSpin, WaitMode::kBlock};
  return {WaitMode::kSpin};
}

}  // namespace contend
