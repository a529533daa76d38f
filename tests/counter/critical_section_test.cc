// counter/critical_section's workload: every acquisition timed once, hand-
// overs only for locks and only to workers that were waiting, the counter
// exact or the episode an error.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

#include "contend/counter/counter_strategies.h"
#include "contend/counter/critical_section.h"
#include "contend/counter/critical_section_workload.h"
#include "contend/harness/worker_group.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend {
namespace {

using std::chrono::milliseconds;

struct Episode {
  EpisodeResult result;
  EpisodeVerdict verdict;
  uint64_t waits = 0;      // acquire-wait samples kept by the instance
  uint64_t handovers = 0;  // hand-over samples kept by the instance
  int64_t max_wait_ns = 0;
  int64_t max_handover_ns = 0;
};

// Episodes of `Counter` as bench_counter runs them, with two workers on
// different PUs where the machine has two; stops after `episodes` or at
// the first episode that recorded a hand-over, if `until_handover`.
template <class Counter>
Episode run_sections(ContentionDial dial, milliseconds duration, int episodes = 1,
                     bool until_handover = false) {
  static const Topology machine = Topology::discover();
  constexpr int kWorkers = 2;
  const auto counter = std::make_unique<Counter>();
  AcquisitionRecorders recorders(kWorkers);
  const WorkIterations work = WorkIterations::of(dial);
  WorkerGroup group(machine, place_workers(machine, PlacementPolicy::kScatter, kWorkers),
                    [&](const WorkerContext& c) {
                      return acquire_until_stopped(*counter, work, recorders, c);
                    });
  const EpisodePlan plan = critical_section_episodes(*counter, recorders, duration);
  Episode episode;
  for (int i = 0; i < episodes; ++i) {
    plan.prepare();
    episode.result = group.run_episode(plan.duration);
    EXPECT_TRUE(episode.result.ok()) << episode.result.error;
    episode.verdict = plan.judge(episode.result);
    if (!episode.verdict.error.empty()) break;
    if (until_handover && recorders.handovers().count() > 0) break;
  }
  episode.waits = recorders.acquire_waits().count();
  episode.handovers = recorders.handovers().count();
  episode.max_wait_ns = recorders.acquire_waits().max();
  episode.max_handover_ns = recorders.handovers().max();
  return episode;
}

template <class Visit>
void for_each_critical_section_strategy(Visit visit) {
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter> type,
                                               std::string_view impl) {
    if constexpr (has_critical_section<Counter>) visit(type, impl);
  });
}

TEST(CriticalSection, EveryAcquisitionIsRecordedOnce) {
  for_each_critical_section_strategy([]<class Counter>(std::type_identity<Counter>,
                                                       std::string_view impl) {
    const Episode e = run_sections<Counter>({.cs_ns = 1000, .think_ns = 1000}, milliseconds(30));
    const uint64_t acquisitions = e.result.total_ops();
    EXPECT_EQ(e.verdict.error, "") << impl;
    EXPECT_GT(acquisitions, 0u) << impl;
    EXPECT_EQ(e.verdict.items, acquisitions) << impl;
    EXPECT_DOUBLE_EQ(e.verdict.counted, static_cast<double>(acquisitions)) << impl;
    EXPECT_EQ(e.waits, acquisitions) << impl;
    EXPECT_LE(e.handovers, acquisitions) << impl;
    // A hand-over is the tail of its own acquire-wait (the waiter asked
    // before the release), so no hand-over outlasts the longest wait.
    EXPECT_LE(e.max_handover_ns, e.max_wait_ns) << impl;
    if constexpr (OptimisticSection<Counter>) {
      EXPECT_EQ(e.handovers, 0u) << impl << ": a CAS has no holder to hand over from";
    }
  });
}

// Sections of 200 us with 100 us of thought between them: each worker asks
// again while the other still holds the lock, and a sleeping std::mutex
// waiter has the think time to wake up in. Up to five episodes, for a VM
// whose second worker starts late.
TEST(CriticalSection, ALockHeldLongEnoughIsHandedOver) {
  for_each_critical_section_strategy([]<class Counter>(std::type_identity<Counter>,
                                                       std::string_view impl) {
    if constexpr (LockSection<Counter>) {
      const Episode e = run_sections<Counter>({.cs_ns = 200'000, .think_ns = 100'000},
                                              milliseconds(100), 5, true);
      EXPECT_EQ(e.verdict.error, "") << impl;
      EXPECT_GT(e.handovers, 0u) << impl;
      EXPECT_LE(e.handovers, e.waits) << impl;
    }
  });
}

