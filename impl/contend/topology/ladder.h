// Ladder: the worker counts a benchmark is run at on this machine.
//
// 1, 2, 4, ... below the core count, the exact core count, all PUs where SMT
// exists, then one oversubscribed point (PUs + 1) so that the cost of more
// runnable workers than hardware threads is measured, and marked as such.
#pragma once

#include <vector>

#include "contend/topology/topology.h"

namespace contend {

struct LadderPoint {
  int workers = 1;
  bool oversubscribed = false;
};

std::vector<LadderPoint> build_ladder(const Topology& topology);

}  // namespace contend
