// Rank errors: the replay on hand-made logs whose ranks are known, checked
// against a brute-force count on random logs; and the quality workload's
// judge, which must pass every priority queue and catch a queue that
// loses or duplicates items.
#include "contend/queue/rank_error.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "contend/queue/queue_item.h"
#include "contend/queue/queue_list.h"
#include "contend/queue/rank_error_workload.h"
#include "faulty_queue.h"
#include "queue_test_types.h"
#include "support/sanitizer.h"
#include "workload_episodes.h"

namespace contend {
namespace {

RankEvent push(int64_t ns, uint64_t key) { return {ns, key, false}; }
RankEvent pop(int64_t ns, uint64_t key) { return {ns, key, true}; }

TEST(RankError, KnownRanksOfAHandMadeLog) {
  // Present {3, 5, 8}: popping 8 has rank 2, then 3 rank 0, then 5 rank 0.
  const RankErrors r = replay_rank_errors(
      {push(1, 5), push(2, 3), push(3, 8), pop(4, 8), pop(5, 3), pop(6, 5)});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.pops, 3u);
  EXPECT_EQ(r.sum, 2u);
  EXPECT_EQ(r.max, 2u);
  EXPECT_DOUBLE_EQ(r.mean(), 2.0 / 3.0);
}

TEST(RankError, OnlyKeysPresentAtThePopCount) {
  // 1 is popped before 9 is pushed; 2 arrives after 7's pop: 7 has rank 0
  // (only 9 and 7 are present then), 9 rank 1 (2 arrived), 2 rank 0.
  const RankErrors r = replay_rank_errors(
      {push(1, 1), pop(2, 1), push(3, 9), push(4, 7), pop(5, 7), push(6, 2), pop(7, 9), pop(8, 2)});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.pops, 4u);
  EXPECT_EQ(r.sum, 1u);
  EXPECT_EQ(r.max, 1u);
}

// Per-thread logs arrive concatenated, not in time order; on a tie a push
// goes first (a push is stamped before its call, a pop after its return).
TEST(RankError, EventsAreReplayedByStampPushesFirstOnATie) {
  const RankErrors r = replay_rank_errors({pop(10, 4), push(10, 4), push(5, 6), pop(20, 6)});
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.pops, 2u);
  EXPECT_EQ(r.sum, 0u);
  // 4 popped at 10 while 6 (pushed at 5) was present: rank 0, as 4 < 6.
  const RankErrors later = replay_rank_errors({pop(10, 6), push(10, 4), push(5, 6), pop(20, 4)});
  EXPECT_EQ(later.sum, 1u);  // 6 popped while 4 was there
}

TEST(RankError, ALogNoQueueCouldWriteIsAnError) {
  EXPECT_NE(replay_rank_errors({push(1, 3), pop(2, 4)}).error.find("not in the queue"),
            std::string::npos);
  EXPECT_NE(replay_rank_errors({push(1, 3), pop(2, 3), pop(3, 3)}).error.find("not in the queue"),
            std::string::npos);
  EXPECT_NE(replay_rank_errors({push(2, 3), pop(1, 3)}).error.find("not in the queue"),
            std::string::npos);
  EXPECT_NE(replay_rank_errors({push(1, 3), push(2, 3)}).error.find("pushed twice"),
            std::string::npos);
}

TEST(RankError, ReportsWhatIsLeft) {
  std::vector<uint64_t> left;
  const RankErrors r = replay_rank_errors({push(1, 30), push(2, 10), push(3, 20), pop(4, 20)}, &left);
  EXPECT_EQ(r.sum, 1u);
  EXPECT_EQ(left, (std::vector<uint64_t>{10, 30}));
}

TEST(RankError, EpisodesAddUp) {
  RankErrors total;
  total.add(RankErrors{.pops = 2, .sum = 3, .max = 2});
  total.add(RankErrors{.pops = 4, .sum = 3, .max = 1});
  EXPECT_EQ(total.pops, 6u);
  EXPECT_EQ(total.max, 2u);
  EXPECT_DOUBLE_EQ(total.mean(), 1.0);
  EXPECT_EQ(RankErrors{}.mean(), 0.0);
}

