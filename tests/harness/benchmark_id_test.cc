#include "contend/harness/benchmark_id.h"

#include <gtest/gtest.h>

namespace contend {
namespace {

// The name is parsed by scripts/contend/run/gbench.py: this is the contract.
TEST(BenchmarkId, NameCarriesEveryIdentityField) {
  const BenchmarkId id{.family = "fifo",
                       .benchmark = "throughput",
                       .impl = "moodycamel_tokens",
                       .mode = WorkerMode::kProcess,
                       .threads = 4,
                       .producers = 2,
                       .consumers = 2,
                       .placement = PlacementPolicy::kScatter,
                       .oversubscribed = true,
                       .params = {{"payload", "64"}, {"capacity", "1024"}}};
  EXPECT_EQ(id.name(),
            "fifo/throughput/moodycamel_tokens/mode:process/threads:4/producers:2/"
            "consumers:2/placement:scatter/placements:scatter/oversub:1/payload:64/capacity:1024");
}

// A hybrid machine's names say which core kinds the workers ran on, after
// oversub; no segment where the machine has one kind (empty core_kinds).
TEST(BenchmarkId, NameCarriesTheCoreKindsOnAHybridMachine) {
  const BenchmarkId id{.family = "counter", .benchmark = "increment", .impl = "unsync",
                       .threads = 3, .params = {{"dial", "1"}}, .core_kinds = "P+E"};
  EXPECT_EQ(id.name(),
            "counter/increment/unsync/mode:thread/threads:3/producers:0/consumers:0/"
            "placement:compact/placements:compact/oversub:0/kinds:P+E/dial:1");
}

TEST(BenchmarkId, DefaultsAreThreadCompactNoRoles) {
  const BenchmarkId id{.family = "counter", .benchmark = "increment", .impl = "unsync"};
  EXPECT_EQ(id.name(),
            "counter/increment/unsync/mode:thread/threads:1/producers:0/consumers:0/"
            "placement:compact/placements:compact/oversub:0");
}

TEST(BenchmarkId, NameListsEveryPlacementTheMapStandsFor) {
  const BenchmarkId id{.family = "counter",
                       .benchmark = "increment",
                       .impl = "unsync",
                       .threads = 2,
                       .placements = {PlacementPolicy::kCompact, PlacementPolicy::kScatter}};
  EXPECT_EQ(id.name(),
            "counter/increment/unsync/mode:thread/threads:2/producers:0/consumers:0/"
            "placement:compact/placements:compact+scatter/oversub:0");
}

}  // namespace
}  // namespace contend
