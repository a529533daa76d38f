// The queue line-up and what bench_queue derives from it: ids, traits,
// families, the plan (shapes per machine, capacities, wait modes, quick
// versus full); the item encoding and the latency percentiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "contend/queue/queue_item.h"
#include "contend/queue/queue_list.h"
#include "contend/queue/queue_plan.h"
#include "support/plan_checks.h"

namespace contend {
namespace {

struct Entry {
  std::string id;
  QueueTraits traits;
};

std::vector<Entry> line_up() {
  std::vector<Entry> entries;
  for_each_queue([&]<class Kind>(Kind) { entries.push_back({std::string(Kind::id), Kind::traits}); });
  return entries;
}

// The impl ids are a contract with every user's result history.
TEST(QueueList, IdsAreExactlyTheDocumentedOnes) {
  std::vector<std::string> ids;
  for (const Entry& e : line_up()) ids.push_back(e.id);
  const std::vector<std::string> expected = {
      "mutex_deque", "blocking_fifo", "boost_lockfree_queue", "moodycamel", "moodycamel_tokens",
      "moodycamel_blocking", "tbb_queue", "tbb_bounded_queue", "ring_mpmc",           // fifo
      "mutex_vector", "blocking_lifo", "boost_lockfree_stack", "treiber_stack",       // lifo
      "mutex_priority_queue", "blocking_priority", "tbb_priority_queue", "multiqueue",  // priority
      "boost_spsc_queue", "moodycamel_rwqueue", "ring_spsc"};                         // spsc
  EXPECT_EQ(ids, expected);
  for (const auto& id : ids)
    EXPECT_EQ(id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"), std::string::npos) << id;
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(QueueList, FamiliesFollowFromTheTraits) {
  for (const Entry& e : line_up()) {
    const std::string family(queue_family(e.traits));
    if (e.traits.concurrency == QueueConcurrency::kSpsc) {
      EXPECT_EQ(family, "spsc") << e.id;
    } else {
      const std::string expected = e.traits.order == QueueOrder::kNone ? "fifo"
                                   : e.traits.order == QueueOrder::kRelaxedPriority
                                       ? "priority"
                                       : std::string(to_string(e.traits.order));
      EXPECT_EQ(family, expected) << e.id;
    }
  }
  QueueTraits unordered{.order = QueueOrder::kNone};
  EXPECT_EQ(queue_family(unordered), "fifo");
}

TEST(QueueList, OurQueuesPromiseWhatPythonsDo) {
  for (const Entry& e : line_up()) {
    if (!e.id.starts_with("blocking_")) continue;
    EXPECT_TRUE(e.traits.blocking) << e.id;
    EXPECT_EQ(e.traits.capacity, QueueCapacity::kOptional) << e.id;  // maxsize=0 or not
    EXPECT_EQ(e.traits.concurrency, QueueConcurrency::kMpmc) << e.id;
  }
}

using testing::plan_input;
using Shapes = std::vector<QueueShape>;

// Ladder 1 2 3*.
PlanInput two_cores(bool quick) { return plan_input("core:2 pu:1", quick); }
// 8 cores, 16 PUs: ladder 1 2 8 16 17*.
PlanInput smt(bool quick) { return plan_input("core:8 pu:2", quick); }

TEST(QueuePlan, ShapesOnTwoCores) {
  const QueueTraits mpmc{.concurrency = QueueConcurrency::kMpmc};
  // The lopsided splits only up to kFullGridWorkers (2, where they are 1:1).
  EXPECT_EQ(queue_shapes(two_cores(false), mpmc), (Shapes{{1, 1, false}, {2, 2, true}}));
  EXPECT_EQ(queue_shapes(two_cores(true), mpmc), (Shapes{{1, 1, false}}));
}

TEST(QueuePlan, ShapesRespectConcurrency) {
  const QueueTraits spsc{.concurrency = QueueConcurrency::kSpsc};
  const QueueTraits mpsc{.concurrency = QueueConcurrency::kMpsc};
  for (bool quick : {false, true}) {
    EXPECT_EQ(queue_shapes(smt(quick), spsc), (Shapes{{1, 1, false}}));
    for (const QueueShape& s : queue_shapes(smt(quick), mpsc)) EXPECT_EQ(s.consumers, 1);
  }
  EXPECT_EQ(queue_shapes(two_cores(false), mpsc), (Shapes{{1, 1, false}, {2, 1, true}}));
}

TEST(QueuePlan, ShapesFillEachLadderPoint) {
  const QueueTraits mpmc{.concurrency = QueueConcurrency::kMpmc};
  const Shapes full = queue_shapes(smt(false), mpmc);
  const Shapes quick = queue_shapes(smt(true), mpmc);
  for (const QueueShape& s : full) {
    // Within the hardware unless marked oversubscribed, and then beyond it.
    EXPECT_EQ(s.oversubscribed, s.threads() > 16) << s.producers << ":" << s.consumers;
  }
  // Past kFullGridWorkers the grid keeps n:n only.
  EXPECT_EQ(std::find(full.begin(), full.end(), QueueShape{1, 15, false}), full.end());
  EXPECT_EQ(std::find(full.begin(), full.end(), QueueShape{15, 1, false}), full.end());
  EXPECT_NE(std::find(full.begin(), full.end(), QueueShape{8, 8, false}), full.end());
  EXPECT_NE(std::find(full.begin(), full.end(), QueueShape{9, 9, true}), full.end());
  EXPECT_EQ(quick, (Shapes{{1, 1, false}, {4, 4, false}, {8, 8, false}}));
  for (const QueueShape& s : quick) EXPECT_NE(std::find(full.begin(), full.end(), s), full.end());
  // A single-core machine still gets its (oversubscribed) 1:1.
  EXPECT_EQ(queue_shapes(plan_input("core:1 pu:1", true), mpmc), (Shapes{{1, 1, true}}));
}

std::vector<QueueScenario> line_up_plan(const PlanInput& input) {
  std::vector<QueueScenario> plan;
  for_each_queue([&]<class Kind>(Kind) {
    for (QueueScenario& s : queue_plan(input, Kind::id, Kind::traits)) plan.push_back(std::move(s));
  });
  return plan;
}

TEST(QueuePlan, KeepsItsPromisesOnEveryMachine) {
  testing::expect_plan_keeps_promises(line_up_plan);
}

// The value of parameter `key` in an id ("" when it has none).
std::string param(const BenchmarkId& id, const std::string& key) {
  for (const auto& [k, v] : id.params)
    if (k == key) return v;
  return "";
}

// The workload gets what the name says.
TEST(QueuePlan, ConfigsMatchTheirIds) {
  for (const QueueScenario& s : line_up_plan(plan_input("pack:2 l3:2 core:4 pu:2", false))) {
    SCOPED_TRACE(s.id.name());
    if (const auto* c = std::get_if<ProducerConsumerConfig>(&s.config)) {
      EXPECT_EQ(c->producers, s.id.producers);
      EXPECT_EQ(c->consumers, s.id.consumers);
      EXPECT_EQ(c->scenario == ExchangeScenario::kDrain, s.id.benchmark == "drain");
    } else if (const auto* l = std::get_if<OpenLoopLatencyConfig>(&s.config)) {
      EXPECT_EQ(s.id.benchmark, "latency");
      EXPECT_EQ(l->queue.producers, s.id.producers);
      EXPECT_EQ(l->queue.consumers, s.id.consumers);
      EXPECT_EQ(std::to_string(l->queue.capacity), param(s.id, "capacity"));
      EXPECT_EQ(std::string(to_string(l->queue.wait)), param(s.id, "wait"));
      EXPECT_EQ(std::to_string(l->load_pct), param(s.id, "load_pct"));
      EXPECT_EQ(l->queue.offered_per_second, 0);  // set at run time, from the saturation
    } else if (const auto* q = std::get_if<RankErrorConfig>(&s.config)) {
      EXPECT_EQ(s.id.benchmark, "quality");
      EXPECT_EQ(q->threads, s.id.threads);
      EXPECT_EQ(std::to_string(q->prefill), param(s.id, "prefill"));
      EXPECT_EQ(s.id.producers, 0);  // every thread both pushes and pops
    } else {
      EXPECT_EQ(s.id.benchmark, "pingpong");
      EXPECT_EQ(s.id.threads, 2);
    }
    EXPECT_EQ(s.id.params.front(), (std::pair<std::string, std::string>{"payload",
                                                                          std::to_string(s.payload)}));
  }
}

// Drain fills the queue before anyone pops: a bounded queue gets room for
// every item, so producers never wait for consumers.
TEST(QueuePlan, DrainHasRoomForEveryItem) {
  const QueueTraits bounded{.order = QueueOrder::kLifo, .capacity = QueueCapacity::kBounded};
  int drains = 0;
  for (const QueueScenario& s : queue_plan(two_cores(false), "q", bounded)) {
    if (s.id.benchmark != "drain") continue;
    ++drains;
    const auto& c = std::get<ProducerConsumerConfig>(s.config);
    EXPECT_EQ(c.capacity, c.items_per_producer * static_cast<uint64_t>(c.producers));
    EXPECT_EQ(s.payload, 8u);  // ordering is what it checks: one payload
  }
  EXPECT_GT(drains, 0);
}

TEST(QueuePlan, QuickIsSmallItemsNoDrainShorterEpisodes) {
  for (const QueueScenario& s : queue_plan(two_cores(true), "q", QueueTraits{})) {
    EXPECT_NE(s.id.benchmark, "drain");
    EXPECT_EQ(s.payload, 8u);
    if (const auto* c = std::get_if<ProducerConsumerConfig>(&s.config)) {
      EXPECT_EQ(c->items_per_producer, 1u << 13);
    } else if (const auto* p = std::get_if<QueuePingPongConfig>(&s.config)) {
      EXPECT_EQ(p->round_trips, 1u << 8);
    }
  }
}

// On the 2-core VM: 52 instances quick and 469 full before the latency
// benchmark, which adds one per queue and wait mode quick (26) and four
// loads of that full (104): its only shape there is 1:1. Then quality,
// for the four priority queues: quick at 2 threads (4), full at 1, 2, 3*
// (12).
TEST(QueuePlan, CountsOnTheTwoCoreMachine) {
  EXPECT_EQ(line_up_plan(two_cores(true)).size(), 52u + 26u + 4u);
  // Full: the whole grid at 1:1, a thinned one at the oversubscribed 3 (it
  // was 585 before grids were thinned past kFullGridWorkers).
  EXPECT_EQ(line_up_plan(two_cores(false)).size(), 322u);
}

// Quality (rank error) for priority queues alone, strict and relaxed: every
// ladder point in a full run (1 2 3* here), the largest point that fits in
// a quick one, compact's map only when quick; 8-byte items, no
// producer/consumer roles (every thread does both).
TEST(QueuePlan, QualityForPriorityQueuesOnly) {
  const QueueTraits fifo{.order = QueueOrder::kFifo};
  const QueueTraits strict{.order = QueueOrder::kPriority};
  const QueueTraits relaxed{.order = QueueOrder::kRelaxedPriority};
  auto quality_threads = [](const std::vector<QueueScenario>& plan) {
    std::set<int> threads;
    for (const QueueScenario& s : plan) {
      if (s.id.benchmark != "quality") continue;
      threads.insert(s.id.threads);
      EXPECT_EQ(s.payload, 8u);
      EXPECT_EQ(s.id.producers + s.id.consumers, 0);
      EXPECT_EQ(std::get<RankErrorConfig>(s.config).threads, s.id.threads);
    }
    return threads;
  };
  EXPECT_FALSE(measures_rank_error(fifo));
  EXPECT_TRUE(quality_threads(queue_plan(two_cores(false), "q", fifo)).empty());
  for (const QueueTraits& traits : {strict, relaxed}) {
    EXPECT_TRUE(measures_rank_error(traits));
    EXPECT_EQ(quality_threads(queue_plan(two_cores(false), "q", traits)), (std::set<int>{1, 2, 3}));
    EXPECT_EQ(quality_threads(queue_plan(two_cores(true), "q", traits)), (std::set<int>{2}));
    for (const QueueScenario& s : queue_plan(two_cores(true), "q", traits)) {
      if (s.id.benchmark == "quality") {
        EXPECT_EQ(s.id.placement, PlacementPolicy::kCompact);
      }
    }
  }
}

std::vector<const QueueScenario*> latency_entries(const std::vector<QueueScenario>& plan) {
  std::vector<const QueueScenario*> entries;
  for (const QueueScenario& s : plan)
    if (s.id.benchmark == "latency") entries.push_back(&s);
  return entries;
}

// Every queue gets a latency curve at each of its wait modes: 8-byte items,
// the quick run's capacity, loads 10/50/80/95% (quick: 50%), 10 ms of
// schedule per episode in both.
TEST(QueuePlan, LatencyCurvesForEveryQueueAndWaitMode) {
  for (bool quick : {false, true}) {
    SCOPED_TRACE(quick ? "quick" : "full");
    const std::vector<QueueScenario> plan = line_up_plan(two_cores(quick));
    const auto latency = latency_entries(plan);
    for (const Entry& e : line_up()) {
      for (WaitMode wait : wait_modes(e.traits)) {
        std::vector<int> loads;
        for (const QueueScenario* s : latency) {
          const auto& c = std::get<OpenLoopLatencyConfig>(s->config);
          if (s->id.impl != e.id || c.queue.wait != wait) continue;
          loads.push_back(c.load_pct);
          EXPECT_EQ(s->payload, 8u);
          EXPECT_EQ(s->id.family, queue_family(e.traits));
          EXPECT_EQ(c.queue.capacity, e.traits.can_be_unbounded() ? 0u : 65536u) << e.id;
          EXPECT_EQ(c.schedule, std::chrono::milliseconds(100));
          EXPECT_GE(c.min_items, 1000u);
        }
        EXPECT_EQ(loads, quick ? std::vector<int>{50} : (std::vector<int>{10, 50, 80, 95}))
            << e.id << " " << to_string(wait);
      }
    }
    EXPECT_EQ(latency_loads(quick), quick ? std::vector<int>{50} : (std::vector<int>{10, 50, 80, 95}));
  }
}

// 1:1, and in a full run the N:N of the largest ladder point that fits the
// machine where the traits allow it; never oversubscribed unless the
// machine has a single PU.
TEST(QueuePlan, LatencyShapes) {
  const QueueTraits mpmc{.concurrency = QueueConcurrency::kMpmc};
  const QueueTraits mpsc{.concurrency = QueueConcurrency::kMpsc};
  const QueueTraits spsc{.concurrency = QueueConcurrency::kSpsc};
  EXPECT_EQ(latency_shapes(smt(false), mpmc), (Shapes{{1, 1, false}, {8, 8, false}}));
  EXPECT_EQ(latency_shapes(smt(true), mpmc), (Shapes{{1, 1, false}}));
  EXPECT_EQ(latency_shapes(smt(false), mpsc), (Shapes{{1, 1, false}}));
  EXPECT_EQ(latency_shapes(smt(false), spsc), (Shapes{{1, 1, false}}));
  // Ladder 1 2 3*: the largest point that fits is 2, whose N:N is 1:1.
  EXPECT_EQ(latency_shapes(two_cores(false), mpmc), (Shapes{{1, 1, false}}));
  // Three cores (1 2 3 4*): 3 rounds down to 1:1 as well; four give 2:2.
  EXPECT_EQ(latency_shapes(plan_input("core:3 pu:1", false), mpmc), (Shapes{{1, 1, false}}));
  EXPECT_EQ(latency_shapes(plan_input("core:4 pu:1", false), mpmc),
            (Shapes{{1, 1, false}, {2, 2, false}}));
  EXPECT_EQ(latency_shapes(plan_input("core:1 pu:1", false), mpmc), (Shapes{{1, 1, true}}));
  // The plan runs exactly these shapes, in compact's map alone when quick.
  for (bool quick : {false, true}) {
    const PlanInput input = smt(quick);
    std::set<std::string> shapes, placements;
    for (const QueueScenario* s : latency_entries(queue_plan(input, "q", mpmc))) {
      shapes.insert(std::to_string(s->id.producers) + ":" + std::to_string(s->id.consumers));
      placements.insert(std::string(to_string(s->id.placement)));
    }
    EXPECT_EQ(shapes, quick ? (std::set<std::string>{"1:1"}) : (std::set<std::string>{"1:1", "8:8"}));
    if (quick) {
      EXPECT_EQ(placements, std::set<std::string>{"compact"});
    }
  }
}

TEST(QueuePlan, CapacitiesFollowTheCapacityTrait) {
  const QueueTraits unbounded{.capacity = QueueCapacity::kUnbounded};
  const QueueTraits bounded{.capacity = QueueCapacity::kBounded};
  const QueueTraits optional{.capacity = QueueCapacity::kOptional};
  using Sizes = std::vector<size_t>;
  EXPECT_EQ(stream_capacities(unbounded, false), (Sizes{0}));
  EXPECT_EQ(stream_capacities(bounded, false), (Sizes{64, 65536}));
  EXPECT_EQ(stream_capacities(optional, false), (Sizes{0, 64, 65536}));
  EXPECT_EQ(stream_capacities(unbounded, true), (Sizes{0}));
  EXPECT_EQ(stream_capacities(bounded, true), (Sizes{65536}));
  EXPECT_EQ(stream_capacities(optional, true), (Sizes{0}));
  EXPECT_EQ(pingpong_capacity(bounded), 64u);
  EXPECT_EQ(pingpong_capacity(optional), 0u);
}

TEST(QueuePlan, BlockingQueuesAlsoRunBlockingWaits) {
  for (const Entry& e : line_up()) {
    const auto modes = wait_modes(e.traits);
    EXPECT_EQ(modes.front(), WaitMode::kSpin) << e.id;
    EXPECT_EQ(modes.size(), e.traits.blocking ? 2u : 1u) << e.id;
  }
  EXPECT_EQ(to_string(WaitMode::kSpin), "spin");
  EXPECT_EQ(to_string(WaitMode::kBlock), "block");
}

TEST(QueueItem, WordsRoundTripAndOrderByKey) {
  for (uint32_t p : {0u, 1u, 17u, kMaxProducers - 1}) {
    for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{12345}, kMaxItemsPerProducer - 1}) {
      const uint64_t word = make_item_word(p, seq);
      EXPECT_EQ(item_producer(word), p);
      EXPECT_EQ(item_seq(word), seq);
      EXPECT_NE(word, kStopWord);
    }
  }
  // Keys are scattered: consecutive items of one producer do not sort in
  // sequence order (else a priority queue would degenerate into a FIFO).
  int inversions = 0;
  for (uint64_t seq = 0; seq + 1 < 1000; ++seq)
    inversions += make_item_word(0, seq + 1) < make_item_word(0, seq);
  EXPECT_GT(inversions, 300);
  EXPECT_LT(inversions, 700);
  QueueItem<64> a, b;
  a.word = 1;
  b.word = 2;
  EXPECT_LT(a, b);
  EXPECT_EQ(sizeof(QueueItem<8>), 8u);
  EXPECT_EQ(sizeof(QueueItem<64>), 64u);
}

}  // namespace
}  // namespace contend
