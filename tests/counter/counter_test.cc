// Every counting strategy, driven by N workers: synchronized ones end exact,
// unsync loses updates but never invents them. In both worker modes.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "contend/counter/counter_strategies.h"
#include "contend/counter/counter_workload.h"
#include "contend/harness/shared_memory.h"
#include "contend/harness/worker_group.h"

namespace contend {
namespace {

constexpr int kWorkers = 4;
constexpr uint64_t kIncrements = 50000;

// A fixed number of increments per thread, without the harness.
template <class Counter>
CounterVerdict count_with_threads() {
  Shared<Counter> counter;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) threads.emplace_back([&, w] {
      for (uint64_t i = 0; i < kIncrements; ++i) counter->increment(w);
    });
  for (auto& t : threads) t.join();
  return {kWorkers * kIncrements, counter->read()};
}

// Timed episodes through the harness, as bench_counter runs them.
template <class Counter>
CounterVerdict count_in_episode(WorkerMode mode) {
  static const Topology machine = Topology::discover();
  Shared<Counter> counter;
  Counter* shared = counter.get();
  WorkerGroup group(machine, place_workers(machine, PlacementPolicy::kScatter, kWorkers),
                    [shared](const WorkerContext& c) { return increment_until_stopped(*shared, c); },
                    mode);
  shared->reset();
  EpisodeResult result = group.run_episode(std::chrono::milliseconds(20));
  EXPECT_TRUE(result.ok()) << result.error;
  EXPECT_GT(result.total_ops(), 0u);
  return {result.total_ops(), shared->read()};
}

void expect_valid(const CounterVerdict& v, bool exact, std::string_view impl) {
  EXPECT_EQ(v.error(exact), "") << impl;
  if (exact) {
    EXPECT_EQ(v.lost(), 0u) << impl;
  }
  EXPECT_LE(v.observed, v.expected) << impl;  // updates lost, never invented
}

TEST(CounterStrategies, ThreadsIncrementingAFixedAmount) {
  for_each_counter_strategy([]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    expect_valid(count_with_threads<Counter>(), Counter::kExact, impl);
  });
}

TEST(CounterStrategies, TimedEpisodesWithThreads) {
  for_each_counter_strategy([]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    expect_valid(count_in_episode<Counter>(WorkerMode::kThread), Counter::kExact, impl);
  });
}

TEST(CounterStrategies, TimedEpisodesWithProcesses) {
  for_each_counter_strategy([]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    using InProcess = typename InProcessMode<Counter>::type;
    expect_valid(count_in_episode<InProcess>(WorkerMode::kProcess), Counter::kExact, impl);
  });
}

// A worker the scheduler starts only after the episode's time is up (a
// loaded 2-core VM, 2 ms quick episodes) once reported 0 items and so a row
// of 0 items/s without an error. It must do one batch and count it.
TEST(CounterWorkload, AWorkerStartedAfterTheStopStillCounts) {
  Shared<AtomicCounter<std::memory_order_relaxed>> counter;
  const std::atomic<uint32_t> stopped{1};
  int64_t work_done_ns = 0;
  const WorkerContext late{.index = 0, .workers = 1, .stop = &stopped, .work_done_ns = &work_done_ns};
  const uint64_t done = increment_until_stopped(*counter, late);
  EXPECT_GT(done, 0u);
  EXPECT_EQ(counter->read(), done);
}

TEST(CounterStrategies, IdsAreUniqueSnakeCase) {
  std::vector<std::string> ids;
  for_each_counter_strategy([&]<class C>(std::type_identity<C>, std::string_view impl) {
    ids.emplace_back(impl);
  });
  EXPECT_EQ(ids.size(), 11u);
  for (const auto& id : ids) {
    EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos) << id;
    EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 1) << id;
  }
}

TEST(CounterVerdict, JudgesExactnessAndImpossibleCounts) {
  EXPECT_EQ((CounterVerdict{10, 10}.error(true)), "");
  EXPECT_EQ((CounterVerdict{10, 9}.error(true)), "counter ended at 9, expected 10");
  EXPECT_EQ((CounterVerdict{10, 9}.error(false)), "");
  EXPECT_EQ((CounterVerdict{10, 9}.lost()), 1u);
  EXPECT_NE((CounterVerdict{10, 11}.error(false)), "");  // more than was added
}

// items counts attempts (the workers' increments); counted is what the
// counter holds, for every strategy: equal when exact, less when updates
// were lost.
TEST(CounterVerdict, EpisodeVerdictReportsWhatTheCounterHolds) {
  const EpisodeVerdict racy = CounterVerdict{10, 7}.episode_verdict(false);
  EXPECT_EQ(racy.error, "");
  EXPECT_EQ(racy.items, 10u);
  EXPECT_DOUBLE_EQ(racy.counted, 7.0);
  EXPECT_DOUBLE_EQ(racy.lost, 3.0);
  for_each_counter_strategy([]<class Counter>(std::type_identity<Counter>, std::string_view impl) {
    const CounterVerdict counted = count_in_episode<Counter>(WorkerMode::kThread);
    const EpisodeVerdict verdict = counted.episode_verdict(Counter::kExact);
    EXPECT_DOUBLE_EQ(verdict.counted, static_cast<double>(counted.observed)) << impl;
    if (Counter::kExact) {
      EXPECT_DOUBLE_EQ(verdict.counted, static_cast<double>(verdict.items)) << impl;
    }
  });
}

}  // namespace
}  // namespace contend
