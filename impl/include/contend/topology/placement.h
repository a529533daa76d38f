// Placement: which PU each worker of a group runs on.
//
// Workers are pinned once per benchmark instance; where they sit decides
// whether they share an L3, a package or a core, and so what the numbers mean.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contend/topology/topology.h"

namespace contend {

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
};

// Places for `workers` workers. Every core gets one worker before any core
// gets a second (SMT siblings are used only past the core count), and past
// the PU count workers wrap around: that is the oversubscribed region.
std::vector<Place> place_workers(const Topology& topology, PlacementPolicy policy,
                                 int workers);

// The core visiting order a policy implies (Core::index values).
std::vector<int> core_order(const Topology& topology, PlacementPolicy policy);

}  // namespace contend
