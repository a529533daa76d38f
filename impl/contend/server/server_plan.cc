// What the server family measures. See server_plan.h.
#include "contend/server/server_plan.h"

#include <algorithm>
#include <string>

namespace contend {

namespace {

struct Sides {
  std::vector<int> server_pus;
  std::vector<Place> clients;  // one per client PU
  bool shared = false;         // one PU: both sides on it
};

Sides split_pus(const Topology& topology) {
  const int pus = topology.pu_count();
  const std::vector<Place> all = place_workers(topology, PlacementPolicy::kCompact, std::max(pus, 2));
  Sides sides;
  const int server = std::max(1, pus / 2);
  for (int i = 0; i < server; ++i) sides.server_pus.push_back(all[static_cast<size_t>(i)].pu);
  for (int i = server; i < std::max(pus, 2); ++i) sides.clients.push_back(all[static_cast<size_t>(i)]);
  sides.shared = pus < 2;
  for (size_t i = 0; i < sides.clients.size(); ++i) sides.clients[i].worker = static_cast<int>(i);
  return sides;
}

// process_per_connection forks once per connection per repetition: at
// 4096 that alone takes most of a minute on the 2-core VM (fork copies the
// bench's page tables), so its ladder ends a step earlier.
int ladder_top(ServerModel model) {
  return model == ServerModel::kProcessPerConnection ? 1024 : 4096;
}

// Pipelined echo: requests in flight per connection. Measured for the
// event loops only, where it is the question (does a completion ring beat
// readiness when each connection has work queued?); a blocking model reads
// a pipelined request like any other.
constexpr int kPipelinedDepth = 8;

bool is_event_loop(ServerModel model) {
  return model == ServerModel::kEpollLoop || model == ServerModel::kEpollPerCore ||
         model == ServerModel::kIoUring;
}

// The 4 KiB echo at two points of the ladder, not all five: what a wider
// payload changes (copies, socket buffers) shows at a few and at many
// connections alike, and the full run must fit its budget on 80-PU
// machines (tests/python/test_full_run_plan.py; docs/emulation.md).
bool wide_payload_point(int connections) { return connections == 16 || connections == 1024; }

struct Shape {
  ServerWorkload workload;
  const char* name;
  size_t bytes;
  int connections;
  int load_pct;
  int depth = 1;
};

std::vector<Shape> shapes(bool quick, ServerModel model) {
  std::vector<Shape> list;
  if (quick) {
    list.push_back({ServerWorkload::kEcho, "echo", 64, 16, 0});
    if (model == ServerModel::kThreadPerConnection)
      list.push_back({ServerWorkload::kConnectPerRequest, "connect_per_request", 64, 0, 0});
    return list;
  }
  for (size_t bytes : {size_t{64}, size_t{4096}})
    for (int connections : server_ladder(false))
      if (connections <= ladder_top(model) && (bytes == 64 || wide_payload_point(connections)))
        list.push_back({ServerWorkload::kEcho, "echo", bytes, connections, 0});
  if (is_event_loop(model))
    for (int connections : {16, 256})
      list.push_back({ServerWorkload::kEcho, "echo", 64, connections, 0, kPipelinedDepth});
  for (int connections : {16, 256})
    for (int load : {50, 90})
      list.push_back({ServerWorkload::kLatency, "latency", 64, connections, load});
  for (size_t bytes : {size_t{64}, size_t{4096}})
    list.push_back({ServerWorkload::kConnectPerRequest, "connect_per_request", bytes, 0, 0});
  return list;
}

}  // namespace

std::vector<int> server_ladder(bool quick) {
  if (quick) return {16};
  return {1, 16, 256, 1024, 4096};
}

std::vector<ServerScenario> server_plan(const PlanInput& input) {
  const Sides sides = split_pus(input.topology);
  std::vector<ServerScenario> plan;
  for (ServerModel model : kAllServerModels) {
    for (const Shape& shape : shapes(input.quick, model)) {
      const bool churn = shape.workload == ServerWorkload::kConnectPerRequest;
      const int clients = churn ? static_cast<int>(sides.clients.size())
                                : std::min<int>(shape.connections, static_cast<int>(sides.clients.size()));
      BenchmarkId::Params params = {{"bytes", std::to_string(shape.bytes)}};
      if (!churn) params.push_back({"connections", std::to_string(shape.connections)});
      if (shape.load_pct > 0) params.push_back({"load_pct", std::to_string(shape.load_pct)});
      if (shape.depth > 1) params.push_back({"depth", std::to_string(shape.depth)});
      const int threads = static_cast<int>(sides.server_pus.size()) + clients;
      ServerScenario scenario{
          .id = BenchmarkId{.family = "server",
                            .benchmark = shape.name,
                            .impl = std::string(to_string(model)),
                            .mode = model == ServerModel::kProcessPerConnection ? WorkerMode::kProcess
                                                                                 : WorkerMode::kThread,
                            .threads = threads,
                            .oversubscribed = sides.shared || input.oversubscribed(threads),
                            .params = params},
          .model = model,
          .workload = shape.workload,
          .bytes = shape.bytes,
          .connections = churn ? clients : shape.connections,
          .load_pct = shape.load_pct,
          .depth = shape.depth,
          .server_pus = sides.server_pus,
          .client_places = std::vector<Place>(sides.clients.begin(), sides.clients.begin() + clients)};
      plan.push_back(std::move(scenario));
    }
  }
  return plan;
}

}  // namespace contend
