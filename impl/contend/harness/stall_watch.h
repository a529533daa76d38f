// StallFlag and StallWatch: how an episode's waits give up instead of hanging.
//
// Episodes end by counting: a queue that loses an item, or a peer that never
// answers, would leave a worker waiting forever. Every wait of an episode
// carries a StallWatch over the episode's one StallFlag:
//  - a waiter feeds its watch the progress figure it waits on (items
//    consumed so far, or nothing: 0); once that figure has not moved for the
//    limit, the waiter raises the flag and stops waiting;
//  - every other waiter of the episode sees the raised flag at its next
//    check and stops too, so one stall ends the whole episode promptly;
//  - the judge reads the flag after the workers have checked out, and the
//    episode becomes an error row (error()), not a hang and not a number.
//
// Cost: a poll that finds progress unchanged is a counter increment; the
// flag and the clock are read only every kPollsPerCheck-th poll, and the
// watch starts its clock lazily (at the first such check), so a wait that
// succeeds within kPollsPerCheck polls never reads the clock at all. That
// matters where the wait *is* the measurement (core-to-core round trips).
// A waiter that polls rarely (after a timed wait gave up) asks for a check
// now (`check_now`) or starts the clock itself (start()).
//
// Guaranteed: no false stall before `limit` of unchanged progress has passed
// on the clock (plus at most kPollsPerCheck polls to start it); every waiter
// that keeps polling notices a raised flag within kPollsPerCheck polls.
// Not guaranteed: a bound on how late a stall is noticed by a waiter that
// is itself blocked (a blocking pop without a timeout waits on).
//
// The flag is a bare flag, relaxed everywhere: it carries no data. Its
// reset() comes before the workers start and its read in the judge after
// they check out, both ordered by the worker group's start gate and
// check-out (worker_group.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "contend/harness/clock.h"

namespace contend {

class StallFlag {
 public:
  void reset() { raised_.store(false, std::memory_order_relaxed); }  // before each episode
  void raise() { raised_.store(true, std::memory_order_relaxed); }
  bool raised() const { return raised_.load(std::memory_order_relaxed); }

  // The judge's line: "" while the flag is down, else
  // "<what> stalled: no progress for <limit> ms".
  std::string error(std::string_view what, std::chrono::nanoseconds limit) const;

 private:
  std::atomic<bool> raised_{false};
};

class StallWatch {
 public:
  // The clock, in ns; a test passes one it drives.
  using Clock = int64_t (*)() noexcept;
  static constexpr uint32_t kPollsPerCheck = 1024;

  StallWatch(StallFlag& flag, std::chrono::nanoseconds limit, Clock clock = monotonic_ns)
      : flag_(flag), limit_ns_(limit.count()), clock_(clock) {}

  // One idle poll of a wait on `progress`: true when the episode has
  // stalled (this waiter's progress has not moved for the limit, which
  // raises the flag, or another waiter raised it): stop waiting.
  bool stalled(uint64_t progress = 0, bool check_now = false) {
    if (progress != progress_) {
      progress_ = progress;
      started_ = false;
      polls_ = 0;
      return false;
    }
    if (!check_now && ++polls_ % kPollsPerCheck != 0) return false;
    if (flag_.raised()) return true;
    const int64_t now = clock_();
    if (!started_) {
      started_ = true;
      since_ns_ = now;
      return false;
    }
    if (now - since_ns_ < limit_ns_) return false;
    flag_.raise();
    return true;
  }

  // Starts the clock now, for a waiter that next polls only after a
  // blocking wait of up to the limit (it then stalls at its first check).
  void start() {
    started_ = true;
    since_ns_ = clock_();
  }

  // A wait that gave up by itself (a timed pop that waited out the limit).
  void give_up() { flag_.raise(); }

 private:
  StallFlag& flag_;
  const int64_t limit_ns_;
  const Clock clock_;
  int64_t since_ns_ = 0;
  uint64_t progress_ = 0;
  uint32_t polls_ = 0;
  bool started_ = false;
};

}  // namespace contend
