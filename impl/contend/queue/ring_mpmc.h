// RingMpmc<T> (impl id ring_mpmc): contend's own bounded multi-producer
// multi-consumer ring, the ticket-and-turn design of Vyukov's bounded queue,
// rigtorp's MPMCQueue and atomic_queue, with waits that spin briefly and
// then sleep on the slot with a futex, so one queue serves both
// WaitMode::kSpin (try_push / try_pop) and WaitMode::kBlock (push / pop).
//
// How it works. A push takes a ticket t from head_, a pop from tail_ (a
// fetch_add each, or a compare-and-swap in the try_ calls, which take a
// ticket only when its slot is ready). Ticket t owns slot t mod N (N is
// the capacity rounded up to a power of two) on lap t / N. Each slot has
// a 32-bit turn word saying whose turn it is: the push of lap L waits for
// "empty for lap L", writes the item and hands the slot to the pop of lap
// L ("full for lap L"), which reads it and hands it to the push of lap
// L + 1. Tickets never collide, so producers contend only on head_ and
// consumers only on tail_ (one fetch_add each), and a producer and a
// consumer meet only on the slot they hand over.
//
// Slots are remapped so that consecutive tickets land on different cache
// lines (as atomic_queue and SCQ do): with four 16-byte slots per line,
// tickets 0, 1, 2, 3 go to lines 0, 1, 2, 3, not all to line 0, so
// neighbours in time do not fight over one line.
//
// Sleeping without lost wake-ups. Bit 0 of the turn word says "someone may
// be asleep on this word". A waiter that has spun long enough sets the bit
// with a compare-and-swap on the value it saw (not ready), then calls
// futex_wait(word, that value with the bit). Whoever hands the slot on
// does it with an exchange, which returns the old word, and calls
// futex_wake_all only if the old word had the bit. The two RMWs on the one
// word are ordered: if the waiter's CAS came first, the handing-over
// exchange sees the bit and wakes; if the exchange came first, the CAS
// fails (the word changed) and the waiter looks again instead of sleeping.
// Between the CAS and the futex_wait, the kernel's own check (it sleeps
// only if the word still equals the value with the bit, atomically with
// queueing the sleeper) closes the last gap. A push that finds no sleeper
// makes no system call.
//
// Guaranteed:
// - FIFO by ticket: items leave in the order their pushes took tickets.
//   A push that returned before another push began took the earlier
//   ticket, so across producers too (stronger than the per-producer FIFO
//   of moodycamel's and TBB's queues). push, pop and successful try_*
//   calls are linearizable in ticket order.
// - No loss, no duplicates; bounded: holds capacity() = N items, at least
//   the capacity asked for; try_push fails only while the slot at the head
//   is still taken.
// - push() / pop() sleep (after a short spin) instead of burning the CPU,
//   and wake for the pop / push that hands them their slot.
// Not guaranteed:
// - Lock-freedom. A producer preempted between taking its ticket and
//   writing its item holds up the consumer of that ticket (and so every
//   later pop of the same slot); likewise a preempted consumer holds up
//   the slot's next producer. That is the price of one fetch_add per
//   operation and strict order.
// - That a failed try_pop means empty (or a failed try_push full): the
//   slot at the tail may still await a push in flight while later tickets'
//   items are already there. A failed try_* is not linearizable.
// - pop_for takes no ticket until an item is there (a ticket cannot be
//   given back on a timeout): it is try_pop, sleeping on the turn word of
//   the slot at the tail between tries, so it competes like try_pop. It
//   does not oversleep an item that is there: it sleeps only after reading
//   the turn (acquire) and then tail_ again, and only if tail_ still names
//   that slot, so no pop can have moved the tail past it unseen (a stale
//   tail_ once let it sleep on a slot left for the next lap while the next
//   slot held an item; issue 25). It can still wait, like try_pop, for a
//   push in flight to the slot at the tail.
// - Fairness among sleepers, or an exact capacity (it is rounded up).
// - T: must be default-constructible and copy-assignable; slots hold T
//   objects for the queue's lifetime, a popped item's copy included.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "contend/harness/cache_line.h"
#include "contend/harness/futex.h"
#include "contend/queue/queue_traits.h"
#include "contend/sync/cpu_relax.h"

