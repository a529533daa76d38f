// QueuePingPongWorkload<Q>: round-trip latency between two workers, one item
// in flight. Worker 0 pushes a ping into queue `there` and waits for it to
// come back through queue `back`; worker 1 echoes it. Every round trip is
// timed (two clock reads) into worker 0's LatencyHistogram, merged into the
// instance's after each episode; items are round trips. Each queue has one
// producer and one consumer, so every queue, SPSC ones included, can play.
//
// Checked: every reply is the ping just sent (nothing lost, duplicated or
// reordered). A lost item would leave both sides waiting: spinning waits
// and timed pops give up after `stall_timeout` and the episode is judged
// an error; a queue with an untimed blocking pop only (tbb_bounded_queue
// in WaitMode::kBlock) would hang instead, which bench_all reports as a
// timeout.
//
// The stall flag (harness/stall_watch.h) is the one shared flag. The items
// travel by the queues, and what ping() records reaches judge() by
// WorkerGroup's check-out.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "contend/harness/clock.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/stall_watch.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/queue_adapter.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/wait_mode.h"
#include "contend/sync/backoff.h"

namespace contend {

struct QueuePingPongConfig {
  uint64_t round_trips = 1 << 12;
  WaitMode wait = WaitMode::kSpin;
  size_t capacity = 0;        // given to both queues' adapters
  std::chrono::nanoseconds stall_timeout = std::chrono::seconds(10);  // see ProducerConsumerConfig
};

// Validates a config against a queue's traits; throws std::invalid_argument.
void check_queue_pingpong_config(const QueuePingPongConfig& config, const QueueTraits& traits);

// The verdict of one ping-pong episode.
EpisodeVerdict judge_queue_pingpong(uint64_t round_trips, uint64_t completed, bool stalled,
                              bool mismatch, uint64_t sent_word, uint64_t got_word);

template <QueueAdapter Q>
class QueuePingPongWorkload {
 public:
  using value_type = typename Q::value_type;

  explicit QueuePingPongWorkload(const QueuePingPongConfig& config)
      : config_((check_queue_pingpong_config(config, Q::traits), config)),
        there_(make_queue<Q>(config.capacity, workers())),
        back_(make_queue<Q>(config.capacity, workers())),
        ping_out_(there_),
        ping_in_(back_),
        pong_in_(there_),
        pong_out_(back_) {}

  static constexpr int workers() { return 2; }

  void prepare() {
    stall_.reset();
    completed_ = 0;
    mismatch_ = false;
    episode_latencies_.clear();
  }

  uint64_t run(const WorkerContext& context) {
    return context.index == 0 ? ping() : pong();
  }

  EpisodeVerdict judge(const EpisodeResult&) {
    latencies_.merge(episode_latencies_);
    return judge_queue_pingpong(config_.round_trips, completed_, stall_.raised(), mismatch_,
                                sent_word_, got_word_);
  }

  const LatencyHistogram& latencies() const { return latencies_; }
  // Forgets the latency samples judged so far (warm-up episodes').
  void forget_latencies() { latencies_.clear(); }

 private:

  // False when the wait stalled (or the peer gave up).
  template <class Handle>
  bool pop(Handle& handle, value_type& item) {
    StallWatch watch(stall_, config_.stall_timeout);
    if constexpr (requires(Handle& h, value_type& v) { h.pop(v); }) {
      if (config_.wait == WaitMode::kBlock) {
        if constexpr (requires(Handle& h, value_type& v, std::chrono::nanoseconds t) {
                        h.pop_for(v, t);
                      }) {
          // Nothing for a whole stall_timeout: the item is not coming.
          if (!handle.pop_for(item, config_.stall_timeout)) {
            watch.give_up();
            return false;
          }
        } else {
          handle.pop(item);
        }
        return true;
      }
    }
    SpinWait spin;
    while (!handle.try_pop(item)) {
      if (watch.stalled()) return false;
      spin.pause();
    }
    return true;
  }

  uint64_t ping() {
    value_type item{}, reply{};
    uint64_t done = 0;
    for (; done < config_.round_trips; ++done) {
      item.word = make_item_word(0, done);
      const int64_t start = monotonic_ns();
      push_waiting(ping_out_, item, config_.wait);
      if (!pop(ping_in_, reply)) break;
      episode_latencies_.record(monotonic_ns() - start);
      if (reply.word != item.word) {
        mismatch_ = true;
        sent_word_ = item.word;
        got_word_ = reply.word;
        ++done;
        break;
      }
    }
    completed_ = done;
    return done;
  }

  uint64_t pong() {
    value_type item{};
    uint64_t done = 0;
    for (; done < config_.round_trips; ++done) {
      if (!pop(pong_in_, item)) break;
      push_waiting(pong_out_, item, config_.wait);
      if (item.word != make_item_word(0, done)) {
        ++done;
        break;  // the pinger sees the mismatch and reports it
      }
    }
    return done;
  }

  const QueuePingPongConfig config_;
  Q there_;
  Q back_;
  producer_handle_t<Q> ping_out_;
  consumer_handle_t<Q> ping_in_;
  consumer_handle_t<Q> pong_in_;
  producer_handle_t<Q> pong_out_;
  // Written by worker 0 only, read by the judge after the episode.
  LatencyHistogram episode_latencies_;
  uint64_t completed_ = 0;
  bool mismatch_ = false;
  uint64_t sent_word_ = 0;
  uint64_t got_word_ = 0;
  StallFlag stall_;
  LatencyHistogram latencies_;
};

}  // namespace contend
