// See state_probe.h.
#include "contend/harness/state_probe.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "contend/harness/clock.h"
#include "contend/sync/cpu_relax.h"

namespace contend {

namespace {

// The bounced line, alone on its cache line, and the flag that stops the
// answering thread when the pinging one gives up.
struct alignas(64) Line {
  std::atomic<uint64_t> value{0};
};
struct alignas(64) Flag {
  std::atomic<bool> raised{false};
};

bool pinned(const Topology& topology, int pu) {
  try {
    topology.pin_current_thread(pu);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// Answers round trip k: waits for 2k+1, sends 2k+2. The acquire load pairs
// with ping's release store of 2k+1 (and the release store of 2k+2 with
// ping's acquire load): each side sees the other's step before taking its
// own. `stop` (relaxed) only ends the wait; it carries no data.
void pong(Line& line, Flag& stop, Flag& ready, const Topology& topology, int pu) {
  const bool ok = pinned(topology, pu);
  ready.raised.store(true, std::memory_order_release);  // pairs with ping's acquire wait
  if (!ok) return;
  for (uint64_t k = 0; k < static_cast<uint64_t>(kProbeRoundTrips); ++k) {
    while (line.value.load(std::memory_order_acquire) != 2 * k + 1) {
      if (stop.raised.load(std::memory_order_relaxed)) return;
      cpu_relax();
    }
    line.value.store(2 * k + 2, std::memory_order_release);
  }
}

}  // namespace

StateProbe probe_state(const Topology& topology) {
  StateProbe out{std::nan(""), 0};
  if (!topology.is_this_system() || topology.core_count() < 2) return out;
  const int pu_a = topology.cores()[0].pus.front();
  const int pu_b = topology.cores()[1].pus.front();
  Line line;
  Flag stop, ready;
  std::vector<int64_t> samples;
  samples.reserve(kProbeRoundTrips);
  int64_t gave_up_after = 0;  // ns waited when the budget ran out with no sample
  std::thread peer(pong, std::ref(line), std::ref(stop), std::ref(ready), std::cref(topology), pu_b);
  std::thread self([&] {
    if (!pinned(topology, pu_a)) return;
    const int64_t begin = monotonic_ns();
    const int64_t deadline = begin + std::chrono::nanoseconds(kProbeBudget).count();
    while (!ready.raised.load(std::memory_order_acquire)) {
      if (monotonic_ns() > deadline) {
        gave_up_after = monotonic_ns() - begin;
        return;
      }
      cpu_relax();
    }
    for (uint64_t k = 0; k < static_cast<uint64_t>(kProbeRoundTrips); ++k) {
      const int64_t start = monotonic_ns();
      line.value.store(2 * k + 1, std::memory_order_release);
      while (line.value.load(std::memory_order_acquire) != 2 * k + 2) {
        if (monotonic_ns() > deadline) {
          if (samples.empty()) gave_up_after = monotonic_ns() - begin;
          return;
        }
        cpu_relax();
      }
      samples.push_back(monotonic_ns() - start);
    }
  });
  self.join();
  stop.raised.store(true, std::memory_order_relaxed);
  peer.join();
  out.samples = static_cast<int>(samples.size());
  if (samples.empty()) {
    // The peer never answered within the budget: the wait is a lower bound
    // of the round trip, and itself a state (the other core was taken).
    if (gave_up_after > 0) out.round_trip_ns = static_cast<double>(gave_up_after);
    return out;
  }
  auto mid = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
  std::nth_element(samples.begin(), mid, samples.end());
  out.round_trip_ns = static_cast<double>(*mid);
  return out;
}

}  // namespace contend
