// LatencyReservoir: a bounded sample of latencies and their percentiles.
//
// Benchmarks time only some operations (every 64th item, every 8th round
// trip) so that reading the clock does not dominate what is measured;
// the samples of all episodes of one run are pooled here. Past `limit`
// samples it keeps a uniform random subset (reservoir sampling), so memory
// stays bounded however many episodes run. Percentiles are nearest-rank.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace benchmark {
class State;
}

namespace contend {

class LatencyReservoir {
 public:
  explicit LatencyReservoir(size_t limit = size_t{1} << 20) : limit_(limit) {}

  void add(int64_t nanoseconds);
  void add(std::span<const int64_t> nanoseconds);
  size_t size() const { return samples_.size(); }
  void clear();  // forgets every sample (those of warm-up episodes, say)
  uint64_t seen() const { return seen_; }

  // q in [0, 1]; nullopt without samples.
  std::optional<double> percentile(double q) const;

  // Sets latency_samples and the percentiles they support (p50_ns, p99_ns,
  // p999_ns; see latency_counters.h); nothing without samples.
  void report(benchmark::State& state) const;

 private:
  size_t limit_;
  uint64_t seen_ = 0;
  uint64_t rng_ = 0x9e3779b97f4a7c15ULL;
  std::vector<int64_t> samples_;
};

}  // namespace contend
