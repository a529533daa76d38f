// ItemExchange<Q>: P producers and C consumers handing QueueItem words
// through one queue, from the episode's start to its judgement: the part
// bench_queue's producer/consumer workloads share. ProducerConsumerWorkload
// (throughput, drain) pushes flat out and times nothing; OpenLoopWorkload
// (latency) paces its producers and times every item. Both run their
// episodes through this class, so both end the same way and are checked by
// the same judge.
//
// Workers 0..P-1 produce, P..P+C-1 consume. Each producer pushes its items
// 0..n-1 in sequence, QueueItem words naming it and the sequence number,
// through a push the workload supplies (produce()'s push_one); consumers pop
// until, between them, they have counted every item, and hand each counted
// item to the workload (consume()'s on_item). Two scenarios:
//   kStream  producers and consumers run at once;
//   kDrain   producers fill the queue, then consumers drain it, quiescent:
//            the one setting where LIFO and priority order can be checked.
//
// How an episode ends without anyone waiting forever: consumers count pops
// locally and publish the count to a shared total every 64 pops and before
// any wait. The consumer whose publication reaches the total is the last;
// spinning consumers see the total and stop, sleeping ones (WaitMode::kBlock)
// are woken by a stop pill per consumer that the last one pushes. Waking
// them is not the benchmark's work: the last consumer stamps the end of the
// real work before pushing the pills, and every consumer reports that
// stamp as its finish (WorkerContext::mark_work_done), so the makespan ends
// with the last real item, not with the last pill's wake-up. A queue
// that loses items would keep them waiting forever, so idle waits watch for
// a stall (StallWatch) once all producers are done: the waits then end, and
// the episode is judged "lost items" if items are in fact missing. (A
// consumer preempted for the whole stall timeout while holding unpublished
// pops can trip the watch with nothing lost; it still drains what is left,
// so such an episode is complete and judged like any other.)
//
// What is checked (judge): the consumed items are exactly the produced
// multiset (count, a checksum over every word, no stray item, nothing left
// in the queue); for kFifo queues every consumer saw each producer's items
// in increasing sequence; in kDrain also LIFO (decreasing per producer) and
// priority (non-decreasing per consumer) order. Each promise checked is
// the queue's own trait, never more.
//
// Memory order. One hand-over of our own carries data: a producer's
// check-out in producers_done_ (release) pairs with the consumers' loads
// (acquire), so once they see every producer done, every push happened
// before their next pop: a drain finds all the items there, and a stall
// then means missing items, not late ones. The other flags and counts are
// relaxed, or carry nothing that needs their order: the items travel by the
// queue, and the tallies reach judge() by WorkerGroup's check-out. Whatever
// a workload's push_one stores for its on_item to read (a send stamp) is
// ordered by the queue's own hand-over of the item: store it before the
// push, read it after the pop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "contend/harness/cache_line.h"
#include "contend/harness/clock.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/stall_watch.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/queue_adapter.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/wait_mode.h"
#include "contend/sync/backoff.h"

