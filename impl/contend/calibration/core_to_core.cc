// See core_to_core.h.
#include "contend/calibration/core_to_core.h"

#include <string>

#include "contend/harness/clock.h"
#include "contend/harness/stall_watch.h"
#include "contend/calibration/peer_wait.h"

namespace contend {

CoreToCoreWorkload::CoreToCoreWorkload(const CoreToCoreConfig& config,
                                       const std::vector<Place>& places, bool check_pinning)
    : config_(config), pinning_(places, check_pinning) {}

void CoreToCoreWorkload::prepare() {
  line_.store(0);
  stall_.reset();
  completed_[0] = completed_[1] = 0;
  episode_.clear();
}

uint64_t CoreToCoreWorkload::run(const WorkerContext& context) {
  pinning_.record(context.index);
  const uint64_t done = context.index == 0 ? ping() : pong();
  completed_[context.index] = done;
  return done;
}

// The watch looks at the flag and the clock only every kPollsPerCheck-th
// failed attempt: reading them on every one would slow the spin the
// measurement is made of.
bool CoreToCoreWorkload::advance(uint64_t from) {
  StallWatch watch(stall_, config_.stall_timeout);
  for (uint64_t expected = from; !line_.compare_exchange_weak(expected, from + 1);
       expected = from) {
    if (watch.stalled()) return false;
    wait_for_peer(config_.share_pu);
  }
  return true;
}

uint64_t CoreToCoreWorkload::ping() {
  // The first CAS (0 -> 1) starts round trip 0; each later one both ends
  // round trip k (the line is back, at 2k+2) and starts k+1.
  if (!advance(0)) return 0;
  int64_t start = monotonic_ns();
  uint64_t done = 0;
  while (done < config_.round_trips) {
    const uint64_t back = 2 * (done + 1);
    // After the last round trip nothing is sent on: wait for the value alone.
    const bool last = done + 1 == config_.round_trips;
    if (last) {
      StallWatch watch(stall_, config_.stall_timeout);
      while (line_.load() != back) {
        wait_for_peer(config_.share_pu);
        if (watch.stalled()) return done;
      }
    } else if (!advance(back)) {
      return done;
    }
    const int64_t now = monotonic_ns();
    episode_.record(now - start);
    start = now;
    ++done;
  }
  return done;
}

uint64_t CoreToCoreWorkload::pong() {
  uint64_t done = 0;
  for (; done < config_.round_trips; ++done)
    if (!advance(2 * done + 1)) break;
  return done;
}

EpisodeVerdict CoreToCoreWorkload::judge(const EpisodeResult&) {
  round_trips_.merge(episode_);
  const uint64_t n = config_.round_trips;
  EpisodeVerdict verdict;
  verdict.items = completed_[0];
  if (const std::string pinned = pinning_.error(); !pinned.empty()) {
    verdict.error = pinned;
  } else if (stall_.raised()) {
    verdict.error = stall_.error("core_to_core", config_.stall_timeout);
  } else if (completed_[0] != n || completed_[1] != n || line_.load() != 2 * n ||
             episode_.count() != n) {
    verdict.error = "core_to_core counts do not add up: " + std::to_string(completed_[0]) +
                    " and " + std::to_string(completed_[1]) + " round trips of " +
                    std::to_string(n) + ", line at " + std::to_string(line_.load()) +
                    " (expected " + std::to_string(2 * n) + "), " +
                    std::to_string(episode_.count()) + " timed";
  }
  return verdict;
}

}  // namespace contend
