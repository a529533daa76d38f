// BenchmarkId: everything that names one benchmark instance, and the
// Google Benchmark name it is registered under.
//
// The name is the contract with scripts/ (which parses it into CSV
// columns): family/benchmark/impl, then key:value segments for mode,
// threads, producers, consumers, placement, placements, oversub, then any
// scenario parameters (payload:8, capacity:64, ...).
//
// `placement` is the policy that placed the workers; `placements:` lists
// every policy whose worker-to-PU map is the same one ("compact+scatter"),
// so one instance stands for all of them instead of measuring a map twice.
// On a hybrid machine a `kinds:` segment follows oversub: the core kinds
// the workers were placed on ("P", "P+E": Topology::kinds_of). It is absent
// on a machine with one kind, whose names are as they always were.
//
// Built with designated initializers, naming each field it sets (the rest
// keep their defaults): BenchmarkId{.family = "counter", .benchmark =
// "increment", .impl = "unsync", .threads = 2}. Positional braces would let
// a swapped producers and consumers, or a new field, pass unnoticed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "contend/harness/worker_mode.h"
#include "contend/topology/placement.h"

namespace contend {

// A field an initializer may leave out has a default (= {} at least), or
// GCC's -Wmissing-field-initializers would flag every id that leaves it out.
struct BenchmarkId {
  using Params = std::vector<std::pair<std::string, std::string>>;  // key:value, in name order

  std::string family;
  std::string benchmark;
  std::string impl;
  WorkerMode mode = WorkerMode::kThread;
  int threads = 1;
  int producers = 0;  // 0 where the scenario has no producer/consumer roles
  int consumers = 0;
  PlacementPolicy placement = PlacementPolicy::kCompact;
  bool oversubscribed = false;
  Params params = {};
  // Every policy this instance's map stands for (DistinctPlacement::covers);
  // empty means just `placement`.
  std::vector<PlacementPolicy> placements = {};
  // The workers' core kinds, "+"-joined in worker order; empty: no segment.
  // register_plan fills it from the scenario's places.
  std::string core_kinds = {};

  std::vector<PlacementPolicy> covered_placements() const;
  std::string name() const;
};

}  // namespace contend
