// The fan-out work: any split covers the range exactly once, so the parts
// always add up to the same known total.
#include "contend/fanout/hash_work.h"

#include <gtest/gtest.h>

namespace contend {
namespace {

TEST(HashWork, SplitsCoverTheRangeContiguouslyAndEvenly) {
  for (uint64_t total : {0ull, 1ull, 7ull, 1000ull, 1000003ull}) {
    for (int parts = 1; parts <= 9; ++parts) {
      uint64_t next = 0, smallest = ~0ull, largest = 0;
      for (int i = 0; i < parts; ++i) {
        const WorkRange r = split_work(total, parts, i);
        ASSERT_EQ(r.begin, next) << total << "/" << parts << " part " << i;
        next = r.end;
        smallest = std::min(smallest, r.size());
        largest = std::max(largest, r.size());
      }
      EXPECT_EQ(next, total);
      EXPECT_LE(largest - smallest, 1u);
    }
  }
}

TEST(HashWork, PartsAddUpToTheWholeForAnySplit) {
  constexpr uint64_t kTotal = 100003;
  const uint64_t whole = hash_sum(0, kTotal);
  EXPECT_EQ(expected_hash_sum(kTotal), whole);
  EXPECT_EQ(expected_hash_sum(kTotal), whole);  // remembered, same answer
  for (int parts : {1, 2, 3, 8}) {
    uint64_t sum = 0;
    for (int i = 0; i < parts; ++i) {
      const WorkRange r = split_work(kTotal, parts, i);
      sum += hash_sum(r.begin, r.end);
    }
    EXPECT_EQ(sum, whole) << parts << " parts";
  }
  EXPECT_NE(hash_sum(0, kTotal), hash_sum(1, kTotal + 1));  // the range matters
}

}  // namespace
}  // namespace contend
