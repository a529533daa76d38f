// OpenLoopWorkload<Q>: one episode of bench_queue's `latency` benchmark.
// Producers send on a fixed schedule, whatever the queue does, and every
// item's latency is measured from the time the schedule meant to send it.
//
// The schedule. P producers offer R items per second between them: producer
// p's k-th item is due at t0 + (k*P + p) / R, t0 being the moment the first
// producer starts. A producer spins on the clock until an item is due (no
// sleeping: a sleep's wake-up is late by more than the gaps between items),
// then pushes it, waiting as the wait mode says while the queue is full. A
// producer that is late (the queue held it up, or it was descheduled) sends
// at once and keeps every item: it never catches up by skipping, so the
// backlog it carries shows in the latencies.
//
// What is measured, every item, by the consumer that pops it, into its own
// histograms (merged after each episode):
//   since_intended  pop time - due time: the latency the schedule's client
//                   sees. A stalled consumer cannot hide here: the items
//                   that could not even be pushed during the stall were
//                   due all the same (coordinated omission, corrected as
//                   wrk2 corrects it). This is what bench_queue reports.
//   since_push      pop time - start of the push that got the item in: the
//                   uncorrected figure, for the tests that show the
//                   difference (never a CSV column). Spin mode restamps each
//                   try_push attempt, so it is the stamp of the attempt that
//                   succeeded; a blocking push() can only be stamped before
//                   it waits, so in block mode it includes that wait.
// Due times are computed by both sides from (t0, p, seq), so they need no
// table; the push stamps do (an 8-byte item has no room): one slot per item,
// written before the push and read after the pop, ordered by the queue's
// own hand-over (relaxed atomics, so that a queue whose synchronisation
// ThreadSanitizer cannot see is not reported for our bookkeeping). t0 is a
// relaxed atomic set once per episode by the first producer (a CAS) before
// its first push; consumers read it after a pop, ordered the same way.
//
// Unpaced (offered_per_second = 0): every item is due at t0 and producers
// push flat out, stamping and timed exactly as in a paced episode. That is
// how bench_queue measures the saturation its offered loads are fractions
// of (open_loop_benchmark.h): the instrumented pipeline's own limit.
//
// What the pacing costs per item: the producer reads the clock once in
// wait_until (more while it spins ahead of the schedule) and once per push
// attempt for the stamp; the consumer once per pop. A clock read was 80 ns
// on the 2-core VM (2026-12-07), so a paced item costs the producer about
// 160 ns when behind schedule, and an unpaced one the same: unpaced
// episodes run the same loop, so the saturation is one the paced producer
// can reach (while behind, it pushed at 5.7-85x the offered rate at 50%).
//
// Achieved load and keeping up. The judge adds each timed episode's items
// and its schedule window: from t0 (the first due time) to the last pop.
// achieved = items over those windows. A queue that keeps up finishes
// within a backlog's drain of the schedule's end, so achieved is about the
// offered rate; one that cannot keep up ends the schedule with a backlog
// that drains afterwards at the queue's own pace, which lowers achieved.
// kept_up() is true when the repetition kept up over its whole schedule
// (achieved >= 90% of offered) or in at least half of its judged windows
// (KeptUpWindows): each episode's schedule is cut into kWindowsPerEpisode
// windows by due time, window w spanning from its first item's due time
// to the last pop of its items; a window keeps up when its items over that
// span are >= 90% of offered. A queue that cannot keep up lags further in
// every window and over the whole schedule, and fails both. A vCPU stall
// on a VM passes one or the other: one long stall near the schedule's end
// lowers the whole schedule's rate but sinks only the windows it and its
// backlog's drain overlap (at 50% load a stall of s drains in about s, so
// about 2s / window + 1 windows: with bench_queue's 100 ms in 10 windows of
// 10 ms, 9 judged, a stall under about 15 ms cannot sink a repetition),
// while short stalls of 1-3 ms every few windows sink each window they end
// in (a window's last item 1.1 ms late is 10% of its span) but cost the
// whole schedule only their sum. (On the quiet 2-core VM, 2026-12-08, both
// happened: a ~15 ms stall sank 3 of 5 windows of the 50 ms schedule of
// before, about 1 in 100 repetitions; and a repetition at exactly its
// offered rate overall sank half of its windows.)
// A repetition's latencies are not reported when it fell behind (they would
// measure the episode's length, like a closed loop's). The window, not the
// makespan: the makespan also counts the time from the group's release to
// the first producer's start, a thread wake-up that on a loaded VM can take
// a millisecond and is no part of the queue's schedule. The row's
// items_per_second stays items over the makespan, as everywhere else.
//
// Warm-up windows. The first config.warmup_windows windows of every episode
// are its warm-up: their items are checked like any others, but neither
// their latencies are recorded nor are they judged for keeping up. They
// hold the start of the episode, when the workers leave the start gate
// (one may wake a millisecond after another on a loaded VM) and the fresh
// queue's memory is touched for the first time; bench_queue runs them in
// place of a whole warm-up episode (open_loop_benchmark.h).
//
// Test-only fault injection: with stall_every > 0 every consumer stalls
// (Clock::stall: WallClock sleeps) for stall_for once every stall_every of
// the clock's time (checked after each item it records), as a descheduled
// or GC-paused consumer would.
//
// Time. Every time the workload reads or waits for comes from its Clock
// (open_loop_clock.h): WallClock in bench_queue; a test may pass a clock it
// drives, to own the schedule.
//
// Checked as every exchange is (item_exchange.h): each item exactly once,
// and the order the queue's traits promise (FIFO per producer).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/worker_group.h"
#include "contend/queue/item_exchange.h"
#include "contend/queue/open_loop_clock.h"
#include "contend/queue/queue_adapter.h"
#include "contend/queue/queue_item.h"
#include "contend/queue/wait_mode.h"
#include "contend/sync/backoff.h"

