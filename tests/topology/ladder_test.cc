#include "contend/topology/ladder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

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
            (Rungs{{1, false}, {2, false}, {6, false}, {7, true}}));
}

// Boundaries: 1, a core's 2 PUs, a NUMA node's 8 cores, a package's 16,
// all 32 cores, all 64 PUs; every step at most 4 apart already.
TEST(Ladder, SmtAddsAllPusThenOversubscribesPastThem) {
  EXPECT_EQ(rungs(Topology::synthetic("pack:2 numa:2 core:8 pu:2")),
            (Rungs{{1, false}, {2, false}, {8, false}, {16, false}, {32, false},
                   {64, false}, {65, true}}));
}

TEST(Ladder, FollowsARestrictedCpuset) {
  Topology t = Topology::synthetic("core:8 pu:1").restricted_to("0-2");
  EXPECT_EQ(rungs(t), (Rungs{{1, false}, {3, false}, {4, true}}));
}

// One L3 of 16 cores has no boundary between 1 and 16: a geometric middle,
// and from 4 workers up a gap of exactly 4x gets one too (4 to 16: 8; 1 to
// 4 does not, where a point costs a whole grid).
TEST(Ladder, FillsAWideGapGeometrically) {
  EXPECT_EQ(rungs(Topology::synthetic("pack:1 l3:1 core:16 pu:1")),
            (Rungs{{1, false}, {4, false}, {8, false}, {16, false}, {17, true}}));
  EXPECT_EQ(rungs(Topology::synthetic("core:128 pu:1")),
            (Rungs{{1, false}, {2, false}, {8, false}, {16, false}, {32, false}, {64, false},
                   {128, false}, {129, true}}));
}

// The points between boundaries are for a curve's shape: one placement.
TEST(Ladder, FillerPointsAreNotBoundaries) {
  const Topology t = Topology::synthetic("pack:1 l3:1 core:16 pu:1");
  EXPECT_TRUE(is_ladder_boundary(t, 1));
  EXPECT_TRUE(is_ladder_boundary(t, 16));
  EXPECT_FALSE(is_ladder_boundary(t, 4));
  EXPECT_FALSE(is_ladder_boundary(t, 8));
  EXPECT_FALSE(is_ladder_boundary(t, 17));
}

TEST(Ladder, EveryBoundaryIsAPointAndNoStepIsWiderThanTheRatio) {
  for (const char* machine : {"pack:2 l3:8 core:8 pu:1", "pack:2 numa:2 l3:2 core:10 pu:2",
                              "pack:4 core:3 pu:4", "core:1 pu:1", "pack:2 l3:3 core:7 pu:1"}) {
    const Topology t = Topology::synthetic(machine);
    const std::vector<LadderPoint> ladder = build_ladder(t);
    std::vector<int> workers;
    for (const LadderPoint& p : ladder) workers.push_back(p.workers);
    for (int mark : ladder_boundaries(t))
      EXPECT_NE(std::find(workers.begin(), workers.end(), mark), workers.end()) << machine << " " << mark;
    for (size_t i = 1; i + 1 < ladder.size(); ++i) {
      EXPECT_LT(ladder[i - 1].workers, ladder[i].workers) << machine;
      EXPECT_LE(ladder[i].workers, ladder[i - 1].workers * kMaxLadderRatio) << machine;
    }
    EXPECT_EQ(ladder.back().workers, t.pu_count() + 1) << machine;
    EXPECT_TRUE(ladder.back().oversubscribed) << machine;
  }
}

}  // namespace
}  // namespace contend
