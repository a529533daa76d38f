// WorkerGroup and run_episodes: the start gate, makespan, pinning, errors,
// and (in process mode) that nothing is left behind; warm-up episodes,
// the counters run_episodes reports (from a group or another source), the
// latency counter rule, contend's flags.
#include "contend/harness/worker_group.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "contend/harness/bench_main.h"
#include "contend/harness/clock.h"
#include "contend/harness/episode_runner.h"
#include "contend/harness/latency_counters.h"
#include "contend/harness/latency_histogram.h"
#include "contend/harness/shared_memory.h"
#include "support/no_leftovers.h"
#include "support/test_machine.h"

namespace contend {
namespace {

// Three workers even on a 2-PU machine: the gate must work oversubscribed.
std::vector<Place> places(int n = 3) {
  return place_workers(this_machine(), PlacementPolicy::kCompact, n);
}

class WorkerGroupTest : public ::testing::TestWithParam<WorkerMode> {};

// Every worker must be inside its body at the same time: each waits for all
// the others to check in. A gate that released workers one episode at a
// time, or lost one, would leave them waiting until the deadline.
TEST_P(WorkerGroupTest, AllWorkersAreReleasedTogether) {
  constexpr int kWorkers = 3;
  struct Meeting {
    std::atomic<int> checked_in{0};
    std::atomic<int> met{0};
  };
  Shared<Meeting> meeting;
  Meeting* m = meeting.get();
  WorkerGroup group(this_machine(), places(kWorkers), [m](const WorkerContext&) -> uint64_t {
    m->checked_in.fetch_add(1);
    // A hang guard, not a speed: workers released together all check in
    // within milliseconds, even under TSan on a loaded machine; one held
    // back until the others return never does, and 10 s (1000x) says so.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (m->checked_in.load() % kWorkers != 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    if (m->checked_in.load() % kWorkers == 0) m->met.fetch_add(1);
    return 1;
  }, GetParam());
  for (int episode = 1; episode <= 3; ++episode) {
    EpisodeResult result = group.run_episode();
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(m->met.load(), kWorkers * episode);
  }
}

TEST_P(WorkerGroupTest, MakespanCoversEveryWorkersOwnTime) {
  WorkerGroup group(this_machine(), places(), [](const WorkerContext& c) -> uint64_t {
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * (c.index + 1)));
    return static_cast<uint64_t>(c.index + 10);
  }, GetParam());
  EpisodeResult result = group.run_episode();
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_EQ(result.worker_seconds.size(), 3u);
  for (double own : result.worker_seconds) EXPECT_GE(result.makespan_seconds, own);
  EXPECT_EQ(result.worker_ops, (std::vector<uint64_t>{10, 11, 12}));
  EXPECT_EQ(result.total_ops(), 33u);
}

TEST_P(WorkerGroupTest, TimedEpisodesStopTheWorkers) {
  WorkerGroup group(this_machine(), places(), [](const WorkerContext& c) -> uint64_t {
    uint64_t spins = 0;
    while (!c.stop_requested()) ++spins;
    return spins;
  }, GetParam());
  EpisodeResult result = group.run_episode(std::chrono::milliseconds(5));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_GE(result.makespan_seconds, 0.005);
  EXPECT_GT(result.fairness(), 0.0);
  EXPECT_LE(result.fairness(), 1.0);
}

TEST_P(WorkerGroupTest, WorkersArePinnedToTheirPlaces) {
  if (!this_machine().is_this_system()) GTEST_SKIP() << "topology is not this machine";
  auto plan = places(2);
  Shared<std::array<std::atomic<int>, 2>> seen;
  auto* cpus = seen.get();
  WorkerGroup group(this_machine(), plan, [cpus](const WorkerContext& c) -> uint64_t {
    (*cpus)[c.index].store(sched_getcpu());
    return 1;
  }, GetParam());
  ASSERT_TRUE(group.run_episode().ok());
  for (int w = 0; w < 2; ++w) EXPECT_EQ((*cpus)[w].load(), plan[w].pu) << "worker " << w;
}

