// The plan on real machines' topologies (tests/data/topologies, hwloc XML
// made by hwloc's own tools from its test suite's dumps): the ladder at the
// machine's boundaries, and placements that see its packages and L3s.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "contend/topology/ladder.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend {
namespace {

Topology real(const char* file) {
  return Topology::emulate(std::string(CONTEND_TOPOLOGY_DIR) + "/" + file);
}

std::vector<int> workers_of(const Topology& t) {
  std::vector<int> out;
  for (const LadderPoint& p : build_ladder(t)) out.push_back(p.workers);
  return out;
}

template <class Field>
std::set<int> groups(const std::vector<Place>& places, Field field) {
  std::set<int> out;
  for (const Place& p : places) out.insert(p.*field);
  return out;
}

constexpr const char* kEpyc = "AMD-19h-Zen3-2xEpyc-7763.xml";
constexpr const char* kXeon = "Intel-CascadeLake-2xXeon6230.xml";
constexpr const char* kArm = "ARM-128-2pa2n8cluster4co.xml";
constexpr const char* kArrowLake = "Intel-ArrowLake-CoreUltra5-225U.xml";

TEST(RealTopologies, TheyLoadWithTheirShape) {
  const Topology epyc = real(kEpyc);
  EXPECT_EQ(epyc.pu_count(), 128);
  EXPECT_EQ(epyc.package_count(), 2);
  EXPECT_EQ(epyc.l3_count(), 16);
  const Topology xeon = real(kXeon);
  EXPECT_EQ(xeon.pu_count(), 80);
  EXPECT_TRUE(xeon.smt());
  const Topology arm = real(kArm);
  EXPECT_EQ(arm.numa_count(), 4);
  EXPECT_EQ(arm.core_count(), 128);
  const Topology laptop = real(kArrowLake);
  EXPECT_EQ(laptop.pu_count(), 14);
  EXPECT_EQ(laptop.core_count(), 12);
}

// 1, an L3's 8 cores, a package's 64, all 128 cores; 2 and 16 fill the gaps.
TEST(RealTopologies, EpycLadderStopsAtItsBoundaries) {
  EXPECT_EQ(workers_of(real(kEpyc)), (std::vector<int>{1, 2, 8, 16, 64, 128, 129}));
}

// 1, a core's 2 PUs, a package (= its L3) of 20 cores, 40 cores, 80 PUs.
TEST(RealTopologies, XeonLadderStopsAtItsBoundaries) {
  EXPECT_EQ(workers_of(real(kXeon)), (std::vector<int>{1, 2, 4, 8, 20, 40, 80, 81}));
}

// 1, an L3 (= a NUMA node) of 32 cores, a package's 64, all 128.
TEST(RealTopologies, ArmLadderStopsAtItsBoundaries) {
  EXPECT_EQ(workers_of(real(kArm)), (std::vector<int>{1, 4, 8, 32, 64, 128, 129}));
}

TEST(RealTopologies, HybridLadderReachesCoresThenPus) {
  EXPECT_EQ(workers_of(real(kArrowLake)), (std::vector<int>{1, 2, 4, 12, 14, 15}));
}

// Compact fills one L3 before the next; scatter reaches both packages at
// two workers and every L3 by sixteen.
TEST(RealTopologies, EpycPlacementsSeeL3sAndPackages) {
  const Topology epyc = real(kEpyc);
  const std::vector<Place> compact = place_workers(epyc, PlacementPolicy::kCompact, 8);
  EXPECT_EQ(groups(compact, &Place::l3).size(), 1u);
  const std::vector<Place> scatter2 = place_workers(epyc, PlacementPolicy::kScatter, 2);
  EXPECT_EQ(groups(scatter2, &Place::package).size(), 2u);
  const std::vector<Place> scatter16 = place_workers(epyc, PlacementPolicy::kScatter, 16);
  EXPECT_EQ(groups(scatter16, &Place::l3).size(), 16u);
  EXPECT_EQ(distinct_placements(epyc, 8).size(), 2u);
}

TEST(RealTopologies, XeonUsesSiblingsOnlyPastTheCores) {
  const Topology xeon = real(kXeon);
  for (PlacementPolicy policy : kAllPlacements) {
    const std::vector<Place> at_cores = place_workers(xeon, policy, 40);
    EXPECT_EQ(groups(at_cores, &Place::core).size(), 40u);
    const std::vector<Place> at_pus = place_workers(xeon, policy, 80);
    EXPECT_EQ(groups(at_pus, &Place::pu).size(), 80u);
  }
}

}  // namespace
}  // namespace contend
