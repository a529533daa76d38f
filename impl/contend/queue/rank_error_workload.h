// RankErrorWorkload<Q>: the priority family's `quality` benchmark: how far
// from the true minimum a priority queue's pops are (rank_error.h), under
// the load the relaxed queues are built for.
//
// The hold model of the MultiQueue and k-LSM papers: the queue is filled
// with `prefill` items before the episode (untimed), then each of W
// threads repeats "pop one item, push a fresh one" ops_per_thread times,
// so the queue stays at about its prefill size and every pop chooses among
// thousands of keys. Keys are QueueItem words: pseudo-random priorities,
// unique. Every push and pop is logged into the thread's own log,
// preallocated, with a monotonic_ns stamp (before a push, after a pop; see
// rank_error.h): no allocation and no shared write while timed.
//
// After the episode (judge, untimed) the logs are merged and replayed: the
// row's rank_error_mean / rank_error_max are over every timed pop. The
// replay is also the correctness check: a pop of a key not in the queue
// (never pushed, or popped twice) is an error, and whatever the queue
// still holds must be exactly what the log says is left (nothing lost).
//
// Its items/s is pops over the makespan *with* the logging (two clock reads
// and two stores per pair): not the queue's throughput, which the
// throughput rows measure without any of this. That is why quality is a
// benchmark of its own: measuring rank error in the throughput rows would
// perturb them.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "contend/harness/clock.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/stall_watch.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/queue_adapter.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/queue_traits.h"
#include "contend/queue/rank_error.h"
#include "contend/sync/backoff.h"

namespace contend {

struct RankErrorConfig {
  int threads = 1;
  uint64_t prefill = 1 << 12;         // items in the queue when the episode starts
  uint64_t ops_per_thread = 1 << 12;  // pop-then-push pairs per thread
  // How long a pop may find nothing before the episode is declared to have
  // lost items (the queue never runs dry by design: prefill > threads).
  std::chrono::nanoseconds stall_timeout = std::chrono::seconds(10);
};

// Throws std::invalid_argument unless the config can run on a queue with
// these traits (a priority queue, more prefill than threads, ids in range).
void check_rank_error_config(const RankErrorConfig& config, const QueueTraits& traits);

template <QueueAdapter Q>
class RankErrorWorkload {
 public:
  using value_type = typename Q::value_type;

  explicit RankErrorWorkload(const RankErrorConfig& config)
      : config_((check_rank_error_config(config, Q::traits), config)),
        queue_(make_queue<Q>(Q::traits.can_be_unbounded() ? 0 : capacity(config), config.threads)) {
    for (int t = 0; t < config.threads; ++t) {
      logs_.push_back(std::make_unique<ThreadLog>());
      logs_.back()->events.resize(2 * config.ops_per_thread);
      producers_.push_back(std::make_unique<producer_handle_t<Q>>(queue_));
      consumers_.push_back(std::make_unique<consumer_handle_t<Q>>(queue_));
    }
  }

  int workers() const { return config_.threads; }
  uint64_t total_pops() const {
    return config_.ops_per_thread * static_cast<uint64_t>(config_.threads);
  }
  // Summed over the timed episodes (the warm-up's are forgotten).
  const RankErrors& rank_errors() const { return totals_; }

  // Before each episode: the prefill, from this (the harness's) thread, so
  // before the workers start. The queue is empty: judge() drained it.
  void prepare() {
    stall_.reset();
    prefill_.clear();
    value_type item{};
    for (uint64_t seq = 0; seq < config_.prefill; ++seq) {
      item.word = make_item_word(prefill_producer(), seq);
      prefill_.push_back({monotonic_ns(), item.word, false});
      while (!queue_.try_push(item)) {
      }
    }
    for (auto& log : logs_) log->size = 0;
  }

  uint64_t run(const WorkerContext& context) {
    const int t = context.index;
    ThreadLog& log = *logs_[static_cast<size_t>(t)];
    auto& in = *producers_[static_cast<size_t>(t)];
    auto& out = *consumers_[static_cast<size_t>(t)];
    value_type item{};
    for (uint64_t op = 0; op < config_.ops_per_thread; ++op) {
      if (!pop_waiting(out, item)) return op;
      log.events[log.size++] = {monotonic_ns(), item.word, true};  // after the pop
      item.word = make_item_word(static_cast<uint32_t>(t), op);
      log.events[log.size++] = {monotonic_ns(), item.word, false};  // before the push
      SpinWait spin;
      while (!in.try_push(item)) spin.pause();
    }
    return config_.ops_per_thread;
  }

  // After each episode: replays the logs (rank errors and the check), then
  // drains the queue for the next episode.
  EpisodeVerdict judge(const EpisodeResult&) {
    EpisodeVerdict verdict;
    std::vector<uint64_t> left;
    value_type item{};
    while (queue_.try_pop(item)) left.push_back(item.word);
    // The workers have checked out, which orders their stores.
    if (stall_.raised()) {
      verdict.error = "lost items: a pop found the queue empty for the stall timeout";
      verdict.lost =
          static_cast<double>(config_.prefill - std::min<uint64_t>(config_.prefill, left.size()));
      return verdict;
    }
    std::vector<RankEvent> events = prefill_;
    for (const auto& log : logs_)
      events.insert(events.end(), log->events.begin(),
                    log->events.begin() + static_cast<std::ptrdiff_t>(log->size));
    std::vector<uint64_t> expected_left;
    RankErrors episode = replay_rank_errors(std::move(events), &expected_left);
    if (!episode.error.empty()) {
      verdict.error = "the pops do not match the pushes: " + episode.error;
      return verdict;
    }
    std::sort(left.begin(), left.end());
    if (left != expected_left) {
      verdict.error = "the queue held " + std::to_string(left.size()) +
                      " items afterwards, not the " + std::to_string(expected_left.size()) +
                      " the log leaves (lost or invented items)";
      if (left.size() < expected_left.size())
        verdict.lost = static_cast<double>(expected_left.size() - left.size());
      return verdict;
    }
    totals_.add(episode);
    verdict.items = episode.pops;
    return verdict;
  }

  // After the warm-up episodes: only timed episodes count.
  void forget_warmup() { totals_ = RankErrors{}; }

 private:
  struct alignas(64) ThreadLog {
    std::vector<RankEvent> events;  // preallocated: 2 per op
    uint64_t size = 0;
  };

  static uint64_t capacity(const RankErrorConfig& config) {
    return config.prefill + static_cast<uint64_t>(config.threads);
  }
  // The prefill's items name a producer of their own, after the threads.
  uint32_t prefill_producer() const { return static_cast<uint32_t>(config_.threads); }

  // try_pop until it succeeds; false once it found nothing for the stall
  // timeout, or another thread's pop did.
  template <class Handle>
  bool pop_waiting(Handle& out, value_type& item) {
    SpinWait spin;
    StallWatch watch(stall_, config_.stall_timeout);
    while (!out.try_pop(item)) {
      if (watch.stalled()) return false;
      spin.pause();
    }
    return true;
  }

  const RankErrorConfig config_;
  Q queue_;
  std::vector<std::unique_ptr<ThreadLog>> logs_;
  std::vector<std::unique_ptr<producer_handle_t<Q>>> producers_;
  std::vector<std::unique_ptr<consumer_handle_t<Q>>> consumers_;
  std::vector<RankEvent> prefill_;
  RankErrors totals_;
  StallFlag stall_;
};

}  // namespace contend
