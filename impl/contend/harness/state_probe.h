// probe_state: the machine's state as one benchmark process finds it.
//
// The shared 2-core VM switches between machine states for seconds to tens
// of seconds, and an instance's throughput moves 2-5x with them (issue 21:
// tbb_queue 1:1 read 2.4-4.7 M/s while a core-to-core round trip took
// 190-200 ns and 9.9-12.8 M/s while it took 50-60 ns). So every bench
// process measures that round trip once, before its benchmark, and records
// it in its Google Benchmark context as contend_state_probe_ns (bench_all
// copies it to every row of that process, column state_probe_ns).
//
// How: two fresh threads pinned to the first PU of the first two cores
// bounce one cache line kProbeRoundTrips times (a release store answered by
// an acquire load each way); the probe is the median round trip, in ns,
// timed on the pinging thread. It costs well under a millisecond on a quiet
// machine and never much more than kProbeBudget of wall time: a peer that
// is descheduled ends the probe with the samples taken so far, and one that
// never answered gives the time waited (>= the budget, a lower bound; on the
// 2-core VM at load 13 that was 30 of 80 processes: the other vCPU was taken).
//
// Not guaranteed: a number. On a machine with one core, a topology that is
// not this system's, or a refused pinning, it is NaN (no context entry).
// It is one short look: a state that changes during the benchmark is not in it.
#pragma once

#include <chrono>

#include "contend/topology/topology.h"

namespace contend {

inline constexpr int kProbeRoundTrips = 2000;
inline constexpr std::chrono::milliseconds kProbeBudget{20};

struct StateProbe {
  double round_trip_ns;  // median; the time waited when samples == 0; NaN: not measured
  int samples;           // round trips timed (<= kProbeRoundTrips)
};

StateProbe probe_state(const Topology& topology);

}  // namespace contend
