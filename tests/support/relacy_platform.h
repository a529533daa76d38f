// Relacy (Dmitry Vyukov's model checker of the C++ memory model, Debian's
// relacy-dev) under contend's real templates: RlAtomic<U> has std::atomic's
// interface over rl::atomic<U>, and relacy_futex_wait / relacy_futex_wake_all
// model the futex on it. A template that takes its atomics and its futex
// from a platform parameter (RingMpmcPlatform, ...) is then checked as it
// is, not a copy of it: a change to the code is a change to the model.
//
// Include this header LAST in a model's source file, after every standard,
// GoogleTest and contend header: relacy.hpp defines macros (new, delete,
// memory_order_relaxed, ...) that break any header after it. They are
// undefined again below, and the code of this header names memory orders
// only as std::memory_order::relaxed and the like, which the macros miss.
//
// What the model does not have: time. A timed wait here never times out
// (the timeouts the models pass are long), so a sleeper is woken only by a
// hand-over or a spurious wake-up, and a lost wake-up is a deadlock, which
// Relacy reports with the interleaving that led to it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <source_location>
#include <string>

#include <relacy/relacy.hpp>

#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst

namespace contend::testing_support {

inline rl::memory_order relacy_order(std::memory_order order) {
  switch (order) {
    case std::memory_order::relaxed: return rl::mo_relaxed;
    case std::memory_order::consume: return rl::mo_consume;
    case std::memory_order::acquire: return rl::mo_acquire;
    case std::memory_order::release: return rl::mo_release;
    case std::memory_order::acq_rel: return rl::mo_acq_rel;
    case std::memory_order::seq_cst: return rl::mo_seq_cst;
  }
  return rl::mo_seq_cst;
}

// Where in contend's code an operation was called: Relacy's reports name
// that line, not this header's.
inline rl::debug_info relacy_where(const std::source_location& where) {
  return rl::debug_info(where.function_name(), where.file_name(), static_cast<int>(where.line()));
}

// std::atomic<U>'s interface, as much of it as contend's templates use.
template <class U>
class RlAtomic {
  using Where = std::source_location;

 public:
  RlAtomic(U value = U{}, Where w = Where::current()) { atom_.store(value, rl::mo_relaxed, relacy_where(w)); }
  RlAtomic(const RlAtomic&) = delete;
  RlAtomic& operator=(const RlAtomic&) = delete;

  U load(std::memory_order o = std::memory_order::seq_cst, Where w = Where::current()) const {
    return atom_.load(relacy_order(o), relacy_where(w));
  }
  void store(U value, std::memory_order o = std::memory_order::seq_cst, Where w = Where::current()) {
    atom_.store(value, relacy_order(o), relacy_where(w));
  }
  U exchange(U value, std::memory_order o = std::memory_order::seq_cst, Where w = Where::current()) {
    return atom_(relacy_where(w)).exchange(value, relacy_order(o));
  }
  U fetch_add(U delta, std::memory_order o = std::memory_order::seq_cst, Where w = Where::current()) {
    return atom_(relacy_where(w)).fetch_add(delta, relacy_order(o));
  }
  U fetch_sub(U delta, std::memory_order o = std::memory_order::seq_cst, Where w = Where::current()) {
    return atom_(relacy_where(w)).fetch_sub(delta, relacy_order(o));
  }
  bool compare_exchange_strong(U& expected, U desired, std::memory_order o = std::memory_order::seq_cst,
                               Where w = Where::current()) {
    return cas<false>(expected, desired, relacy_order(o), failure_order(o), w);
  }
  bool compare_exchange_strong(U& expected, U desired, std::memory_order success,
                               std::memory_order failure, Where w = Where::current()) {
    return cas<false>(expected, desired, relacy_order(success), relacy_order(failure), w);
  }
  bool compare_exchange_weak(U& expected, U desired, std::memory_order o = std::memory_order::seq_cst,
                             Where w = Where::current()) {
    return cas<true>(expected, desired, relacy_order(o), failure_order(o), w);
  }
  bool compare_exchange_weak(U& expected, U desired, std::memory_order success,
                             std::memory_order failure, Where w = Where::current()) {
    return cas<true>(expected, desired, relacy_order(success), relacy_order(failure), w);
  }

  rl::atomic<U>& relacy() { return atom_; }

 private:
  // As the standard says for a single-order compare-exchange: the failure
  // order is the success order without its release part.
  static rl::memory_order failure_order(std::memory_order o) {
    if (o == std::memory_order::acq_rel) return rl::mo_acquire;
    if (o == std::memory_order::release) return rl::mo_relaxed;
    return relacy_order(o);
  }

  template <bool kWeak>
  bool cas(U& expected, U desired, rl::memory_order success, rl::memory_order failure,
           const Where& w) {
    auto proxy = atom_(relacy_where(w));
    return kWeak ? proxy.compare_exchange_weak(expected, desired, success, failure)
                 : proxy.compare_exchange_strong(expected, desired, success, failure);
  }

