// StallWatch: notices that a wait has made no progress for too long.
//
// Episodes end by counting items, so a queue that loses one would leave its
// consumers waiting forever. A waiter feeds the watch the progress figure it
// waits on (items consumed so far); once that figure has not moved for
// `limit`, the wait is declared stalled and the episode becomes an error
// ("lost items") instead of a hang. The clock is read only every 1024th
// idle poll, so watching costs nothing measurable.
#pragma once

#include <chrono>
#include <cstdint>

namespace contend {

class StallWatch {
 public:
  explicit StallWatch(std::chrono::nanoseconds limit) : limit_(limit) {}

  // Call on every idle poll. `read_clock_now` forces a clock read (for
  // callers that poll rarely, e.g. after a timed pop gave up).
  bool stalled(uint64_t progress, bool read_clock_now = false) {
    if (progress != seen_ || !started_) {
      seen_ = progress;
      started_ = true;
      since_ = std::chrono::steady_clock::now();
      polls_ = 0;
      return false;
    }
    if (!read_clock_now && (++polls_ & 1023) != 0) return false;
    return std::chrono::steady_clock::now() - since_ >= limit_;
  }

 private:
  std::chrono::nanoseconds limit_;
  std::chrono::steady_clock::time_point since_{};
  uint64_t seen_ = 0;
  uint32_t polls_ = 0;
  bool started_ = false;
};

}  // namespace contend
