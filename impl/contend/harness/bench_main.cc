#include "contend/harness/bench_main.h"

#include <benchmark/benchmark.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "contend/harness/build_info.h"
#include "contend/harness/latency_export.h"
#include "contend/harness/scratch_dir.h"
#include "contend/harness/state_probe.h"

namespace contend {

namespace {

// The integer `text`, if all of it is one and it is at least `minimum`.
int parse_integer(std::string_view flag, std::string_view text, int minimum, const char* what) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < minimum)
    throw std::invalid_argument(std::string(flag) + " needs a " + what + " integer, got '" +
                                std::string(text) + "'");
  return value;
}

int parse_positive(std::string_view flag, std::string_view text) {
  return parse_integer(flag, text, 1, "positive");
}

int parse_non_negative(std::string_view flag, std::string_view text) {
  return parse_integer(flag, text, 0, "non-negative");
}

void add_build_context(const BenchEnvironment& env) {
  for (const auto& [key, value] : build_info().fields())
    benchmark::AddCustomContext("contend_" + key, value);
  benchmark::AddCustomContext("contend_topology_source", env.topology.source());
  benchmark::AddCustomContext("contend_allowed_cpuset", env.topology.allowed_cpuset());
  benchmark::AddCustomContext("contend_quick", env.quick ? "true" : "false");
  benchmark::AddCustomContext("contend_warmup_episodes", std::to_string(env.warmup_episodes));
  benchmark::AddCustomContext("contend_episodes", std::to_string(env.episodes));
  // Test-only (slowdown.h): a slowed run says so in every JSON it writes.
  if (env.slowdown) {
    benchmark::AddCustomContext("contend_slowdown",
                                env.slowdown->impl + "=" + std::to_string(env.slowdown->factor));
  }
}

// The machine's state as this process found it (state_probe.h), before
// any benchmark of it runs.
void add_state_probe_context(const BenchEnvironment& env) {
  const StateProbe probe = probe_state(env.topology);
  if (!(probe.round_trip_ns > 0)) return;  // NaN: not measured
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", probe.round_trip_ns);
  benchmark::AddCustomContext("contend_state_probe_ns", text);
}

// --contend_hgrm: the latencies the benchmarks reported, into `path`. Runs
// after every row was reported, so a file that cannot be written costs the
// file alone (see kExitHistogramNotWritten).
int write_latency_file(const char* prog, const std::string& path) {
  if (path.empty()) return 0;
  try {
    process_latency_export().write_hgrm(path);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog, e.what());
    return kExitHistogramNotWritten;
  }
}

// register_instance has no environment to read (bench files call it from
// deep inside their loops); bench_main sets this once, before registering.
int episodes_per_repetition = 0;
// CONTEND_SLOWDOWN (slowdown.h), parsed by parse_contend_flags, set likewise.
std::optional<Slowdown> process_slowdown;

}  // namespace

BenchEnvironment parse_contend_flags(int& argc, char** argv) {
  BenchEnvironment env;
  int episode_ms = 0;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--contend_quick") {
      env.quick = true;
    } else if (arg.starts_with("--contend_episode_ms=")) {
      episode_ms = parse_positive("--contend_episode_ms", arg.substr(arg.find('=') + 1));
    } else if (arg.starts_with("--contend_warmup_episodes=")) {
      env.warmup_episodes =
          parse_non_negative("--contend_warmup_episodes", arg.substr(arg.find('=') + 1));
    } else if (arg.starts_with("--contend_episodes=")) {
      env.episodes = parse_positive("--contend_episodes", arg.substr(arg.find('=') + 1));
    } else if (arg.starts_with("--contend_hgrm=")) {
      env.hgrm_path = arg.substr(arg.find('=') + 1);
      if (env.hgrm_path.empty()) throw std::invalid_argument("--contend_hgrm needs a file name");
    } else if (arg.starts_with("--contend_scratch=")) {
      env.scratch_dir = arg.substr(arg.find('=') + 1);
      check_scratch_directory(env.scratch_dir);
    } else if (arg.starts_with("--contend_")) {
      throw std::invalid_argument("unknown flag " + std::string(arg));
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  const char* slowdown = std::getenv(kSlowdownVariable);
  env.slowdown = parse_slowdown(slowdown ? slowdown : "");
  env.episode = std::chrono::milliseconds(episode_ms ? episode_ms : env.quick ? 2 : 10);
  static_cast<PlanInput&>(env) = PlanInput::of(Topology::discover(), env.quick);
  return env;
}

void register_instance(const BenchmarkId& id, std::function<void(benchmark::State&)> run) {
  // begin_call tells the latency export whose calls come next (it keeps
  // only an instance's reported calls, latency_export.h).
  auto* bench = benchmark::RegisterBenchmark(
      id.name().c_str(), [name = id.name(), factor = slowdown_factor(process_slowdown, id.impl),
                          run = std::move(run)](benchmark::State& s) {
        process_latency_export().begin_call(name);
        set_current_slowdown(factor);
        run(s);
        set_current_slowdown(1.0);
      });
  bench->UseManualTime();
  if (episodes_per_repetition > 0) bench->Iterations(episodes_per_repetition);
}

void run_on_group(benchmark::State& state, const BenchEnvironment& env,
                  const std::vector<Place>& places, WorkerMode mode, WorkerBody body,
                  EpisodePlan plan) {
  WorkerGroup group(env.topology, places, std::move(body), mode);
  plan.warmup_episodes = env.warmup_episodes;
  run_episodes(state, group, plan);
}

int bench_main(int argc, char** argv, const Registrar& register_benchmarks) {
  const char* prog = argc > 0 ? argv[0] : "bench";
  if (const char* slash = std::strrchr(prog, '/')) prog = slash + 1;
  try {
    BenchEnvironment env = parse_contend_flags(argc, argv);
    add_build_context(env);
    add_state_probe_context(env);
    episodes_per_repetition = env.episodes;
    process_slowdown = env.slowdown;
    if (!env.hgrm_path.empty()) process_latency_export().enable();
    register_benchmarks(env);
    benchmark::Initialize(&argc, argv);
    if (argc > 1) {
      std::fprintf(stderr, "%s: error: unknown argument %s\n", prog, argv[1]);
      return 2;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return write_latency_file(prog, env.hgrm_path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", prog, e.what());
    return 2;
  }
}

}  // namespace contend