  mutable rl::atomic<U> atom_;
};

// The futex, as Relacy models it (its own futex() takes atomic<int> only):
// sleeps only if the word still holds `seen`, checked atomically with
// going to sleep; may wake spuriously; never times out (see the top).
template <class U>
void relacy_futex_wait(RlAtomic<U>& word, U seen,
                       std::source_location w = std::source_location::current()) {
  rl::context& c = rl::ctx();
  c.sched();
  c.atomic_thread_fence_seq_cst();
  U now;
  {
    rl::preemption_disabler no_switch(c);
    now = word.relacy().load(rl::mo_relaxed, relacy_where(w));
  }
  if (now != seen) return;
  word.relacy().wait(c, false, true, relacy_where(w));
}

template <class U>
void relacy_futex_wake_all(RlAtomic<U>& word, std::source_location w = std::source_location::current()) {
  rl::context& c = rl::ctx();
  c.sched();
  c.atomic_thread_fence_seq_cst();
  word.relacy().wake(c, rl::thread_id_t(-1) >> 1, relacy_where(w));
}

// StdAtomics' counterpart (contend/sync/std_atomics.h): a spin-wait step
// tells Relacy's scheduler to run another thread, as a spinning thread
// waits for one to move.
struct RelacySpin {
  void pause() { rl::yield(1, RL_INFO); }
};
struct RelacyAtomics {
  template <class U>
  using Atomic = RlAtomic<U>;
  using Spin = RelacySpin;
  using Backoff = RelacySpin;
};

// std::mutex and std::condition_variable as Relacy models them, for
// BlockingQueue's Platform (contend/queue/blocking_queue.h). Relacy checks
// the mutex's use (an unlock by a non-owner, a lock held at the end) and
// orders what it guards; the condition variable may wake spuriously, and
// a timed wait may time out at any point (Relacy has no clock: the
// deadline itself is ignored), so a model that must not see a timeout
// waits without one. A sleeper that nobody notifies is a deadlock, which
// Relacy reports with its interleaving.
class RlMutex {
  using Where = std::source_location;

 public:
  RlMutex() = default;
  RlMutex(const RlMutex&) = delete;
  RlMutex& operator=(const RlMutex&) = delete;
  void lock(Where w = Where::current()) { mutex_.lock(relacy_where(w)); }
  void unlock(Where w = Where::current()) { mutex_.unlock(relacy_where(w)); }
  rl::mutex& relacy() { return mutex_; }

 private:
  rl::mutex mutex_;
};

class RlConditionVariable {
  using Where = std::source_location;
  using Lock = std::unique_lock<RlMutex>;
  // What Relacy's wait unlocks and relocks: the mutex under `lock`, which
  // stays owned by `lock` as far as std::unique_lock is concerned.
  struct Relock {
    Lock& held;
    void lock(rl::debug_info_param info) { held.mutex()->relacy().lock(info); }
    void unlock(rl::debug_info_param info) { held.mutex()->relacy().unlock(info); }
  };

 public:
  explicit RlConditionVariable(Where w = Where::current()) : where_(w) {
    cv_.init(/*allow_spurious_wakeups=*/true, relacy_where(w));
  }
  ~RlConditionVariable() { cv_.deinit(relacy_where(where_)); }
  RlConditionVariable(const RlConditionVariable&) = delete;
  RlConditionVariable& operator=(const RlConditionVariable&) = delete;

  void notify_one(Where w = Where::current()) { cv_.notify_one(relacy_where(w)); }
  void notify_all(Where w = Where::current()) { cv_.notify_all(relacy_where(w)); }

  template <class Pred>
  void wait(Lock& lock, Pred ready, Where w = Where::current()) {
    Relock relock{lock};
    while (!ready()) cv_.wait(relock, /*is_timed=*/false, relacy_where(w));
  }
  template <class Clock, class Duration, class Pred>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>&, Pred ready,
                  Where w = Where::current()) {
    Relock relock{lock};
    while (!ready()) {
      if (cv_.wait(relock, /*is_timed=*/true, relacy_where(w)) == rl::sema_wakeup_reason_timeout)
        return ready();
    }
    return true;
  }

 private:
  struct Tag;
  rl::condvar<Tag> cv_;
  Where where_;
};

struct RelacySync {
  using Mutex = RlMutex;
  using ConditionVariable = RlConditionVariable;
};

// A value whose every read and write Relacy checks for data races: an item
// type for the queues' slots, so that a hand-over that does not order the
// producer's write before the consumer's read is reported.
class RlItem {
 public:
  RlItem(int value = 0) : value_(value) {}
  RlItem(const RlItem& other) : value_(other.get()) {}
  RlItem& operator=(const RlItem& other) {
    value_(RL_INFO) = other.get();
    return *this;
  }
  int get() const { return value_(RL_INFO); }

 private:
  rl::var<int> value_;
};

// Runs Relacy's random scheduler on Suite for `iterations` interleavings
// (seeded by their number: the same ones every run). On failure Relacy
// prints its account (the interleaving and the failed check) on stdout:
// not into a string, since Relacy replaces operator new and a buffer grown
// inside its simulation cannot be freed outside it.
template <class Suite>
bool relacy_check(rl::iteration_t iterations) {
  rl::test_params params;
  params.iteration_count = iterations;
  params.search_type = rl::random_scheduler_type;
  return rl::simulate<Suite>(params);
}

}  // namespace contend::testing_support

// In a GoogleTest test: the model holds in `iterations` interleavings, or
// the test fails after Relacy's account of the one that broke it.
#define CONTEND_EXPECT_MODEL_HOLDS(Suite, iterations)                                  \
  EXPECT_TRUE(::contend::testing_support::relacy_check<Suite>(iterations))             \
      << "Relacy: " #Suite " fails; its interleaving is printed above"
