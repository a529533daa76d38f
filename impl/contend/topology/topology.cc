// Topology discovery with hwloc. See topology.h for what is promised.
#include "contend/topology/topology.h"

#include <fcntl.h>
#include <hwloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <vector>

namespace contend {

struct Topology::Handle {
  hwloc_topology_t topo = nullptr;
  ~Handle() {
    if (topo) hwloc_topology_destroy(topo);
  }
};

namespace {

// RAII for hwloc bitmaps: every early return below would otherwise leak one.
struct Bitmap {
  hwloc_bitmap_t set = hwloc_bitmap_alloc();
  Bitmap() = default;
  explicit Bitmap(hwloc_const_bitmap_t other) : set(hwloc_bitmap_dup(other)) {}
  Bitmap(const Bitmap&) = delete;
  Bitmap& operator=(const Bitmap&) = delete;
  ~Bitmap() { hwloc_bitmap_free(set); }
};

std::string to_list(hwloc_const_bitmap_t set) {
  char* text = nullptr;
  hwloc_bitmap_list_asprintf(&text, set);
  std::string result = text ? text : "";
  std::free(text);
  return result;
}

// hwloc_bitmap_list_sscanf accepts a lot; we want digits, commas, dashes only
// so a typo is an error rather than a silently different machine.
void parse_list(std::string_view cpulist, hwloc_bitmap_t into) {
  std::string text(cpulist);
  bool plausible = !text.empty() &&
                   text.find_first_not_of("0123456789,-") == std::string::npos;
  if (!plausible || hwloc_bitmap_list_sscanf(into, text.c_str()) != 0)
    throw std::invalid_argument("malformed cpu list '" + text + "'");
}

int logical_index_of_ancestor(hwloc_topology_t topo, hwloc_obj_t obj,
                              hwloc_obj_type_t type, int fallback) {
  hwloc_obj_t ancestor = hwloc_get_ancestor_obj_by_type(topo, type, obj);
  return ancestor ? static_cast<int>(ancestor->logical_index) : fallback;
}

// How many L3 caches hwloc reports (at the widest level, should they sit at
// several depths): real L3s have logical indices below it, so an L3 id from
// it upward names no real L3.
int l3_cache_count(hwloc_topology_t topo) {
  int count = 0;
  for (int depth = 0; depth < hwloc_topology_get_depth(topo); ++depth)
    if (hwloc_get_depth_type(topo, depth) == HWLOC_OBJ_L3CACHE)
      count = std::max(count, static_cast<int>(hwloc_get_nbobjs_by_depth(topo, depth)));
  return count;
}

// A core's L3 id (the rule is Core's, topology.h): its L3's logical index;
// without one, a "no-L3" group per package, numbered after the real L3s
// (`l3_caches` + package) so it never passes for one; on a machine with no
// L3 at all that is the package index, as it always was.
int l3_id_of(hwloc_topology_t topo, hwloc_obj_t core, int package, int l3_caches) {
  return logical_index_of_ancestor(topo, core, HWLOC_OBJ_L3CACHE, l3_caches + package);
}

// NUMA nodes hang off the tree as memory children in hwloc 2, so a core's
// node is found by cpuset inclusion rather than by ancestry.
int numa_index_of(hwloc_topology_t topo, hwloc_obj_t core) {
  int count = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
  for (int i = 0; i < count; ++i) {
    hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, i);
    if (node->cpuset && hwloc_bitmap_intersects(node->cpuset, core->cpuset))
      return static_cast<int>(node->logical_index);
  }
  return 0;
}

std::string cpu_model_of(hwloc_topology_t topo) {
  hwloc_obj_t package = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
  const char* model = package ? hwloc_obj_get_info_by_name(package, "CPUModel") : nullptr;
  return model ? model : "unknown";
}

// Cores are the unit of placement; a topology without Core objects (some
// XML exports) is treated as one PU per core.
hwloc_obj_type_t core_like_type(hwloc_topology_t topo) {
  return hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE
                                                             : HWLOC_OBJ_PU;
}

// hwloc's cpukinds ranked fastest first (topology.h, CoreKind), and the
// rank of each hwloc kind index.
struct Kinds {
  std::vector<CoreKind> ranked;
  std::vector<int> rank_of;  // by hwloc kind index
};

// CoreType's place when hwloc has no efficiencies: P-cores, then kinds it
// names nothing we know, then E-cores.
int core_type_order(const std::string& type) {
  if (type == "IntelCore") return 0;
  if (type == "IntelAtom") return 2;
  return 1;
}

std::string kind_name(const std::string& core_type, int rank) {
  if (core_type == "IntelCore") return "P";
  if (core_type == "IntelAtom") return "E";
  return "K" + std::to_string(rank);
}

CoreKind kind_info(hwloc_topology_t topo, unsigned index) {
  CoreKind kind;
  unsigned count = 0;
  hwloc_info_s* infos = nullptr;
  if (hwloc_cpukinds_get_info(topo, index, nullptr, &kind.efficiency, &count, &infos, 0) != 0)
    return kind;
  for (unsigned i = 0; i < count; ++i)
    if (infos[i].name && infos[i].value && std::strcmp(infos[i].name, "CoreType") == 0)
      kind.core_type = infos[i].value;
  return kind;
}

Kinds read_kinds(hwloc_topology_t topo) {
  Kinds kinds;
  const int count = hwloc_cpukinds_get_nr(topo, 0);
  if (count < 2) {  // none, or one: a homogeneous machine
    kinds.ranked.push_back(count == 1 ? kind_info(topo, 0) : CoreKind{});
    kinds.rank_of.assign(count > 0 ? count : 0, 0);
    return kinds;
  }
  std::vector<CoreKind> found;
  bool ranked = true;  // hwloc knows every kind's efficiency
  for (int i = 0; i < count; ++i) {
    found.push_back(kind_info(topo, static_cast<unsigned>(i)));
    ranked = ranked && found.back().efficiency >= 0;
  }
  std::vector<int> order(found.size());
  std::iota(order.begin(), order.end(), 0);
  // Stable: kinds alike keep hwloc's order (see CoreKind).
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (ranked) return found[a].efficiency > found[b].efficiency;
    return core_type_order(found[a].core_type) < core_type_order(found[b].core_type);
  });
  kinds.rank_of.resize(found.size());
  for (int rank = 0; rank < count; ++rank) {
    CoreKind kind = found[order[rank]];
    kind.name = kind_name(kind.core_type, rank);
    for (const CoreKind& faster : kinds.ranked)
      if (faster.name == kind.name) kind.name += std::to_string(rank);
    kinds.ranked.push_back(std::move(kind));
    kinds.rank_of[order[rank]] = rank;
  }
  return kinds;
}

