// One repetition of a server instance. See server_benchmark.h.
#include "contend/server/server_benchmark.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "contend/harness/counter_names.h"
#include "contend/harness/latency_counters.h"
#include "contend/queue/open_loop_benchmark.h"
#include "contend/server/connect_churn_load.h"
#include "contend/server/descriptor_limit.h"
#include "contend/server/echo_client_load.h"

namespace contend {

namespace {

// Requests per episode, over all connections (each makes at least two).
uint64_t per_connection(uint64_t total, int connections) {
  const auto n = static_cast<uint64_t>(connections);
  return std::max<uint64_t>(2, (total + n - 1) / n);
}

uint64_t echo_requests(bool quick) { return quick ? 400 : 4000; }
constexpr double kScheduleSeconds = 0.02;  // latency: one paced episode's schedule
constexpr uint64_t kMinPacedRequests = 1000;
constexpr int kCapacityEpisodes = 3;

struct ServerSide {
  std::unique_ptr<EchoServer> server;
  int64_t rss_before = 0;
};

// The server's PUs on this machine: its tasks pin with a raw affinity call.
std::vector<int> host_pus(const Topology& topology, std::vector<int> pus) {
  for (int& pu : pus) pu = topology.host_pu(pu);
  return pus;
}

ServerSide start_server(const BenchEnvironment& env, const ServerScenario& s) {
  if (s.model == ServerModel::kThreadPool && s.workload != ServerWorkload::kConnectPerRequest &&
      s.connections > kThreadPoolWorkers)
    throw std::runtime_error("thread_pool: " + std::to_string(s.connections) +
                             " persistent connections, " + std::to_string(kThreadPoolWorkers) +
                             " workers: the rest would never be served (the model's limit)");
  check_descriptors(s.connections, raise_descriptor_limit());
  ServerSide side;
  side.rss_before = resident_bytes();
  side.server = make_echo_server(
      s.model, ServerConfig{.pus = host_pus(env.topology, s.server_pus),
                            .pool_workers = kThreadPoolWorkers,
                            .loops = static_cast<int>(s.server_pus.size())});
  side.server->start();
  return side;
}

// Closed-loop requests/s over `load`'s connections: the median of a few
// judged episodes after one that warms them.
double measure_capacity(const BenchEnvironment& env, const ServerScenario& s, EchoClientLoad& load) {
  WorkerGroup group(env.topology, s.client_places,
                    [&load](const WorkerContext& context) { return load.run(context); });
  std::vector<double> rates;
  for (int i = 0; i <= kCapacityEpisodes; ++i) {
    load.prepare();
    const EpisodeResult result = group.run_episode();
    const EpisodeVerdict verdict = result.ok() ? load.judge(result) : EpisodeVerdict{};
    if (i > 0) rates.push_back(saturation_episode_rate(result, verdict));
  }
  load.forget();
  std::nth_element(rates.begin(), rates.begin() + kCapacityEpisodes / 2, rates.end());
  return rates[kCapacityEpisodes / 2];
}

template <class Load>
EpisodePlan plan_for(Load& load) {
  EpisodePlan plan;
  plan.prepare = [&load] { load.prepare(); };
  plan.judge = [&load](const EpisodeResult& result) { return load.judge(result); };
  plan.after_warmup = [&load] { load.forget(); };
  return plan;
}

// The resources the server used, once the episodes are over; stops it.
void finish(benchmark::State& state, ServerSide& side, uint64_t requests, int refused) {
  const int64_t rss = std::max<int64_t>(0, resident_bytes() - side.rss_before) +
                      side.server->child_resident_bytes();
  side.server->stop();
  const ServerStats stats = side.server->stats();
  if (state.error_occurred()) return;
  state.counters[counter_name::kPeakTasks] = benchmark::Counter(stats.peak_tasks);
  state.counters[counter_name::kPeakRssBytes] = benchmark::Counter(static_cast<double>(rss));
  if (requests > 0)
    state.counters[counter_name::kCpuNsPerItem] =
        benchmark::Counter(static_cast<double>(stats.cpu_ns) / static_cast<double>(requests));
  state.counters[counter_name::kRefused] = benchmark::Counter(refused);
}

void run_persistent(benchmark::State& state, const BenchEnvironment& env, const ServerScenario& s) {
  ServerSide side = start_server(env, s);
  EchoClientLoad load(EchoLoadConfig{
      .port = side.server->port(),
      .connections = s.connections,
      .clients = static_cast<int>(s.client_places.size()),
      .bytes = s.bytes,
      .requests_per_connection = per_connection(echo_requests(env.quick) * s.depth, s.connections),
      .depth = static_cast<uint64_t>(s.depth)});
  load.connect_all();
  double offered = 0;
  if (s.workload == ServerWorkload::kLatency) {
    const double capacity =
        saturation_once(saturation_key(s.id), [&] { return measure_capacity(env, s, load); });
    offered = capacity * s.load_pct / 100.0;
    const double total = std::max(std::ceil(offered * kScheduleSeconds),
                                  static_cast<double>(kMinPacedRequests));
    load.set_pace(offered, per_connection(static_cast<uint64_t>(total), s.connections));
  }
  run_on_group(state, env, s.client_places, WorkerMode::kThread,
               [&load](const WorkerContext& context) { return load.run(context); }, plan_for(load));
  if (!state.error_occurred()) {
    if (s.workload == ServerWorkload::kLatency)
      set_open_loop_counters(state, offered, load.kept_up(), load.latencies());
    else
      set_latency_counters(state, load.latencies());
  }
  const uint64_t requests = load.completed_total();
  finish(state, side, requests, load.refused());  // connections still open: their memory counts
  load.close_all();
}

void run_churn(benchmark::State& state, const BenchEnvironment& env, const ServerScenario& s) {
  ServerSide side = start_server(env, s);
  const int clients = static_cast<int>(s.client_places.size());
  ConnectChurnLoad load(ChurnLoadConfig{
      .port = side.server->port(),
      .clients = clients,
      .bytes = s.bytes,
      .requests_per_client = per_connection(env.quick ? 50 : 400, clients)});
  run_on_group(state, env, s.client_places, WorkerMode::kThread,
               [&load](const WorkerContext& context) { return load.run(context); }, plan_for(load));
  if (!state.error_occurred()) set_latency_counters(state, load.latencies());
  finish(state, side, load.completed_total(), load.refused());
}

}  // namespace

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

void run_server_scenario(benchmark::State& state, const BenchEnvironment& env,
                         const ServerScenario& scenario) {
  if (scenario.workload == ServerWorkload::kConnectPerRequest)
    run_churn(state, env, scenario);
  else
    run_persistent(state, env, scenario);
}

}  // namespace contend