namespace contend {

// What RingMpmc runs on: std::atomic, the futex and a pause instruction.
// Tests instantiate the same template over other platforms, so what they
// check is this code: tests/queue/ring_mpmc_model.cc over Relacy's model of
// the C++ memory model and futexes, ring_mpmc_test.cc with a pause point.
struct RingMpmcPlatform {
  template <class U>
  using Atomic = std::atomic<U>;
  // How often a waiter re-reads the turn word before it sleeps: a hand-over
  // by a running peer takes well under this, a preempted peer far more.
  static constexpr int kSpinsBeforeSleep = 256;
  static void relax() { cpu_relax(); }
  static void wait(std::atomic<uint32_t>& word, uint32_t seen, std::chrono::nanoseconds timeout) {
    futex_wait(word, seen, timeout);
  }
  static void wake_all(std::atomic<uint32_t>& word) { futex_wake_all(word); }
  // In pop_for, between reading tail_ and reading the tail slot's turn: a
  // test stops a consumer there, where a stale tail_ once cost a lost sleep.
  static void pop_for_paused_at_turn() {}
};

template <class T, class Platform = RingMpmcPlatform>
class RingMpmc {
  template <class U>
  using Atomic = typename Platform::template Atomic<U>;

 public:
  using value_type = T;
  static constexpr std::string_view kId = "ring_mpmc";
  static constexpr QueueTraits traits{.order = QueueOrder::kFifo,
                                      .capacity = QueueCapacity::kBounded,
                                      .blocking = true,
                                      .concurrency = QueueConcurrency::kMpmc};

  explicit RingMpmc(size_t capacity)
      : slot_count_(std::bit_ceil(checked(capacity))),
        lap_shift_(std::countr_zero(slot_count_)),
        slots_per_line_(std::min(slot_count_, kSlotsPerLine)),
        line_bits_(std::countr_zero(slot_count_ / slots_per_line_)),
        slots_(slot_count_) {}
  RingMpmc(const RingMpmc&) = delete;
  RingMpmc& operator=(const RingMpmc&) = delete;

  size_t capacity() const { return slot_count_; }

  bool try_push(const T& item) {
    // Relaxed: head_ only hands out tickets; the slot's turn word carries
    // the data (see below).
    uint64_t ticket = head_.load(std::memory_order_relaxed);
    for (;;) {
      Slot& slot = slot_for(ticket);
      // Acquire: pairs with the exchange in hand_on() by the pop that freed
      // the slot, so its read of the old item happens before our write.
      const uint32_t turn = slot.turn.load(std::memory_order_acquire);
      if (without_sleeper(turn) == empty_for(ticket)) {
        // Relaxed: only the ticket is at stake. The slot stays empty for
        // this lap until the ticket's holder fills it, so what we checked
        // still holds once the ticket is ours.
        if (head_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_relaxed)) {
          fill(slot, ticket, item);
          return true;
        }
      } else {
        const uint64_t seen = ticket;
        ticket = head_.load(std::memory_order_relaxed);
        if (ticket == seen) return false;  // the head's slot is still the previous lap's
      }
    }
  }

