// LatencySamples: per-operation latencies of a benchmark instance, reduced
// to the p50_ns / p99_ns / p999_ns counters that become CSV columns.
//
// Samples from every episode of a repetition are pooled before the
// percentiles are taken (nearest rank); a percentile the pooled samples
// are too few to support is not reported (latency_counters.h).
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

namespace contend {

class LatencySamples {
 public:
  void add(int64_t ns) { samples_.push_back(ns); }
  void add(std::span<const int64_t> ns) { samples_.insert(samples_.end(), ns.begin(), ns.end()); }
  size_t size() const { return samples_.size(); }
  void clear() { samples_.clear(); }

  // The q-quantile (0 < q <= 1) by nearest rank; 0 when there are none.
  double percentile(double q);

  // Sets latency_samples and the percentiles they support (p50_ns, p99_ns,
  // p999_ns; see latency_counters.h); nothing when there are no samples.
  void set_counters(benchmark::State& state);

 private:
  std::vector<int64_t> samples_;
};

}  // namespace contend
