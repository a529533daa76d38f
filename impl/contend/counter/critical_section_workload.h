// The critical_section workload: workers take a counter's critical section
// again and again under a contention dial (critical_section_plan.h), and
// every acquisition is timed.
//
// Per acquisition, with t = monotonic_ns():
//   t_request   just before asking for the section (lock(), or the load
//               that starts a CAS attempt)
//   t_acquired  first thing inside the section (right after lock()
//               returns); for cas_loop, right after the CAS that succeeded
//   acquire-wait = t_acquired - t_request, recorded for every acquisition.
//   hand-over   (LockSection only) inside the section the holder reads
//               GuardedCount::last_release_ns, the instant the previous
//               holder stamped just before its unlock. If t_request is
//               before it, this worker was already waiting when the lock
//               was released, and t_acquired - last_release_ns is a
//               hand-over: how long the lock took to reach a waiter. An
//               acquisition of a free lock is no hand-over. cas_loop has no
//               holder and records none.
// In the section: the count's increment and dial.cs_ns of calibrated work
// (calibrated_work.h); for cas_loop the work runs between the load and the
// CAS, and a failed CAS repeats it. Between a release and the next request:
// dial.think_ns of work. Two clock reads sit inside every lock's section
// (t_acquired, the release stamp), so cs_ns:0 is "two clock reads", not
// "nothing".
//
// Every worker records into its own two histograms (no sharing, no lock);
// the judge checks that each acquisition was recorded once, and merges them
// into the instance's histograms, which the warm-up episodes do not reach.
// Items = acquisitions; the counter must end at their sum, exactly, or the
// episode is an error.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "contend/counter/calibrated_work.h"
#include "contend/counter/critical_section.h"
#include "contend/counter/critical_section_plan.h"
#include "contend/harness/clock.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/worker_group.h"

namespace contend {

// A dial in iterations of spin_work, at this process's calibration.
struct WorkIterations {
  uint64_t critical_section = 0;
  uint64_t think = 0;
  static WorkIterations of(const ContentionDial& dial);
};

// Each worker's acquire-wait and hand-over histograms, and the instance's.
class AcquisitionRecorders {
 public:
  explicit AcquisitionRecorders(int workers);

  // Worker `worker`'s own, written by that worker alone during an episode.
  LatencyHistogram& acquire_wait(int worker) { return *episode_waits_[worker]; }
  LatencyHistogram& handover(int worker) { return *episode_handovers_[worker]; }

  void begin_episode();  // forgets the workers' records of the last episode
  // Empty when the episode recorded one acquire-wait per acquisition and
  // at most one hand-over each; otherwise what is wrong.
  std::string check(uint64_t acquisitions) const;
  void keep_episode();   // merges the workers' records into the instance's
  void forget_kept();    // after the warm-up episodes

  const LatencyHistogram& acquire_waits() const { return acquire_waits_; }
  const LatencyHistogram& handovers() const { return handovers_; }

 private:
  std::vector<std::unique_ptr<LatencyHistogram>> episode_waits_;
  std::vector<std::unique_ptr<LatencyHistogram>> episode_handovers_;
  LatencyHistogram acquire_waits_;
  LatencyHistogram handovers_;
};

// One acquisition of a lock's section, timed; returns the work's chain.
template <LockSection Counter>
uint64_t acquire_once(Counter& counter, const WorkIterations& work, LatencyHistogram& wait,
                      LatencyHistogram& handover, int worker, uint64_t chain) {
  int64_t acquired = 0, previous_release = 0;
  const int64_t requested = monotonic_ns();
  counter.locked(worker, [&](GuardedCount& guarded) {
    acquired = monotonic_ns();
    previous_release = guarded.last_release_ns;
    ++guarded.value;
    chain = spin_work(chain, work.critical_section);
    guarded.last_release_ns = monotonic_ns();
  });
  // Recorded after the unlock: the section holds only what it measures.
  wait.record(acquired - requested);
  if (requested < previous_release) handover.record(acquired - previous_release);
  return chain;
}

// One successful CAS, timed from the first attempt's request; no hand-over.
template <OptimisticSection Counter>
uint64_t acquire_once(Counter& counter, const WorkIterations& work, LatencyHistogram& wait,
                      LatencyHistogram& /*handover*/, int /*worker*/, uint64_t chain) {
  const int64_t requested = monotonic_ns();
  counter.update([&](uint64_t seen) {
    // spin_work's barrier keeps the work before the CAS that follows.
    chain = spin_work(chain ^ seen, work.critical_section);
    return seen + 1;
  });
  wait.record(monotonic_ns() - requested);
  return chain;
}

// The worker body: acquisitions until the episode's time is up, at least
// one (a worker started after the stop still counts, as in
// increment_until_stopped), each followed by the think time.
template <class Counter>
uint64_t acquire_until_stopped(Counter& counter, const WorkIterations& work,
                               AcquisitionRecorders& recorders, const WorkerContext& context) {
  LatencyHistogram& wait = recorders.acquire_wait(context.index);
  LatencyHistogram& handover = recorders.handover(context.index);
  uint64_t chain = static_cast<uint64_t>(context.index);
  uint64_t acquisitions = 0;
  do {
    chain = acquire_once(counter, work, wait, handover, context.index, chain);
    ++acquisitions;
    chain = spin_work(chain, work.think);
  } while (!context.stop_requested());
  return acquisitions;
}

// The episode's verdict: items = acquisitions; an error when the counter
// does not hold exactly that many or the recorders missed one. Keeps the
// episode's records when it is valid.
EpisodeVerdict judge_acquisitions(uint64_t acquisitions, uint64_t counted,
                                  AcquisitionRecorders& recorders);

// Timed episodes of `duration` on `counter`: prepare, judge, after_warmup.
// Both objects must outlive the plan.
template <class Counter>
EpisodePlan critical_section_episodes(Counter& counter, AcquisitionRecorders& recorders,
                                      std::chrono::nanoseconds duration) {
  EpisodePlan plan;
  plan.duration = duration;
  plan.prepare = [&counter, &recorders] {
    counter.reset();
    recorders.begin_episode();
  };
  plan.judge = [&counter, &recorders](const EpisodeResult& result) {
    return judge_acquisitions(result.total_ops(), counter.read(), recorders);
  };
  plan.after_warmup = [&recorders] { recorders.forget_kept(); };
  return plan;
}

}  // namespace contend
