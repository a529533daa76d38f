#include "contend/topology/placement.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace contend {
namespace {

const Topology& big_machine() {  // 2 packages x 2 L3 x 8 cores x 2 PUs
  static const Topology t = Topology::synthetic("pack:2 l3:2 core:8 pu:2");
  return t;
}

TEST(Placement, CompactFillsOneL3ThenOnePackageFirst) {
  auto places = place_workers(big_machine(), PlacementPolicy::kCompact, 16);
  for (int w = 0; w < 8; ++w) EXPECT_EQ(places[w].l3, 0) << "worker " << w;
  for (int w = 8; w < 16; ++w) EXPECT_EQ(places[w].l3, 1) << "worker " << w;
  for (const Place& p : places) EXPECT_EQ(p.package, 0);
}

TEST(Placement, ScatterAlternatesPackagesThenL3s) {
  auto places = place_workers(big_machine(), PlacementPolicy::kScatter, 4);
  EXPECT_EQ(places[0].package, 0);
  EXPECT_EQ(places[1].package, 1);
  std::set<int> l3s;
  for (const Place& p : places) l3s.insert(p.l3);
  EXPECT_EQ(l3s.size(), 4u);  // four workers, four different L3s
}

TEST(Placement, ScatterBalancesEveryPrefix) {
  auto places = place_workers(big_machine(), PlacementPolicy::kScatter, 32);
  for (int n = 2; n <= 32; n += 2) {
    int on_package_0 = 0;
    for (int w = 0; w < n; ++w) on_package_0 += places[w].package == 0;
    EXPECT_EQ(on_package_0, n / 2) << "first " << n << " workers";
  }
}

TEST(Placement, EveryCoreGetsAWorkerBeforeAnySmtSibling) {
  for (PlacementPolicy policy : kAllPlacements) {
    auto places = place_workers(big_machine(), policy, 64);
    std::set<int> cores, pus;
    for (int w = 0; w < 32; ++w) cores.insert(places[w].core);
    for (const Place& p : places) pus.insert(p.pu);
    EXPECT_EQ(cores.size(), 32u) << to_string(policy);
    EXPECT_EQ(pus.size(), 64u) << to_string(policy);
  }
}

TEST(Placement, OversubscriptionWrapsAround) {
  auto places = place_workers(big_machine(), PlacementPolicy::kCompact, 65);
  EXPECT_EQ(places[64].pu, places[0].pu);
  EXPECT_EQ(places[64].worker, 64);
}

TEST(Placement, RespectsARestrictedCpuset) {
  Topology t = big_machine().restricted_to("16-23,40");
  for (PlacementPolicy policy : kAllPlacements) {
    for (const Place& p : place_workers(t, policy, 10)) {
      bool allowed = (p.pu >= 16 && p.pu <= 23) || p.pu == 40;
      EXPECT_TRUE(allowed) << "PU " << p.pu;
    }
  }
}

TEST(Placement, SmallMachines) {
  auto one = place_workers(Topology::synthetic("core:1 pu:1"), PlacementPolicy::kScatter, 2);
  EXPECT_EQ(one[0].pu, 0);
  EXPECT_EQ(one[1].pu, 0);
  auto two = place_workers(Topology::synthetic("core:2 pu:1"), PlacementPolicy::kCompact, 2);
  EXPECT_NE(two[0].pu, two[1].pu);
}

// Policies in one entry, "+"-joined, one string per distinct map.
std::vector<std::string> coverage(const Topology& t, int workers) {
  std::vector<std::string> out;
  for (const DistinctPlacement& d : distinct_placements(t, workers))
    out.push_back(join_placements(d.covers, "+"));
  return out;
}

using Maps = std::vector<std::string>;

TEST(DistinctPlacements, OneL3WithoutSmtIsOneMapAtEveryCount) {
  Topology t = Topology::synthetic("core:16 pu:1");
  for (int workers = 1; workers <= 17; ++workers) {
    auto distinct = distinct_placements(t, workers);
    ASSERT_EQ(distinct.size(), 1u) << workers << " workers";
    EXPECT_EQ(distinct[0].canonical, PlacementPolicy::kCompact);
    EXPECT_EQ(join_placements(distinct[0].covers, "+"), "compact+scatter");
  }
}

TEST(DistinctPlacements, OneCorePerL3CoincidesToo) {  // like the 2-core VM
  Topology t = Topology::synthetic("l3:2 core:1 pu:1");
  for (int workers = 1; workers <= 3; ++workers)
    EXPECT_EQ(coverage(t, workers), Maps{"compact+scatter"}) << workers << " workers";
}

TEST(DistinctPlacements, TwoPackagesDifferPastOneWorker) {
  Topology t = Topology::synthetic("pack:2 core:8 pu:1");
  EXPECT_EQ(coverage(t, 1), Maps{"compact+scatter"});
  for (int workers = 2; workers <= 15; ++workers)
    EXPECT_EQ(coverage(t, workers), (Maps{"compact", "scatter"})) << workers << " workers";
}

TEST(DistinctPlacements, SamePusInAnotherOrderAreAnotherMap) {
  // At the full core count both use every PU, but worker i sits elsewhere.
  Topology t = Topology::synthetic("pack:2 core:8 pu:1");
  EXPECT_EQ(coverage(t, 16), (Maps{"compact", "scatter"}));
  EXPECT_EQ(coverage(t, 17), (Maps{"compact", "scatter"}));  // oversubscribed
}

TEST(DistinctPlacements, EntriesCarryTheirMap) {
  for (const DistinctPlacement& d : distinct_placements(big_machine(), 4)) {
    auto expected = place_workers(big_machine(), d.canonical, 4);
    ASSERT_EQ(d.places.size(), expected.size());
    for (size_t w = 0; w < expected.size(); ++w) EXPECT_EQ(d.places[w].pu, expected[w].pu);
  }
}

TEST(DistinctPlacements, LookupByCanonicalPolicy) {
  Topology one_l3 = Topology::synthetic("core:4 pu:1");
  auto compact = distinct_placement(one_l3, PlacementPolicy::kCompact, 2);
  ASSERT_TRUE(compact.has_value());
  EXPECT_EQ(join_placements(compact->covers, "+"), "compact+scatter");
  EXPECT_FALSE(distinct_placement(one_l3, PlacementPolicy::kScatter, 2).has_value());

  auto scatter = distinct_placement(big_machine(), PlacementPolicy::kScatter, 2);
  ASSERT_TRUE(scatter.has_value());
  EXPECT_EQ(join_placements(scatter->covers, "+"), "scatter");
}

TEST(Placement, BadInput) {
  EXPECT_THROW(parse_placement("spread"), std::invalid_argument);
  EXPECT_EQ(parse_placement("scatter"), PlacementPolicy::kScatter);
  EXPECT_THROW(place_workers(big_machine(), PlacementPolicy::kCompact, 0), std::invalid_argument);
}

}  // namespace
}  // namespace contend
