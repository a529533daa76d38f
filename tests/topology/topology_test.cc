// Topology discovery on synthetic machines (what hwloc reports) and on this one.
#include "contend/topology/topology.h"

#include <gtest/gtest.h>
#include <hwloc.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
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

// ---- HWLOC_SYNTHETIC / HWLOC_XMLFILE in the environment -------------------

// Sets one environment variable (nullptr: unsets it) for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Both overrides as given, whatever the caller's environment holds.
struct Overrides {
  ScopedEnv synthetic;
  ScopedEnv xml;
  Overrides(const char* synthetic_value, const char* xml_value)
      : synthetic("HWLOC_SYNTHETIC", synthetic_value), xml("HWLOC_XMLFILE", xml_value) {}
};

// discover()'s error, or "" when it succeeds.
std::string discover_error() {
  try {
    Topology::discover();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// A file in the test's temporary directory, removed at the end of the scope.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name)
      : path(::testing::TempDir() + "contend-" + std::to_string(getpid()) + "-" + name) {}
  ~TempFile() { std::remove(path.c_str()); }
};

// hwloc's own XML export of a synthetic machine.
void write_xml(const char* synthetic, const std::string& path) {
  hwloc_topology_t topo;
  ASSERT_EQ(hwloc_topology_init(&topo), 0);
  ASSERT_EQ(hwloc_topology_set_synthetic(topo, synthetic), 0);
  ASSERT_EQ(hwloc_topology_load(topo), 0);
  EXPECT_EQ(hwloc_topology_export_xml(topo, path.c_str(), 0), 0);
  hwloc_topology_destroy(topo);
}

TEST(TopologyOverrides, ValidSyntheticDescribesThatMachine) {
  Overrides env("pack:2 core:3 pu:2", nullptr);
  Topology t = Topology::discover();
  EXPECT_EQ(t.source(), "synthetic");
  EXPECT_EQ(t.package_count(), 2);
  EXPECT_EQ(t.core_count(), 6);
  EXPECT_EQ(t.pu_count(), 12);
  EXPECT_FALSE(t.is_this_system());
}

TEST(TopologyOverrides, MalformedSyntheticIsAnErrorNotThisMachine) {
  Overrides env("bogus 3", nullptr);
  EXPECT_EQ(discover_error(),
            "HWLOC_SYNTHETIC=\"bogus 3\" is not a valid hwloc synthetic description");
}

TEST(TopologyOverrides, ErrorsStayOneLine) {
  Overrides env("core:2\npu:\"1\"", nullptr);
  EXPECT_EQ(discover_error(),
            R"(HWLOC_SYNTHETIC="core:2\x0apu:\"1\"" is not a valid hwloc synthetic description)");
}

TEST(TopologyOverrides, MissingXmlFileIsAnError) {
  const TempFile missing("missing.xml");
  Overrides env(nullptr, missing.path.c_str());
  EXPECT_EQ(discover_error(), "HWLOC_XMLFILE=" + missing.path + ": No such file or directory");
}

TEST(TopologyOverrides, XmlPathThatIsADirectoryIsAnError) {
  Overrides env(nullptr, "/");
  EXPECT_EQ(discover_error(), "HWLOC_XMLFILE=/: Is a directory");
}

TEST(TopologyOverrides, XmlFileWithoutATopologyIsAnError) {
  const TempFile garbage("garbage.xml");
  std::ofstream(garbage.path) << "<garbage";
  Overrides env(nullptr, garbage.path.c_str());
  EXPECT_EQ(discover_error(),
            "HWLOC_XMLFILE=" + garbage.path + " is not a valid hwloc XML topology");
}

TEST(TopologyOverrides, ValidXmlDescribesThatMachine) {
  const TempFile xml("machine.xml");
  write_xml("pack:1 core:4 pu:1", xml.path);
  Overrides env(nullptr, xml.path.c_str());
  Topology t = Topology::discover();
  EXPECT_EQ(t.source(), "xml");
  EXPECT_EQ(t.core_count(), 4);
  EXPECT_FALSE(t.is_this_system());
}

// hwloc's precedence: HWLOC_SYNTHETIC wins, and the XML file is not read.
TEST(TopologyOverrides, SyntheticWinsOverXml) {
  Overrides env("core:3 pu:1", "/nowhere/contend.xml");
  Topology t = Topology::discover();
  EXPECT_EQ(t.source(), "synthetic");
  EXPECT_EQ(t.core_count(), 3);
}

TEST(TopologyOverrides, EmptyValuesCountAsUnset) {
  Overrides env("", "");
  EXPECT_TRUE(Topology::discover().is_this_system());
}

// ---- CONTEND_EMULATE: another machine's plan, pinned to this one ----------

TEST(TopologyEmulation, PlansForTheDescribedMachine) {
  Topology t = Topology::emulate("pack:2 l3:2 core:4 pu:2");
  EXPECT_EQ(t.source(), "emulated");
  EXPECT_TRUE(t.is_emulated());
  EXPECT_FALSE(t.is_this_system());
  EXPECT_TRUE(t.can_pin());
  EXPECT_EQ(t.pu_count(), 32);
  EXPECT_EQ(t.l3_count(), 4);
  EXPECT_EQ(t.emulated_from(), "pack:2 l3:2 core:4 pu:2");
  EXPECT_EQ(static_cast<int>(t.host_pus().size()), Topology::discover().pu_count());
}

// Synthetic PU OS indices are their logical indices, so PU p lands on this
// machine's allowed PU number p mod (their count), in order.
TEST(TopologyEmulation, EveryPuMapsToAnAllowedHostPuByLogicalIndex) {
  Topology t = Topology::emulate("pack:2 core:8 pu:2");
  const std::vector<int>& host = t.host_pus();
  ASSERT_FALSE(host.empty());
  for (int pu = 0; pu < t.pu_count(); ++pu)
    EXPECT_EQ(t.host_pu(pu), host[static_cast<size_t>(pu) % host.size()]) << pu;
  EXPECT_THROW(t.host_pu(t.pu_count()), std::runtime_error);  // no such emulated PU
}

TEST(TopologyEmulation, PinningBindsToTheHostPu) {
  Topology t = Topology::emulate("pack:2 core:8 pu:2");
  const int pu = t.pu_count() - 1;
  std::string binding;
  std::thread([&] {
    t.pin_current_thread(pu);
    binding = t.current_thread_binding();
  }).join();
  EXPECT_EQ(binding, std::to_string(t.host_pu(pu)));
}

TEST(TopologyEmulation, TheEnvironmentVariableIsRead) {
  ScopedEnv env("CONTEND_EMULATE", "pack:3 core:2 pu:1");
  Overrides none(nullptr, nullptr);
  Topology t = Topology::discover();
  EXPECT_TRUE(t.is_emulated());
  EXPECT_EQ(t.package_count(), 3);
}

TEST(TopologyEmulation, AnXmlFileIsEmulated) {
  const TempFile xml("emulated.xml");
  write_xml("pack:2 core:5 pu:1", xml.path);
  Topology t = Topology::emulate(xml.path);
  EXPECT_TRUE(t.is_emulated());
  EXPECT_EQ(t.core_count(), 10);
}

TEST(TopologyEmulation, BadDescriptionsAreOneLineErrors) {
  ScopedEnv env("CONTEND_EMULATE", "bogus 3");
  Overrides none(nullptr, nullptr);
  EXPECT_EQ(discover_error(), "CONTEND_EMULATE=bogus 3 is not a valid hwloc synthetic description");
  const TempFile missing("missing-emulated.xml");
  EXPECT_THROW(Topology::emulate(missing.path), std::invalid_argument);
}

TEST(TopologyEmulation, EmulationAndAnHwlocOverrideTogetherAreAnError) {
  ScopedEnv env("CONTEND_EMULATE", "core:2 pu:1");
  Overrides also("core:3 pu:1", nullptr);
  EXPECT_EQ(discover_error(),
            "CONTEND_EMULATE and HWLOC_SYNTHETIC both describe another machine; set one");
}

}  // namespace
}  // namespace contend
