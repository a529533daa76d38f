// Topology: the cores and PUs this process may run on, as hwloc sees them.
//
// hwloc is the single authority on cores: it honours cgroups (the allowed
// cpuset) and, on a real machine, the process's own binding (so `taskset -c 0`
// narrows what contend plans for). HWLOC_XMLFILE and HWLOC_SYNTHETIC in the
// environment make discover() describe a machine we do not have; such a
// topology can be planned for but not pinned to. One that hwloc cannot use
// is an error, not this machine.
//
// CONTEND_EMULATE (an hwloc XML file, or a synthetic description) makes
// discover() plan for another machine and run on this one: an "emulated"
// topology. Its cores, groups and PU numbers are the other machine's; a
// worker placed on one of its PUs is pinned to a PU of this machine, the
// emulated PU's hwloc logical index modulo the PUs this process may use
// (host_pu). That checks that every planned instance runs; it measures
// nothing about the other machine.
//
// Hybrid CPUs (hwloc cpukinds: P-cores and E-cores). Every core has a kind,
// ranked fastest first (CoreKind). A machine hwloc reports one kind for, or
// none, has one kind, kind 0, and nothing about it depends on kinds: its
// plans and names are what they were before kinds existed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace contend {

// One core with at least one allowed PU. Group indices are hwloc logical
// indices; a level the machine lacks (no L3 reported, say) collapses to the
// enclosing package so grouping still works. A core without an L3 on a
// machine that has L3s (Arrow Lake's low-power E-cores) is in a "no-L3"
// group of its package, l3 = (L3s hwloc reports) + package: it shares no id
// with a real L3. With no L3 anywhere that is l3 = package.
struct Core {
  int index = 0;          // logical index among allowed cores, 0..cores-1
  int package = 0;
  int numa = 0;
  int l3 = 0;
  std::vector<int> pus;   // OS indices of this core's allowed PUs (SMT siblings)
  int kind = 0;           // index into Topology::kinds(): 0 = the fastest kind
};

// One kind of core, as hwloc's cpukinds describe it. Kinds are the
// machine's, ranked fastest first:
//   - by hwloc's efficiency where hwloc knows every kind's (higher is
//     faster: hwloc's own ranking, from the OS, core types or frequencies);
//   - else by CoreType: IntelCore (P-cores) before any unnamed kind before
//     IntelAtom (E-cores); kinds alike by that measure keep hwloc's order,
//     which hwloc then says is no order at all (an unranked machine, which
//     the name, "K<rank>", does not dress up as P or E).
// A core hwloc puts in no single kind (a partial description) is of a kind
// "U" (unknown), ranked last: it must not pass for a P-core.
// A kind stays listed when the allowed cpuset leaves it no core (taskset
// onto the E-cores still runs on a hybrid machine, and rows say "E").
struct CoreKind {
  std::string name;       // "P" (IntelCore), "E" (IntelAtom), else "K<rank>";
                          // a name a faster kind already has gets its rank
                          // appended ("E2"): names are unique
  std::string core_type = {};  // hwloc's CoreType info, empty when it has none
  int efficiency = -1;    // hwloc's efficiency (higher is faster), -1 unknown
  int cores = 0;          // allowed cores of this kind
  int pus = 0;            // allowed PUs of this kind
};

class Topology {
 public:
  // This machine, or the one HWLOC_SYNTHETIC (first) or HWLOC_XMLFILE
  // describes; an empty value counts as unset. Throws std::invalid_argument
  // naming the variable and its value when hwloc cannot use it (a malformed
  // description, an unreadable or invalid file), and std::runtime_error
  // when no PU is left.
  static Topology discover();
  // The machine `description` describes (a path to an hwloc XML file, or a
  // synthetic description), emulated on this one (see above). Throws
  // std::invalid_argument naming it when hwloc cannot use it.
  static Topology emulate(const std::string& description);
  // A synthetic machine, e.g. "pack:2 l3:2 core:8 pu:2" (tests, --plan).
  static Topology synthetic(std::string_view description);