// The rank of the kind holding `core`. A core that hwloc puts in no single
// kind (a partial cpukinds description) gets a kind "U" of its own, ranked
// last: its speed is unknown, and it must not pass for a P-core.
int kind_of_core(hwloc_topology_t topo, hwloc_obj_t core, Kinds& kinds) {
  if (kinds.ranked.size() < 2) return 0;
  const int index = hwloc_cpukinds_get_by_cpuset(topo, core->cpuset, 0);
  if (index >= 0 && static_cast<size_t>(index) < kinds.rank_of.size()) return kinds.rank_of[index];
  if (kinds.ranked.back().name != "U") kinds.ranked.push_back(CoreKind{.name = "U"});
  return static_cast<int>(kinds.ranked.size()) - 1;
}

std::vector<Core> collect_cores(hwloc_topology_t topo, hwloc_const_bitmap_t allowed,
                                Kinds& kinds) {
  std::vector<Core> cores;
  hwloc_obj_type_t type = core_like_type(topo);
  int count = hwloc_get_nbobjs_by_type(topo, type);
  const int l3_caches = l3_cache_count(topo);
  for (int i = 0; i < count; ++i) {
    hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, i);
    Core core;
    int pu_index = -1;
    while ((pu_index = hwloc_bitmap_next(obj->cpuset, pu_index)) != -1)
      if (hwloc_bitmap_isset(allowed, pu_index)) core.pus.push_back(pu_index);
    if (core.pus.empty()) continue;
    core.index = static_cast<int>(cores.size());
    core.package = logical_index_of_ancestor(topo, obj, HWLOC_OBJ_PACKAGE, 0);
    core.numa = numa_index_of(topo, obj);
    core.l3 = l3_id_of(topo, obj, core.package, l3_caches);
    core.kind = kind_of_core(topo, obj, kinds);
    cores.push_back(std::move(core));
  }
  return cores;
}

