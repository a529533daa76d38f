// contend_plan: prints the plan for this machine (or the one HWLOC_XMLFILE /
// HWLOC_SYNTHETIC describes): topology, ladder, placements. Runs nothing.
//
//   contend_plan          human-readable
//   contend_plan --json   for scripts (machine.json is built from it)
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "contend/harness/plan_report.h"
#include "contend/topology/topology.h"

int main(int argc, char** argv) {
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) {
      json = true;
    } else {
      std::fprintf(stderr, "contend_plan: error: unknown argument %s (expected --json)\n", argv[i]);
      return 2;
    }
  }
  try {
    contend::Topology topology = contend::Topology::discover();
    std::string plan = json ? contend::plan_as_json(topology) : contend::plan_as_text(topology);
    std::fputs(plan.c_str(), stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "contend_plan: error: %s\n", e.what());
    return 2;
  }
}
