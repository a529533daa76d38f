// The counting workload: what one worker does to a counter in an episode,
// and how an episode's result is judged.
//
// A counter's reset() and read() never run beside an increment, and need
// no memory order of their own: WorkerGroup's start gate orders reset()
// (in prepare) before every increment, and its `finished` hand-over orders
// every increment before read() (in judge), as a join does in the tests.
#pragma once

#include <cstdint>
#include <string>

#include "contend/harness/episode_runner.h"
#include "contend/harness/worker_group.h"

namespace contend {

// Increments until the episode's time is up. The stop flag is polled once
// per batch so the poll does not dilute the contended operation.
template <class Counter>
uint64_t increment_until_stopped(Counter& counter, const WorkerContext& context) {
  constexpr int kBatch = 64;
  uint64_t done = 0;
  // At least one batch, then until stopped: a worker the scheduler starts
  // only after the episode's time is up (seen on a loaded 2-core VM with
  // 2 ms quick episodes) must still count, not report 0 items; its late
  // start is in the makespan, which ends when the last worker returns.
  do {
    for (int i = 0; i < kBatch; ++i) counter.increment(context.index);
    done += kBatch;
  } while (!context.stop_requested());
  return done;
}

struct CounterVerdict {
  uint64_t expected = 0;  // increments the workers performed
  uint64_t observed = 0;  // the counter's final value
  uint64_t lost() const { return expected > observed ? expected - observed : 0; }
  // Empty when the result is valid for a counter of this exactness.
  std::string error(bool exact) const;
  // The episode's verdict: items = increments performed (attempts, for an
  // unsynchronized counter), counted = increments the counter holds.
  EpisodeVerdict episode_verdict(bool exact) const;
};

}  // namespace contend
