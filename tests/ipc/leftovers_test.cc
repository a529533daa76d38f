// Process mode end to end, as bench_ipc runs it (Google Benchmark driving
// run_episodes): for every channel, after a good run, after a failed check
// and after a worker crash, the result is right (a number, or an error row
// naming the failure) and nothing is left: no child, no broker, no
// /dev/shm or /dev/mqueue entry.
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <vector>

#include "contend/harness/episode_runner.h"
#include "contend/harness/worker_group.h"
#include "contend/ipc/channel_catalog.h"
#include "contend/ipc/ipc_workload.h"
#include "support/no_leftovers.h"
#include "support/test_machine.h"

namespace contend {
namespace {

using namespace std::chrono_literals;

enum class Outcome { kSuccess, kCheckFails, kWorkerCrashes };

// One Google Benchmark instance of 1:1 throughput over `kind` with
// process workers, made to end as `outcome` says.
benchmark::BenchmarkReporter::Run run_instance(const ChannelKind& kind, Outcome outcome) {
  // Unique, so that a repeated test (--gtest_repeat) matches only its own.
  static int serial = 0;
  const std::string name = "leftovers_" + std::string(kind.id) + "_" +
                           std::to_string(static_cast<int>(outcome)) + "_" +
                           std::to_string(serial++);
  benchmark::RegisterBenchmark(name.c_str(), [&kind, outcome](benchmark::State& state) {
    ChannelOptions options;
    options.message_bytes = 64;
    options.capacity = 16;
    // The crash case leaves the producer blocked on a full channel: the
    // group notices the dead consumer first, then kills the producer.
    options.timeout = 60s;
    ChannelPair channels = kind.make(options);
    ThroughputWorkload work(*channels.forward, {1, 1, 200, 64});
    WorkerGroup group(this_machine(), place_workers(this_machine(), PlacementPolicy::kCompact, 2),
                      [&work, outcome](const WorkerContext& c) {
                        if (outcome == Outcome::kWorkerCrashes && c.index == 1) raise(SIGKILL);
                        return work.run_worker(c);
                      },
                      WorkerMode::kProcess);
    EpisodePlan plan = work.plan();
    if (outcome == Outcome::kCheckFails) {
      plan.judge = [judge = plan.judge](const EpisodeResult& r) {
        EpisodeVerdict verdict = judge(r);
        if (verdict.error.empty()) verdict.error = "injected check failure";
        return verdict;
      };
    }
    run_episodes(state, group, plan);
  })->UseManualTime()->Iterations(2);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^" + name + "/");
  EXPECT_EQ(reporter.runs.size(), 1u);
  return reporter.runs.empty() ? benchmark::BenchmarkReporter::Run{} : reporter.runs[0];
}

class LeftoversTest : public testing::NoLeftoversWithParam<std::string> {
 protected:
  const ChannelKind& kind() const { return channel_kind(GetParam()); }
};

TEST_P(LeftoversTest, NothingIsLeftAfterSuccess) {
  const auto run = run_instance(kind(), Outcome::kSuccess);
  EXPECT_FALSE(run.error_occurred) << run.error_message;
  EXPECT_EQ(run.counters.at("items").value, 200.0);
  EXPECT_EQ(run.counters.at("lost").value, 0.0);
}

TEST_P(LeftoversTest, NothingIsLeftAfterAFailedCheck) {
  const auto run = run_instance(kind(), Outcome::kCheckFails);
  EXPECT_TRUE(run.error_occurred);
  EXPECT_EQ(run.error_message, "injected check failure");
}

TEST_P(LeftoversTest, NothingIsLeftAfterAWorkerCrash) {
  const auto run = run_instance(kind(), Outcome::kWorkerCrashes);
  EXPECT_TRUE(run.error_occurred);
  EXPECT_NE(run.error_message.find("killed by signal 9 (Killed)"), std::string::npos) << run.error_message;
}

std::vector<std::string> kind_ids() {
  std::vector<std::string> ids;
  for (const ChannelKind& kind : channel_kinds()) ids.emplace_back(kind.id);
  return ids;
}

INSTANTIATE_TEST_SUITE_P(Channels, LeftoversTest, ::testing::ValuesIn(kind_ids()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace contend