namespace contend {

// A queue keeps up when it achieves at least this share of the offered load.
inline constexpr double kKeptUpShare = 0.9;
// Windows an episode's schedule is judged in (see the top).
inline constexpr int kWindowsPerEpisode = 10;

struct OpenLoopConfig {
  int producers = 1;
  int consumers = 1;
  WaitMode wait = WaitMode::kSpin;
  size_t capacity = 0;              // given to the adapter: 0 = unbounded / default
  double offered_per_second = 0;    // R, over all producers; 0: unpaced
  uint64_t items_per_producer = 1 << 12;
  // The first windows of each episode, neither recorded nor judged (see the
  // top); less than kWindowsPerEpisode.
  int warmup_windows = 0;
  // Test-only: each consumer stalls for stall_for every stall_every (0: never).
  std::chrono::nanoseconds stall_every{0};
  std::chrono::nanoseconds stall_for{0};
  std::chrono::nanoseconds stall_timeout = std::chrono::seconds(10);  // see ProducerConsumerConfig

  // The exchange this is: a stream of these items, shape and waits.
  ProducerConsumerConfig exchange() const;
};

// Validates a config against a queue's traits; throws std::invalid_argument.
void check_open_loop_config(const OpenLoopConfig& config, const QueueTraits& traits);

// Whether `achieved` items/s kept up with `offered` (kKeptUpShare).
bool kept_up_with(double offered, double achieved);

// The schedule windows of the judged episodes (items, seconds each): the
// achieved rate over all of them, and the per-window keeping-up rule.
class KeptUpWindows {
 public:
  void add(uint64_t items, double seconds);
  void clear() { windows_.clear(); }
  double achieved_per_second() const;  // items over all the windows' seconds
  // At least half of the windows (and at least one) kept up with `offered`.
  bool kept_up(double offered) const;
  size_t size() const { return windows_.size(); }

 private:
  std::vector<std::pair<uint64_t, double>> windows_;
};

template <QueueAdapter Q, OpenLoopClock Clock = WallClock>
class OpenLoopWorkload {
 public:
  using value_type = typename Q::value_type;

  explicit OpenLoopWorkload(const OpenLoopConfig& config, Clock clock = Clock{})
      : config_((check_open_loop_config(config, Q::traits), config)),
        clock_(clock),
        exchange_(config.exchange()),
        ns_per_item_(config.offered_per_second > 0 ? 1e9 / config.offered_per_second : 0.0),
        pushed_ns_(exchange_.total_items()) {
    for (int c = 0; c < config.consumers; ++c) clocks_.push_back(std::make_unique<ConsumerClocks>());
    prepare();
  }

