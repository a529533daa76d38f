// The plan on real machines' topologies (tests/data/topologies, hwloc XML
// made by hwloc's own tools from its test suite's dumps): the ladder at the
// machine's boundaries, and placements that see its packages and L3s.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
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

// 1, an L3's 8 cores, a package's 64, all 128 cores; 2, 16 and 32 fill
// the gaps: 8 points.
TEST(RealTopologies, EpycLadderStopsAtItsBoundaries) {
  EXPECT_EQ(workers_of(real(kEpyc)), (std::vector<int>{1, 2, 8, 16, 32, 64, 128, 129}));
}

// 1, a core's 2 PUs, a package (= its L3) of 20 cores, 40 cores, 80 PUs.
TEST(RealTopologies, XeonLadderStopsAtItsBoundaries) {
  EXPECT_EQ(workers_of(real(kXeon)), (std::vector<int>{1, 2, 4, 8, 20, 40, 80, 81}));
}

// 1, an L3 (= a NUMA node) of 32 cores, a package's 64, all 128; 4, 8
// and 16 fill the gaps: 8 points.
TEST(RealTopologies, ArmLadderStopsAtItsBoundaries) {
  EXPECT_EQ(workers_of(real(kArm)), (std::vector<int>{1, 4, 8, 16, 32, 64, 128, 129}));
}

// 10 is the L3's cores: the two low-power E-cores have no L3 (their own
// no-L3 group), so the L3 ends before the package does.
TEST(RealTopologies, HybridLadderReachesCoresThenPus) {
  EXPECT_EQ(workers_of(real(kArrowLake)), (std::vector<int>{1, 2, 4, 10, 12, 14, 15}));
}

// The low-power E-cores (PUs 12, 13) have no L3: they get an L3 id of their
// own, after the real L3's, and do not pass for sharing it (compact and
// scatter then differ: scatter reaches the no-L3 group at two workers).
TEST(RealTopologies, CoresWithoutAnL3ShareNoL3WithTheOthers) {
  const Topology laptop = real(kArrowLake);
  EXPECT_EQ(laptop.l3_count(), 2);
  std::set<int> with_l3, without_l3;
  for (const Core& core : laptop.cores())
    (core.pus.front() >= 12 ? without_l3 : with_l3).insert(core.l3);
  EXPECT_EQ(with_l3, (std::set<int>{0}));
  EXPECT_EQ(without_l3, (std::set<int>{1}));  // 1 L3 + package 0
  EXPECT_EQ(groups(place_workers(laptop, PlacementPolicy::kScatter, 2), &Place::l3).size(), 2u);
  EXPECT_EQ(distinct_placements(laptop, 2).size(), 2u);
}

