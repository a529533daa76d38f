// Placement policies over a Topology. See placement.h.
#include "contend/topology/placement.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace contend {

namespace {

using Key = int Core::*;
constexpr Key kHierarchy[] = {&Core::package, &Core::numa, &Core::l3};

// Splits `cores` into groups by `key`, keeping first-appearance order.
std::vector<std::vector<int>> group_by(const Topology& topology,
                                       const std::vector<int>& cores, Key key) {
  std::vector<int> values;
  std::vector<std::vector<int>> groups;
  for (int index : cores) {
    int value = topology.cores()[index].*key;
    auto it = std::find(values.begin(), values.end(), value);
    if (it == values.end()) {
      values.push_back(value);
      groups.emplace_back();
      it = values.end() - 1;
    }
    groups[it - values.begin()].push_back(index);
  }
  return groups;
}

// Round-robin over the groups' own orders: a0 b0 a1 b1 ... Applied at every
// level, consecutive workers land on different packages, then different L3s.
std::vector<int> scatter(const Topology& topology, const std::vector<int>& cores,
                         size_t level) {
  if (level == std::size(kHierarchy)) return cores;
  std::vector<std::vector<int>> groups;
  for (auto& group : group_by(topology, cores, kHierarchy[level]))
    groups.push_back(scatter(topology, group, level + 1));
  std::vector<int> order;
  for (size_t round = 0; order.size() < cores.size(); ++round)
    for (const auto& group : groups)
      if (round < group.size()) order.push_back(group[round]);
  return order;
}

// Same PU for every worker, in the same order (see DistinctPlacement).
bool same_map(const std::vector<Place>& a, const std::vector<Place>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const Place& x, const Place& y) { return x.pu == y.pu; });
}

}  // namespace

std::string_view to_string(PlacementPolicy policy) {
  return policy == PlacementPolicy::kCompact ? "compact" : "scatter";
}

PlacementPolicy parse_placement(std::string_view name) {
  if (name == "compact") return PlacementPolicy::kCompact;
  if (name == "scatter") return PlacementPolicy::kScatter;
  throw std::invalid_argument("unknown placement '" + std::string(name) +
                              "' (expected compact or scatter)");
}

std::vector<int> core_order(const Topology& topology, PlacementPolicy policy) {
  std::vector<int> cores(topology.core_count());
  for (int i = 0; i < topology.core_count(); ++i) cores[i] = i;
  // Compact walks the hierarchy depth-first; hwloc's logical order already
  // does, but sorting makes it true for any source. The kind comes first:
  // a hybrid machine's P-cores are filled before any E-core, wherever hwloc
  // numbers them (one kind: every kind is 0, and the order is as it was).
  std::stable_sort(cores.begin(), cores.end(), [&](int a, int b) {
    const Core& x = topology.cores()[a];
    const Core& y = topology.cores()[b];
    return std::tie(x.kind, x.package, x.numa, x.l3) < std::tie(y.kind, y.package, y.numa, y.l3);
  });
  if (policy == PlacementPolicy::kScatter) return scatter(topology, cores, 0);
  return cores;
}

std::vector<Place> place_workers(const Topology& topology, PlacementPolicy policy,
                                 int workers) {
  if (workers < 1) throw std::invalid_argument("a worker group needs at least one worker");
  // The PU sequence: first PU of every core in policy order, then the second
  // (SMT sibling) of every core, and so on.
  std::vector<int> order = core_order(topology, policy);
  std::vector<Place> sequence;
  for (size_t sibling = 0; sequence.size() < static_cast<size_t>(topology.pu_count());
       ++sibling) {
    for (int index : order) {
      const Core& core = topology.cores()[index];
      if (sibling >= core.pus.size()) continue;
      sequence.push_back(Place{0, core.pus[sibling], core.index, core.package,
                               core.numa, core.l3, core.kind});
    }
  }
  std::vector<Place> places;
  for (int w = 0; w < workers; ++w) {
    Place place = sequence[w % sequence.size()];
    place.worker = w;
    places.push_back(place);
  }
  return places;
}

std::vector<DistinctPlacement> distinct_placements(const Topology& topology, int workers) {
  std::vector<DistinctPlacement> distinct;
  for (PlacementPolicy policy : kAllPlacements) {
    std::vector<Place> places = place_workers(topology, policy, workers);
    auto same = std::find_if(distinct.begin(), distinct.end(), [&](const DistinctPlacement& d) {
      return same_map(d.places, places);
    });
    if (same != distinct.end()) {
      same->covers.push_back(policy);
    } else {
      std::string kinds = kinds_of(topology, places);
      distinct.push_back(DistinctPlacement{policy, {policy}, std::move(places), std::move(kinds)});
    }
  }
  return distinct;
}

std::optional<DistinctPlacement> distinct_placement(const Topology& topology,
                                                    PlacementPolicy policy, int workers) {
  for (DistinctPlacement& d : distinct_placements(topology, workers))
    if (d.canonical == policy) return std::move(d);
  return std::nullopt;
}

std::vector<Place> on_host(const Topology& topology, std::vector<Place> places) {
  for (Place& place : places) place.pu = topology.host_pu(place.pu);
  return places;
}

std::string kinds_of(const Topology& topology, const std::vector<Place>& places) {
  if (!topology.hybrid()) return "";
  std::vector<int> pus;
  pus.reserve(places.size());
  for (const Place& place : places) pus.push_back(place.pu);
  return topology.kinds_of(pus);
}

std::string join_placements(const std::vector<PlacementPolicy>& policies,
                            std::string_view separator) {
  std::string out;
  for (PlacementPolicy policy : policies) {
    if (!out.empty()) out += separator;
    out += to_string(policy);
  }
  return out;
}

}  // namespace contend
