// bench_chatlog: the tutorial's UDP chat with SaveChat, scaled; what runs
// where is chatlog_plan.h.
//
//   chatlog/log      senders -> UDP on 127.0.0.1 -> a receiver -> a writer
//                    design -> the chat file, end to end; items/s is lines
//                    in the file per second, p50..max the receiver's
//                    receive_to_handoff, `dropped` the datagrams the kernel
//                    dropped per episode, `cpu_ns_per_item` the logging
//                    side's CPU per line (log_episode.h). Every episode's file is checked
//                    (chat_file_check.h): a violation is an error row.
//   chatlog/crash    (full run) the logging process SIGKILLed mid-episode:
//                    `lost` accepted messages the file lacks, `acked_missing`
//                    acknowledged ones (crash_episode.h says why the latter
//                    is 0 under SIGKILL whatever the policy).
// Chat files live in --contend_scratch (bench_all: inside the run folder)
// and every episode deletes its own.
#include "contend/chatlog/chatlog_plan.h"
#include "contend/chatlog/crash_episode.h"
#include "contend/chatlog/log_episode.h"
#include "contend/harness/bench_main.h"
#include "contend/harness/counter_names.h"
#include "contend/harness/latency_counters.h"
#include "contend/harness/scratch_dir.h"

namespace contend {
namespace {

chatlog::ChatlogConfig with_scratch(const BenchEnvironment& env, chatlog::ChatlogConfig config) {
  config.scratch_dir = scratch_directory(env);
  return config;
}

void run_log(benchmark::State& state, const BenchEnvironment& env,
             const chatlog::ChatlogScenario& s) {
  chatlog::LogEpisodes work(with_scratch(env, s.config), env.topology, s.places);
  run_own_episodes(state, env, work);
  if (state.error_occurred()) return;
  set_latency_counters(state, work.latencies());
  state.counters[counter_name::kDropped] = work.dropped_per_episode();
  if (work.cpu_ns_per_item() > 0)
    state.counters[counter_name::kCpuNsPerItem] = work.cpu_ns_per_item();
}

void run_crash(benchmark::State& state, const BenchEnvironment& env,
               const chatlog::ChatlogScenario& s) {
  chatlog::CrashEpisodes work(with_scratch(env, s.config), env.topology, s.places);
  run_own_episodes(state, env, work);
  if (state.error_occurred()) return;
  state.counters[counter_name::kAckedMissing] = work.acked_missing_per_episode();
}

void run(benchmark::State& state, const BenchEnvironment& env,
         const chatlog::ChatlogScenario& s) {
  if (s.crash) run_crash(state, env, s);
  else run_log(state, env, s);
}

void register_all(const BenchEnvironment& env) {
  register_plan(env, chatlog::chatlog_plan(env), run);
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) { return contend::bench_main(argc, argv, contend::register_all); }