TEST(CriticalSection, NoWorkIsStillAnAcquisition) {
  const Episode e = run_sections<LockedCounter<TicketLock>>({}, milliseconds(10));
  EXPECT_EQ(e.verdict.error, "");
  EXPECT_EQ(e.waits, e.result.total_ops());
}

// A lock that loses what every tenth holder wrote, as one that let two
// holders in at once would lose an increment. Underneath it excludes for
// real (std::mutex), so the loss is certain and ThreadSanitizer sees no race.
class ForgetfulLockCounter {
 public:
  template <class Section>
  void locked(int /*worker*/, Section&& section) {
    std::lock_guard<std::mutex> hold(mutex_);
    GuardedCount copy = guarded_;
    section(copy);
    if (++sections_ % 10 != 0) guarded_ = copy;
  }
  uint64_t read() {
    std::lock_guard<std::mutex> hold(mutex_);
    return guarded_.value;
  }
  void reset() {
    guarded_ = {};
    sections_ = 0;
  }

 private:
  std::mutex mutex_;
  GuardedCount guarded_;
  uint64_t sections_ = 0;
};
static_assert(LockSection<ForgetfulLockCounter>);

TEST(CriticalSection, ABrokenLockIsAnError) {
  const Episode e = run_sections<ForgetfulLockCounter>({}, milliseconds(10));
  ASSERT_GE(e.result.total_ops(), 10u);
  EXPECT_NE(e.verdict.error.find("counter ended at"), std::string::npos) << e.verdict.error;
  EXPECT_EQ(e.waits, 0u) << "a failed episode's records are not kept";
}

TEST(CriticalSection, AMissedRecordIsAnError) {
  AcquisitionRecorders recorders(2);
  recorders.begin_episode();
  recorders.acquire_wait(0).record(100);
  recorders.acquire_wait(1).record(200);
  EXPECT_EQ(judge_acquisitions(3, 3, recorders).error, "recorded 2 acquire waits for 3 acquisitions");
  EXPECT_EQ(recorders.acquire_waits().count(), 0u);
  recorders.begin_episode();
  recorders.acquire_wait(0).record(100);
  recorders.acquire_wait(1).record(200);
  for (int i = 0; i < 3; ++i) recorders.handover(0).record(10);
  EXPECT_EQ(judge_acquisitions(2, 2, recorders).error, "recorded 3 hand-overs for 2 acquisitions");
  EXPECT_EQ(recorders.handovers().count(), 0u);
}

TEST(CriticalSection, WarmUpRecordsAreForgottenAndEpisodesAccumulate) {
  AcquisitionRecorders recorders(1);
  recorders.begin_episode();
  recorders.acquire_wait(0).record(100);
  ASSERT_EQ(judge_acquisitions(1, 1, recorders).error, "");
  recorders.forget_kept();  // the warm-up episode's
  EXPECT_EQ(recorders.acquire_waits().count(), 0u);
  for (int episode = 0; episode < 2; ++episode) {
    recorders.begin_episode();
    recorders.acquire_wait(0).record(200);  // exact: below 256 ns
    recorders.handover(0).record(50);
    ASSERT_EQ(judge_acquisitions(1, 1, recorders).error, "");
  }
  EXPECT_EQ(recorders.acquire_waits().count(), 2u);
  EXPECT_EQ(recorders.handovers().count(), 2u);
  EXPECT_EQ(recorders.acquire_waits().max(), 200);
}

// The strategies with a section are named by their shape, not by a list.
TEST(CriticalSection, StrategiesWithASection) {
  std::set<std::string> with, without;
  for_each_counter_strategy([&]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    (has_critical_section<Counter> ? with : without).emplace(impl);
  });
  EXPECT_EQ(with, (std::set<std::string>{"std_mutex", "cas_loop", "spin_tas", "spin_ttas",
                                         "spin_ticket", "spin_mcs"}));
  EXPECT_EQ(without, (std::set<std::string>{"unsync", "atomic_relaxed", "atomic_seq_cst",
                                            "sharded_padded", "sharded_false_shared"}));
  EXPECT_TRUE(OptimisticSection<CasCounter>);
  EXPECT_FALSE(LockSection<CasCounter>);
  EXPECT_TRUE(LockSection<LockedCounter<McsLock>>);
}

}  // namespace
}  // namespace contend
