// What many test files need from the harness: this machine's topology,
// discovered once, and a Google Benchmark reporter that keeps the runs so
// a test can look at what a benchmark reported (counters, errors).
#pragma once

#include <benchmark/benchmark.h>

#include <vector>

#include "contend/topology/topology.h"

namespace contend {

inline const Topology& this_machine() {
  static const Topology topology = Topology::discover();
  return topology;
}

class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) this->runs.push_back(run);
  }
  std::vector<Run> runs;
};

}  // namespace contend
