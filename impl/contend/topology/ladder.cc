// The ladder of worker counts. See ladder.h.
#include "contend/topology/ladder.h"

namespace contend {

std::vector<LadderPoint> build_ladder(const Topology& topology) {
  const int cores = topology.core_count();
  const int pus = topology.pu_count();
  std::vector<LadderPoint> ladder;
  for (int n = 1; n < cores; n *= 2) ladder.push_back({n, false});
  ladder.push_back({cores, false});
  if (pus > cores) ladder.push_back({pus, false});
  // Past the PU count, not the core count: with SMT, cores + 1 still has a
  // hardware thread of its own.
  ladder.push_back({pus + 1, true});
  return ladder;
}

}  // namespace contend
