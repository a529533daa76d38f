#include "contend/topology/ladder.h"

#include <gtest/gtest.h>

namespace contend {
namespace {

std::vector<std::pair<int, bool>> rungs(const Topology& t) {
  std::vector<std::pair<int, bool>> out;
  for (const LadderPoint& p : build_ladder(t)) out.emplace_back(p.workers, p.oversubscribed);
  return out;
}

using Rungs = std::vector<std::pair<int, bool>>;

TEST(Ladder, OneCore) {
  EXPECT_EQ(rungs(Topology::synthetic("core:1 pu:1")), (Rungs{{1, false}, {2, true}}));
}

TEST(Ladder, TwoCores) {
  EXPECT_EQ(rungs(Topology::synthetic("core:2 pu:1")),
            (Rungs{{1, false}, {2, false}, {3, true}}));
}

TEST(Ladder, IncludesTheExactCoreCount) {
  EXPECT_EQ(rungs(Topology::synthetic("core:6 pu:1")),
            (Rungs{{1, false}, {2, false}, {4, false}, {6, false}, {7, true}}));
}

TEST(Ladder, SmtAddsAllPusThenOversubscribesPastThem) {
  EXPECT_EQ(rungs(Topology::synthetic("pack:2 numa:2 core:8 pu:2")),
            (Rungs{{1, false}, {2, false}, {4, false}, {8, false}, {16, false},
                   {32, false}, {64, false}, {65, true}}));
}

TEST(Ladder, FollowsARestrictedCpuset) {
  Topology t = Topology::synthetic("core:8 pu:1").restricted_to("0-2");
  EXPECT_EQ(rungs(t), (Rungs{{1, false}, {2, false}, {3, false}, {4, true}}));
}

}  // namespace
}  // namespace contend