TEST_P(WorkerGroupTest, ABodyThatThrowsIsAnError) {
  WorkerGroup group(this_machine(), places(), [](const WorkerContext& c) -> uint64_t {
    if (c.index == 1) throw std::runtime_error("boom");
    return 1;
  }, GetParam());
  EpisodeResult result = group.run_episode();
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.error.find("boom"), std::string::npos) << result.error;
}

TEST_P(WorkerGroupTest, NothingIsLeftBehind) {
  {
    WorkerGroup group(this_machine(), places(), [](const WorkerContext&) -> uint64_t { return 1; },
                      GetParam());
    ASSERT_TRUE(group.run_episode().ok());
  }
  EXPECT_TRUE(testing::no_children_left());
}

INSTANTIATE_TEST_SUITE_P(Modes, WorkerGroupTest,
                         ::testing::Values(WorkerMode::kThread, WorkerMode::kProcess),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(WorkerGroupProcess, ACrashingChildIsAnErrorNamingTheSignal) {
  {
    WorkerGroup group(this_machine(), places(), [](const WorkerContext& c) -> uint64_t {
      // SIGKILL, not SIGSEGV: sanitizers catch SIGSEGV and exit instead.
      if (c.index == 2) raise(SIGKILL);
      return 1;
    }, WorkerMode::kProcess);
    EpisodeResult result = group.run_episode();
    EXPECT_FALSE(result.ok());
    EXPECT_NE(result.error.find("killed by signal 9 (Killed)"), std::string::npos) << result.error;
    // A broken group stays broken instead of waiting for the dead child.
    EXPECT_FALSE(group.run_episode().ok());
  }
  EXPECT_TRUE(testing::no_children_left());
}

TEST(WorkerGroupProcess, WorkersWriteResultsIntoSharedMemory) {
  Shared<std::atomic<uint64_t>> total(0);
  auto* sum = total.get();
  WorkerGroup group(this_machine(), places(), [sum](const WorkerContext& c) -> uint64_t {
    sum->fetch_add(static_cast<uint64_t>(c.index) + 1);
    return 1;
  }, WorkerMode::kProcess);
  ASSERT_TRUE(group.run_episode().ok());
  ASSERT_TRUE(group.run_episode().ok());
  EXPECT_EQ(sum->load(), 2u * (1 + 2 + 3));
}

std::vector<benchmark::BenchmarkReporter::Run> run_one(const std::string& name,
                                                       const EpisodePlan& plan) {
  benchmark::RegisterBenchmark(name.c_str(), [plan](benchmark::State& state) {
    WorkerGroup group(this_machine(), places(2), [](const WorkerContext&) -> uint64_t { return 7; });
    run_episodes(state, group, plan);
  })->UseManualTime()->Iterations(3);
  CollectingReporter reporter;
  // UseManualTime() appends "/manual_time" to the name.
  benchmark::RunSpecifiedBenchmarks(&reporter, "^" + name + "/");
  return reporter.runs;
}

TEST(RunEpisodes, ReportsItemsFairnessAndLost) {
  EpisodePlan plan;
  plan.judge = [](const EpisodeResult& r) { return EpisodeVerdict{r.total_ops(), 1.0, ""}; };
  auto runs = run_one("episodes_ok", plan);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_FALSE(runs[0].error_occurred);
  EXPECT_EQ(runs[0].iterations, 3);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("items").value, 14.0);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("fairness").value, 1.0);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("lost").value, 1.0);
}

TEST(RunEpisodes, AFailingCheckBecomesAnErrorNotANumber) {
  EpisodePlan plan;
  plan.warmup_episodes = 0;  // the timed episode must be judged too
  plan.judge = [](const EpisodeResult&) { return EpisodeVerdict{1, 0, "3 items lost"}; };
  auto runs = run_one("episodes_bad", plan);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].error_occurred);
  EXPECT_EQ(runs[0].error_message, "3 items lost");
}

