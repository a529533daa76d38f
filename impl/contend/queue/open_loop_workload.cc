// The non-template half of OpenLoopWorkload. See open_loop_workload.h.
#include "contend/queue/open_loop_workload.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace contend {

ProducerConsumerConfig OpenLoopConfig::exchange() const {
  return ProducerConsumerConfig{.scenario = ExchangeScenario::kStream,
                                .producers = producers,
                                .consumers = consumers,
                                .items_per_producer = items_per_producer,
                                .wait = wait,
                                .capacity = capacity,
                                .stall_timeout = stall_timeout};
}

void check_open_loop_config(const OpenLoopConfig& config, const QueueTraits& traits) {
  check_exchange_config(config.exchange(), traits);
  if (!std::isfinite(config.offered_per_second) || config.offered_per_second < 0)
    throw std::invalid_argument("the offered load must be a rate >= 0 items/s (0: unpaced)");
  if (config.stall_every.count() < 0 || config.stall_for.count() < 0)
    throw std::invalid_argument("a consumer stall needs non-negative times");
  if (config.warmup_windows < 0 || config.warmup_windows >= kWindowsPerEpisode)
    throw std::invalid_argument("warm-up windows must leave a window to judge (0 to " +
                                std::to_string(kWindowsPerEpisode - 1) + ")");
  if ((config.stall_every.count() > 0) != (config.stall_for.count() > 0))
    throw std::invalid_argument("a consumer stall needs both stall_every and stall_for");
}

bool kept_up_with(double offered, double achieved) {
  return offered > 0 && achieved >= kKeptUpShare * offered;
}

void KeptUpWindows::add(uint64_t items, double seconds) { windows_.emplace_back(items, seconds); }

double KeptUpWindows::achieved_per_second() const {
  uint64_t items = 0;
  double seconds = 0;
  for (const auto& [n, s] : windows_) {
    items += n;
    seconds += s;
  }
  return seconds > 0 ? static_cast<double>(items) / seconds : 0;
}

bool KeptUpWindows::kept_up(double offered) const {
  size_t kept = 0;
  for (const auto& [n, s] : windows_)  // a span of 0: popped at once, kept up
    if (offered > 0 && (s <= 0 || kept_up_with(offered, static_cast<double>(n) / s))) ++kept;
  return kept > 0 && 2 * kept >= windows_.size();
}

}  // namespace contend
