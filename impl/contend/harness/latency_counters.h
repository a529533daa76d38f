// set_latency_counters: the one rule for which latency percentiles a row
// may carry, and the Google Benchmark counters that carry them.
//
// Every row with latencies carries `latency_samples`, the number of samples
// behind its percentiles, and only the percentiles those samples support:
//   p50_ns   at least 1 sample
//   p99_ns   at least 100 samples (kMinSamplesForP99)
//   p999_ns  at least 1000 samples (kMinSamplesForP999)
// Below that, nearest rank returns the largest sample or close to it, a
// number that looks like a tail percentile but is one unlucky sample.
// Every benchmark that reports latencies goes through here, so the rule is
// the same in every place.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>

#include "contend/harness/counter_names.h"
#include "contend/harness/latency_histogram.h"

namespace contend {

inline constexpr size_t kMinSamplesForP99 = 100;
inline constexpr size_t kMinSamplesForP999 = 1000;

// `percentile(q)` returns the q-quantile (0 < q <= 1) of the `samples`
// samples. Nothing is set when there are none.
template <class Percentile>
void set_latency_counters(benchmark::State& state, size_t samples, Percentile&& percentile) {
  if (samples == 0) return;
  state.counters[counter_name::kLatencySamples] =
      benchmark::Counter(static_cast<double>(samples));
  state.counters[counter_name::kP50Ns] = benchmark::Counter(percentile(0.50));
  if (samples >= kMinSamplesForP99)
    state.counters[counter_name::kP99Ns] = benchmark::Counter(percentile(0.99));
  if (samples >= kMinSamplesForP999)
    state.counters[counter_name::kP999Ns] = benchmark::Counter(percentile(0.999));
}

// The rule for the recorder every benchmark uses: the histogram's values,
// its percentiles (within its 1%, latency_histogram.h).
inline void set_latency_counters(benchmark::State& state, const LatencyHistogram& latencies) {
  set_latency_counters(state, latencies.count(), [&latencies](double q) {
    return static_cast<double>(latencies.value_at_percentile(q));
  });
}

}  // namespace contend