// What run_episodes did, seen from the plan's callbacks.
struct EpisodeLog {
  int prepared = 0;
  int judged = 0;
  int prepared_at_after_warmup = -1;
};

EpisodePlan logging_plan(EpisodeLog& log, int warmup) {
  EpisodePlan plan;
  plan.warmup_episodes = warmup;
  plan.prepare = [&log] { ++log.prepared; };
  plan.judge = [&log](const EpisodeResult& r) {
    ++log.judged;
    return EpisodeVerdict{r.total_ops(), 0, ""};
  };
  plan.after_warmup = [&log] { log.prepared_at_after_warmup = log.prepared; };
  return plan;
}

// Warm-up episodes run in full (prepared and judged) before the timed
// ones, but only the timed ones are iterations and feed the counters.
TEST(RunEpisodes, WarmUpEpisodesRunButAreNeitherTimedNorCounted) {
  EpisodeLog log;
  auto runs = run_one("episodes_warm", logging_plan(log, 2));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_FALSE(runs[0].error_occurred);
  EXPECT_EQ(runs[0].iterations, 3);
  EXPECT_EQ(log.prepared, 2 + 3);
  EXPECT_EQ(log.judged, 2 + 3);
  EXPECT_EQ(log.prepared_at_after_warmup, 2);  // called once, between the two
  EXPECT_DOUBLE_EQ(runs[0].counters.at("items").value, 14.0);
}

TEST(RunEpisodes, ZeroWarmUpEpisodesMeansNone) {
  EpisodeLog log;
  auto runs = run_one("episodes_cold", logging_plan(log, 0));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].iterations, 3);
  EXPECT_EQ(log.prepared, 3);
  EXPECT_EQ(log.prepared_at_after_warmup, 0);
}

TEST(RunEpisodes, AFailedWarmUpIsAnErrorRow) {
  EpisodePlan plan;
  plan.warmup_episodes = 1;
  plan.judge = [](const EpisodeResult&) { return EpisodeVerdict{1, 0, "2 items lost"}; };
  auto runs = run_one("episodes_bad_warmup", plan);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].error_occurred);
  EXPECT_EQ(runs[0].error_message, "2 items lost");
  EXPECT_EQ(runs[0].iterations, 0);  // no timed episode ran
}

// Recorded episodes replayed through the timed loop: their times and
// verdicts are the row's, as if the loop had run them.
std::vector<benchmark::BenchmarkReporter::Run> replay_one(const std::string& name,
                                                          const RecordedEpisodes& recorded) {
  benchmark::RegisterBenchmark(name.c_str(), [recorded](benchmark::State& state) {
    replay_episodes(state, recorded);
  })->UseManualTime()->Iterations(2);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^" + name + "/");
  return reporter.runs;
}

EpisodeResult recorded_result(double makespan_seconds) {
  EpisodeResult result;
  result.makespan_seconds = makespan_seconds;
  return result;
}

TEST(ReplayEpisodes, TheRowIsTheRecordedEpisodes) {
  RecordedEpisodes recorded;
  recorded.results = {recorded_result(0.5), recorded_result(0.25)};
  recorded.verdicts = {EpisodeVerdict{10, 1.0, ""}, EpisodeVerdict{20, 3.0, ""}};
  auto runs = replay_one("replay_ok", recorded);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_FALSE(runs[0].error_occurred);
  EXPECT_EQ(runs[0].iterations, 2);
  EXPECT_DOUBLE_EQ(runs[0].GetAdjustedRealTime() * 1e-9 * 2, 0.75);  // mean x 2 episodes
  EXPECT_DOUBLE_EQ(runs[0].counters.at("items").value, 15.0);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("lost").value, 2.0);
}