  int workers() const { return exchange_.workers(); }
  uint64_t total_items() const { return exchange_.total_items(); }
  const OpenLoopConfig& config() const { return config_; }

  // Before each episode (ordered before the workers start by the harness).
  void prepare() {
    exchange_.prepare();
    start_ns_.store(0, std::memory_order_relaxed);
    for (auto& clocks : clocks_) {
      clocks->since_intended.clear();
      clocks->since_push.clear();
      clocks->last_pop_ns = 0;
      clocks->window_last_pop_ns.fill(0);
    }
  }

  // The WorkerGroup body; per-worker shares scaled as in
  // ProducerConsumerWorkload::run.
  uint64_t run(const WorkerContext& context) {
    const int producers = config_.producers;
    if (context.index < producers)
      return produce(context.index) * static_cast<uint64_t>(producers);
    return consume(context, context.index - producers) *
           static_cast<uint64_t>(config_.consumers);
  }

  // After each episode: checks it, merges the consumers' latencies and
  // adds the episode to the achieved load.
  EpisodeVerdict judge(const EpisodeResult& result) {
    const EpisodeVerdict verdict = exchange_.judge();
    for (const auto& clocks : clocks_) {
      since_intended_.merge(clocks->since_intended);
      since_push_.merge(clocks->since_push);
    }
    if (verdict.error.empty()) {
      achieved_items_ += verdict.items;
      achieved_seconds_ += schedule_window_seconds(result);
      add_windows();
    }
    return verdict;
  }

  // Over the episodes judged, past their warm-up windows.
  const LatencyHistogram& since_intended() const { return since_intended_; }
  const LatencyHistogram& since_push() const { return since_push_; }
  // Items over the episodes' whole schedule windows (t0 to the last pop).
  double achieved_per_second() const {
    return achieved_seconds_ > 0 ? static_cast<double>(achieved_items_) / achieved_seconds_ : 0;
  }
  // Kept up over the whole schedule, or in at least half of its judged
  // windows (see the top).
  bool kept_up() const {
    return kept_up_with(config_.offered_per_second, achieved_per_second()) ||
           windows_.kept_up(config_.offered_per_second);
  }

 private:
  // One consumer's clocks, on cache lines of its own (the histograms'
  // counts live in mappings of their own).
  struct alignas(64) ConsumerClocks {
    LatencyHistogram since_intended;
    LatencyHistogram since_push;
    int64_t next_stall_ns = 0;
    int64_t last_pop_ns = 0;  // when this consumer recorded its last item
    std::array<int64_t, kWindowsPerEpisode> window_last_pop_ns{};  // per window, the same
  };

  // t0 to the last pop of the episode (see the top); the makespan when no
  // item was popped or no producer started (a failed episode).
  double schedule_window_seconds(const EpisodeResult& result) const {
    // Relaxed: the workers' check-out orders their stores before the judge.
    const int64_t start = start_ns_.load(std::memory_order_relaxed);
    int64_t end = 0;
    for (const auto& clocks : clocks_) end = std::max(end, clocks->last_pop_ns);
    if (start == 0 || end <= start) return result.makespan_seconds;
    return static_cast<double>(end - start) * 1e-9;
  }

  // The schedule's slots (item k of producer p is slot k*P + p) cut into
  // kWindowsPerEpisode runs; window w starts at slot first_slot(w).
  uint64_t first_slot(int w) const {
    return (exchange_.total_items() * static_cast<uint64_t>(w) + kWindowsPerEpisode - 1) /
           kWindowsPerEpisode;
  }
  int window_of(uint32_t producer, uint64_t seq) const {
    const uint64_t slot = seq * static_cast<uint64_t>(config_.producers) + producer;
    int w = static_cast<int>(slot * kWindowsPerEpisode / exchange_.total_items());
    while (w + 1 < kWindowsPerEpisode && slot >= first_slot(w + 1)) ++w;
    while (w > 0 && slot < first_slot(w)) --w;
    return w;
  }

