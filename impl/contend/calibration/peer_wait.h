// wait_for_peer: how a two-worker calibration workload waits between
// attempts for its peer's move.
//
// When each worker has a PU of its own, a pause (cpu_relax): the spin is
// what is measured. When both run on one PU (an emulated plan maps two of
// its PUs onto one of this machine's, Topology::host_pu), spinning would
// hold the very PU the peer needs until the time slice ends, once per step:
// a yield hands it over at once. Such a pair's timings are scheduler round
// trips, not the hardware's; bench_calibration reports it as an error row
// saying so, after the workload ran and was checked.
#pragma once

#include <sched.h>

#include "contend/sync/cpu_relax.h"

namespace contend {

inline void wait_for_peer(bool share_pu) noexcept {
  if (share_pu) {
    sched_yield();
  } else {
    cpu_relax();
  }
}

}  // namespace contend