TEST(ReplayEpisodes, ARecordedFailureIsTheRowsError) {
  RecordedEpisodes recorded;
  recorded.results = {recorded_result(0.5)};
  recorded.verdicts = {EpisodeVerdict{0, 0, "FIFO order broken"}};
  ASSERT_TRUE(recorded.failed());
  auto runs = replay_one("replay_failed", recorded);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].error_occurred);
  EXPECT_EQ(runs[0].error_message, "FIFO order broken");
}

TEST(ReplayEpisodes, FewerRecordedThanTheLoopAsksForIsAnError) {
  RecordedEpisodes recorded;
  recorded.results = {recorded_result(0.5)};
  recorded.verdicts = {EpisodeVerdict{10, 0, ""}};
  auto runs = replay_one("replay_short", recorded);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(runs[0].error_occurred);
}

// `counted` (increments a counter really holds) is a counter only where
// the verdicts carry it, and then its mean over the timed episodes.
TEST(RunEpisodes, CountedIsReportedOnlyWhenTheVerdictsCarryIt) {
  EpisodePlan counting;
  int episode = 0;
  counting.judge = [&episode](const EpisodeResult&) {
    EpisodeVerdict verdict{10, 0, ""};
    verdict.counted = episode++ < 1 ? 100.0 : 4.0 + episode;  // warm-up: 100, ignored
    return verdict;
  };
  auto runs = run_one("episodes_counted", counting);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_DOUBLE_EQ(runs[0].counters.at("counted").value, (6.0 + 7.0 + 8.0) / 3);

  EpisodePlan plain;
  plain.judge = [](const EpisodeResult&) { return EpisodeVerdict{10, 0, ""}; };
  runs = run_one("episodes_uncounted", plain);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].counters.count("counted"), 0u);
}

// A source that is not a worker group (no per-worker counts) gets the same
// warm-up, judge and counters, except fairness, which it has none of.
TEST(RunEpisodes, ASourceWithoutWorkersHasNoFairness) {
  int episodes = 0;
  benchmark::RegisterBenchmark("episodes_source", [&episodes](benchmark::State& state) {
    EpisodePlan plan;
    plan.warmup_episodes = 1;
    plan.judge = [](const EpisodeResult&) { return EpisodeVerdict{5, 0, ""}; };
    run_episodes(state, [&episodes](std::chrono::nanoseconds) {
      ++episodes;
      EpisodeResult result;
      result.makespan_seconds = 0.001;
      return result;
    }, plan);
  })->UseManualTime()->Iterations(3);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^episodes_source/");
  ASSERT_EQ(reporter.runs.size(), 1u);
  EXPECT_FALSE(reporter.runs[0].error_occurred);
  EXPECT_EQ(episodes, 1 + 3);
  EXPECT_DOUBLE_EQ(reporter.runs[0].counters.at("items").value, 5.0);
  EXPECT_DOUBLE_EQ(reporter.runs[0].counters.at("lost").value, 0.0);
  EXPECT_EQ(reporter.runs[0].counters.count("fairness"), 0u);
  EXPECT_NEAR(reporter.runs[0].GetAdjustedRealTime(), 1e6, 1.0);  // ns: the makespans
}

// A body that marks when its real work ended is timed to that mark, not to
// its return: the makespan ends at the latest mark.
TEST(WorkerGroupThread, MakespanEndsAtTheMarkedEndOfWork) {
  Shared<std::array<std::atomic<int64_t>, 3>> marks;
  auto* marked = marks.get();
  WorkerGroup group(this_machine(), places(3), [marked](const WorkerContext& c) -> uint64_t {
    const int64_t done = monotonic_ns();
    (*marked)[c.index].store(done);
    c.mark_work_done(done);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // not work: a wake-up, say
    return 1;
  });
  EpisodeResult result = group.run_episode();
  ASSERT_TRUE(result.ok()) << result.error;
  int64_t last_mark = 0;
  for (const auto& mark : *marked) last_mark = std::max(last_mark, mark.load());
  const auto end = result.release_ns + std::llround(result.makespan_seconds * 1e9);
  EXPECT_NEAR(static_cast<double>(end), static_cast<double>(last_mark), 2.0);
}

