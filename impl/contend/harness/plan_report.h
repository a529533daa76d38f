// The plan for a machine, printed: its topology, its ladder of worker
// counts, and where each worker of each ladder point is placed, with the
// placement policies that coincide there (one map, measured once). What
// `scripts/bench_all --plan` shows and what machine.json records.
//
// It is harness, not topology, because the JSON plan also records the build
// (build_info.h), and build_info asks topology for the hwloc version:
// topology stays below harness and knows nothing of builds.
#pragma once

#include <string>

#include "contend/topology/topology.h"

namespace contend {

std::string plan_as_text(const Topology& topology);
std::string plan_as_json(const Topology& topology);

}  // namespace contend
