// LatencyReservoir. See latency_reservoir.h.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>

#include "contend/harness/latency_counters.h"
#include "contend/queue/latency_reservoir.h"

namespace contend {

void LatencyReservoir::add(int64_t nanoseconds) {
  ++seen_;
  if (samples_.size() < limit_) {
    samples_.push_back(nanoseconds);
    return;
  }
  // Reservoir sampling (Algorithm R): the i-th sample replaces a random
  // slot with probability limit/i, which keeps the subset uniform.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 7;
  rng_ ^= rng_ << 17;
  const uint64_t slot = rng_ % seen_;
  if (slot < limit_) samples_[slot] = nanoseconds;
}

void LatencyReservoir::add(std::span<const int64_t> nanoseconds) {
  for (int64_t ns : nanoseconds) add(ns);
}

void LatencyReservoir::clear() {
  seen_ = 0;
  samples_.clear();
}

std::optional<double> LatencyReservoir::percentile(double q) const {
  if (samples_.empty()) return std::nullopt;
  std::vector<int64_t> sorted(samples_);
  q = std::clamp(q, 0.0, 1.0);
  // Nearest rank: the smallest sample with at least q of all at or below it.
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  size_t index = rank == 0 ? 0 : rank - 1;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(index), sorted.end());
  return static_cast<double>(sorted[index]);
}

void LatencyReservoir::report(benchmark::State& state) const {
  // The percentiles come from the samples kept, so those are what count.
  set_latency_counters(state, samples_.size(), [this](double q) { return *percentile(q); });
}

}  // namespace contend