// A std::thread that cannot be started part-way through a group must not
// terminate the process: the started ones are stopped and joined, and the
// failure is an exception that becomes an error row.
TEST(WorkerGroupThread, AThreadThatCannotStartIsAnErrorNotATermination) {
  fail_thread_start_for_test(1);
  try {
    WorkerGroup group(this_machine(), places(3), [](const WorkerContext&) -> uint64_t { return 1; });
    ADD_FAILURE() << "the group started although its second thread could not";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("could not start worker thread 1 of 3"),
              std::string::npos)
        << e.what();
  }
  fail_thread_start_for_test(-1);
  // The seam fired once: the next group starts normally.
  WorkerGroup group(this_machine(), places(3), [](const WorkerContext&) -> uint64_t { return 1; });
  EXPECT_TRUE(group.run_episode().ok());
}

TEST(WorkerGroupThread, AThreadThatCannotStartBecomesAnErrorRow) {
  benchmark::RegisterBenchmark("group_cannot_start", [](benchmark::State& state) {
    skip_on_exception(state, [&] {
      fail_thread_start_for_test(2);
      WorkerGroup group(this_machine(), places(3),
                        [](const WorkerContext&) -> uint64_t { return 1; });
      run_episodes(state, group, EpisodePlan{});
    });
    fail_thread_start_for_test(-1);
  })->UseManualTime()->Iterations(1);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^group_cannot_start/");
  ASSERT_EQ(reporter.runs.size(), 1u);
  EXPECT_TRUE(reporter.runs[0].error_occurred);
  EXPECT_NE(reporter.runs[0].error_message.find("could not start worker thread 2"),
            std::string::npos)
      << reporter.runs[0].error_message;
}

// The latency rule: latency_samples and max_ns with any percentile, p90
// from 10 samples, p99 from 100, p99.9 from 1000; nothing without samples.
std::map<std::string, double> latency_counters_for(size_t samples) {
  const std::string name = "latency_rule_" + std::to_string(samples);
  benchmark::RegisterBenchmark(name.c_str(), [samples](benchmark::State& state) {
    for (auto _ : state) state.SetIterationTime(1e-6);
    set_latency_counters(state, samples, [](double q) { return 1000 * q; });
  })->UseManualTime()->Iterations(1);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^" + name + "/");
  std::map<std::string, double> counters;
  if (reporter.runs.size() == 1)
    for (const auto& [key, counter] : reporter.runs[0].counters) counters[key] = counter.value;
  return counters;
}

TEST(LatencyCounters, PercentilesNeedEnoughSamples) {
  using Counters = std::map<std::string, double>;
  EXPECT_EQ(latency_counters_for(0), Counters{});
  EXPECT_EQ(latency_counters_for(9),
            (Counters{{"latency_samples", 9}, {"p50_ns", 500}, {"max_ns", 1000}}));
  EXPECT_EQ(latency_counters_for(99), (Counters{{"latency_samples", 99}, {"p50_ns", 500},
                                                {"p90_ns", 900}, {"max_ns", 1000}}));
  EXPECT_EQ(latency_counters_for(100),
            (Counters{{"latency_samples", 100}, {"p50_ns", 500}, {"p90_ns", 900},
                      {"p99_ns", 990}, {"max_ns", 1000}}));
  EXPECT_EQ(latency_counters_for(999).count("p999_ns"), 0u);
  EXPECT_EQ(latency_counters_for(1000),
            (Counters{{"latency_samples", 1000}, {"p50_ns", 500}, {"p90_ns", 900},
                      {"p99_ns", 990}, {"p999_ns", 999}, {"max_ns", 1000}}));
  EXPECT_EQ(latency_counters_for(9999).count("p9999_ns"), 0u);
  EXPECT_EQ(latency_counters_for(10000).at("p9999_ns"), 999.9);
}

