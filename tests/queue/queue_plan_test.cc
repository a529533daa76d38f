// The queue line-up and what bench_queue derives from it: ids, traits,
// families, shapes per ladder, capacities, wait modes; the item encoding
// and the latency percentiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "contend/queue/queue_item.h"
#include "contend/queue/queue_list.h"
#include "contend/queue/queue_scenarios.h"

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
      "moodycamel_blocking", "tbb_queue", "tbb_bounded_queue",                        // fifo
      "mutex_vector", "blocking_lifo", "boost_lockfree_stack",                        // lifo
      "mutex_priority_queue", "blocking_priority", "tbb_priority_queue",              // priority
      "boost_spsc_queue", "moodycamel_rwqueue"};                                      // spsc
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
      EXPECT_EQ(family, e.traits.order == QueueOrder::kNone ? "fifo" : to_string(e.traits.order))
          << e.id;
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

std::vector<LadderPoint> two_core_ladder() { return {{1, false}, {2, false}, {3, true}}; }
std::vector<LadderPoint> smt_ladder() {  // 8 cores, 16 PUs
  return {{1, false}, {2, false}, {4, false}, {8, false}, {16, false}, {17, true}};
}

using Shapes = std::vector<QueueShape>;

TEST(QueueScenarios, ShapesOnTwoCores) {
  const QueueTraits mpmc{.concurrency = QueueConcurrency::kMpmc};
  EXPECT_EQ(queue_shapes(two_core_ladder(), mpmc, false),
            (Shapes{{1, 1, false}, {1, 2, true}, {2, 1, true}, {2, 2, true}}));
  EXPECT_EQ(queue_shapes(two_core_ladder(), mpmc, true), (Shapes{{1, 1, false}}));
}

TEST(QueueScenarios, ShapesRespectConcurrency) {
  const QueueTraits spsc{.concurrency = QueueConcurrency::kSpsc};
  const QueueTraits mpsc{.concurrency = QueueConcurrency::kMpsc};
  for (bool quick : {false, true}) {
    EXPECT_EQ(queue_shapes(smt_ladder(), spsc, quick), (Shapes{{1, 1, false}}));
    for (const QueueShape& s : queue_shapes(smt_ladder(), mpsc, quick)) EXPECT_EQ(s.consumers, 1);
  }
  EXPECT_EQ(queue_shapes(two_core_ladder(), mpsc, false), (Shapes{{1, 1, false}, {2, 1, true}}));
}

TEST(QueueScenarios, ShapesFillEachLadderPoint) {
  const QueueTraits mpmc{.concurrency = QueueConcurrency::kMpmc};
  const Shapes full = queue_shapes(smt_ladder(), mpmc, false);
  const Shapes quick = queue_shapes(smt_ladder(), mpmc, true);
  for (const QueueShape& s : full) {
    // Within the hardware unless marked oversubscribed, and then beyond it.
    EXPECT_EQ(s.oversubscribed, s.threads() > 16) << s.producers << ":" << s.consumers;
  }
  EXPECT_NE(std::find(full.begin(), full.end(), QueueShape{1, 15, false}), full.end());
  EXPECT_NE(std::find(full.begin(), full.end(), QueueShape{15, 1, false}), full.end());
  EXPECT_NE(std::find(full.begin(), full.end(), QueueShape{8, 8, false}), full.end());
  EXPECT_NE(std::find(full.begin(), full.end(), QueueShape{9, 9, true}), full.end());
  EXPECT_EQ(quick, (Shapes{{1, 1, false}, {2, 2, false}, {4, 4, false}, {8, 8, false}}));
  for (const QueueShape& s : quick) EXPECT_NE(std::find(full.begin(), full.end(), s), full.end());
  // A single-core machine still gets its (oversubscribed) 1:1.
  EXPECT_EQ(queue_shapes({{1, false}, {2, true}}, mpmc, true), (Shapes{{1, 1, true}}));
}

TEST(QueueScenarios, CapacitiesFollowTheCapacityTrait) {
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

TEST(QueueScenarios, BlockingQueuesAlsoRunBlockingWaits) {
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
