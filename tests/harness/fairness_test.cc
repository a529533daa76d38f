#include "contend/harness/fairness.h"

#include <gtest/gtest.h>

#include <vector>

namespace contend {
namespace {

TEST(JainIndex, EvenWorkIsPerfectlyFair) {
  std::vector<uint64_t> even{5, 5, 5, 5};
  EXPECT_DOUBLE_EQ(jain_index(even), 1.0);
}

TEST(JainIndex, OneWorkerDoingEverythingIsOneOverN) {
  std::vector<uint64_t> hog{100, 0, 0, 0};
  EXPECT_DOUBLE_EQ(jain_index(hog), 0.25);
}

TEST(JainIndex, InBetween) {
  std::vector<uint64_t> counts{1, 3};  // 16 / (2 * 10)
  EXPECT_DOUBLE_EQ(jain_index(counts), 0.8);
}

TEST(JainIndex, NoWorkIsNotUnfair) {
  std::vector<uint64_t> none{0, 0};
  EXPECT_DOUBLE_EQ(jain_index(none), 1.0);
  EXPECT_DOUBLE_EQ(jain_index({}), 1.0);
}

}  // namespace
}  // namespace contend