// A histogram reports its count and the percentiles it supports: 150
// values (exact below 256 ns) give p50, p90, p99 and max by nearest rank,
// no p99.9.
TEST(LatencyCounters, AHistogramReportsItsCountAndSupportedPercentiles) {
  benchmark::RegisterBenchmark("histogram_counters", [](benchmark::State& state) {
    for (auto _ : state) state.SetIterationTime(1e-6);
    LatencyHistogram latencies;
    for (int64_t ns = 1; ns <= 150; ++ns) latencies.record(ns);
    set_latency_counters(state, latencies);
  })->UseManualTime()->Iterations(1);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter, "^histogram_counters/");
  ASSERT_EQ(reporter.runs.size(), 1u);
  std::map<std::string, double> counters;
  for (const auto& [key, counter] : reporter.runs[0].counters) counters[key] = counter.value;
  EXPECT_EQ(counters, (std::map<std::string, double>{{"latency_samples", 150},
                                                     {"p50_ns", 75},
                                                     {"p90_ns", 135},
                                                     {"p99_ns", 149},
                                                     {"max_ns", 150}}));
}

// contend's flags, parsed out of argv before Google Benchmark sees it.
BenchEnvironment parse(std::vector<std::string> args, int* left = nullptr) {
  args.insert(args.begin(), "bench_test");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  int argc = static_cast<int>(argv.size());
  BenchEnvironment env = parse_contend_flags(argc, argv.data());
  if (left) *left = argc;
  return env;
}

TEST(ContendFlags, WarmUpEpisodesDefaultToOneAndMayBeZero) {
  EXPECT_EQ(parse({}).warmup_episodes, 1);
  int left = 0;
  EXPECT_EQ(parse({"--contend_warmup_episodes=0", "--benchmark_filter=x"}, &left).warmup_episodes,
            0);
  EXPECT_EQ(left, 2);  // the program and Google Benchmark's own flag
  EXPECT_EQ(parse({"--contend_warmup_episodes=3"}).warmup_episodes, 3);
}

TEST(ContendFlags, ScratchMustBeAWritableDirectory) {
  EXPECT_EQ(parse({}).scratch_dir, "");  // scratch_dir.h's fallback then
  EXPECT_EQ(parse({"--contend_scratch=/tmp"}).scratch_dir, "/tmp");
  EXPECT_THROW(parse({"--contend_scratch=/nonexistent/contend/scratch"}), std::invalid_argument);
  EXPECT_THROW(parse({"--contend_scratch=/proc/self/status"}), std::invalid_argument);  // a file
  EXPECT_THROW(parse({"--contend_scratch="}), std::invalid_argument);
}

TEST(ContendFlags, HgrmNamesTheLatencyFile) {
  EXPECT_EQ(parse({}).hgrm_path, "");  // no export unless asked for
  int left = 0;
  EXPECT_EQ(parse({"--contend_hgrm=run/hgrm/a.r0.hgrm", "--benchmark_filter=x"}, &left).hgrm_path,
            "run/hgrm/a.r0.hgrm");
  EXPECT_EQ(left, 2);
  EXPECT_THROW(parse({"--contend_hgrm="}), std::invalid_argument);
  EXPECT_THROW(parse({"--contend_hgrm"}), std::invalid_argument);
}

TEST(ContendFlags, BadWarmUpCountsAreRejected) {
  for (const char* bad : {"--contend_warmup_episodes=-1", "--contend_warmup_episodes=",
                          "--contend_warmup_episodes=2x", "--contend_warmup_episodes=one"})
    EXPECT_THROW(parse({bad}), std::invalid_argument) << bad;
  EXPECT_THROW(parse({"--contend_episode_ms=0"}), std::invalid_argument);
}

}  // namespace
}  // namespace contend
