// What a counter with a critical section offers the `critical_section`
// benchmark, and which counters have one.
//
// Two shapes, told apart by the member functions a counter has, so that a
// strategy added to counter_strategies.h with either one is measured with
// no other edit:
//   LockSection        locked(worker, section) runs section(GuardedCount&)
//                      while holding a lock (LockedCounter: std_mutex and
//                      the spinlocks). Waiters queue or spin; one runs.
//   OptimisticSection  update(compute) replaces the value with
//                      compute(seen) by compare-and-swap, calling compute
//                      again with the fresh value after a failed CAS
//                      (CasCounter: cas_loop). Nobody waits for a holder:
//                      the "critical section" is the work between the load
//                      and the CAS, and a conflict repeats it.
// Counters with neither (unsync, atomic_*, sharded_*) do their update in
// one instruction or not shared at all: there is no section to lengthen.
#pragma once

#include <cstdint>

namespace contend {

// The data a LockSection's lock protects, on one cache line: the count, and
// the instant its last holder released it (critical_section's hand-over
// stamp, written by the holder just before its unlock). Beside the count,
// the stamp costs the next holder no cache miss of its own.
struct GuardedCount {
  uint64_t value = 0;
  int64_t last_release_ns = 0;  // monotonic_ns(); 0 before any release
};

template <class Counter>
concept LockSection = requires(Counter& counter, int worker, void (*section)(GuardedCount&)) {
  counter.locked(worker, section);
};

template <class Counter>
concept OptimisticSection = requires(Counter& counter, uint64_t (*compute)(uint64_t)) {
  counter.update(compute);
};

template <class Counter>
inline constexpr bool has_critical_section = LockSection<Counter> || OptimisticSection<Counter>;

}  // namespace contend