constexpr const char* kEmulateVariable = "CONTEND_EMULATE";

// An hwloc override set in the environment: which one, and its value.
struct Override {
  std::string variable;  // HWLOC_SYNTHETIC or HWLOC_XMLFILE
  std::string value;
};

// The override in force, in hwloc's own precedence (HWLOC_SYNTHETIC before
// HWLOC_XMLFILE). An empty value counts as unset, as it does for bench_all.
std::optional<Override> override_from_environment() {
  for (const char* variable : {"HWLOC_SYNTHETIC", "HWLOC_XMLFILE"}) {
    const char* value = std::getenv(variable);
    if (value && *value) return Override{variable, value};
  }
  return std::nullopt;
}

// `text` with control characters (and, when quoting, `"` and `\`)
// escaped, so that an error naming it stays one line.
std::string escaped(std::string_view text, bool quoted) {
  std::string out = quoted ? "\"" : "";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      char code[5];
      std::snprintf(code, sizeof code, "\\x%02x", byte);
      out += code;
    } else {
      if (quoted && (c == '"' || c == '\\')) out += '\\';
      out += c;
    }
  }
  return quoted ? out + '"' : out;
}

// Why `path` cannot be read (strerror), or empty when it can. A directory
// opens but fails to read, with EISDIR.
std::string unreadable(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  char byte;
  const bool failed = read(fd, &byte, 1) < 0;
  const int error = errno;
  close(fd);
  return failed ? std::strerror(error) : std::string();
}

int count_distinct(const std::vector<Core>& cores, int Core::*field) {
  std::vector<int> seen;
  for (const Core& core : cores) {
    int value = core.*field;
    bool known = false;
    for (int s : seen) known = known || s == value;
    if (!known) seen.push_back(value);
  }
  return static_cast<int>(seen.size());
}

}  // namespace

Topology Topology::load(std::shared_ptr<Handle> handle, std::string source,
                        const std::string& invalid) {
  if (hwloc_topology_load(handle->topo) != 0) {
    if (!invalid.empty()) throw std::invalid_argument(invalid);
    throw std::runtime_error("hwloc could not load the topology");
  }
  // An override that HWLOC_THISSYSTEM=1 declares to be this machine's own
  // is planned for, and pinned to, as this machine.
  if (!invalid.empty() && hwloc_topology_is_thissystem(handle->topo)) source = "this_system";

  Bitmap allowed(hwloc_topology_get_allowed_cpuset(handle->topo));
  if (source == "this_system") {
    // taskset and sched_setaffinity narrow the process binding, not hwloc's
    // allowed set; a plan must respect both.
    Bitmap bound;
    if (hwloc_get_cpubind(handle->topo, bound.set, HWLOC_CPUBIND_PROCESS) == 0)
      hwloc_bitmap_and(allowed.set, allowed.set, bound.set);
  }

  Topology result;
  Kinds kinds = read_kinds(handle->topo);
  result.cores_ = collect_cores(handle->topo, allowed.set, kinds);
  if (result.cores_.empty())
    throw std::runtime_error("no allowed PU left in cpuset '" + to_list(allowed.set) + "'");
  result.kinds_ = std::move(kinds.ranked);
  result.count_kinds();
  result.cpu_model_ = source == "this_system" ? cpu_model_of(handle->topo) : source;
  result.source_ = std::move(source);
  result.handle_ = std::move(handle);
  return result;
}

