// The Google Benchmark counters that become results.csv columns, by name.
//
// scripts/contend/gbench.py copies each user counter named in
// schema.COUNTER_COLUMNS into the column of the same name; a counter under
// any other name never reaches the CSV. This header is the C++ twin of that
// list: every state.counters[...] in impl/ and bench/ names its counter
// here, and tests/python/test_counter_names.py fails when the two lists
// differ in either direction, so a column is added on both sides or on none.
// (items_per_second is not here: Google Benchmark derives it from
// SetItemsProcessed and the manual time.)
#pragma once

namespace contend::counter_name {

inline constexpr char kItems[] = "items";                      // per episode, mean
inline constexpr char kP50Ns[] = "p50_ns";                     // latency_counters.h
inline constexpr char kP99Ns[] = "p99_ns";
inline constexpr char kP999Ns[] = "p999_ns";
inline constexpr char kLatencySamples[] = "latency_samples";  // behind the percentiles
inline constexpr char kFairness[] = "fairness";                // Jain's index, mean
inline constexpr char kLost[] = "lost";                        // per episode, mean
inline constexpr char kCounted[] = "counted";                  // counter family only

}  // namespace contend::counter_name
