// What every family's scenario plan promises, checked the same way for each
// on synthetic machines: no id twice, each worker-to-PU map once, the
// oversubscribed mark exactly where the runnable workers outnumber the PUs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/topology/placement.h"
#include "contend/topology/topology.h"

namespace contend::testing {

// Machines the plans are tested on: one PU (every pair oversubscribed), the
// 2-core VM, an odd core count, SMT with two packages of two L3s (compact
// and scatter differ), and the 32-PU plan of the task's examples.
inline const char* const kPlanMachines[] = {"core:1 pu:1", "core:2 pu:1", "core:3 pu:1",
                                            "pack:2 l3:2 core:4 pu:2", "package:2 core:8 pu:2"};

inline PlanInput plan_input(const char* synthetic, bool quick) {
  return PlanInput::of(Topology::synthetic(synthetic), quick);
}

// Calls check(input) for every machine of kPlanMachines, full and quick.
template <class Check>
void for_each_plan_input(Check check) {
  for (const char* machine : kPlanMachines) {
    for (bool quick : {false, true}) {
      SCOPED_TRACE(std::string(machine) + (quick ? ", quick" : ", full"));
      check(plan_input(machine, quick));
    }
  }
}

template <class Scenario>
std::vector<std::string> plan_names(const std::vector<Scenario>& plan) {
  std::vector<std::string> names;
  for (const Scenario& s : plan) names.push_back(s.id.name());
  return names;
}

template <class Scenario>
std::set<std::string> plan_name_set(const std::vector<Scenario>& plan) {
  const std::vector<std::string> names = plan_names(plan);
  return {names.begin(), names.end()};
}

// The PUs a map puts workers 0, 1, ... on: what makes two maps the same.
inline std::vector<int> pus_of(const std::vector<Place>& places) {
  std::vector<int> pus;
  for (const Place& p : places) pus.push_back(p.pu);
  return pus;
}

template <class Scenario>
void expect_unique_ids(const std::vector<Scenario>& plan) {
  std::set<std::string> seen;
  for (const Scenario& s : plan) EXPECT_TRUE(seen.insert(s.id.name()).second) << s.id.name();
}

// Scenarios that differ only in placement measure different maps, and each
// policy is covered by one of them at most.
template <class Scenario>
void expect_distinct_placements(const std::vector<Scenario>& plan) {
  std::map<std::string, std::vector<const Scenario*>> by_rest;
  for (const Scenario& s : plan) {
    BenchmarkId rest = s.id;
    rest.placement = PlacementPolicy::kCompact;
    rest.placements.clear();
    by_rest[rest.name()].push_back(&s);
  }
  for (const auto& [rest, group] : by_rest) {
    std::set<PlacementPolicy> covered;
    std::set<std::vector<int>> maps;
    for (const Scenario* s : group) {
      EXPECT_EQ(s->id.covered_placements().front(), s->id.placement) << s->id.name();
      for (PlacementPolicy p : s->id.covered_placements())
        EXPECT_TRUE(covered.insert(p).second) << "two maps cover " << to_string(p) << ": " << rest;
      EXPECT_TRUE(maps.insert(pus_of(s->places)).second) << "one map measured twice: " << rest;
    }
  }
}

// `runnable(s)`: how many threads or processes scenario s runs at once.
template <class Scenario, class Runnable>
void expect_oversubscription_marked(const std::vector<Scenario>& plan, const PlanInput& input,
                                    Runnable runnable) {
  for (const Scenario& s : plan)
    EXPECT_EQ(s.id.oversubscribed, runnable(s) > input.topology.pu_count()) << s.id.name();
}

// The three together, for plans whose places are their workers.
template <class Scenario>
void expect_plan_invariants(const std::vector<Scenario>& plan, const PlanInput& input) {
  expect_unique_ids(plan);
  expect_distinct_placements(plan);
  expect_oversubscription_marked(plan, input, [](const Scenario& s) {
    EXPECT_EQ(static_cast<int>(s.places.size()), s.id.threads) << s.id.name();
    return static_cast<int>(s.places.size());
  });
}

// Every quick instance is one a full run measures too (same name).
template <class Scenario>
void expect_quick_within_full(const std::vector<Scenario>& quick,
                              const std::vector<Scenario>& full) {
  const std::set<std::string> all = plan_name_set(full);
  for (const std::string& name : plan_names(quick)) EXPECT_TRUE(all.count(name)) << name;
}

// What every plan whose places are its workers promises, on every machine:
// the invariants, full and quick, and a quick run within the full one.
template <class PlanOf>
void expect_plan_keeps_promises(PlanOf plan_of) {
  for_each_plan_input(
      [&](const PlanInput& input) { expect_plan_invariants(plan_of(input), input); });
  for (const char* machine : kPlanMachines) {
    SCOPED_TRACE(machine);
    expect_quick_within_full(plan_of(plan_input(machine, true)),
                             plan_of(plan_input(machine, false)));
  }
}

}  // namespace contend::testing