// The override is applied here, its errors checked, rather than left to
// hwloc_topology_load: hwloc treats one it cannot use as absent and
// describes this machine instead, so a typo would silently plan for (and
// bench_all run on) the wrong machine. Once a backend is set explicitly,
// hwloc_topology_load no longer reads these variables itself.
Topology Topology::discover() {
  const char* emulated = std::getenv(kEmulateVariable);
  if (emulated && *emulated) {
    if (const std::optional<Override> also = override_from_environment())
      throw std::invalid_argument(std::string(kEmulateVariable) + " and " + also->variable +
                                  " both describe another machine; set one");
    return emulate(emulated);
  }
  auto handle = std::make_shared<Handle>();
  hwloc_topology_init(&handle->topo);
  const std::optional<Override> given = override_from_environment();
  if (!given) return load(std::move(handle), "this_system", {});
  if (given->variable == "HWLOC_SYNTHETIC") {
    const std::string invalid = "HWLOC_SYNTHETIC=" + escaped(given->value, true) +
                                " is not a valid hwloc synthetic description";
    if (hwloc_topology_set_synthetic(handle->topo, given->value.c_str()) != 0)
      throw std::invalid_argument(invalid);
    return load(std::move(handle), "synthetic", invalid);
  }
  const std::string shown = "HWLOC_XMLFILE=" + escaped(given->value, false);
  // Read here first: hwloc's errno after a failed set_xml depends on which
  // of its XML readers (libxml2 or its own) opened the file.
  if (std::string why = unreadable(given->value); !why.empty())
    throw std::invalid_argument(shown + ": " + why);
  // A file that reads but holds no topology fails here or, when only its
  // content is wrong, in hwloc_topology_load.
  const std::string invalid = shown + " is not a valid hwloc XML topology";
  if (hwloc_topology_set_xml(handle->topo, given->value.c_str()) != 0)
    throw std::invalid_argument(invalid);
  return load(std::move(handle), "xml", invalid);
}

// A description naming a file (a path: it has a '/' or ends in .xml) is an
// XML topology; anything else is hwloc's synthetic syntax.
Topology Topology::emulate(const std::string& description) {
  const std::string shown = std::string(kEmulateVariable) + "=" + escaped(description, false);
  auto handle = std::make_shared<Handle>();
  hwloc_topology_init(&handle->topo);
  const bool is_file = description.find('/') != std::string::npos ||
                       description.ends_with(".xml");
  if (is_file) {
    if (std::string why = unreadable(description); !why.empty())
      throw std::invalid_argument(shown + ": " + why);
    if (hwloc_topology_set_xml(handle->topo, description.c_str()) != 0)
      throw std::invalid_argument(shown + " is not a valid hwloc XML topology");
  } else if (hwloc_topology_set_synthetic(handle->topo, description.c_str()) != 0) {
    throw std::invalid_argument(shown + " is not a valid hwloc synthetic description");
  }
  Topology result = load(std::move(handle), "emulated",
                         shown + " is not a valid hwloc topology");
  // load() calls an override HWLOC_THISSYSTEM=1 claims "this_system"; an
  // emulated machine is never this one.
  result.source_ = "emulated";
  result.cpu_model_ = cpu_model_of(result.handle_->topo);
  auto host_handle = std::make_shared<Handle>();
  hwloc_topology_init(&host_handle->topo);
  Topology host = load(std::move(host_handle), "this_system", {});
  result.host_ = host.handle_;
  for (const Core& core : host.cores_)
    result.host_pus_.insert(result.host_pus_.end(), core.pus.begin(), core.pus.end());
  result.emulated_from_ = description;
  return result;
}

Topology Topology::synthetic(std::string_view description) {
  auto handle = std::make_shared<Handle>();
  hwloc_topology_init(&handle->topo);
  std::string text(description);
  if (hwloc_topology_set_synthetic(handle->topo, text.c_str()) != 0)
    throw std::invalid_argument("invalid synthetic topology '" + text + "'");
  return load(std::move(handle), "synthetic", {});
}

