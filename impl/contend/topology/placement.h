// Placement: which PU each worker of a group runs on.
//
// Workers are pinned once per benchmark instance; where they sit decides
// whether they share an L3, a package or a core, and so what the numbers mean.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contend/topology/topology.h"

namespace contend {

// On a hybrid machine (Topology::hybrid) both start from the fastest kind's
// cores: compact fills every core of one kind (P-cores first, one L3 /
// package at a time among them) before it crosses into the next kind, and
// scatter spreads the kinds' cores in that order. Either may end up on more
// than one kind; the placement says so (DistinctPlacement::kinds) and so
// does every row measured on it (results column core_kinds).
enum class PlacementPolicy {
  kCompact,  // fill one L3 / package before the next: sharing is cheap
  kScatter,  // spread round-robin across packages, then L3s: bandwidth first
};

std::string_view to_string(PlacementPolicy policy);
// Throws std::invalid_argument naming the bad value.
PlacementPolicy parse_placement(std::string_view name);
inline constexpr PlacementPolicy kAllPlacements[] = {PlacementPolicy::kCompact,
                                                     PlacementPolicy::kScatter};

struct Place {
  int worker = 0;
  int pu = 0;       // OS index to pin to
  int core = 0;     // Core::index
  int package = 0;
  int numa = 0;
  int l3 = 0;
  int kind = 0;     // Core::kind (0 = the fastest kind; always 0 unless hybrid)
};

// Places for `workers` workers. Every core gets one worker before any core
// gets a second (SMT siblings are used only past the core count), and past
// the PU count workers wrap around: that is the oversubscribed region.
std::vector<Place> place_workers(const Topology& topology, PlacementPolicy policy,
                                 int workers);

// The core visiting order a policy implies (Core::index values).
std::vector<int> core_order(const Topology& topology, PlacementPolicy policy);

// One worker-to-PU map that is worth measuring, and every policy that yields
// it. On a machine with one L3 and no SMT, compact and scatter put the
// workers on the same PUs: measuring both would measure one thing twice and
// show the noise between the two as a difference.
//
// Two policies coincide when they give every worker i the same PU: the
// sequence worker i -> PU is compared, not the set of PUs. Worker order
// carries meaning (the first workers are the producers, or the pool's
// client), so the same PUs handed out in another order are another map.
struct DistinctPlacement {
  PlacementPolicy canonical = PlacementPolicy::kCompact;  // first in kAllPlacements
  std::vector<PlacementPolicy> covers;  // every policy with this map, kAllPlacements order
  std::vector<Place> places;            // the map itself, as place_workers gives it
  // The workers' core kinds (kinds_of below): "P", or "P+E" where the map
  // crosses kinds; empty on a machine with one kind.
  std::string kinds = {};
  bool mixes_kinds() const { return kinds.find('+') != std::string::npos; }
};

// One entry per distinct map for `workers` workers, in kAllPlacements order
// of their canonical policies; together they cover every policy once.
std::vector<DistinctPlacement> distinct_placements(const Topology& topology, int workers);

// The entry whose canonical policy is `policy`, or nullopt when an earlier
// policy already yields the same map (and so is where it gets measured).
// Lets a loop over kAllPlacements skip the duplicates in place.
std::optional<DistinctPlacement> distinct_placement(const Topology& topology,
                                                    PlacementPolicy policy, int workers);

// The same places with each `pu` replaced by the PU of this machine a
// worker pinned there runs on (Topology::host_pu): what sched_getcpu()
// reports, and what a raw sched_setaffinity must name. The identity
// unless the topology is emulated.
std::vector<Place> on_host(const Topology& topology, std::vector<Place> places);

// The core kinds `places` put workers on, each once in worker order of
// first appearance, "+"-joined ("P", "P+E", "E+P"; Topology::kinds_of);
// empty unless the topology is hybrid.
std::string kinds_of(const Topology& topology, const std::vector<Place>& places);

// "compact+scatter" for separator "+": policy names in the given order.
std::string join_placements(const std::vector<PlacementPolicy>& policies,
                            std::string_view separator);

}  // namespace contend
