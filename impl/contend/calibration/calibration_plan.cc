// What bench_calibration measures. See calibration_plan.h.
#include "contend/calibration/calibration_plan.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

namespace contend {

namespace {

// 64 pairs: every pair of up to 11 PUs; a bigger machine gets a sample that
// size, every level covered (the floors are per level; 496 pairs, the
// budget before, were a sixth of a 128-PU full run, and a 16-core machine's
// 120 an eighth of its 15 minutes). Quick: all pairs of 8 PUs, 28, a
// sample of the full run's on a big machine.
constexpr size_t kFullPairBudget = 64;
constexpr size_t kQuickPairBudget = 8 * 7 / 2;

// Quick episodes are about a millisecond on a 2-PU VM; full ones a few.
constexpr uint64_t kRoundTrips[] = {10000, 1000};   // full, quick
constexpr uint64_t kRmwOperations[] = {1 << 20, 1 << 16};
constexpr uint64_t kFutexWakes[] = {200, 50};

const Core& core_of(const Topology& topology, int pu) {
  for (const Core& core : topology.cores())
    if (std::find(core.pus.begin(), core.pus.end(), pu) != core.pus.end()) return core;
  throw std::invalid_argument("PU " + std::to_string(pu) + " is not allowed");
}

size_t level_index(std::string_view level) {
  return static_cast<size_t>(std::find(std::begin(kPairLevels), std::end(kPairLevels), level) -
                             std::begin(kPairLevels));
}

// `count` of `pairs`, evenly spread (the first always among them).
std::vector<PuPair> spread(const std::vector<PuPair>& pairs, size_t count) {
  std::vector<PuPair> picked;
  for (size_t i = 0; i < count; ++i) picked.push_back(pairs[i * pairs.size() / count]);
  return picked;
}

BenchmarkId calibration_id(std::string_view benchmark, std::string_view impl, int threads,
                           const PlanInput& input, BenchmarkId::Params params = {}) {
  return BenchmarkId{.family = "calibration",
                     .benchmark = std::string(benchmark),
                     .impl = std::string(impl),
                     .threads = threads,
                     .oversubscribed = input.oversubscribed(threads),
                     .params = std::move(params)};
}

}  // namespace

std::string_view pair_level(const Topology& topology, int pu_a, int pu_b) {
  const Core& a = core_of(topology, pu_a);
  const Core& b = core_of(topology, pu_b);
  if (a.index == b.index) return kPairLevels[0];
  if (a.package == b.package && a.l3 == b.l3) return kPairLevels[1];
  if (a.package == b.package) return kPairLevels[2];
  return kPairLevels[3];
}

size_t pair_budget(bool quick) { return quick ? kQuickPairBudget : kFullPairBudget; }

namespace {

// `budget` pairs of `all`, dealt over the levels (see the header).
std::vector<PuPair> sample_pairs(const Topology& topology, const std::vector<PuPair>& all,
                                 size_t budget) {
  if (all.size() <= budget) return all;

  std::array<std::vector<PuPair>, std::size(kPairLevels)> by_level;
  for (const PuPair& pair : all) by_level[level_index(pair_level(topology, pair.a, pair.b))].push_back(pair);
  // Deal the budget round-robin: every level present gets a pair before
  // any level gets a second.
  std::array<size_t, std::size(kPairLevels)> share{};
  for (size_t dealt = 0; dealt < budget;) {
    for (size_t level = 0; level < by_level.size() && dealt < budget; ++level) {
      if (share[level] < by_level[level].size()) {
        ++share[level];
        ++dealt;
      }
    }
  }
  std::vector<PuPair> sample;
  for (size_t level = 0; level < by_level.size(); ++level) {
    if (share[level] == 0) continue;
    for (const PuPair& pair : spread(by_level[level], share[level])) sample.push_back(pair);
  }
  std::sort(sample.begin(), sample.end(),
            [](const PuPair& x, const PuPair& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
  return sample;
}

}  // namespace

std::vector<PuPair> calibration_pairs(const Topology& topology, size_t budget) {
  std::vector<int> pus;
  for (const Core& core : topology.cores()) pus.insert(pus.end(), core.pus.begin(), core.pus.end());
  std::sort(pus.begin(), pus.end());
  std::vector<PuPair> all;
  for (size_t i = 0; i < pus.size(); ++i)
    for (size_t j = i + 1; j < pus.size(); ++j) all.push_back({pus[i], pus[j]});
  // A smaller budget samples the full run's sample: every quick pair is one
  // a full run measures too.
  if (budget < kFullPairBudget) all = sample_pairs(topology, all, kFullPairBudget);
  return sample_pairs(topology, all, budget);
}

Place place_of_pu(const Topology& topology, int pu, int worker) {
  const Core& core = core_of(topology, pu);
  return Place{.worker = worker, .pu = pu, .core = core.index, .package = core.package,
               .numa = core.numa, .l3 = core.l3, .kind = core.kind};
}

std::vector<CalibrationScenario> calibration_plan(const PlanInput& input) {
  const size_t size = input.quick ? 1 : 0;
  std::vector<CalibrationScenario> plan;
  for (const PuPair& pair : calibration_pairs(input.topology, pair_budget(input.quick))) {
    plan.push_back({calibration_id("core_to_core", "cas_bounce", 2, input,
                                   {{"pu_a", std::to_string(pair.a)},
                                    {"pu_b", std::to_string(pair.b)},
                                    {"level", std::string(pair_level(input.topology, pair.a, pair.b))}}),
                    CoreToCoreConfig{.round_trips = kRoundTrips[size]},
                    {place_of_pu(input.topology, pair.a, 0), place_of_pu(input.topology, pair.b, 1)}});
  }
  plan.push_back({calibration_id("atomic_rmw", "fetch_add", 1, input),
                  AtomicRmwConfig{.operations = kRmwOperations[size]},
                  place_workers(input.topology, PlacementPolicy::kCompact, 1)});
  plan.push_back({calibration_id("futex_wake", "futex", 2, input),
                  FutexWakeConfig{.wakes = kFutexWakes[size]},
                  place_workers(input.topology, PlacementPolicy::kCompact, 2)});
  return plan;
}

}  // namespace contend
