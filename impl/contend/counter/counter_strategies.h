// The counting strategies contend measures, each under its stable impl id.
//
// This list is the one place a strategy is named: bench_counter registers
// from it and the tests iterate it, so a strategy added here is measured
// and tested with no other edit. Ids are stable: renaming one breaks every
// user's result history.
#pragma once

#include <atomic>
#include <mutex>
#include <string_view>
#include <type_traits>

#include "contend/counter/atomic_counter.h"
#include "contend/counter/cas_counter.h"
#include "contend/counter/locked_counter.h"
#include "contend/counter/sharded_counter.h"
#include "contend/counter/unsync_counter.h"
#include "contend/sync/mcs_lock.h"
#include "contend/sync/process_shared_mutex.h"
#include "contend/sync/tas_lock.h"
#include "contend/sync/ticket_lock.h"
#include "contend/sync/ttas_lock.h"

namespace contend {

// Calls visit(std::type_identity<Counter>{}, "impl_id") once per strategy.
template <class Visitor>
void for_each_counter_strategy(Visitor&& visit) {
  visit(std::type_identity<UnsyncCounter>{}, std::string_view("unsync"));
  visit(std::type_identity<LockedCounter<std::mutex>>{}, std::string_view("std_mutex"));
  visit(std::type_identity<AtomicCounter<std::memory_order_relaxed>>{},
        std::string_view("atomic_relaxed"));
  visit(std::type_identity<AtomicCounter<std::memory_order_seq_cst>>{},
        std::string_view("atomic_seq_cst"));
  visit(std::type_identity<CasCounter>{}, std::string_view("cas_loop"));
  visit(std::type_identity<LockedCounter<TasLock>>{}, std::string_view("spin_tas"));
  visit(std::type_identity<LockedCounter<TtasLock>>{}, std::string_view("spin_ttas"));
  visit(std::type_identity<LockedCounter<TicketLock>>{}, std::string_view("spin_ticket"));
  visit(std::type_identity<LockedCounter<McsLock>>{}, std::string_view("spin_mcs"));
  visit(std::type_identity<ShardedCounter<true>>{}, std::string_view("sharded_padded"));
  visit(std::type_identity<ShardedCounter<false>>{}, std::string_view("sharded_false_shared"));
}

// The type a strategy uses when its workers are processes. Everything here
// works in a shared mapping as it is, except std::mutex (private futex).
template <class Counter>
struct InProcessMode {
  using type = Counter;
};
template <>
struct InProcessMode<LockedCounter<std::mutex>> {
  using type = LockedCounter<ProcessSharedMutex>;
};

}  // namespace contend
