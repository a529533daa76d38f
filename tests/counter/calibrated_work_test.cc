// calibrated_work: nominal ns to iterations, and the chain being a chain.
#include "contend/counter/calibrated_work.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace contend {
namespace {

TEST(CalibratedWork, ZeroNanosecondsIsNoWork) {
  for (double ns_per_iteration : {0.3, 1.0, 7.5}) {
    EXPECT_EQ(iterations_for_ns(0, ns_per_iteration), 0u);
    EXPECT_EQ(iterations_for_ns(-5, ns_per_iteration), 0u);
  }
}

TEST(CalibratedWork, AnyPositiveDurationIsSomeWork) {
  // Even when one iteration takes longer than asked for.
  EXPECT_EQ(iterations_for_ns(1, 50.0), 1u);
  EXPECT_EQ(iterations_for_ns(100, 2.0), 50u);
  EXPECT_EQ(iterations_for_ns(1000, 0.5), 2000u);
}

TEST(CalibratedWork, IterationsNeverDecreaseAsNanosecondsGrow) {
  for (double ns_per_iteration : {0.37, 1.0, 2.9, 13.0}) {
    uint64_t previous = 0;
    for (int64_t ns = 0; ns <= 20000; ns += 7) {
      const uint64_t iterations = iterations_for_ns(ns, ns_per_iteration);
      EXPECT_GE(iterations, previous) << ns << " ns at " << ns_per_iteration;
      previous = iterations;
    }
    // The dial's points are distinct amounts of work.
    EXPECT_LT(iterations_for_ns(100, ns_per_iteration), iterations_for_ns(1000, ns_per_iteration));
    EXPECT_LT(iterations_for_ns(1000, ns_per_iteration), iterations_for_ns(10000, ns_per_iteration));
  }
}

TEST(CalibratedWork, CalibrationIsOncePerProcessAndPositive) {
  const WorkCalibration& calibration = work_calibration();
  EXPECT_TRUE(std::isfinite(calibration.ns_per_iteration));
  EXPECT_GT(calibration.ns_per_iteration, 0.0);
  EXPECT_EQ(&work_calibration(), &calibration);
  EXPECT_EQ(calibrated_iterations(0), 0u);
  EXPECT_GE(calibrated_iterations(1), 1u);
  EXPECT_LE(calibrated_iterations(100), calibrated_iterations(1000));
  EXPECT_EQ(calibrated_iterations(1000), iterations_for_ns(1000, calibration.ns_per_iteration));
}

// Each iteration is a step from the last result: n steps then m is n + m
// steps, and no step leaves the value where it was.
TEST(CalibratedWork, TheWorkIsADependentChain) {
  EXPECT_EQ(spin_work(42, 0), 42u);
  EXPECT_EQ(spin_work(spin_work(42, 17), 25), spin_work(42, 42));
  EXPECT_EQ(spin_work(42, 1), work_step(42));
  for (uint64_t seed : {0ull, 1ull, 0xFFFFFFFFFFFFFFFFull}) EXPECT_NE(work_step(seed), seed);
}

}  // namespace
}  // namespace contend
