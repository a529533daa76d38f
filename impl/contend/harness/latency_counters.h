// set_latency_counters: the one rule for which latency percentiles a row
// may carry, and the Google Benchmark counters that carry them.
//
// Every row with latencies carries `latency_samples`, the number of samples
// behind its percentiles, `max_ns`, and only the percentiles those samples
// support: the q-quantile needs at least 1 / (1 - q) samples,
//   p50_ns    1 sample        p99_ns    100 samples
//   p90_ns    10 samples      p999_ns   1000 samples
//                             p9999_ns  10000 samples
// Below that, nearest rank returns the largest sample or close to it, a
// number that looks like a tail percentile but is one unlucky sample.
// Every benchmark that reports latencies goes through here, so the rule is
// the same in every place. The histogram overload also hands the histogram
// to the process's latency export (latency_export.h), which --contend_hgrm
// writes as an .hgrm file; a repetition that reported an error exports
// nothing, as its row carries no numbers.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>

#include "contend/harness/counter_names.h"
#include "contend/harness/latency_export.h"
#include "contend/harness/latency_histogram.h"

namespace contend {

inline constexpr size_t kMinSamplesForP99 = 100;
inline constexpr size_t kMinSamplesForP999 = 1000;

struct PercentileCounter {
  const char* name;
  double quantile;
  size_t min_samples;
};

inline constexpr PercentileCounter kReportedPercentiles[] = {
    {counter_name::kP50Ns, 0.50, 1},
    {counter_name::kP90Ns, 0.90, 10},
    {counter_name::kP99Ns, 0.99, kMinSamplesForP99},
    {counter_name::kP999Ns, 0.999, kMinSamplesForP999},
    {counter_name::kP9999Ns, 0.9999, 10000},
};

// `percentile(q)` returns the q-quantile (0 < q <= 1) of the `samples`
// samples; percentile(1.0) is the maximum. Nothing is set when there are none.
template <class Percentile>
void set_latency_counters(benchmark::State& state, size_t samples, Percentile&& percentile) {
  if (samples == 0) return;
  state.counters[counter_name::kLatencySamples] =
      benchmark::Counter(static_cast<double>(samples));
  for (const PercentileCounter& p : kReportedPercentiles)
    if (samples >= p.min_samples) state.counters[p.name] = benchmark::Counter(percentile(p.quantile));
  state.counters[counter_name::kMaxNs] = benchmark::Counter(percentile(1.0));
}

// The rule for the recorder every benchmark uses: the histogram's values,
// its percentiles (within its 1%, latency_histogram.h); the histogram
// itself goes to the export, with this call's iteration count (which tells
// a reported call from Google Benchmark's probes, latency_export.h).
inline void set_latency_counters(benchmark::State& state, const LatencyHistogram& latencies) {
  set_latency_counters(state, latencies.count(), [&latencies](double q) {
    return static_cast<double>(latencies.value_at_percentile(q));
  });
  if (!state.error_occurred()) process_latency_export().add(latencies, state.max_iterations);
}

// A lock's hand-over times (release to the next waiter's acquisition):
// p50 from 1 sample, p99 from 100, as above.
inline void set_handover_counters(benchmark::State& state, const LatencyHistogram& handovers) {
  const size_t samples = handovers.count();
  if (samples == 0) return;
  state.counters[counter_name::kHandoverSamples] = benchmark::Counter(static_cast<double>(samples));
  state.counters[counter_name::kHandoverP50Ns] =
      benchmark::Counter(static_cast<double>(handovers.value_at_percentile(0.50)));
  if (samples >= kMinSamplesForP99)
    state.counters[counter_name::kHandoverP99Ns] =
        benchmark::Counter(static_cast<double>(handovers.value_at_percentile(0.99)));
}

}  // namespace contend
