#include "contend/harness/plan_report.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

#include "contend/harness/build_info.h"
#include "contend/topology/ladder.h"
#include "contend/topology/placement.h"

namespace contend {

namespace {

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Workers per group id, e.g. "[2 2]" for two packages with two each.
std::string spread(const std::vector<Place>& places, int Place::*field, int groups) {
  std::vector<int> counts(groups, 0);
  for (const Place& p : places)
    if (p.*field < groups) ++counts[p.*field];
  std::string out = "[";
  for (int i = 0; i < groups; ++i) {
    if (i) out += ' ';
    out += std::to_string(counts[i]);
  }
  return out + "]";
}

std::string worker_pus(const std::vector<Place>& places) {
  constexpr size_t kShown = 16;
  std::string out;
  for (size_t i = 0; i < places.size() && i < kShown; ++i) {
    if (i) out += ',';
    out += std::to_string(places[i].pu);
  }
  if (places.size() > kShown) out += ",...";
  return out;
}

// Workers sharing a core beyond the first (SMT siblings or oversubscription).
int doubled_up(const std::vector<Place>& places) {
  std::map<int, int> per_core;
  for (const Place& p : places) ++per_core[p.core];
  int extra = 0;
  for (const auto& [core, n] : per_core) extra += n - 1;
  return extra;
}

int max_group_id(const Topology& t, int Core::*field) {
  int m = 0;
  for (const Core& c : t.cores()) m = std::max(m, c.*field);
  return m + 1;
}

// The policy whose map `policy` shares at this count ("" when it is its own),
// so the per-policy listing can say "same as compact" instead of repeating.
std::string same_as(const std::vector<DistinctPlacement>& distinct, PlacementPolicy policy) {
  for (const DistinctPlacement& d : distinct)
    if (d.canonical != policy &&
        std::find(d.covers.begin(), d.covers.end(), policy) != d.covers.end())
      return std::string(to_string(d.canonical));
  return "";
}

// "compact, scatter" (two maps) or "compact=scatter" (one map for both);
// on a hybrid machine each with its kinds, "compact on P, scatter on P+E
// (mixed kinds)".
std::string distinct_summary(const std::vector<DistinctPlacement>& distinct) {
  std::string out;
  for (const DistinctPlacement& d : distinct) {
    if (!out.empty()) out += ", ";
    out += join_placements(d.covers, "=");
    if (!d.kinds.empty()) out += " on " + d.kinds + (d.mixes_kinds() ? " (mixed kinds)" : "");
  }
  return out;
}

// [{"placement": "compact", "placements": ["compact", "scatter"]}, ...],
// each with "kinds": "P+E" on a hybrid machine.
std::string distinct_json(const std::vector<DistinctPlacement>& distinct) {
  std::string out = "[";
  for (size_t i = 0; i < distinct.size(); ++i) {
    out += i ? ", " : "";
    out += "{\"placement\": " + json_string(std::string(to_string(distinct[i].canonical))) +
           ", \"placements\": [";
    for (size_t j = 0; j < distinct[i].covers.size(); ++j)
      out += (j ? ", " : "") + json_string(std::string(to_string(distinct[i].covers[j])));
    out += "]";
    if (!distinct[i].kinds.empty()) out += ", \"kinds\": " + json_string(distinct[i].kinds);
    out += "}";
  }
  return out + "]";
}

// "P 2 core(s) 4 PU(s) (IntelCore), E 10 core(s) 10 PU(s) (IntelAtom)".
std::string kinds_summary(const Topology& t) {
  std::string out;
  for (const CoreKind& kind : t.kinds()) {
    if (!out.empty()) out += ", ";
    out += kind.name + " " + std::to_string(kind.cores) + " core(s) " +
           std::to_string(kind.pus) + " PU(s)";
    if (!kind.core_type.empty()) out += " (" + kind.core_type + ")";
  }
  return out;
}

// [{"name": "P", "core_type": "IntelCore", "efficiency": 1, "cores": 2, "pus": 4}, ...]
std::string kinds_json(const Topology& t) {
  std::string out = "[";
  for (const CoreKind& kind : t.kinds()) {
    out += out.size() > 1 ? ", " : "";
    out += "{\"name\": " + json_string(kind.name) + ", \"core_type\": " +
           json_string(kind.core_type) + ", \"efficiency\": " + std::to_string(kind.efficiency) +
           ", \"cores\": " + std::to_string(kind.cores) + ", \"pus\": " +
           std::to_string(kind.pus) + "}";
  }
  return out + "]";
}

// Each worker's kind, like worker_pus: "P,P,E,E".
std::string worker_kinds(const Topology& t, const std::vector<Place>& places) {
  constexpr size_t kShown = 16;
  std::string out;
  for (size_t i = 0; i < places.size() && i < kShown; ++i) {
    if (i) out += ',';
    out += t.kinds()[places[i].kind].name;
  }
  if (places.size() > kShown) out += ",...";
  return out;
}

// What an emulated plan runs on: the description and this machine's PUs.
std::string emulation_json(const Topology& t) {
  std::string pus;
  for (int pu : t.host_pus()) pus += (pus.empty() ? "" : ", ") + std::to_string(pu);
  return "{\"from\": " + json_string(t.emulated_from()) + ", \"host_pus\": [" + pus + "]}";
}

}  // namespace

std::string plan_as_text(const Topology& t) {
  std::ostringstream out;
  out << "machine: " << t.cpu_model() << " (topology from " << t.source() << ")\n";
  if (t.is_emulated())
    out << "  emulated from " << t.emulated_from() << " on this machine's " << t.host_pus().size()
        << " PU(s): a worker on PU p runs on this machine's PU (logical index of p) mod "
        << t.host_pus().size() << "\n";
  out << "  " << t.package_count() << " package(s), " << t.numa_count() << " NUMA node(s), "
      << t.l3_count() << " L3 cache(s), " << t.core_count() << " core(s), " << t.pu_count()
      << " PU(s)" << (t.smt() ? " (SMT)" : "") << ", allowed cpuset " << t.allowed_cpuset()
      << "\n";
  if (t.hybrid())
    out << "  hybrid: core kinds, fastest first: " << kinds_summary(t)
        << "; compact fills " << t.kinds().front().name << " cores first\n";
  const auto ladder = build_ladder(t);
  out << "ladder:";
  for (const auto& point : ladder) out << " " << point.workers << (point.oversubscribed ? "*" : "");
  out << "   (* oversubscribed)\n";
  // Policies with the same worker-to-PU map are measured once, as the first.
  out << "distinct placements (a=b: one map, measured once as a):\n";
  for (const auto& point : ladder)
    out << "  " << point.workers << " worker(s): "
        << distinct_summary(distinct_placements(t, point.workers)) << "\n";
  const int packages = max_group_id(t, &Core::package);
  const int l3s = max_group_id(t, &Core::l3);
  for (PlacementPolicy policy : kAllPlacements) {
    out << "\nplacement " << to_string(policy) << ":\n";
    for (const auto& point : ladder) {
      const std::string same = same_as(distinct_placements(t, point.workers), policy);
      if (!same.empty()) {
        out << "  " << point.workers << " worker(s): same PUs as " << same << "\n";
        continue;
      }
      auto places = place_workers(t, policy, point.workers);
      out << "  " << point.workers << " worker(s): per package " << spread(places, &Place::package, packages)
          << ", per L3 " << spread(places, &Place::l3, l3s) << ", sharing a core "
          << doubled_up(places) << (point.oversubscribed ? ", oversubscribed" : "");
      if (t.hybrid())
        out << ", kinds " << kinds_of(t, places) << "\n    PUs " << worker_pus(places)
            << "\n    kinds " << worker_kinds(t, places) << "\n";
      else
        out << "\n    PUs " << worker_pus(places) << "\n";
    }
  }
  return out.str();
}

std::string plan_as_json(const Topology& t) {
  std::ostringstream out;
  out << "{\"source\": " << json_string(t.source())
      << ", \"hwloc_version\": " << json_string(Topology::hwloc_version())
      << ", \"cpu_model\": " << json_string(t.cpu_model()) << ", \"packages\": " << t.package_count()
      << ", \"numa_nodes\": " << t.numa_count() << ", \"l3_caches\": " << t.l3_count()
      << ", \"cores\": " << t.core_count() << ", \"pus\": " << t.pu_count()
      << ", \"smt\": " << (t.smt() ? "true" : "false")
      << ", \"allowed_cpuset\": " << json_string(t.allowed_cpuset()) << ",\n";
  if (t.hybrid()) out << " \"core_kinds\": " << kinds_json(t) << ",\n";
  if (t.is_emulated()) out << " \"emulated\": " << emulation_json(t) << ",\n";
  out << " \"ladder\": [";
  const auto ladder = build_ladder(t);
  for (size_t i = 0; i < ladder.size(); ++i)
    out << (i ? ", " : "") << "{\"threads\": " << ladder[i].workers
        << ", \"oversubscribed\": " << (ladder[i].oversubscribed ? "true" : "false")
        << ", \"distinct_placements\": " << distinct_json(distinct_placements(t, ladder[i].workers))
        << "}";
  out << "],\n \"placements\": {";
  const int most = ladder.back().workers;
  bool first_policy = true;
  for (PlacementPolicy policy : kAllPlacements) {
    out << (first_policy ? "" : ",") << "\n  " << json_string(std::string(to_string(policy))) << ": [";
    first_policy = false;
    auto places = place_workers(t, policy, most);
    for (size_t i = 0; i < places.size(); ++i) {
      const Place& p = places[i];
      out << (i ? ", " : "") << "{\"worker\": " << p.worker << ", \"pu\": " << p.pu
          << ", \"core\": " << p.core << ", \"package\": " << p.package << ", \"numa\": " << p.numa
          << ", \"l3\": " << p.l3;
      if (t.hybrid()) out << ", \"kind\": " << json_string(t.kinds()[p.kind].name);
      out << "}";
    }
    out << "]";
  }
  out << "},\n \"build\": {";
  bool first = true;
  for (const auto& [key, value] : build_info().fields()) {
    out << (first ? "" : ", ") << json_string(key) << ": " << json_string(value);
    first = false;
  }
  out << "}}\n";
  return out.str();
}

}  // namespace contend