Topology Topology::restricted_to(std::string_view cpulist) const {
  // The hwloc tree is read-only after load, so the restricted view shares it
  // and only filters the PUs each core may use.
  Bitmap requested;
  parse_list(cpulist, requested.set);
  Topology result = *this;
  result.cores_.clear();
  for (const Core& core : cores_) {
    Core kept = core;
    std::erase_if(kept.pus, [&](int pu) { return !hwloc_bitmap_isset(requested.set, pu); });
    if (kept.pus.empty()) continue;
    kept.index = static_cast<int>(result.cores_.size());
    result.cores_.push_back(std::move(kept));
  }
  if (result.cores_.empty())
    throw std::invalid_argument("cpu list '" + std::string(cpulist) + "' leaves no allowed PU");
  result.count_kinds();
  return result;
}

int Topology::pu_count() const {
  int count = 0;
  for (const Core& core : cores_) count += static_cast<int>(core.pus.size());
  return count;
}

void Topology::count_kinds() {
  pu_kind_.clear();
  for (CoreKind& kind : kinds_) kind.cores = kind.pus = 0;
  for (const Core& core : cores_) {
    kinds_[core.kind].cores += 1;
    kinds_[core.kind].pus += static_cast<int>(core.pus.size());
    for (int pu : core.pus) {
      if (static_cast<size_t>(pu) >= pu_kind_.size()) pu_kind_.resize(pu + 1, 0);
      pu_kind_[pu] = core.kind;
    }
  }
}

int Topology::kind_of_pu(int pu_os_index) const {
  if (pu_os_index < 0 || static_cast<size_t>(pu_os_index) >= pu_kind_.size()) return 0;
  return pu_kind_[pu_os_index];
}

std::string Topology::kinds_of(const std::vector<int>& pus) const {
  if (!hybrid()) return "";
  std::vector<bool> seen(kinds_.size(), false);
  std::string out;
  for (int pu : pus) {
    const int kind = kind_of_pu(pu);
    if (seen[kind]) continue;
    seen[kind] = true;
    out += (out.empty() ? "" : "+") + kinds_[kind].name;
  }
  return out;
}

int Topology::package_count() const { return count_distinct(cores_, &Core::package); }
int Topology::numa_count() const { return count_distinct(cores_, &Core::numa); }
int Topology::l3_count() const { return count_distinct(cores_, &Core::l3); }

std::string Topology::allowed_cpuset() const {
  Bitmap set;
  for (const Core& core : cores_)
    for (int pu : core.pus) hwloc_bitmap_set(set.set, pu);
  return to_list(set.set);
}

int Topology::host_pu(int pu_os_index) const {
  if (!is_emulated()) return pu_os_index;
  hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(handle_->topo, static_cast<unsigned>(pu_os_index));
  if (!pu) throw std::runtime_error("the emulated machine has no PU " + std::to_string(pu_os_index));
  return host_pus_[pu->logical_index % host_pus_.size()];
}

void Topology::pin(int pu_os_index, int flags) const {
  if (!can_pin())
    throw std::runtime_error("cannot pin to a " + source_ + " topology");
  const int target = host_pu(pu_os_index);
  Bitmap set;
  hwloc_bitmap_only(set.set, target);
  hwloc_topology_t topo = is_emulated() ? host_->topo : handle_->topo;
  if (hwloc_set_cpubind(topo, set.set, flags) != 0)
    throw std::runtime_error("hwloc could not bind to PU " + std::to_string(target));
}

void Topology::pin_current_thread(int pu_os_index) const {
  pin(pu_os_index, HWLOC_CPUBIND_THREAD);
}

void Topology::pin_current_process(int pu_os_index) const {
  pin(pu_os_index, HWLOC_CPUBIND_PROCESS);
}

std::string Topology::current_thread_binding() const {
  Bitmap set;
  hwloc_topology_t topo = is_emulated() ? host_->topo : handle_->topo;
  if (hwloc_get_cpubind(topo, set.set, HWLOC_CPUBIND_THREAD) != 0)
    throw std::runtime_error("hwloc could not read the thread binding");
  return to_list(set.set);
}

std::string Topology::hwloc_version() {
  unsigned v = hwloc_get_api_version();
  return std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff) + "." +
         std::to_string(v & 0xff);
}

}  // namespace contend
