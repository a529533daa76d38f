// The non-template half of ItemExchange: the configuration check and the
// judge. See item_exchange.h.
#include "contend/queue/item_exchange.h"

#include <stdexcept>
#include <string>

namespace contend {

OrderCheck order_check_for(QueueOrder order, ExchangeScenario scenario) {
  switch (order) {
    case QueueOrder::kFifo: return OrderCheck::kProducerFifo;
    // LIFO and priority order only mean something in a quiescent queue:
    // while pushes race with pops, any pop order can be explained.
    case QueueOrder::kLifo:
      return scenario == ExchangeScenario::kDrain ? OrderCheck::kProducerLifo : OrderCheck::kNone;
    case QueueOrder::kPriority:
      return scenario == ExchangeScenario::kDrain ? OrderCheck::kAscending : OrderCheck::kNone;
    // A relaxed queue may pop a larger key first even when quiescent: only
    // no loss and no duplicates are judged; its quality is measured apart.
    case QueueOrder::kRelaxedPriority:
    case QueueOrder::kNone: return OrderCheck::kNone;
  }
  return OrderCheck::kNone;
}

void ConsumerTally::reset(int producers) {
  count = 0;
  checksum = 0;
  stray = false;
  stray_word = 0;
  order_broken = false;
  order_word = order_after = 0;
  previous_word = 0;
  have_previous = false;
  last_seq.assign(static_cast<size_t>(producers), kNoSeq);
}

uint64_t expected_exchange_checksum(int producers, uint64_t items_per_producer) {
  uint64_t sum = 0;
  for (int p = 0; p < producers; ++p)
    for (uint64_t seq = 0; seq < items_per_producer; ++seq)
      sum += item_hash(make_item_word(static_cast<uint32_t>(p), seq));
  return sum;
}

void check_exchange_config(const ProducerConsumerConfig& config, const QueueTraits& traits) {
  auto fail = [](const std::string& why) { throw std::invalid_argument(why); };
  if (config.producers < 1 || config.consumers < 1) fail("a queue needs producers and consumers");
  if (static_cast<uint32_t>(config.producers) > kMaxProducers)
    fail("at most " + std::to_string(kMaxProducers) + " producers");
  if (config.items_per_producer == 0 || config.items_per_producer > kMaxItemsPerProducer)
    fail("items per producer must be 1.." + std::to_string(kMaxItemsPerProducer));
  if (!traits.allows(config.producers, config.consumers))
    fail(std::to_string(config.producers) + ":" + std::to_string(config.consumers) +
         " is not a shape a " + std::string(to_string(traits.concurrency)) + " queue allows");
  if (config.wait == WaitMode::kBlock && !traits.blocking) fail("this queue cannot block");
  if (config.capacity == 0 && !traits.can_be_unbounded()) fail("this queue needs a capacity");
  if (config.capacity != 0 && traits.can_be_bounded() &&
      config.scenario == ExchangeScenario::kDrain &&
      config.capacity < static_cast<uint64_t>(config.producers) * config.items_per_producer)
    fail("a drain episode must fit in the queue's capacity");
}

EpisodeVerdict judge_exchange(const ExchangeOutcome& outcome) {
  EpisodeVerdict verdict;
  uint64_t count = 0, checksum = 0;
  for (const auto& tally : *outcome.tallies) {
    count += tally->count;
    checksum += tally->checksum;
  }
  verdict.lost = count < outcome.expected_items
                     ? static_cast<double>(outcome.expected_items - count)
                     : 0.0;
  const std::string counted =
      std::to_string(count) + " of " + std::to_string(outcome.expected_items) + " items";
  for (size_t c = 0; c < outcome.tallies->size(); ++c) {
    const ConsumerTally& tally = *(*outcome.tallies)[c];
    if (tally.stray) {
      verdict.error = "consumer " + std::to_string(c) + " popped a word no producer pushed (" +
                      describe_item(tally.stray_word) + ")";
      return verdict;
    }
  }
  if (outcome.stalled && count < outcome.expected_items) {
    verdict.error = "lost items: the queue ran dry after " + counted;
    return verdict;
  }
  if (count != outcome.expected_items) {
    verdict.error = "consumed " + counted;
    return verdict;
  }
  if (checksum != outcome.expected_checksum) {
    verdict.error = "consumed items are not the produced ones (" + counted +
                    ", but duplicates stand in for lost items)";
    return verdict;
  }
  if (outcome.leftover) {
    verdict.error = "item left in the queue after every item was consumed (" +
                    describe_item(outcome.leftover_word) + ")";
    return verdict;
  }
  for (size_t c = 0; c < outcome.tallies->size(); ++c) {
    const ConsumerTally& tally = *(*outcome.tallies)[c];
    if (!tally.order_broken) continue;
    const char* what = outcome.order == OrderCheck::kProducerFifo   ? "FIFO"
                       : outcome.order == OrderCheck::kProducerLifo ? "LIFO"
                                                                    : "priority";
    verdict.error = std::string(what) + " order broken: consumer " + std::to_string(c) +
                    " got " + describe_item(tally.order_word) + " after " +
                    describe_item(tally.order_after);
    return verdict;
  }
  verdict.items = outcome.expected_items;
  return verdict;
}

}  // namespace contend
