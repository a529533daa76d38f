#include "contend/harness/benchmark_id.h"

namespace contend {

std::vector<PlacementPolicy> BenchmarkId::covered_placements() const {
  if (placements.empty()) return {placement};
  return placements;
}

std::string BenchmarkId::name() const {
  std::string name = family + "/" + benchmark + "/" + impl;
  name += "/mode:" + std::string(to_string(mode));
  name += "/threads:" + std::to_string(threads);
  name += "/producers:" + std::to_string(producers);
  name += "/consumers:" + std::to_string(consumers);
  name += "/placement:" + std::string(to_string(placement));
  // Always present, even for one policy, so the parser never has to guess.
  name += "/placements:" + join_placements(covered_placements(), "+");
  name += std::string("/oversub:") + (oversubscribed ? "1" : "0");
  if (!core_kinds.empty()) name += "/kinds:" + core_kinds;
  for (const auto& [key, value] : params) name += "/" + key + ":" + value;
  return name;
}

}  // namespace contend
