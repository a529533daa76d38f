// LatencyExport: which calls' latencies it keeps (an instance's reported
// calls, none of Google Benchmark's probes), the .hgrm it writes (the
// histogram's own text, in microseconds), and a file it cannot write.
#include "contend/harness/latency_export.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "contend/harness/bench_main.h"
#include "contend/harness/counter_names.h"
#include "contend/harness/latency_counters.h"
#include "support/test_machine.h"

namespace contend {
namespace {

namespace fs = std::filesystem;

// A fresh folder for one test's files, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "latency_export_XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path operator/(const std::string& name) const { return path_ / name; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A histogram holding `n` copies of `value`.
void record_copies(LatencyHistogram& histogram, int64_t value, int n) {
  for (int i = 0; i < n; ++i) histogram.record(value);
}

// What write_hgrm must write for these values: the histogram's own text,
// in microseconds.
std::string hgrm_of(const LatencyHistogram& histogram) {
  std::ostringstream text;
  histogram.write_percentile_distribution(text, 1000.0);
  return text.str();
}

TEST(LatencyExport, CollectsNothingUntilEnabled) {
  LatencyExport latencies;
  LatencyHistogram some;
  record_copies(some, 500, 3);
  latencies.begin_call("a");
  latencies.add(some, 1);
  EXPECT_FALSE(latencies.enabled());
  EXPECT_EQ(latencies.count(), 0u);
  TempDir dir;
  EXPECT_FALSE(latencies.write_hgrm((dir / "none.hgrm").string()));
  EXPECT_TRUE(fs::is_empty(dir.path()));  // no file, no temporary
}

TEST(LatencyExport, NothingRecordedWritesNoFile) {
  LatencyExport latencies;
  latencies.enable();
  latencies.begin_call("a");
  LatencyHistogram empty;
  latencies.add(empty, 5);
  TempDir dir;
  EXPECT_FALSE(latencies.write_hgrm((dir / "empty.hgrm").string()));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// Google Benchmark's calls of one instance: probes of 1 and 10 iterations,
// then three repetitions of 100. Only the 100s are reported, so only they
// are kept; the next instance's calls (its own probe first) add to them.
TEST(LatencyExport, KeepsEachInstancesCallsOfTheLargestIterationCount) {
  LatencyExport latencies;
  latencies.enable();
  LatencyHistogram probe1, probe10, rep, other_probe, other_rep;
  record_copies(probe1, 1'000, 1);
  record_copies(probe10, 10'000, 10);
  record_copies(rep, 100'000, 100);
  record_copies(other_probe, 7, 3);
  record_copies(other_rep, 2'000'000, 40);

  latencies.begin_call("queue/a");
  latencies.add(probe1, 1);
  latencies.begin_call("queue/a");
  latencies.add(probe10, 10);
  for (int repetition = 0; repetition < 3; ++repetition) {
    latencies.begin_call("queue/a");
    latencies.add(rep, 100);
  }
  latencies.begin_call("queue/b");
  latencies.add(other_probe, 2);
  latencies.begin_call("queue/b");
  latencies.add(other_rep, 4);
  EXPECT_EQ(latencies.count(), 3u * 100 + 40);

  LatencyHistogram expected;
  for (int repetition = 0; repetition < 3; ++repetition) expected.merge(rep);
  expected.merge(other_rep);
  TempDir dir;
  const fs::path file = dir / "instance.r0.hgrm";
  ASSERT_TRUE(latencies.write_hgrm(file.string()));
  EXPECT_EQ(read_file(file), hgrm_of(expected));
  EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
}

TEST(LatencyExport, WritesMicrosecondsWithTheHistogramsFooter) {
  LatencyExport latencies;
  latencies.enable();
  LatencyHistogram values;
  record_copies(values, 1'500, 9);   // 1.5 us
  record_copies(values, 250'000, 1);  // 250 us
  latencies.add(values, 1);
  TempDir dir;
  const fs::path file = dir / "us.hgrm";
  ASSERT_TRUE(latencies.write_hgrm(file.string()));
  const std::string text = read_file(file);
  EXPECT_NE(text.find("Value     Percentile TotalCount 1/(1-Percentile)"), std::string::npos);
  EXPECT_NE(text.find("Total count    =           10]"), std::string::npos) << text;
  // The largest value's bucket (250000 ns to within 1%) in microseconds.
  const auto max_at = text.find("#[Max     = ");
  ASSERT_NE(max_at, std::string::npos);
  const double max_us = std::stod(text.substr(max_at + 12));
  EXPECT_GE(max_us, 250.0);
  EXPECT_LT(max_us, 252.5);
}

TEST(LatencyExport, ReplacesAnOldFileWhole) {
  TempDir dir;
  const fs::path file = dir / "replaced.hgrm";
  std::ofstream(file) << "an older, longer file that must not leave a tail behind\n"
                      << std::string(10'000, 'x');
  LatencyExport latencies;
  latencies.enable();
  LatencyHistogram values;
  record_copies(values, 42, 2);
  latencies.add(values, 1);
  ASSERT_TRUE(latencies.write_hgrm(file.string()));
  EXPECT_EQ(read_file(file), hgrm_of(values));
}

TEST(LatencyExport, AFileThatCannotBeWrittenIsOneErrorNamingIt) {
  LatencyExport latencies;
  latencies.enable();
  LatencyHistogram values;
  record_copies(values, 42, 2);
  latencies.add(values, 1);
  TempDir dir;
  const std::string file = (dir / "no_such_folder" / "x.hgrm").string();
  try {
    latencies.write_hgrm(file);
    ADD_FAILURE() << "wrote " << file;
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(LatencyExport, HistogramsOfOtherDigitsAreRefused) {
  LatencyExport latencies;
  latencies.enable();
  LatencyHistogram two(2), three(3);
  two.record(1);
  three.record(1);
  latencies.add(two, 1);
  EXPECT_THROW(latencies.add(three, 1), std::invalid_argument);
}

// Through Google Benchmark: two instances registered as the bench binaries
// register them, each recording one latency per iteration. GB probes the
// iteration count first (manual time 0.1 s an iteration against its default
// --benchmark_min_time of 0.5 s) and reports only the last call: the
// export then holds exactly the latencies the rows report, no probe's.
TEST(LatencyExport, HoldsWhatTheReportedRowsCountThroughGoogleBenchmark) {
  LatencyExport& process = process_latency_export();
  process.enable();
  const uint64_t before = process.count();
  std::map<std::string, int> calls;
  for (const char* impl : {"first", "second"}) {
    const BenchmarkId id{.family = "export_test", .benchmark = "probe", .impl = impl};
    register_instance(id, [&calls, impl](benchmark::State& state) {
      ++calls[impl];
      for (auto _ : state) state.SetIterationTime(0.1);
      LatencyHistogram latencies;
      record_copies(latencies, 1'000 * state.max_iterations, static_cast<int>(state.max_iterations));
      set_latency_counters(state, latencies);
    });
  }
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^export_test/probe/");
  ASSERT_EQ(reporter.runs.size(), 2u);
  double reported = 0;
  for (const auto& run : reporter.runs) {
    ASSERT_FALSE(run.error_occurred) << run.error_message;
    reported += run.counters.at(counter_name::kLatencySamples).value;
  }
  EXPECT_GT(calls["first"], 1) << "no probe: the test does not exercise the rule";
  EXPECT_GT(calls["second"], 1);
  EXPECT_EQ(static_cast<double>(process.count() - before), reported);
}

}  // namespace
}  // namespace contend
