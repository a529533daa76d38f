// The non-template half of RankErrorWorkload. See rank_error_workload.h.
#include "contend/queue/rank_error_workload.h"

#include <stdexcept>
#include <string>

namespace contend {

void check_rank_error_config(const RankErrorConfig& config, const QueueTraits& traits) {
  auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
  if (traits.order != QueueOrder::kPriority && traits.order != QueueOrder::kRelaxedPriority)
    fail("rank errors are a priority queue's measure");
  if (config.threads < 1) fail("quality needs at least one thread");
  if (!traits.allows(config.threads, config.threads))
    fail("every quality thread both pushes and pops: the queue must allow " +
         std::to_string(config.threads) + ":" + std::to_string(config.threads));
  // One producer id per thread plus one for the prefill.
  if (static_cast<uint32_t>(config.threads) >= kMaxProducers)
    fail("at most " + std::to_string(kMaxProducers - 1) + " quality threads");
  if (config.prefill <= static_cast<uint64_t>(config.threads))
    fail("the prefill must exceed the thread count, so a pop always finds an item");
  if (config.prefill > kMaxItemsPerProducer || config.ops_per_thread == 0 ||
      config.ops_per_thread > kMaxItemsPerProducer)
    fail("prefill and ops per thread must be 1.." + std::to_string(kMaxItemsPerProducer));
}

}  // namespace contend