  bool try_pop(T& item) {
    uint64_t ticket = tail_.load(std::memory_order_relaxed);  // as in try_push
    for (;;) {
      Slot& slot = slot_for(ticket);
      // Acquire: pairs with the exchange in hand_on() by the push that
      // filled the slot, so its item is visible.
      const uint32_t turn = slot.turn.load(std::memory_order_acquire);
      if (without_sleeper(turn) == full_for(ticket)) {
        if (tail_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_relaxed)) {
          take(slot, ticket, item);
          return true;
        }
      } else {
        const uint64_t seen = ticket;
        ticket = tail_.load(std::memory_order_relaxed);
        if (ticket == seen) return false;  // the tail's slot awaits its push
      }
    }
  }

  void push(const T& item) {
    // Relaxed: the ticket only names the slot; wait_for_turn's acquire
    // orders the slot's hand-over.
    const uint64_t ticket = head_.fetch_add(1, std::memory_order_relaxed);
    Slot& slot = slot_for(ticket);
    wait_for_turn(slot, empty_for(ticket));
    fill(slot, ticket, item);
  }

  void pop(T& item) {
    const uint64_t ticket = tail_.fetch_add(1, std::memory_order_relaxed);  // as in push
    Slot& slot = slot_for(ticket);
    wait_for_turn(slot, full_for(ticket));
    take(slot, ticket, item);
  }

  // try_pop until it succeeds or `timeout` passes, sleeping on the tail's
  // slot between tries (see the header comment).
  bool pop_for(T& item, std::chrono::nanoseconds timeout) {
    // A year stands in for "for ever" without overflowing the clock.
    const auto deadline =
        std::chrono::steady_clock::now() + std::min<std::chrono::nanoseconds>(timeout, kForever);
    for (;;) {
      if (try_pop(item)) return true;
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::nanoseconds::zero()) return false;
      const uint64_t ticket = tail_.load(std::memory_order_relaxed);
      Slot& slot = slot_for(ticket);
      Platform::pop_for_paused_at_turn();
      // Acquire: pairs with the release exchange in hand_on(). If the turn
      // word shows a pop's hand-over (the slot moved past `ticket`), that
      // pop's earlier move of tail_ past `ticket` is then visible to the
      // re-read below.
      const uint32_t turn = slot.turn.load(std::memory_order_acquire);
      if (without_sleeper(turn) == full_for(ticket)) continue;
      // The ticket read may be stale: other consumers may have taken it
      // (and later ones) since, and this slot may wait for a later lap's
      // push while items sit in the next slots. Sleep only on the slot at
      // the tail, as it was when the turn was read; else look again.
      // Relaxed: the acquire above orders it after the turn's read.
      if (tail_.load(std::memory_order_relaxed) != ticket) continue;
      if (!spin_while_unchanged(slot, turn)) sleep_on(slot, turn, left);
    }
  }

  // Threads in (or on their way into) a futex wait right now; for tests
  // and diagnostics, stale as soon as it is read.
  uint32_t sleepers() const { return sleepers_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    Atomic<uint32_t> turn{0};  // empty_for(lap 0): every slot starts empty
    T value{};
  };
  // Slots sharing one cache line; consecutive tickets are spread over
  // that many lines. At least 2: a slot that does not fill whole lines
  // shares one with its neighbour.
  static constexpr size_t kSlotsPerLine =
      std::max<size_t>(2, std::bit_floor(kCacheLineBytes / std::min(sizeof(Slot), kCacheLineBytes)));
  static constexpr uint32_t kSleeper = 1;  // bit 0 of a turn word
  static constexpr std::chrono::nanoseconds kForever = std::chrono::hours(24 * 365);

  static size_t checked(size_t capacity) {
    if (capacity == 0) throw std::invalid_argument(std::string(kId) + " needs a capacity > 0");
    return capacity;
  }

  // Turn words (bit 0 aside): 4 * lap for "empty, for the push of that
  // lap", 4 * lap + 2 for "full, for the pop of that lap". They wrap at
  // 2^30 laps; waits compare for equality, and a slot cannot move past a
  // lap whose ticket holder has not acted, so no waiter is ever 2^30 laps
  // behind the word it watches.
  uint32_t empty_for(uint64_t ticket) const { return static_cast<uint32_t>((ticket >> lap_shift_) << 2); }
  uint32_t full_for(uint64_t ticket) const { return empty_for(ticket) + 2; }
  static uint32_t without_sleeper(uint32_t turn) { return turn & ~kSleeper; }

  // Ticket -> slot, spreading consecutive tickets over different lines:
  // the ticket's low line_bits_ pick the line, the next bits the slot in it.
  Slot& slot_for(uint64_t ticket) {
    const size_t index = static_cast<size_t>(ticket) & (slot_count_ - 1);
    const size_t line = index & ((size_t{1} << line_bits_) - 1);
    const size_t in_line = index >> line_bits_;
    return slots_[line * slots_per_line_ + in_line];
  }

  void fill(Slot& slot, uint64_t ticket, const T& item) {
    slot.value = item;
    hand_on(slot, full_for(ticket));
  }
  void take(Slot& slot, uint64_t ticket, T& item) {
    item = slot.value;
    hand_on(slot, empty_for(ticket + slot_count_));  // the next lap's push
  }

  // Publishes the slot to its next owner and wakes sleepers if any.
  // Release: pairs with the acquire loads of the turn word in try_push,
  // try_pop, pop_for and wait_for_turn: our access to the value happens
  // before the next owner's. The exchange (not a store) is what makes the
  // sleeper bit reliable; see the header comment.
  void hand_on(Slot& slot, uint32_t next_turn) {
    const uint32_t old = slot.turn.exchange(next_turn, std::memory_order_release);
    if (old & kSleeper) Platform::wake_all(slot.turn);
  }

  void wait_for_turn(Slot& slot, uint32_t want) {
    for (;;) {
      // Acquire: pairs with the release exchange in hand_on().
      const uint32_t turn = slot.turn.load(std::memory_order_acquire);
      if (without_sleeper(turn) == want) return;
      if (!spin_while_unchanged(slot, turn)) sleep_on(slot, turn, {});
    }
  }

  // Spins up to kSpinsBeforeSleep pauses; true as soon as the word (bit 0
  // aside) moved away from `seen`, false if it never did.
  static bool spin_while_unchanged(Slot& slot, uint32_t seen) {
    for (int i = 0; i < Platform::kSpinsBeforeSleep; ++i) {
      Platform::relax();
      // Relaxed: only a sign of change; the caller re-reads with acquire.
      if (without_sleeper(slot.turn.load(std::memory_order_relaxed)) != without_sleeper(seen))
        return true;
    }
    return false;
  }

  // Sleeps on the turn word while it still reads `seen` (with the sleeper
  // bit set first; see the header comment), at most `timeout` (zero: no
  // limit). Returns on any change, wake-up, timeout or signal.
  void sleep_on(Slot& slot, uint32_t seen, std::chrono::nanoseconds timeout) {
    if (!(seen & kSleeper)) {
      // Relaxed: the bit's only reader is the exchange in hand_on(), an RMW
      // on the same word, which sees it or makes this CAS fail.
      if (!slot.turn.compare_exchange_strong(seen, seen | kSleeper, std::memory_order_relaxed))
        return;  // the word moved: the caller looks again
      seen |= kSleeper;
    }
    sleepers_.fetch_add(1, std::memory_order_relaxed);  // a diagnostic count
    Platform::wait(slot.turn, seen, timeout);
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
  }

  const size_t slot_count_;       // N, a power of two
  const int lap_shift_;           // log2(N): ticket >> lap_shift_ is the lap
  const size_t slots_per_line_;   // min(N, kSlotsPerLine)
  const int line_bits_;           // log2(N / slots_per_line_)
  std::vector<Slot, CacheLineAllocator<Slot>> slots_;
  // Producers' and consumers' tickets, each on a line of its own.
  alignas(kCacheLineBytes) Atomic<uint64_t> head_{0};
  alignas(kCacheLineBytes) Atomic<uint64_t> tail_{0};
  alignas(kCacheLineBytes) Atomic<uint32_t> sleepers_{0};
};

}  // namespace contend
