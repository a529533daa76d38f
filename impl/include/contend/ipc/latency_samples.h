// LatencySamples: per-operation latencies of a benchmark instance, reduced
// to the p50_ns / p99_ns / p999_ns counters that become CSV columns.
//
// Samples from every episode of a repetition are pooled before the
// percentiles are taken (nearest rank), so p99.9 means something only when
// a repetition holds well over a thousand samples.
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

  // Sets p50_ns, p99_ns and p999_ns (nothing when there are no samples).
  void set_counters(benchmark::State& state);

 private:
  std::vector<int64_t> samples_;
};

}  // namespace contend
