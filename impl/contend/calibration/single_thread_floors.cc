// See single_thread_floors.h.
#include "contend/calibration/single_thread_floors.h"

#include <string>

#include "contend/harness/clock.h"
#include "contend/harness/futex.h"
#include "contend/harness/stall_watch.h"
#include "contend/calibration/peer_wait.h"

namespace contend {

uint64_t AtomicRmwWorkload::run(const WorkerContext&) {
  // Relaxed: no other thread reads the counter during the episode; the
  // instruction (lock xadd) is the same for every order on x86.
  for (uint64_t i = 0; i < operations_; ++i) counter_.fetch_add(1, std::memory_order_relaxed);
  return operations_;
}

EpisodeVerdict AtomicRmwWorkload::judge(const EpisodeResult&) {
  const uint64_t held = counter_.load(std::memory_order_relaxed);
  EpisodeVerdict verdict;
  verdict.items = held;
  if (held != operations_)
    verdict.error = "atomic_rmw counter holds " + std::to_string(held) + " of " +
                    std::to_string(operations_) + " increments";
  return verdict;
}

FutexWakeWorkload::FutexWakeWorkload(const FutexWakeConfig& config,
                                     const std::vector<Place>& places, bool check_pinning)
    : config_(config), pinning_(places, check_pinning) {}

void FutexWakeWorkload::prepare() {
  word_.store(0, std::memory_order_relaxed);
  sleeping_.store(0, std::memory_order_relaxed);
  woken_at_.store(0, std::memory_order_relaxed);
  stall_.reset();
  completed_[0] = completed_[1] = 0;
  episode_.clear();
}

uint64_t FutexWakeWorkload::run(const WorkerContext& context) {
  pinning_.record(context.index);
  const uint64_t done = context.index == 0 ? sleeper() : waker();
  completed_[context.index] = done;
  return done;
}

uint64_t FutexWakeWorkload::sleeper() {
  uint64_t done = 0;
  for (; done < config_.wakes; ++done) {
    const uint32_t asleep = static_cast<uint32_t>(done);  // wakes sent so far
    sleeping_.store(done + 1, std::memory_order_release);
    StallWatch watch(stall_, config_.stall_timeout);
    watch.start();  // each futex_wait may last the whole limit
    // Pairs with the waker's release store of asleep + 1.
    while (word_.load(std::memory_order_acquire) == asleep) {
      futex_wait(word_, asleep, config_.stall_timeout);
      if (word_.load(std::memory_order_acquire) == asleep && watch.stalled(0, true)) return done;
    }
    const int64_t running = monotonic_ns();
    episode_.record(running - woken_at_.load(std::memory_order_acquire));
  }
  return done;
}

uint64_t FutexWakeWorkload::waker() {
  uint64_t done = 0;
  for (; done < config_.wakes; ++done) {
    StallWatch watch(stall_, config_.stall_timeout);
    // Pairs with the sleeper's release store of its announcement.
    while (sleeping_.load(std::memory_order_acquire) != done + 1) {
      wait_for_peer(config_.share_pu);
      if (watch.stalled()) return done;
    }
    // Let the sleeper reach the kernel: the sample should be a wake-up.
    const int64_t settled = monotonic_ns() + config_.settle.count();
    while (monotonic_ns() < settled) wait_for_peer(config_.share_pu);
    woken_at_.store(monotonic_ns(), std::memory_order_relaxed);
    // Release: the stamp above is visible to a sleeper that sees the word.
    word_.store(static_cast<uint32_t>(done + 1), std::memory_order_release);
    futex_wake_all(word_);
  }
  return done;
}

EpisodeVerdict FutexWakeWorkload::judge(const EpisodeResult&) {
  wake_to_run_.merge(episode_);
  const uint64_t n = config_.wakes;
  EpisodeVerdict verdict;
  verdict.items = completed_[0];
  if (const std::string pinned = pinning_.error(); !pinned.empty()) {
    verdict.error = pinned;
  } else if (stall_.raised()) {
    verdict.error = stall_.error("futex_wake", config_.stall_timeout);
  } else if (completed_[0] != n || completed_[1] != n || episode_.count() != n) {
    verdict.error = "futex_wake counts do not add up: " + std::to_string(completed_[0]) +
                    " woken and " + std::to_string(completed_[1]) + " wakes of " +
                    std::to_string(n) + ", " + std::to_string(episode_.count()) + " timed";
  }
  return verdict;
}

}  // namespace contend