  // The same machine with only the PUs of `cpulist` ("0-3,8") allowed,
  // as a cgroup or taskset would leave it. Throws on a malformed list or one
  // that leaves nothing allowed.
  Topology restricted_to(std::string_view cpulist) const;

  const std::vector<Core>& cores() const { return cores_; }
  int core_count() const { return static_cast<int>(cores_.size()); }
  int pu_count() const;
  int package_count() const;
  int numa_count() const;
  int l3_count() const;
  bool smt() const { return pu_count() > core_count(); }

  // The machine's core kinds, fastest first; exactly one (named "", with
  // every core) when hwloc reports fewer than two.
  const std::vector<CoreKind>& kinds() const { return kinds_; }
  // More than one kind of core on the machine (whether or not the allowed
  // cpuset uses them all): rows and plans then name the kinds.
  bool hybrid() const { return kinds_.size() > 1; }
  // The kind of the core holding `pu_os_index` (an allowed PU); 0 for any
  // other PU.
  int kind_of_pu(int pu_os_index) const;
  // The kinds of `pus` (OS indices), each once in order of first
  // appearance, "+"-joined: "P", "E", "P+E", "E+P". Empty unless hybrid():
  // on a machine with one kind there is nothing to say.
  std::string kinds_of(const std::vector<int>& pus) const;

  std::string allowed_cpuset() const;   // list format, e.g. "0-1"
  const std::string& source() const { return source_; }  // this_system | synthetic | xml
  const std::string& cpu_model() const { return cpu_model_; }
  bool is_this_system() const { return source_ == "this_system"; }
  bool is_emulated() const { return source_ == "emulated"; }
  // Whether workers placed on this topology's PUs can be pinned: this
  // machine's own, or an emulated one (pinned to host_pu).
  bool can_pin() const { return is_this_system() || is_emulated(); }
  // The PU of this machine that a worker placed on `pu_os_index` runs on:
  // the PU itself, or under emulation the emulated PU's logical index modulo
  // the PUs this process may use. The identity for planning-only topologies.
  int host_pu(int pu_os_index) const;
  // CONTEND_EMULATE's value for an emulated topology, empty otherwise.
  const std::string& emulated_from() const { return emulated_from_; }
  // This machine's allowed PUs under emulation (the set host_pu maps
  // onto), empty otherwise.
  const std::vector<int>& host_pus() const { return host_pus_; }

  // Binds the calling thread (or the whole calling process) to one PU
  // (host_pu of it when emulated). Throws std::runtime_error when the
  // topology cannot be pinned (can_pin) or the kernel refuses.
  void pin_current_thread(int pu_os_index) const;
  void pin_current_process(int pu_os_index) const;
  // The PU set the calling thread is bound to, list format.
  std::string current_thread_binding() const;

  static std::string hwloc_version();

 private:
  struct Handle;  // owns the hwloc_topology_t
  std::shared_ptr<Handle> handle_;
  std::vector<Core> cores_;
  std::vector<CoreKind> kinds_;
  std::vector<int> pu_kind_;  // kind by PU OS index (allowed PUs), for kind_of_pu
  std::string source_;
  std::string cpu_model_;
  // Emulation only: this machine's topology (the one pinned to), its
  // allowed PUs in logical order, and the description emulated.
  std::shared_ptr<Handle> host_;
  std::vector<int> host_pus_;
  std::string emulated_from_;

  // `invalid`: for an override from the environment, the error to throw
  // when hwloc cannot load it; empty otherwise.
  static Topology load(std::shared_ptr<Handle> handle, std::string source,
                       const std::string& invalid);
  void pin(int pu_os_index, int flags) const;
  // Recounts every kind's allowed cores and PUs (after cores_ changed).
  void count_kinds();
};

}  // namespace contend