  // The judged episode's windows past the warm-up, into windows_ (see the top).
  void add_windows() {
    // Relaxed: the workers' check-out orders their stores before the judge.
    const int64_t start = start_ns_.load(std::memory_order_relaxed);
    for (int w = config_.warmup_windows; w < kWindowsPerEpisode; ++w) {
      const uint64_t items = first_slot(w + 1) - first_slot(w);
      if (items == 0) continue;
      int64_t end = 0;
      for (const auto& clocks : clocks_)
        end = std::max(end, clocks->window_last_pop_ns[static_cast<size_t>(w)]);
      const int64_t begin =
          start + static_cast<int64_t>(static_cast<double>(first_slot(w)) * ns_per_item_);
      windows_.add(items, end > begin ? static_cast<double>(end - begin) * 1e-9 : 0.0);
    }
  }

  // t0: the first producer's start. Relaxed: a bare value, read by the
  // other producers whenever they start (late ones are late for their
  // first items, as they should be) and by consumers after a pop, which
  // the push that followed this store orders.
  int64_t start_time() {
    int64_t seen = 0;
    const int64_t now = clock_.now();
    if (start_ns_.compare_exchange_strong(seen, now, std::memory_order_relaxed)) return now;
    return seen;
  }

  int64_t due_ns(int64_t start, uint32_t producer, uint64_t seq) const {
    const double slot = static_cast<double>(seq * static_cast<uint64_t>(config_.producers) + producer);
    return start + static_cast<int64_t>(slot * ns_per_item_);
  }

  std::atomic<int64_t>& pushed_slot(uint32_t producer, uint64_t seq) {
    return pushed_ns_[producer * config_.items_per_producer + seq];
  }

  uint64_t produce(int p) {
    const int64_t start = start_time();
    const auto producer = static_cast<uint32_t>(p);
    return exchange_.produce(p, [&](auto& handle, const value_type& item, uint64_t seq) {
      clock_.wait_until(due_ns(start, producer, seq));
      push_stamped(handle, item, pushed_slot(producer, seq));
    });
  }

  // Pushes `item`, storing in `stamp` when the push that got it in began.
  // Relaxed stores: the push orders them before the consumer's load.
  template <class Handle>
  void push_stamped(Handle& handle, const value_type& item, std::atomic<int64_t>& stamp) {
    if constexpr (requires(Handle& h, const value_type& v) { h.push(v); }) {
      if (config_.wait == WaitMode::kBlock) {
        stamp.store(clock_.now(), std::memory_order_relaxed);
        handle.push(item);
        return;
      }
    }
    SpinWait spin;
    for (;;) {
      stamp.store(clock_.now(), std::memory_order_relaxed);
      if (handle.try_push(item)) return;
      spin.pause();
    }
  }

  uint64_t consume(const WorkerContext& context, int c) {
    ConsumerClocks& clocks = *clocks_[static_cast<size_t>(c)];
    clocks.next_stall_ns = clock_.now() + config_.stall_every.count();
    return exchange_.consume(context, c, [&](uint64_t word) {
      const int64_t now = clock_.now();
      const uint32_t producer = item_producer(word);
      const uint64_t seq = item_seq(word);
      // Relaxed loads: the pop that brought `word` orders them after the
      // stores (see start_time and push_stamped).
      const int64_t start = start_ns_.load(std::memory_order_relaxed);
      const int window = window_of(producer, seq);
      if (window >= config_.warmup_windows) {
        clocks.since_intended.record(now - due_ns(start, producer, seq));
        clocks.since_push.record(now - pushed_slot(producer, seq).load(std::memory_order_relaxed));
      }
      clocks.last_pop_ns = now;
      int64_t& window_end = clocks.window_last_pop_ns[static_cast<size_t>(window)];
      window_end = std::max(window_end, now);
      if (config_.stall_every.count() > 0 && now >= clocks.next_stall_ns) {
        clock_.stall(config_.stall_for);
        clocks.next_stall_ns += config_.stall_every.count();
      }
    });
  }

  const OpenLoopConfig config_;
  const Clock clock_;
  ItemExchange<Q> exchange_;
  const double ns_per_item_;  // 1 / R in ns; 0 when unpaced
  std::vector<std::atomic<int64_t>> pushed_ns_;  // per item: its push's start
  std::vector<std::unique_ptr<ConsumerClocks>> clocks_;
  alignas(64) std::atomic<int64_t> start_ns_{0};  // t0; 0 until the first producer starts
  LatencyHistogram since_intended_;
  LatencyHistogram since_push_;
  uint64_t achieved_items_ = 0;
  double achieved_seconds_ = 0;
  KeptUpWindows windows_;  // every judged episode's windows
};

}  // namespace contend
