// The ladder of worker counts. See ladder.h.
#include "contend/topology/ladder.h"

#include <algorithm>

namespace contend {

namespace {

// The core compact placement starts on: the first of the fastest kind the
// allowed cpuset has (on a machine with one kind, the first core).
const Core& first_core(const Topology& topology) {
  const Core* first = &topology.cores().front();
  for (const Core& core : topology.cores())
    if (core.kind < first->kind) first = &core;
  return *first;
}

// Cores sharing the first core's group (`field`: its L3, NUMA node, package
// or kind): how many workers compact placement puts there before leaving it.
int cores_in_first(const Topology& topology, int Core::*field) {
  const Core& first = first_core(topology);
  return static_cast<int>(std::count_if(topology.cores().begin(), topology.cores().end(),
                                        [&](const Core& c) { return c.*field == first.*field; }));
}

// The largest power of two at or below the geometric mean of `low` and
// `high`, nudged to lie strictly between them.
int geometric_fill(int low, int high) {
  const double mean = static_cast<double>(low) * high;
  int point = 1;
  while (static_cast<double>(point) * 2 * point * 2 <= mean) point *= 2;
  return std::clamp(point, low + 1, high - 1);
}

}  // namespace

std::vector<int> ladder_boundaries(const Topology& topology) {
  const int cores = topology.core_count();
  const int pus = topology.pu_count();
  std::vector<int> marks = {1,
                            static_cast<int>(first_core(topology).pus.size()),
                            cores_in_first(topology, &Core::l3),
                            cores_in_first(topology, &Core::numa),
                            cores_in_first(topology, &Core::package),
                            cores_in_first(topology, &Core::kind),
                            cores,
                            pus};
  std::sort(marks.begin(), marks.end());
  marks.erase(std::unique(marks.begin(), marks.end()), marks.end());
  return marks;
}

bool is_ladder_boundary(const Topology& topology, int workers) {
  const std::vector<int> marks = ladder_boundaries(topology);
  return std::binary_search(marks.begin(), marks.end(), workers);
}

// Whether (low, high) gets a point between (ladder.h).
static bool wants_fill(int low, int high) {
  if (low >= kFillExactRatioFrom) return high >= low * kMaxLadderRatio;
  return high > low * kMaxLadderRatio;
}

// Splits (low, high) at its geometric middle until no gap wants a point;
// appends the points strictly between, in order.
static void fill_gap(int low, int high, std::vector<LadderPoint>& ladder) {
  if (!wants_fill(low, high)) return;
  const int middle = geometric_fill(low, high);
  fill_gap(low, middle, ladder);
  ladder.push_back({middle, false});
  fill_gap(middle, high, ladder);
}

std::vector<LadderPoint> build_ladder(const Topology& topology) {
  const std::vector<int> marks = ladder_boundaries(topology);
  std::vector<LadderPoint> ladder;
  for (size_t i = 0; i < marks.size(); ++i) {
    if (i > 0) fill_gap(marks[i - 1], marks[i], ladder);
    ladder.push_back({marks[i], false});
  }
  // Past the PU count, not the core count: with SMT, cores + 1 still has a
  // hardware thread of its own.
  ladder.push_back({topology.pu_count() + 1, true});
  return ladder;
}

}  // namespace contend
