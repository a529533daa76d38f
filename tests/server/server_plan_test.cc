// bench_server's plan: disjoint server and client PUs, the ladder, the
// quick subset, and the ids the CSV is made of.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "contend/server/server_plan.h"

namespace contend {
namespace {

PlanInput machine(const char* description, bool quick) {
  return PlanInput::of(Topology::synthetic(description), quick);
}

TEST(ServerPlan, ServerAndClientsSitOnDisjointPus) {
  for (const char* description : {"core:2 pu:1", "pack:2 core:4 pu:2"}) {
    for (const ServerScenario& s : server_plan(machine(description, false))) {
      std::set<int> server(s.server_pus.begin(), s.server_pus.end());
      ASSERT_FALSE(server.empty());
      ASSERT_FALSE(s.client_places.empty());
      for (const Place& place : s.client_places)
        EXPECT_FALSE(server.count(place.pu)) << s.id.name() << " on " << description;
      EXPECT_FALSE(s.id.oversubscribed) << s.id.name();
      EXPECT_EQ(s.id.threads, static_cast<int>(s.server_pus.size() + s.client_places.size()));
    }
  }
}

TEST(ServerPlan, TwoPusAreOnePlusOne) {
  const auto plan = server_plan(machine("core:2 pu:1", true));
  ASSERT_FALSE(plan.empty());
  for (const ServerScenario& s : plan) {
    EXPECT_EQ(s.server_pus.size(), 1u);
    EXPECT_EQ(s.client_places.size(), 1u);
    EXPECT_EQ(s.id.threads, 2);
  }
}

TEST(ServerPlan, OnePuSharesItAndSaysSo) {
  for (const ServerScenario& s : server_plan(machine("core:1 pu:1", true)))
    EXPECT_TRUE(s.id.oversubscribed) << s.id.name();
}

TEST(ServerPlan, QuickIsOneSmallPointPerModel) {
  const auto plan = server_plan(machine("core:2 pu:1", true));
  EXPECT_EQ(plan.size(), 7u);  // echo for each of the 6 models, churn for thread_per_connection
  for (const ServerScenario& s : plan) {
    EXPECT_EQ(s.bytes, 64u);
    EXPECT_EQ(s.depth, 1);
    if (s.workload == ServerWorkload::kEcho) {
      EXPECT_EQ(s.connections, 16);
    }
  }
}

TEST(ServerPlan, FullRunClimbsTheLadderForEveryModel) {
  const auto plan = server_plan(machine("core:2 pu:1", false));
  for (ServerModel model : kAllServerModels) {
    std::set<int> echo_points, wide_points;
    int latency = 0, churn = 0;
    std::set<int> pipelined;
    for (const ServerScenario& s : plan) {
      if (s.model != model) continue;
      EXPECT_EQ(s.id.impl, to_string(model));
      EXPECT_EQ(s.id.mode == WorkerMode::kProcess, model == ServerModel::kProcessPerConnection);
      if (s.workload == ServerWorkload::kEcho && s.bytes == 64) echo_points.insert(s.connections);
      if (s.workload == ServerWorkload::kEcho && s.bytes == 4096) wide_points.insert(s.connections);
      if (s.depth > 1) {
        pipelined.insert(s.connections);
        EXPECT_EQ(s.id.params.back(), (std::pair<std::string, std::string>{"depth", "8"}));
      }
      if (s.workload == ServerWorkload::kLatency) ++latency;
      if (s.workload == ServerWorkload::kConnectPerRequest) ++churn;
    }
    if (model == ServerModel::kProcessPerConnection)
      EXPECT_EQ(echo_points, (std::set<int>{1, 16, 256, 1024}));
    else
      EXPECT_EQ(echo_points, (std::set<int>{1, 16, 256, 1024, 4096}));
    EXPECT_EQ(wide_points, (std::set<int>{16, 1024}));
    EXPECT_EQ(latency, 4);
    EXPECT_EQ(churn, 2);
    const bool loop = model == ServerModel::kEpollLoop || model == ServerModel::kEpollPerCore ||
                      model == ServerModel::kIoUring;
    const std::set<int> expected_pipelined = loop ? std::set<int>{16, 256} : std::set<int>{};
    EXPECT_EQ(pipelined, expected_pipelined);
  }
}

TEST(ServerPlan, NamesCarryTheParameters) {
  const auto plan = server_plan(machine("core:2 pu:1", false));
  std::set<std::string> names;
  for (const ServerScenario& s : plan) {
    EXPECT_TRUE(names.insert(s.id.name()).second) << "twice: " << s.id.name();
    EXPECT_EQ(s.id.family, "server");
  }
  EXPECT_TRUE(names.count(
      "server/latency/epoll_loop/mode:thread/threads:2/producers:0/consumers:0/placement:compact/"
      "placements:compact/oversub:0/bytes:64/connections:256/load_pct:90"));
}

}  // namespace
}  // namespace contend
