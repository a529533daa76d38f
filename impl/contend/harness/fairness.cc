#include "contend/harness/fairness.h"

namespace contend {

double jain_index(std::span<const uint64_t> counts) {
  double sum = 0, sum_of_squares = 0;
  for (uint64_t c : counts) {
    sum += static_cast<double>(c);
    sum_of_squares += static_cast<double>(c) * static_cast<double>(c);
  }
  // No work at all is not unfair; it is reported as perfectly even.
  if (counts.empty() || sum_of_squares == 0) return 1.0;
  return sum * sum / (static_cast<double>(counts.size()) * sum_of_squares);
}

}  // namespace contend
