// The Google Benchmark counters that become results.csv columns, by name.
//
// scripts/contend/run/gbench.py copies each user counter named in
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
inline constexpr char kP90Ns[] = "p90_ns";
inline constexpr char kP99Ns[] = "p99_ns";
inline constexpr char kP999Ns[] = "p999_ns";
inline constexpr char kP9999Ns[] = "p9999_ns";
inline constexpr char kMaxNs[] = "max_ns";
inline constexpr char kLatencySamples[] = "latency_samples";  // behind the percentiles
// Open-loop rows (queue `latency`): the load offered, whether the queue
// kept up with it (1) or fell behind (0: no latencies are reported), and
// whether the repetition was run again because the machine's capacity for
// the queue fell under its first run (1) or not (0).
inline constexpr char kOfferedPerSecond[] = "offered_per_second";
inline constexpr char kKeptUp[] = "kept_up";
inline constexpr char kReruns[] = "reruns";
// Lock rows (counter `critical_section`): release to the next waiter's
// acquisition, beside the acquire-wait percentiles above.
inline constexpr char kHandoverP50Ns[] = "handover_p50_ns";
inline constexpr char kHandoverP99Ns[] = "handover_p99_ns";
inline constexpr char kHandoverSamples[] = "handover_samples";
// Relaxed priority rows (priority `multiqueue`): how far each popped key was
// from the true minimum, as a rank among the keys present.
inline constexpr char kRankErrorMean[] = "rank_error_mean";
inline constexpr char kRankErrorMax[] = "rank_error_max";
// Network rows (families server and chatlog): the measured side's cost.
inline constexpr char kPeakTasks[] = "peak_tasks";            // threads or processes
inline constexpr char kPeakRssBytes[] = "peak_rss_bytes";
inline constexpr char kCpuNsPerItem[] = "cpu_ns_per_item";    // getrusage user + system
inline constexpr char kRefused[] = "refused";                 // connections, per episode
inline constexpr char kDropped[] = "dropped";                 // datagrams, per episode
inline constexpr char kAckedMissing[] = "acked_missing";      // chatlog crash rows
inline constexpr char kFairness[] = "fairness";                // Jain's index, mean
inline constexpr char kLost[] = "lost";                        // per episode, mean
inline constexpr char kCounted[] = "counted";                  // counter family only

}  // namespace contend::counter_name
