// What bench_queue runs for a queue. See queue_scenarios.h.
#include "contend/queue/queue_scenarios.h"

#include <algorithm>

namespace contend {

std::string_view to_string(WaitMode mode) { return mode == WaitMode::kSpin ? "spin" : "block"; }

std::vector<QueueShape> queue_shapes(const std::vector<LadderPoint>& ladder,
                                     const QueueTraits& traits, bool quick) {
  std::vector<QueueShape> shapes;
  auto add = [&](int producers, int consumers, bool oversubscribed) {
    if (!traits.allows(producers, consumers)) return;
    QueueShape shape{producers, consumers, oversubscribed};
    auto same = [&](const QueueShape& s) {
      return s.producers == producers && s.consumers == consumers;
    };
    if (std::none_of(shapes.begin(), shapes.end(), same)) shapes.push_back(shape);
  };
  for (const LadderPoint& point : ladder) {
    const int w = point.workers;
    if (w < 2) continue;
    // Quick: no oversubscribed shape (a full run measures the scheduler
    // there), unless the machine has no other (one PU).
    if (quick && point.oversubscribed && !shapes.empty()) continue;
    const int n = point.oversubscribed ? (w + 1) / 2 : w / 2;
    if (!quick) {
      add(1, w - 1, point.oversubscribed);
      add(w - 1, 1, point.oversubscribed);
    }
    add(n, n, point.oversubscribed);  // at W = 2 (or 3, rounded down) this is 1:1
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
