// CoreToCoreWorkload: the cost of moving one cache line between two PUs and
// back, as nviennot/core-to-core-latency and Chips and Cheese measure it.
//
// Worker 0 (on PU a) and worker 1 (on PU b) share one cache-line-aligned
// 64-bit word. Round trip k: worker 0 CASes it from 2k to 2k+1 (the line
// moves to a), worker 1 spins until its CAS from 2k+1 to 2k+2 succeeds (the
// line moves to b), and round trip k ends when worker 0's next CAS, from
// 2k+2, succeeds (the line is back at a). Each round trip is timed by two
// clock reads on worker 0, the same way the queues' pingpong times theirs,
// so a queue's floor_ratio compares like with like (the clock's own cost is
// in both); one-way latency is half a round trip.
//
// Checked per episode: both workers completed every round trip, the word
// ends at 2 * round_trips, every round trip was recorded, and each worker
// ran on its PU (PinningCheck). A peer that never answers (it cannot run)
// stalls the other for at most stall_timeout, and the episode is an error.
//
// Not guaranteed: a quiet machine. A peer descheduled mid-round-trip turns
// that one sample into a time slice; the median is what the calibration
// uses, for that reason.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "contend/calibration/pinning_check.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/stall_watch.h"
#include "contend/harness/worker_group.h"

namespace contend {

struct CoreToCoreConfig {
  uint64_t round_trips = 1000;  // per episode
  std::chrono::nanoseconds stall_timeout = std::chrono::seconds(10);
  bool share_pu = false;  // both workers run on one PU: wait_for_peer yields
};

class CoreToCoreWorkload {
 public:
  // `places`: the two workers' PUs; `check_pinning` as PinningCheck's.
  CoreToCoreWorkload(const CoreToCoreConfig& config, const std::vector<Place>& places,
                     bool check_pinning);

  static constexpr int workers() { return 2; }

  void prepare();
  uint64_t run(const WorkerContext& context);
  EpisodeVerdict judge(const EpisodeResult& result);

  // Every timed round trip judged so far, in ns.
  const LatencyHistogram& round_trips() const { return round_trips_; }
  void forget_round_trips() { round_trips_.clear(); }

 private:
  uint64_t ping();
  uint64_t pong();
  // Spins until `line_` goes from `from` to from + 1 by this thread's CAS;
  // false when the peer gave up or stall_timeout passed.
  bool advance(uint64_t from);

  const CoreToCoreConfig config_;
  // The bounced line: alone on its cache line, so that nothing else moves
  // with it. Its CASes are seq_cst (the default): a locked RMW on x86 either
  // way, and the ordering is not what is measured, the line's travel is.
  alignas(64) std::atomic<uint64_t> line_{0};
  alignas(64) StallFlag stall_;  // raised by the worker that gave up
  PinningCheck pinning_;
  // Worker 0's samples this episode, merged by the judge (after the
  // group's check-out, which orders worker 0's writes before it).
  LatencyHistogram episode_;
  LatencyHistogram round_trips_;
  uint64_t completed_[2] = {0, 0};
};

}  // namespace contend
