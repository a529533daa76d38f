// LatencyExport: the latencies one process reported, merged into one
// histogram and written as an .hgrm file (bench_main's --contend_hgrm).
//
// set_latency_counters (latency_counters.h) hands every histogram whose
// percentiles it reports to the process's export (process_latency_export());
// after the last benchmark, bench_main writes the merged histogram in
// HdrHistogram's percentile-distribution text, in microseconds. bench_all
// runs one instance per process, so one file holds one instance's round:
// every timed repetition of it, merged.
//
// Which calls count. Google Benchmark may call an instance's function
// several times for its first repetition, growing the iteration count
// towards --benchmark_min_time, and reports only the last of those calls;
// the later repetitions reuse that count (--contend_episodes fixes it, and
// then there is no probing at all). So among one instance's calls the
// reported ones are exactly those with the largest iteration count, and the
// export keeps only theirs: the file holds the latencies the rows'
// percentiles come from, and none of a probe's. An instance's calls are
// told apart from the next instance's by begin_call(), which
// register_instance (bench_main.h) makes before each call.
//
// Guaranteed:
//  - Nothing is collected before enable(): without --contend_hgrm the export
//    is a flag test per call.
//  - add() and begin_call() run once per call of a benchmark function, never
//    on a hot path; a mutex makes them safe from any thread.
//  - write_hgrm() writes FILE.tmp and renames it to FILE, so FILE is whole
//    or absent; it writes nothing when no latency was kept.
// Not guaranteed:
//  - Calls of benchmarks registered without register_instance() are taken
//    for calls of one instance.
//  - With --benchmark_min_warmup_time, a warm-up call whose iteration count
//    equals the reported one is kept too (bench_all does not use the flag;
//    contend's own warm-up episodes are not calls).
//  - Mixing histograms of different significant digits: add() throws
//    std::invalid_argument (in a benchmark, that repetition's error row).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "contend/harness/latency_histogram.h"

namespace contend {

class LatencyExport {
 public:
  LatencyExport();
  ~LatencyExport();
  LatencyExport(const LatencyExport&) = delete;
  LatencyExport& operator=(const LatencyExport&) = delete;

  void enable();  // collect from now on
  bool enabled() const;

  // A call of `instance`'s benchmark function begins: the calls kept so far
  // belong to the previous instance when the name differs.
  void begin_call(std::string_view instance);

  // The latencies a call of `iterations` iterations reported: kept when
  // enabled and no other call of this instance had more iterations (a call
  // with more drops the ones kept before it: they were probes).
  void add(const LatencyHistogram& latencies, int64_t iterations);

  // Values kept so far, over every instance.
  uint64_t count() const;

  // Writes every kept value to `path` as .hgrm (microseconds) through
  // `path`.tmp; returns false, writing nothing, when none was kept. Throws
  // std::runtime_error naming the file when it cannot be written (the
  // temporary file is removed).
  bool write_hgrm(const std::string& path) const;

 private:
  void commit_instance();  // the current instance's kept calls into done_
  std::unique_ptr<LatencyHistogram> merged() const;

  mutable std::mutex mutex_;
  bool enabled_ = false;
  std::string instance_;        // whose calls `current_` holds
  int64_t kept_iterations_ = 0;  // the iteration count of the calls in `current_`
  // Made at the first add(), with its histogram's significant digits.
  std::unique_ptr<LatencyHistogram> current_;  // this instance's kept calls
  std::unique_ptr<LatencyHistogram> done_;     // earlier instances'
};

// The process's export: what --contend_hgrm writes.
LatencyExport& process_latency_export();

}  // namespace contend