// A machine with no L3 at all keeps one group per package (l3 = package).
TEST(RealTopologies, WithoutAnyL3TheGroupIsThePackage) {
  const Topology no_l3 = Topology::synthetic("pack:2 core:4 pu:1");
  EXPECT_EQ(no_l3.l3_count(), 2);
  for (const Core& core : no_l3.cores()) EXPECT_EQ(core.l3, core.package) << core.index;
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

// --- Hybrid CPUs: the Core Ultra 5 225U's P-cores and E-cores (hwloc cpukinds) ---

// PUs 0-3: two P-cores with SMT (CoreType IntelCore); PUs 4-13: ten E-cores
// (IntelAtom), eight sharing the L3 and two low-power ones.
TEST(RealTopologies, HybridKindsAreReadFastestFirst) {
  const Topology laptop = real(kArrowLake);
  ASSERT_TRUE(laptop.hybrid());
  ASSERT_EQ(laptop.kinds().size(), 2u);
  EXPECT_EQ(laptop.kinds()[0].name, "P");
  EXPECT_EQ(laptop.kinds()[0].core_type, "IntelCore");
  EXPECT_EQ((std::pair{laptop.kinds()[0].cores, laptop.kinds()[0].pus}), (std::pair{2, 4}));
  EXPECT_EQ(laptop.kinds()[1].name, "E");
  EXPECT_EQ((std::pair{laptop.kinds()[1].cores, laptop.kinds()[1].pus}), (std::pair{10, 10}));
  EXPECT_GT(laptop.kinds()[0].efficiency, laptop.kinds()[1].efficiency);
  for (int pu = 0; pu < 14; ++pu) EXPECT_EQ(laptop.kind_of_pu(pu), pu < 4 ? 0 : 1) << pu;
  EXPECT_EQ(laptop.kinds_of({4, 0, 5}), "E+P");  // worker order, each kind once
}

std::vector<int> kinds_of_workers(const std::vector<Place>& places) {
  std::vector<int> out;
  for (const Place& p : places) out.push_back(p.kind);
  return out;
}

// Compact fills both P-cores, then the E-cores (before any P sibling: every
// core gets a worker first), and the map says when it crosses kinds.
TEST(RealTopologies, HybridCompactFillsThePCoresFirstAndSaysWhenItMixes) {
  const Topology laptop = real(kArrowLake);
  const std::vector<Place> compact = place_workers(laptop, PlacementPolicy::kCompact, 14);
  EXPECT_EQ(kinds_of_workers(compact),
            (std::vector<int>{0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}));
  const DistinctPlacement two = distinct_placements(laptop, 2).front();
  EXPECT_EQ(two.kinds, "P");
  EXPECT_FALSE(two.mixes_kinds());
  const DistinctPlacement three = distinct_placements(laptop, 3).front();
  EXPECT_EQ(three.kinds, "P+E");
  EXPECT_TRUE(three.mixes_kinds());
}

// Taskset onto the E-cores leaves a hybrid machine: the rows say "E".
TEST(RealTopologies, HybridRestrictedToTheECoresStillNamesThem) {
  const Topology e_only = real(kArrowLake).restricted_to("4-13");
  EXPECT_TRUE(e_only.hybrid());
  EXPECT_EQ(e_only.kinds()[0].cores, 0);
  EXPECT_EQ(e_only.kinds()[1].cores, 10);
  EXPECT_EQ(distinct_placements(e_only, 4).front().kinds, "E");
  // 8: the E-cores sharing the L3 (the two low-power ones have none).
  EXPECT_EQ(workers_of(e_only), (std::vector<int>{1, 2, 8, 10, 11}));
}

TEST(RealTopologies, MachinesWithOneKindKnowNoKinds) {
  for (const char* file : {kEpyc, kXeon, kArm}) {
    const Topology t = real(file);
    EXPECT_FALSE(t.hybrid()) << file;
    EXPECT_EQ(t.kinds().size(), 1u) << file;
    for (const Core& core : t.cores()) EXPECT_EQ(core.kind, 0) << file;
    EXPECT_EQ(t.kinds_of({0, 1}), "") << file;
    EXPECT_EQ(distinct_placements(t, 2).front().kinds, "") << file;
  }
  EXPECT_FALSE(Topology::synthetic("pack:2 l3:2 core:8 pu:2").hybrid());
}

// The Core Ultra's XML with its cpukinds edited (each `from` -> `to`, in
// turn): the same cores, other kinds.
using Edits = std::vector<std::pair<std::string, std::string>>;
Topology edited_arrow_lake(const Edits& edits, const char* name) {
  std::ifstream in(std::string(CONTEND_TOPOLOGY_DIR) + "/" + kArrowLake);
  std::stringstream text;
  text << in.rdbuf();
  std::string xml = text.str();
  for (const auto& [from, to] : edits)
    for (size_t at = xml.find(from); at != std::string::npos; at = xml.find(from, at + to.size()))
      xml.replace(at, from.size(), to);
  const std::string path = testing::TempDir() + name;
  std::ofstream(path) << xml;
  return Topology::emulate(path);
}

// Wherever hwloc numbers the P-cores, compact starts on them: here the ten
// single-PU cores (PUs 4-13) are the P-cores, the two SMT cores E-cores.
TEST(RealTopologies, HybridCompactStartsOnThePCoresWhereverTheyAre) {
  const Topology swapped = edited_arrow_lake({{"\"IntelAtom\"", "\"Swap\""},
                                              {"\"IntelCore\"", "\"IntelAtom\""},
                                              {"\"Swap\"", "\"IntelCore\""}},
                                             "swapped_kinds.xml");
  ASSERT_TRUE(swapped.hybrid());
  EXPECT_EQ(swapped.kinds()[0].name, "P");
  EXPECT_EQ(swapped.kinds()[0].cores, 10);
  const std::vector<Place> compact = place_workers(swapped, PlacementPolicy::kCompact, 12);
  for (int w = 0; w < 10; ++w) EXPECT_EQ(compact[w].pu, 4 + w) << "worker " << w;
  EXPECT_EQ(compact[10].kind, 1);
  EXPECT_EQ(workers_of(swapped), (std::vector<int>{1, 2, 4, 10, 12, 14, 15}));
}

// The ladder stops at all P-cores: six of them here (the two SMT cores and
// four single-PU ones made P), a boundary no other level has.
TEST(RealTopologies, HybridLadderStopsAtAllPCores) {
  const Topology six_p = edited_arrow_lake(
      {{"cpuset=\"0x00003ff0\"", "cpuset=\"0x00003f00\""},
       {"cpuset=\"0x0000000f\"", "cpuset=\"0x000000ff\""}},
      "six_p.xml");
  EXPECT_EQ(six_p.kinds()[0].cores, 6);
  // 10: the L3's cores (the two low-power E-cores have no L3).
  EXPECT_EQ(workers_of(six_p), (std::vector<int>{1, 2, 6, 10, 12, 14, 15}));
  EXPECT_EQ(distinct_placements(six_p, 6).front().kinds, "P");
  EXPECT_EQ(distinct_placements(six_p, 7).front().kinds, "P+E");
}

// Cores hwloc gives no kind (PUs 4-7 here) are of kind U, ranked last.
TEST(RealTopologies, CoresWithoutAKindAreUnknownAndLast) {
  const Topology partial = edited_arrow_lake(
      {{"cpuset=\"0x00003ff0\"", "cpuset=\"0x00003f00\""}}, "partial.xml");
  ASSERT_EQ(partial.kinds().size(), 3u);
  EXPECT_EQ(partial.kinds()[2].name, "U");
  EXPECT_EQ(partial.kinds()[2].cores, 4);
  EXPECT_EQ(partial.kinds_of({4, 8, 0}), "U+E+P");
  EXPECT_EQ(kinds_of(partial, place_workers(partial, PlacementPolicy::kCompact, 12)), "P+E+U");
}

// Kinds hwloc cannot rank (no efficiency, CoreTypes it does not know) keep
// hwloc's order and are not dressed up as P or E.
TEST(RealTopologies, UnrankedKindsKeepHwlocsOrderUnderNeutralNames) {
  const Topology unknown = edited_arrow_lake({{"value=\"Intel", "value=\"Other"}}, "unknown.xml");
  ASSERT_TRUE(unknown.hybrid());
  EXPECT_EQ(unknown.kinds()[0].name, "K0");
  EXPECT_EQ(unknown.kinds()[1].name, "K1");
  EXPECT_EQ(unknown.kinds()[0].efficiency, -1);
}

}  // namespace
}  // namespace contend
