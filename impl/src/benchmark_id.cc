#include "contend/harness/benchmark_id.h"

namespace contend {

std::string BenchmarkId::name() const {
  std::string name = family + "/" + benchmark + "/" + impl;
  name += "/mode:" + std::string(to_string(mode));
  name += "/threads:" + std::to_string(threads);
  name += "/producers:" + std::to_string(producers);
  name += "/consumers:" + std::to_string(consumers);
  name += "/placement:" + std::string(to_string(placement));
  name += std::string("/oversub:") + (oversubscribed ? "1" : "0");
  for (const auto& [key, value] : params) name += "/" + key + ":" + value;
  return name;
}

}  // namespace contend