namespace contend {

enum class ExchangeScenario { kStream, kDrain };

// The order a consumer checks its pops against.
enum class OrderCheck {
  kNone,
  kProducerFifo,  // each producer's seq strictly increases
  kProducerLifo,  // each producer's seq strictly decreases
  kAscending,     // words never decrease (priority: smallest first)
};

// What a queue's traits let an episode of this scenario check.
OrderCheck order_check_for(QueueOrder order, ExchangeScenario scenario);

// The shape of an exchange and how its workers wait.
struct ProducerConsumerConfig {
  ExchangeScenario scenario = ExchangeScenario::kStream;
  int producers = 1;
  int consumers = 1;
  uint64_t items_per_producer = 1 << 14;
  WaitMode wait = WaitMode::kSpin;
  size_t capacity = 0;          // given to the adapter: 0 = unbounded / default
  // How long a wait may see no progress (after all producers finished)
  // before the episode is declared to have lost items. Generous: a
  // preempted consumer holding unpublished pops must never trip it.
  std::chrono::nanoseconds stall_timeout = std::chrono::seconds(10);
};

// One consumer's record of an episode. Over-aligned, and its buffer in
// whole cache lines of its own (CacheLineAllocator): consumers update their
// own tallies on every pop and must not share cache lines, neither through
// the tallies nor through the buffers allocated beside each other.
struct alignas(64) ConsumerTally {
  uint64_t count = 0;        // items popped (stop pills excluded)
  uint64_t checksum = 0;     // sum of item_hash(word) over popped items
  uint64_t stray_word = 0;   // first word no producer made (when stray)
  bool stray = false;
  bool order_broken = false;
  uint64_t order_word = 0;   // the first out-of-order word ...
  uint64_t order_after = 0;  // ... and the word it came after
  uint64_t previous_word = 0;
  bool have_previous = false;
  // Per producer, kNoSeq until one arrives.
  std::vector<uint64_t, CacheLineAllocator<uint64_t>> last_seq;

  static constexpr uint64_t kNoSeq = ~uint64_t{0};
  void reset(int producers);
};

// The facts of one finished episode, as the judge sees them.
struct ExchangeOutcome {
  uint64_t expected_items = 0;
  uint64_t expected_checksum = 0;
  OrderCheck order = OrderCheck::kNone;
  bool stalled = false;
  bool leftover = false;     // an item was still in the queue afterwards
  uint64_t leftover_word = 0;
  const std::vector<std::unique_ptr<ConsumerTally>>* tallies = nullptr;
};

// The verdict: items = expected items when everything holds, else an error.
EpisodeVerdict judge_exchange(const ExchangeOutcome& outcome);

// Sum of item_hash(word) over every item P producers of n items make.
uint64_t expected_exchange_checksum(int producers, uint64_t items_per_producer);

// Validates a config against a queue's traits; throws std::invalid_argument.
void check_exchange_config(const ProducerConsumerConfig& config, const QueueTraits& traits);

template <QueueAdapter Q>
class ItemExchange {
 public:
  using value_type = typename Q::value_type;
  using Producer = producer_handle_t<Q>;

  explicit ItemExchange(const ProducerConsumerConfig& config)
      : config_((check_exchange_config(config, Q::traits), config)),
        total_(static_cast<uint64_t>(config.producers) * config.items_per_producer),
        queue_(make_queue<Q>(config.capacity, config.producers + config.consumers)) {
    outcome_.expected_items = total_;
    outcome_.expected_checksum =
        expected_exchange_checksum(config.producers, config.items_per_producer);
    outcome_.order = order_check_for(Q::traits.order, config.scenario);
    outcome_.tallies = &tallies_;
    for (int p = 0; p < config.producers; ++p)
      producers_.push_back(std::make_unique<Producer>(queue_));
    for (int c = 0; c < config.consumers; ++c) {
      consumers_.push_back(std::make_unique<consumer_handle_t<Q>>(queue_));
      tallies_.push_back(std::make_unique<ConsumerTally>());
    }
    prepare();
  }

  int workers() const { return config_.producers + config_.consumers; }
  uint64_t total_items() const { return total_; }
  const ProducerConsumerConfig& config() const { return config_; }
  Q& queue() { return queue_; }
  const ConsumerTally& tally(int consumer) const { return *tallies_[static_cast<size_t>(consumer)]; }

  // Before each episode (the harness orders it before the workers start,
  // so the stores are relaxed).
  void prepare() {
    consumed_.store(0, std::memory_order_relaxed);
    producers_done_.store(0, std::memory_order_relaxed);
    stall_.reset();
    for (auto& tally : tallies_) tally->reset(config_.producers);
  }

