// What the chatlog family measures. See chatlog_plan.h.
#include "contend/chatlog/chatlog_plan.h"

#include <string>
#include <string_view>
#include <utility>

namespace contend::chatlog {

namespace {

constexpr int kRcvbufKiB = 256;

// An fsync costs milliseconds on a VM's disk (about 4 ms measured on the
// 2-core VM while others built): fsync_each gets 100 lines per sender, so
// that an episode of a design that fsyncs every line stays near a second.
uint32_t messages_per_sender(const PlanInput& input, DurabilityPolicy policy) {
  switch (policy) {
    case DurabilityPolicy::kNone: return input.quick ? 1000 : 4000;
    case DurabilityPolicy::kFsyncEveryN: return 1000;
    case DurabilityPolicy::kFsyncEach: return 100;
  }
  return 100;
}

ChatlogScenario scenario(const PlanInput& input, const char* benchmark, WriterDesign design,
                         DurabilityPolicy policy, int senders, DistinctPlacement map) {
  ChatlogConfig config{.design = design,
                       .durability = Durability{.policy = policy},
                       .senders = senders,
                       .receivers = 1,
                       .per_sender = messages_per_sender(input, policy),
                       .rcvbuf_bytes = kRcvbufKiB * 1024};
  const bool writer_thread = design != WriterDesign::kDirectWrite;
  const int runnable = senders + config.receivers + (writer_thread ? 1 : 0);
  BenchmarkId id{.family = "chatlog",
                 .benchmark = benchmark,
                 .impl = std::string(to_string(design)),
                 .threads = senders,
                 .producers = senders,
                 .consumers = config.receivers,
                 .placement = map.canonical,
                 .oversubscribed = input.oversubscribed(runnable),
                 .params = {{"durability", std::string(to_string(policy))},
                            {"msgs", std::to_string(config.per_sender)},
                            {"rcvbuf", std::to_string(kRcvbufKiB)}},
                 .placements = map.covers};
  return ChatlogScenario{std::move(id), std::move(config), std::move(map.places),
                         std::string_view(benchmark) == "crash"};
}

// The largest ladder point that fits the machine.
std::vector<LadderPoint> full_machine_point(const PlanInput& input) {
  LadderPoint largest;
  for (const LadderPoint& point : input.ladder)
    if (!point.oversubscribed) largest = point;
  return {largest};
}

}  // namespace

std::vector<ChatlogScenario> chatlog_plan(const PlanInput& input) {
  std::vector<DurabilityPolicy> policies{DurabilityPolicy::kNone};
  if (!input.quick)
    policies.insert(policies.end(), {DurabilityPolicy::kFsyncEveryN, DurabilityPolicy::kFsyncEach});
  std::vector<ChatlogScenario> plan;
  for (WriterDesign design : kAllWriterDesigns) {
    for (DurabilityPolicy policy : policies) {
      // The sender ladder with the cheap policy; fsyncing ones once, at the
      // full machine (their episodes are long).
      const bool ladder = policy == DurabilityPolicy::kNone && !input.quick;
      for (const LadderPoint& point : ladder ? input.points(QuickPoints::kAll)
                                             : full_machine_point(input)) {
        auto maps = input.placements(point.workers, QuickPlacements::kCompact);
        plan.push_back(scenario(input, "log", design, policy, point.workers, std::move(maps.front())));
      }
    }
  }
  if (input.quick) return plan;
  const int senders = full_machine_point(input).front().workers;  // the crash asked once
  for (WriterDesign design : kAllWriterDesigns)
    for (DurabilityPolicy policy : policies)
      plan.push_back(scenario(input, "crash", design, policy, senders,
                              std::move(input.placements(senders, QuickPlacements::kCompact).front())));
  return plan;
}

}  // namespace contend::chatlog
