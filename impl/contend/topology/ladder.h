// Ladder: the worker counts a benchmark is run at on this machine.
//
// The points where the hardware changes, as compact placement fills the
// machine: 1 worker, one core's PUs, one L3's cores, one NUMA node's cores,
// one package's cores, on a hybrid machine all cores of the fastest kind
// (the P-cores: the last point before compact crosses into E-cores), all
// cores, all PUs (with SMT), and one oversubscribed
// point past the PUs (PUs + 1), so that the cost of more runnable workers
// than hardware threads is measured and marked as such. Between two
// boundaries more than kMaxLadderRatio apart, powers of two fill the gap
// geometrically (each at most that ratio from the next), and from
// kFillExactRatioFrom workers up, between two exactly that far apart too:
// a 2-core machine gets 1 2 3*, a 16-core single-L3 one 1 4 8 16 17*, a
// 2 x 64-core EPYC (8 cores per L3) 1 2 8 16 32 64 128 129*: 8 or more
// points on a big machine, so that a scaling figure has a curve to show.
// (Below 4 workers a point costs a whole scenario grid, PlanInput's
// kFullGridWorkers; above, a few instances.) A curve keeps its shape where
// it can bend (a boundary); the points between are there for its shape,
// and are measured under compact placement only (PlanInput).
#pragma once

#include <vector>

#include "contend/topology/topology.h"

namespace contend {

struct LadderPoint {
  int workers = 1;
  bool oversubscribed = false;
};

inline constexpr int kMaxLadderRatio = 4;
inline constexpr int kFillExactRatioFrom = 4;

std::vector<LadderPoint> build_ladder(const Topology& topology);

// Whether `workers` is one of ladder_boundaries(topology).
bool is_ladder_boundary(const Topology& topology, int workers);

// The boundary worker counts above, sorted, without duplicates (the
// oversubscribed point not included): what build_ladder fills between.
std::vector<int> ladder_boundaries(const Topology& topology);

}  // namespace contend
