// The calibration of spin_work. See calibrated_work.h.
#include "contend/counter/calibrated_work.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "contend/harness/clock.h"

namespace contend {

namespace {

// Below this a batch's time is the clock's noise, not the loop: a floor,
// so that a broken clock cannot make every nominal ns a huge iteration count.
constexpr double kMinNsPerIteration = 0.01;

WorkCalibration calibrate() {
  constexpr int kBatches = WorkCalibration::kCalibrationBatches;
  constexpr uint64_t kIterations = WorkCalibration::kCalibrationIterations;
  uint64_t seed = spin_work(1, kIterations);  // untimed: ramp-up, first touch
  std::array<int64_t, kBatches> batch_ns{};
  for (int64_t& ns : batch_ns) {
    const int64_t start = monotonic_ns();
    seed = spin_work(seed, kIterations);
    ns = monotonic_ns() - start;
  }
  std::nth_element(batch_ns.begin(), batch_ns.begin() + kBatches / 2, batch_ns.end());
  const double median = static_cast<double>(batch_ns[kBatches / 2]);
  return {std::max(median / static_cast<double>(kIterations), kMinNsPerIteration)};
}

}  // namespace

uint64_t iterations_for_ns(int64_t ns, double ns_per_iteration) {
  if (ns <= 0) return 0;
  const long long iterations = std::llround(static_cast<double>(ns) / ns_per_iteration);
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::max(iterations, 0LL)));
}

const WorkCalibration& work_calibration() {
  static const WorkCalibration calibration = calibrate();
  return calibration;
}

uint64_t calibrated_iterations(int64_t ns) {
  return iterations_for_ns(ns, work_calibration().ns_per_iteration);
}

}  // namespace contend
