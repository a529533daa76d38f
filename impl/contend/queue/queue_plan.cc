// What bench_queue measures for a queue. See queue_plan.h.
#include "contend/queue/queue_plan.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace contend {

namespace {

struct EpisodeSizes {
  uint64_t items_per_producer;  // throughput
  uint64_t drain_items;         // drain, split over the producers
  uint64_t round_trips;         // pingpong
};
constexpr EpisodeSizes kFullSizes{1 << 15, 1 << 15, 1 << 10};
// Quick pingpong: 256 round trips, as a block-mode wake-up can take tens of
// microseconds on a VM (p99.9 then goes unreported: too few samples).
constexpr EpisodeSizes kQuickSizes{1 << 13, 1 << 13, 1 << 8};

}  // namespace

std::vector<QueueScenario> queue_plan(const PlanInput& input, std::string_view impl,
                                      const QueueTraits& traits) {
  const EpisodeSizes sizes = input.quick ? kQuickSizes : kFullSizes;
  const std::vector<size_t> payloads = input.quick ? std::vector<size_t>{8}
                                                   : std::vector<size_t>{8, 64};
  const std::vector<QueueShape> shapes = queue_shapes(input, traits);
  const std::string family(queue_family(traits));
  std::vector<QueueScenario> plan;
  // One entry per distinct placement map of the shape's workers.
  auto add = [&](const char* benchmark, const QueueShape& shape, const BenchmarkId::Params& params,
                 size_t payload, const auto& config) {
    for (DistinctPlacement& map : input.placements(shape.threads(), QuickPlacements::kAll)) {
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

  for (size_t payload : payloads) {
    const std::string bytes = std::to_string(payload);
    for (size_t capacity : stream_capacities(traits, input.quick)) {
      for (WaitMode wait : wait_modes(traits)) {
        for (const QueueShape& shape : shapes) {
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
                                     .capacity = capacity});
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
                                   .capacity = traits.can_be_unbounded() ? 0 : items,
                                   .sample_every = 0});
      }
    }
    const QueueShape pair{1, 1, input.oversubscribed(2)};
    for (WaitMode wait : wait_modes(traits)) {
      add("pingpong", pair, {{"payload", bytes}, {"wait", std::string(to_string(wait))}}, payload,
          QueuePingPongConfig{.round_trips = sizes.round_trips,
                              .wait = wait,
                              .capacity = pingpong_capacity(traits)});
    }
  }
  return plan;
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
    if (!input.quick) {
      add(1, w - 1);
      add(w - 1, 1);
    }
    add(n, n);  // at W = 2 (or 3, rounded down) this is 1:1
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

std::vector<WaitMode> wait_modes(const QueueTraits& traits) {
  if (traits.blocking) return {WaitMode::kSpin, WaitMode::kBlock};
  return {WaitMode::kSpin};
}

}  // namespace contend
