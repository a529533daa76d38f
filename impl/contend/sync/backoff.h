// ExponentialBackoff: the waiting policy of spin loops under contention.
//
// Spinning hard on a contended line makes every waiter steal it from the
// holder; doubling the pause between attempts keeps the line with the owner.
// Past a cap the waiter yields, so an oversubscribed run (more workers than
// PUs) lets the preempted holder run instead of burning its time slice.
#pragma once

#include <sched.h>

#include <cstdint>

#include "contend/sync/cpu_relax.h"

namespace contend {

class ExponentialBackoff {
 public:
  void pause() noexcept {
    if (spins_ >= kYieldAfter) {
      sched_yield();
      return;
    }
    for (uint32_t i = 0; i < spins_; ++i) cpu_relax();
    spins_ *= 2;
  }
  void reset() noexcept { spins_ = 1; }

 private:
  static constexpr uint32_t kYieldAfter = 1024;
  uint32_t spins_ = 1;
};

// Bounded spin-then-yield for waits that are expected to be short.
class SpinWait {
 public:
  void pause() noexcept {
    if (++count_ < kSpinsBeforeYield) {
      cpu_relax();
    } else {
      sched_yield();
    }
  }

 private:
  static constexpr uint32_t kSpinsBeforeYield = 128;
  uint32_t count_ = 0;
};

}  // namespace contend