// Random logs of a random relaxed queue (pops take any present key) against
// a brute-force count over a std::set.
TEST(RankError, MatchesABruteForceCountOnRandomLogs) {
  std::mt19937_64 random(12345);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<RankEvent> events;
    std::set<uint64_t> present;
    uint64_t sum = 0, max = 0, pops = 0;
    int64_t now = 0;
    for (int step = 0; step < 2000; ++step) {
      now += static_cast<int64_t>(random() % 3);  // pushes may tie
      if (present.empty() || random() % 2 == 0) {
        uint64_t key = random();
        while (present.count(key)) key = random();
        present.insert(key);
        events.push_back(push(now, key));
      } else {
        auto it = present.begin();
        std::advance(it, static_cast<long>(random() % std::min<size_t>(present.size(), 20)));
        const auto rank = static_cast<uint64_t>(std::distance(present.begin(), it));
        sum += rank;
        max = std::max(max, rank);
        ++pops;
        // Strictly after the pushes before it and before those after it:
        // a push tied with a pop replays first, as it would have happened.
        events.push_back(pop(now + 1, *it));
        now += 2;
        present.erase(it);
      }
    }
    std::shuffle(events.begin(), events.end(), random);
    const RankErrors r = replay_rank_errors(events);
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.pops, pops);
    EXPECT_EQ(r.sum, sum);
    EXPECT_EQ(r.max, max);
  }
}

// --- The quality workload, on every priority queue and on broken ones. ----

template <class Kind>
struct MeasuresRankError
    : std::bool_constant<Kind::traits.order == QueueOrder::kPriority ||
                         Kind::traits.order == QueueOrder::kRelaxedPriority> {};
using PriorityQueueTypes =
    GtestTypes<FilterKinds<MeasuresRankError, AllQueueKinds>::type>::type;

template <class Kind>
class QualityEpisodes : public ::testing::Test {};
TYPED_TEST_SUITE(QualityEpisodes, PriorityQueueTypes);

constexpr uint64_t kOps = testing_support::scaled_for_tsan<uint64_t>(4096, 1024);

// Two threads pushing and popping, twice as many as... the cores: each
// episode passes its judge and every pop gets a rank.
TYPED_TEST(QualityEpisodes, PassTheirJudgeAndRankEveryPop) {
  using Q = typename TypeParam::template queue<QueueItem<8>>;
  RankErrorWorkload<Q> workload(RankErrorConfig{.threads = 2, .prefill = 1024, .ops_per_thread = kOps});
  const EpisodeVerdict verdict = run_episodes_of(workload, 2, 2);
  EXPECT_EQ(verdict.error, "");
  EXPECT_EQ(verdict.items, 2 * kOps);
  EXPECT_EQ(workload.rank_errors().pops, 2 * 2 * kOps);
  // Not a bound on quality (that is measured): only that a rank is a count
  // of present keys, which never exceeds the queue's size.
  EXPECT_LE(workload.rank_errors().max, 1024u + 2u);
}

TEST(QualityJudge, RefusesWhatItCannotMeasure) {
  using Fifo = MutexDeque<QueueItem<8>>;
  EXPECT_THROW(RankErrorWorkload<Fifo>(RankErrorConfig{}), std::invalid_argument);
  using Strict = MutexPriorityQueue<QueueItem<8>>;
  EXPECT_THROW(RankErrorWorkload<Strict>(RankErrorConfig{.threads = 4, .prefill = 4}),
               std::invalid_argument);
  EXPECT_THROW(RankErrorWorkload<Strict>(RankErrorConfig{.threads = 0}), std::invalid_argument);
}

template <Fault F>
EpisodeVerdict run_faulty_quality() {
  // A deque posing as a relaxed priority queue: its order is what quality
  // measures, not judges; what it loses or duplicates is judged.
  using Q = FaultyQueue<QueueItem<8>, F, QueueOrder::kRelaxedPriority>;
  RankErrorWorkload<Q> workload(
      RankErrorConfig{.threads = 1, .prefill = 500, .ops_per_thread = 1000});
  return run_episodes_of(workload, 1, 1);
}

TEST(QualityJudge, AnHonestQueueOfAnyOrderPasses) {
  EXPECT_EQ(run_faulty_quality<Fault::kNone>().error, "");
  EXPECT_EQ(run_faulty_quality<Fault::kReorder>().error, "");
}

TEST(QualityJudge, LostItemsAreAnError) {
  const EpisodeVerdict v = run_faulty_quality<Fault::kLose>();
  EXPECT_NE(v.error.find("lost or invented"), std::string::npos) << v.error;
  EXPECT_GT(v.lost, 0);
}

TEST(QualityJudge, DuplicatedItemsAreAnError) {
  const EpisodeVerdict v = run_faulty_quality<Fault::kDuplicate>();
  EXPECT_NE(v.error.find("not in the queue"), std::string::npos) << v.error;
}

TEST(QualityJudge, CorruptedItemsAreAnError) {
  const EpisodeVerdict v = run_faulty_quality<Fault::kCorrupt>();
  EXPECT_NE(v.error.find("not in the queue"), std::string::npos) << v.error;
}

}  // namespace
}  // namespace contend
