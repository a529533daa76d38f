// probe_state (harness/state_probe.h): a number where it can measure, NaN
// where it cannot, never more round trips than asked for. No timing is
// asserted: the probe exists because this machine's timing moves.
#include "contend/harness/state_probe.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

namespace contend {
namespace {

TEST(StateProbe, IsNaNOnATopologyThatIsNotThisMachine) {
  const StateProbe probe = probe_state(Topology::synthetic("pack:1 core:4 pu:1"));
  EXPECT_TRUE(std::isnan(probe.round_trip_ns));
  EXPECT_EQ(probe.samples, 0);
}

TEST(StateProbe, OnThisMachineANumberIffRoundTripsWereTimed) {
  const Topology topology = Topology::discover();
  const StateProbe probe = probe_state(topology);
  EXPECT_LE(probe.samples, kProbeRoundTrips);
  if (topology.core_count() < 2) {
    EXPECT_EQ(probe.samples, 0);
  }
  // A peer descheduled for the whole budget leaves no sample: then the
  // time waited, at least the budget.
  if (probe.samples > 0) EXPECT_GT(probe.round_trip_ns, 0.0);
  if (probe.samples == 0 && topology.core_count() >= 2) {
    EXPECT_GE(probe.round_trip_ns, std::chrono::nanoseconds(kProbeBudget).count());
  }
}

}  // namespace
}  // namespace contend
