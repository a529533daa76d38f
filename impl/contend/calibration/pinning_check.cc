// See pinning_check.h.
#include "contend/calibration/pinning_check.h"

#include <sched.h>

namespace contend {

PinningCheck::PinningCheck(const std::vector<Place>& places, bool checked)
    : seen_(places.size(), -1), checked_(checked) {
  for (const Place& place : places) expected_.push_back(place.pu);
}

void PinningCheck::record(int index) {
  if (checked_) seen_[static_cast<size_t>(index)] = sched_getcpu();
}

std::string PinningCheck::error() const {
  for (size_t i = 0; i < seen_.size(); ++i) {
    if (seen_[i] >= 0 && seen_[i] != expected_[i])
      return "worker " + std::to_string(i) + " was pinned to PU " + std::to_string(expected_[i]) +
             " but ran on CPU " + std::to_string(seen_[i]);
  }
  return {};
}

}  // namespace contend
