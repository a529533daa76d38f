// LatencySamples. See latency_samples.h.
#include "contend/ipc/latency_samples.h"

#include <algorithm>
#include <cmath>

#include "contend/harness/latency_counters.h"

namespace contend {

double LatencySamples::percentile(double q) {
  if (samples_.empty()) return 0;
  const auto n = samples_.size();
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  rank = std::clamp<size_t>(rank, 1, n);
  auto nth = samples_.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(samples_.begin(), nth, samples_.end());
  return static_cast<double>(*nth);
}

void LatencySamples::set_counters(benchmark::State& state) {
  set_latency_counters(state, samples_.size(), [this](double q) { return percentile(q); });
}

}  // namespace contend
