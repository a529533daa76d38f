// The non-template half of run_open_loop. See open_loop_benchmark.h.
#include "contend/queue/open_loop_benchmark.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "contend/harness/counter_names.h"
#include "contend/harness/latency_counters.h"

namespace contend {

namespace {

// At least `total` items, as a whole number per producer.
uint64_t per_producer(uint64_t total, int producers) {
  const auto p = static_cast<uint64_t>(producers);
  return std::clamp<uint64_t>((total + p - 1) / p, 1, kMaxItemsPerProducer);
}

}  // namespace

OpenLoopConfig unpaced_config(const OpenLoopConfig& shape, uint64_t total) {
  OpenLoopConfig config = shape;
  config.offered_per_second = 0;
  config.items_per_producer = per_producer(total, shape.producers);
  return config;
}

uint64_t saturation_items(double pilot_per_second) {
  const double seconds = std::chrono::duration<double>(kSaturationEpisode).count();
  const double items = std::ceil(pilot_per_second * seconds);
  // A pilot slower than a whole episode still sizes at the pilot's size.
  return std::max(kSaturationPilotItems,
                  static_cast<uint64_t>(std::min(items, static_cast<double>(kMaxItemsPerProducer))));
}

OpenLoopConfig paced_config(const OpenLoopLatencyConfig& config, double saturation) {
  OpenLoopConfig paced = config.queue;
  paced.offered_per_second = saturation * config.load_pct / 100.0;
  const double seconds = std::chrono::duration<double>(config.schedule).count();
  const double items = std::ceil(paced.offered_per_second * seconds);
  const uint64_t total = std::max(
      config.min_items,
      static_cast<uint64_t>(std::min(items, static_cast<double>(kMaxItemsPerProducer))));
  paced.items_per_producer = per_producer(total, config.queue.producers);
  return paced;
}

double saturation_once(const std::string& key, const std::function<double()>& measure) {
  static std::map<std::string, double> measured;
  if (auto it = measured.find(key); it != measured.end()) return it->second;
  const double saturation = measure();
  measured.emplace(key, saturation);
  return saturation;
}

std::string saturation_key(const BenchmarkId& id) {
  BenchmarkId shape = id;
  std::erase_if(shape.params, [](const auto& param) { return param.first == "load_pct"; });
  return shape.name();
}

double saturation_episode_rate(const EpisodeResult& result, const EpisodeVerdict& verdict) {
  if (!result.ok()) throw std::runtime_error("saturation episode: " + result.error);
  if (!verdict.error.empty()) throw std::runtime_error(verdict.error);
  if (result.makespan_seconds <= 0 || verdict.items == 0)
    throw std::runtime_error("saturation episode measured no time or no items");
  return static_cast<double>(verdict.items) / result.makespan_seconds;
}

bool capacity_fell(double before, double after) { return after < kStateChangeShare * before; }

OpenLoopConfig with_warmup_windows(OpenLoopConfig paced, const BenchEnvironment& env) {
  paced.warmup_windows = std::min(env.warmup_episodes, kWindowsPerEpisode / 2);
  return paced;
}

void set_open_loop_counters(benchmark::State& state, double offered, bool kept_up,
                            const LatencyHistogram& since_intended, int reruns) {
  state.counters[counter_name::kOfferedPerSecond] = benchmark::Counter(offered);
  state.counters[counter_name::kKeptUp] = benchmark::Counter(kept_up ? 1 : 0);
  state.counters[counter_name::kReruns] = benchmark::Counter(reruns);
  if (kept_up) set_latency_counters(state, since_intended);
}

}  // namespace contend
