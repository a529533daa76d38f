// The non-template half of QueuePingPongWorkload: the configuration check
// and the judge. See queue_pingpong_workload.h.
#include "contend/queue/queue_pingpong_workload.h"

#include <stdexcept>
#include <string>

namespace contend {

void check_queue_pingpong_config(const QueuePingPongConfig& config, const QueueTraits& traits) {
  if (config.round_trips == 0 || config.round_trips > kMaxItemsPerProducer)
    throw std::invalid_argument("round trips must be 1.." + std::to_string(kMaxItemsPerProducer));
  if (config.wait == WaitMode::kBlock && !traits.blocking)
    throw std::invalid_argument("this queue cannot block");
  if (config.capacity == 0 && !traits.can_be_unbounded())
    throw std::invalid_argument("this queue needs a capacity");
}

EpisodeVerdict judge_queue_pingpong(uint64_t round_trips, uint64_t completed, bool stalled,
                              bool mismatch, uint64_t sent_word, uint64_t got_word) {
  EpisodeVerdict verdict;
  if (mismatch) {
    verdict.error = "round trip " + std::to_string(completed - 1) + " sent " +
                    describe_item(sent_word) + " but got back " + describe_item(got_word);
  } else if (stalled || completed != round_trips) {
    verdict.lost = 1;
    verdict.error = "lost an item: round trip " + std::to_string(completed) + " of " +
                    std::to_string(round_trips) + " never came back";
  } else {
    verdict.items = round_trips;
  }
  return verdict;
}

}  // namespace contend