  // Producer p's episode: push_one(handle, item, seq) pushes each of its
  // items in sequence (waiting however the workload waits), then the
  // producer checks out. Returns the items pushed.
  template <class PushOne>
  uint64_t produce(int p, PushOne&& push_one) {
    Producer& handle = *producers_[static_cast<size_t>(p)];
    const uint64_t n = config_.items_per_producer;
    value_type item{};
    for (uint64_t seq = 0; seq < n; ++seq) {
      item.word = make_item_word(static_cast<uint32_t>(p), seq);
      push_one(handle, item, seq);
    }
    // Release: our pushes, to the acquire loads in consume() and check_stall().
    producers_done_.fetch_add(1, std::memory_order_release);
    return n;
  }

  // Consumer c's episode: pops until every item is counted; on_item(word)
  // sees each popped item that some producer made, once counted (stray
  // words and stop pills never reach it). Returns the items it popped.
  template <class OnItem>
  uint64_t consume(const WorkerContext& context, int c, OnItem&& on_item) {
    ConsumerTally& tally = *tallies_[static_cast<size_t>(c)];
    auto& handle = *consumers_[static_cast<size_t>(c)];
    StallWatch watch(stall_, config_.stall_timeout);
    if (config_.scenario == ExchangeScenario::kDrain) {
      // Quiescent drain: nothing is popped until every producer is done.
      // Acquire: pairs with produce()'s check-out; every push is in.
      SpinWait spin;
      while (producers_done_.load(std::memory_order_acquire) != config_.producers) spin.pause();
    }
    const bool block = config_.wait == WaitMode::kBlock;
    value_type item{};
    uint64_t unpublished = 0;
    SpinWait spin;
    for (;;) {
      if (handle.try_pop(item)) {
        if (item.word == kStopWord) return stopped_by_pill(context, tally);
        if (take(tally, item.word)) on_item(item.word);
        if (++unpublished == kPublishEvery && publish(unpublished)) return finish(context, tally);
        spin = SpinWait{};
        continue;
      }
      // Nothing there: make our pops count before deciding anything.
      if (publish(unpublished)) return finish(context, tally);
      if (!block) {
        // Acquire: pairs with publish(); more than the count needs.
        if (consumed_.load(std::memory_order_acquire) >= total_) return tally.count;
        if (check_stall(watch)) return tally.count;
        spin.pause();
        continue;
      }
      // Blocking mode: only a stop pill ends the wait (or a stall).
      if constexpr (kBlocking) {
        if (stall_.raised()) return tally.count;
        if constexpr (requires(consumer_handle_t<Q>& h, value_type& v, std::chrono::nanoseconds t) {
                        h.pop_for(v, t);
                      }) {
          if (!handle.pop_for(item, config_.stall_timeout)) {
            if (check_stall(watch, true)) return tally.count;
            continue;
          }
        } else {
          handle.pop(item);
        }
        if (item.word == kStopWord) return stopped_by_pill(context, tally);
        if (take(tally, item.word)) on_item(item.word);
        if (++unpublished == kPublishEvery && publish(unpublished)) return finish(context, tally);
      }
    }
  }

  // After each episode: checks it. Nothing may be left in the queue but
  // stop pills, and those only when a stall ended the waits early; they
  // are cleared so that the next episode starts empty.
  EpisodeVerdict judge() {
    // The workers have checked out, which orders their stores.
    outcome_.stalled = stall_.raised();
    outcome_.leftover = false;
    value_type extra{};
    while (queue_.try_pop(extra)) {
      if (extra.word == kStopWord) continue;
      outcome_.leftover = true;
      outcome_.leftover_word = extra.word;
      break;
    }
    return judge_exchange(outcome_);
  }

 private:
  static constexpr uint64_t kPublishEvery = 64;
  static constexpr bool kBlocking = BlockingQueueAdapter<Q>;

