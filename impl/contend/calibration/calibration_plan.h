// What bench_calibration measures on a machine, before anything else runs:
//
//   core_to_core  the round trip of a cache line bounced by CAS between two
//                 pinned PUs (core_to_core.h), one instance per unordered
//                 pair {a, b}, a < b: the line travels a -> b -> a in every
//                 round trip, so (a, b) and (b, a) measure the same path and
//                 listing both would double the cost for no new number.
//                 Params pu_a, pu_b (OS indices) and level: how the two PUs
//                 are related (pair_level).
//   atomic_rmw    one uncontended fetch_add (single_thread_floors.h), on the
//                 compact placement's first PU.
//   futex_wake    a futex wake to the woken thread running, on the compact
//                 placement's first two PUs.
//
// The one-way line transfer that contended counters are compared with is
// not measured again: it is half the matrix's round trip, computed from it
// (scripts/contend/run/calibration.py).
//
// Pairs: every pair while there are at most `pair_budget(quick)` of them (a
// full run: 64, all pairs of up to 11 PUs; quick: of up to 8 PUs). Past that,
// a deterministic sample of that many pairs that covers every level the
// machine has: the budget is dealt round-robin over the levels, and each
// level's share is spread evenly over its pairs in PU order. bench_all
// records in machine.json whether the matrix was sampled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "contend/calibration/core_to_core.h"
#include "contend/calibration/single_thread_floors.h"
#include "contend/harness/benchmark_id.h"
#include "contend/harness/plan_input.h"
#include "contend/topology/placement.h"

namespace contend {

struct AtomicRmwConfig {
  uint64_t operations = 1 << 20;
};

struct CalibrationScenario {
  BenchmarkId id;
  std::variant<CoreToCoreConfig, AtomicRmwConfig, FutexWakeConfig> config;
  std::vector<Place> places;  // one per worker
};

struct PuPair {
  int a = 0;  // OS indices, a < b
  int b = 0;
  bool operator==(const PuPair&) const = default;
};

// How two allowed PUs are related, nearest first: "smt_sibling" (one core),
// "same_l3", "other_l3" (one package) or "other_package". Throws
// std::invalid_argument for a PU the topology does not allow.
std::string_view pair_level(const Topology& topology, int pu_a, int pu_b);
inline constexpr std::string_view kPairLevels[] = {"smt_sibling", "same_l3", "other_l3",
                                                   "other_package"};

// How many pairs a run measures at most.
size_t pair_budget(bool quick);

// Every unordered pair of allowed PUs in (a, b) order, or the sample the
// header describes when there are more than `budget`.
std::vector<PuPair> calibration_pairs(const Topology& topology, size_t budget);

// The Place of an allowed PU (as worker `worker`).
Place place_of_pu(const Topology& topology, int pu, int worker);

// core_to_core for calibration_pairs(pair_budget(quick)), then atomic_rmw
// and futex_wake.
std::vector<CalibrationScenario> calibration_plan(const PlanInput& input);

}  // namespace contend
