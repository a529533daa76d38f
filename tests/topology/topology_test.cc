// Topology discovery on synthetic machines (what hwloc reports) and on this one.
#include "contend/topology/topology.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace contend {
namespace {

TEST(Topology, OneCoreMachine) {
  Topology t = Topology::synthetic("core:1 pu:1");
  EXPECT_EQ(t.core_count(), 1);
  EXPECT_EQ(t.pu_count(), 1);
  EXPECT_FALSE(t.smt());
  EXPECT_EQ(t.allowed_cpuset(), "0");
  EXPECT_EQ(t.source(), "synthetic");
}

TEST(Topology, TwoPackagesTwoNumaEightCoresTwoPus) {
  Topology t = Topology::synthetic("pack:2 numa:2 core:8 pu:2");
  EXPECT_EQ(t.package_count(), 2);
  EXPECT_EQ(t.numa_count(), 4);
  EXPECT_EQ(t.core_count(), 32);
  EXPECT_EQ(t.pu_count(), 64);
  EXPECT_TRUE(t.smt());
  EXPECT_EQ(t.allowed_cpuset(), "0-63");
  for (const Core& core : t.cores()) {
    EXPECT_EQ(core.pus.size(), 2u);
    // Cores 0-15 are on package 0, NUMA nodes 0-1; 16-31 on package 1.
    EXPECT_EQ(core.package, core.index / 16);
    EXPECT_EQ(core.numa, core.index / 8);
  }
}

TEST(Topology, L3GroupsAreReported) {
  Topology t = Topology::synthetic("pack:2 l3:2 core:8 pu:2");
  EXPECT_EQ(t.l3_count(), 4);
  EXPECT_EQ(t.cores()[7].l3, 0);
  EXPECT_EQ(t.cores()[8].l3, 1);
  EXPECT_EQ(t.cores()[31].l3, 3);
}

TEST(Topology, RestrictedCpusetKeepsOnlyAllowedPus) {
  Topology t = Topology::synthetic("pack:2 core:4 pu:2").restricted_to("0,2,4,9");
  EXPECT_EQ(t.core_count(), 4);
  EXPECT_EQ(t.pu_count(), 4);
  EXPECT_FALSE(t.smt());  // no core keeps both of its PUs
  EXPECT_EQ(t.allowed_cpuset(), "0,2,4,9");
  EXPECT_EQ(t.cores()[3].package, 1);
  EXPECT_EQ(t.cores()[3].index, 3);  // re-indexed densely
}

TEST(Topology, RestrictionToSiblingsKeepsSmt) {
  Topology t = Topology::synthetic("core:4 pu:2").restricted_to("0-3");
  EXPECT_EQ(t.core_count(), 2);
  EXPECT_EQ(t.pu_count(), 4);
  EXPECT_TRUE(t.smt());
}

TEST(Topology, BadRestrictionsAreErrors) {
  Topology t = Topology::synthetic("core:2 pu:1");
  EXPECT_THROW(t.restricted_to("zero"), std::invalid_argument);
  EXPECT_THROW(t.restricted_to(""), std::invalid_argument);
  EXPECT_THROW(t.restricted_to("7"), std::invalid_argument);  // leaves nothing
}

TEST(Topology, BadSyntheticDescriptionIsAnError) {
  EXPECT_THROW(Topology::synthetic("banana:3"), std::invalid_argument);
}

TEST(Topology, ThisMachineHasAtLeastOneCoreAndCanPin) {
  Topology t = Topology::discover();
  ASSERT_GE(t.core_count(), 1);
  EXPECT_TRUE(t.is_this_system());
  EXPECT_GE(t.pu_count(), t.core_count());
  // Pinning changes the binding of the calling thread only; do it on a
  // thread of our own so the test process keeps its full binding.
  int pu = t.cores().back().pus.front();
  std::string binding;
  std::thread([&] {
    t.pin_current_thread(pu);
    binding = t.current_thread_binding();
  }).join();
  EXPECT_EQ(binding, std::to_string(pu));
}

TEST(Topology, SyntheticTopologiesCannotBePinned) {
  Topology t = Topology::synthetic("core:2 pu:1");
  EXPECT_THROW(t.pin_current_thread(0), std::runtime_error);
}

}  // namespace
}  // namespace contend
