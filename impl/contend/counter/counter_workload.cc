#include "contend/counter/counter_workload.h"

namespace contend {

std::string CounterVerdict::error(bool exact) const {
  // More than was added can never be right, exact or not: it would mean
  // the counter or the bookkeeping is broken.
  if (observed > expected || (exact && observed != expected))
    return "counter ended at " + std::to_string(observed) + ", expected " +
           std::to_string(expected);
  return {};
}

EpisodeVerdict CounterVerdict::episode_verdict(bool exact) const {
  EpisodeVerdict verdict{expected, static_cast<double>(lost()), error(exact)};
  verdict.counted = static_cast<double>(observed);
  return verdict;
}

}  // namespace contend