  // Records one popped item in the consumer's tally; false for a word no
  // producer made (a stray: noted for the judge, not counted).
  bool take(ConsumerTally& tally, uint64_t word) {
    const uint32_t producer = item_producer(word);
    const uint64_t seq = item_seq(word);
    if (producer >= static_cast<uint32_t>(config_.producers) ||
        seq >= config_.items_per_producer) {
      if (!tally.stray) {
        tally.stray = true;
        tally.stray_word = word;
      }
      return false;
    }
    ++tally.count;
    tally.checksum += item_hash(word);
    switch (outcome_.order) {
      case OrderCheck::kNone:
        break;
      case OrderCheck::kProducerFifo:
      case OrderCheck::kProducerLifo: {
        uint64_t& last = tally.last_seq[producer];
        const bool fifo = outcome_.order == OrderCheck::kProducerFifo;
        if (last != ConsumerTally::kNoSeq && (fifo ? seq <= last : seq >= last))
          note_order_broken(tally, word, make_item_word(producer, last));
        last = seq;
        break;
      }
      case OrderCheck::kAscending:
        if (tally.have_previous && word < tally.previous_word)
          note_order_broken(tally, word, tally.previous_word);
        break;
    }
    tally.previous_word = word;
    tally.have_previous = true;
    return true;
  }

  static void note_order_broken(ConsumerTally& tally, uint64_t word, uint64_t after) {
    if (tally.order_broken) return;
    tally.order_broken = true;
    tally.order_word = word;
    tally.order_after = after;
  }

  // Adds a consumer's unpublished pops to the shared count; true for the
  // one call that brings the count to the total (the last consumer).
  bool publish(uint64_t& unpublished) {
    if (unpublished == 0) return false;
    // acq_rel pairs with the acquire load in consume(), but nothing read
    // after either needs it: only the count matters (see the top).
    const uint64_t before = consumed_.fetch_add(unpublished, std::memory_order_acq_rel);
    const bool reached = before < total_ && before + unpublished >= total_;
    unpublished = 0;
    return reached;
  }

  // The last consumer: in blocking mode wakes every other consumer with a
  // stop pill (pushed into the now empty queue, so none is left over),
  // after stamping the end of the real work for all of them.
  uint64_t finish([[maybe_unused]] const WorkerContext& context, const ConsumerTally& tally) {
    if constexpr (kBlocking) {
      if (config_.wait == WaitMode::kBlock) {
        const int64_t end = monotonic_ns();
        // Relaxed: the pill's push and pop through the queue order this
        // store before the load in stopped_by_pill (as for send stamps).
        work_end_ns_.store(end, std::memory_order_relaxed);
        context.mark_work_done(end);
        value_type pill{};
        pill.word = kStopWord;
        for (int i = 1; i < config_.consumers; ++i) queue_.push(pill);
      }
    }
    return tally.count;
  }

  // A consumer woken by the last one's stop pill: its real work ended by
  // the time the last item was counted, which the last consumer stamped.
  uint64_t stopped_by_pill(const WorkerContext& context, const ConsumerTally& tally) {
    // Relaxed: pairs with the store in finish(), ordered by the pill.
    context.mark_work_done(work_end_ns_.load(std::memory_order_relaxed));
    return tally.count;
  }

  // Declares the episode stalled when all producers are done and nothing
  // was consumed for stall_timeout: items went missing. consumed_ here is
  // only a sign of progress: relaxed. The acquire pairs with produce()'s
  // check-out.
  bool check_stall(StallWatch& watch, bool check_now = false) {
    if (stall_.raised()) return true;
    if (producers_done_.load(std::memory_order_acquire) != config_.producers) return false;
    return watch.stalled(consumed_.load(std::memory_order_relaxed), check_now);
  }

  const ProducerConsumerConfig config_;
  const uint64_t total_;
  Q queue_;
  std::vector<std::unique_ptr<Producer>> producers_;
  std::vector<std::unique_ptr<consumer_handle_t<Q>>> consumers_;
  std::vector<std::unique_ptr<ConsumerTally>> tallies_;
  ExchangeOutcome outcome_;
  alignas(64) std::atomic<uint64_t> consumed_{0};
  alignas(64) std::atomic<int> producers_done_{0};
  StallFlag stall_;
  std::atomic<int64_t> work_end_ns_{0};  // blocking mode: when the last item was counted
};

}  // namespace contend
