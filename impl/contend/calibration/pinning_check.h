// PinningCheck: did each worker really run on the PU it was pinned to?
//
// A calibration number belongs to a pair of PUs; a worker the kernel left
// elsewhere (a cpuset that changed under us, a binding that silently did
// not take) would put another pair's cost in that cell of the matrix. Each
// worker reports sched_getcpu() once per episode; the judge compares.
//
// Guaranteed: an error names the worker, the PU asked for and the CPU it
// ran on. Not guaranteed: that the worker stayed there for the whole
// episode (it is pinned to a single PU, so the kernel may not move it; the
// check catches a pin that did not take, not a migration).
// Workers write only their own slot; the judge reads after WorkerGroup's
// check-out, which orders those writes before it (no atomics needed).
#pragma once

#include <string>
#include <vector>

#include "contend/topology/placement.h"

namespace contend {

class PinningCheck {
 public:
  // `checked`: false for a topology that is not this machine's (synthetic:
  // nothing is pinned, so nothing is checked).
  PinningCheck(const std::vector<Place>& places, bool checked);

  // Called by worker `index` from its own thread.
  void record(int index);
  // Empty when every worker that recorded ran on its PU; else the error.
  std::string error() const;

 private:
  std::vector<int> expected_;
  std::vector<int> seen_;  // -1: not recorded
  bool checked_;
};

}  // namespace contend
