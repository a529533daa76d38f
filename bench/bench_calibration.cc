// bench_calibration: what the hardware itself allows, measured first
// (family `calibration`): the core-to-core round trip of a cache line for
// pairs of PUs, one uncontended atomic RMW, and a futex wake-to-run. What
// runs where is calibration_plan.h; bench_all turns the rows into
// machine.json's "calibration" and every later row's floor columns.
#include <memory>
#include <string>
#include <variant>

#include "contend/calibration/calibration_plan.h"
#include "contend/calibration/core_to_core.h"
#include "contend/calibration/single_thread_floors.h"
#include "contend/harness/bench_main.h"
#include "contend/harness/latency_counters.h"

namespace contend {
namespace {

// Runs episodes of a workload (prepare/run/judge); `forget` drops what the
// warm-up episodes recorded, `report` sets the row's counters.
template <class Workload, class Forget, class Report>
void run_workload(benchmark::State& state, const BenchEnvironment& env,
                  const std::vector<Place>& places, Workload& workload, Forget forget,
                  Report report) {
  EpisodePlan plan;
  plan.prepare = [&workload] { workload.prepare(); };
  plan.judge = [&workload](const EpisodeResult& result) { return workload.judge(result); };
  plan.after_warmup = [&workload, forget] { forget(workload); };
  run_on_group(state, env, places, WorkerMode::kThread,
               [&workload](const WorkerContext& context) { return workload.run(context); }, plan);
  if (!state.error_occurred()) report(workload);
}

// Two workers an emulated plan puts on one PU of this machine: their
// round trips are the scheduler's, not the hardware's. They still run (the
// workload and its checks at this plan's scale), and the row says why it has
// no number.
std::string shared_pu_note(const std::vector<Place>& planned, const std::vector<Place>& host) {
  if (host.size() != 2 || host[0].pu != host[1].pu) return {};
  return "emulated: PUs " + std::to_string(planned[0].pu) + " and " +
         std::to_string(planned[1].pu) + " both run on this machine's PU " +
         std::to_string(host[0].pu) + "; ran and checked, but a same-PU round trip is a "
         "scheduler hand-over, not this pair's latency";
}

void run_calibration(benchmark::State& state, const BenchEnvironment& env,
                     const CalibrationScenario& s) {
  const bool pinned = env.topology.can_pin();
  // The workloads check sched_getcpu() against these: this machine's PUs.
  const std::vector<Place> host_places = on_host(env.topology, s.places);
  const std::string shared = pinned ? shared_pu_note(s.places, host_places) : std::string();
  if (const auto* bounce = std::get_if<CoreToCoreConfig>(&s.config)) {
    CoreToCoreConfig config = *bounce;
    config.share_pu = !shared.empty();
    auto workload = std::make_unique<CoreToCoreWorkload>(config, host_places, pinned);
    run_workload(state, env, s.places, *workload, [](auto& w) { w.forget_round_trips(); },
                 [&state](const auto& w) { set_latency_counters(state, w.round_trips()); });
  } else if (const auto* rmw = std::get_if<AtomicRmwConfig>(&s.config)) {
    auto workload = std::make_unique<AtomicRmwWorkload>(rmw->operations);
    run_workload(state, env, s.places, *workload, [](auto&) {}, [](const auto&) {});
  } else {
    FutexWakeConfig config = std::get<FutexWakeConfig>(s.config);
    config.share_pu = !shared.empty();
    auto workload = std::make_unique<FutexWakeWorkload>(config, host_places, pinned);
    run_workload(state, env, s.places, *workload, [](auto& w) { w.forget_samples(); },
                 [&state](const auto& w) { set_latency_counters(state, w.wake_to_run()); });
  }
  if (!shared.empty() && !state.error_occurred()) state.SkipWithError(shared.c_str());
}

void register_calibration(const BenchEnvironment& env) {
  register_plan(env, calibration_plan(env), run_calibration);
}

}  // namespace
}  // namespace contend

int main(int argc, char** argv) {
  return contend::bench_main(argc, argv, contend::register_calibration);
}
