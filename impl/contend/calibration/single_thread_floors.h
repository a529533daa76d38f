// The floors that need no matrix: what one atomic read-modify-write costs
// when nobody else wants the line, and how long a futex wake takes to get
// the woken thread running.
//
// AtomicRmwWorkload: one worker fetch_adds `operations` times on a private,
// cache-line-aligned counter; items are operations, so ns_per_item is one
// uncontended RMW (a locked instruction on x86, with its full fence), the
// floor under every atomic counter at one thread. Checked: the counter
// holds exactly the operations.
//
// FutexWakeWorkload: worker 0 sleeps on a futex word (harness/futex.h);
// worker 1 waits until it has announced that it is going to sleep, gives it
// `settle` to get into the kernel, stamps the clock, stores and wakes.
// Worker 0 stamps the clock as soon as futex_wait returns; the difference
// is one sample (every wake is timed). Checked: every sample was taken, and
// both workers ran on their PUs.
// Not guaranteed: that worker 0 was asleep at the wake. If it had not yet
// reached the kernel after `settle`, futex_wait returns at once and that
// sample is shorter than a real wake-up; the median is robust to a few.
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

class AtomicRmwWorkload {
 public:
  explicit AtomicRmwWorkload(uint64_t operations) : operations_(operations) {}
  static constexpr int workers() { return 1; }

  void prepare() { counter_.store(0, std::memory_order_relaxed); }
  uint64_t run(const WorkerContext& context);
  EpisodeVerdict judge(const EpisodeResult& result);

 private:
  const uint64_t operations_;
  alignas(64) std::atomic<uint64_t> counter_{0};
};

struct FutexWakeConfig {
  uint64_t wakes = 100;  // samples per episode
  std::chrono::nanoseconds settle = std::chrono::microseconds(50);
  std::chrono::nanoseconds stall_timeout = std::chrono::seconds(10);
  bool share_pu = false;  // both workers run on one PU: wait_for_peer yields
};

class FutexWakeWorkload {
 public:
  FutexWakeWorkload(const FutexWakeConfig& config, const std::vector<Place>& places,
                    bool check_pinning);
  static constexpr int workers() { return 2; }

  void prepare();
  uint64_t run(const WorkerContext& context);
  EpisodeVerdict judge(const EpisodeResult& result);

  const LatencyHistogram& wake_to_run() const { return wake_to_run_; }
  void forget_samples() { wake_to_run_.clear(); }

 private:
  uint64_t sleeper();
  uint64_t waker();

  const FutexWakeConfig config_;
  // The futex word: the wakes sent so far (worker 0 sleeps for wake k while it is k).
  alignas(64) std::atomic<uint32_t> word_{0};
  // Wake k's announcement: worker 0 stores k + 1 (release) just before it
  // sleeps; worker 1's acquire load of it pairs with that store.
  alignas(64) std::atomic<uint64_t> sleeping_{0};
  // The waker's stamp, stored before the word (release) and read by the
  // sleeper after it saw the word change (acquire, pairing with the word's
  // release store): the sleeper always reads this wake's stamp.
  alignas(64) std::atomic<int64_t> woken_at_{0};
  StallFlag stall_;  // raised by the worker that gave up
  PinningCheck pinning_;
  LatencyHistogram episode_;  // worker 0's, merged by the judge
  LatencyHistogram wake_to_run_;
  uint64_t completed_[2] = {0, 0};
};

}  // namespace contend
