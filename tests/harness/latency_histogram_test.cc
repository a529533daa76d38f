// LatencyHistogram: percentiles against the exact ones of a sorted copy of
// the samples (uniform, log-normal, a spike), merging, the range's ends, the
// .hgrm text, one histogram per thread, and a process worker's records.
#include "contend/harness/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "contend/harness/worker_group.h"
#include "support/test_machine.h"

namespace contend {
namespace {

constexpr double kQuantiles[] = {0.0001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9,
                                 0.99,   0.999, 0.9999, 1.0};

// The sample of nearest rank ceil(q * n): the exact percentile the
// histogram approximates.
int64_t exact_percentile(const std::vector<int64_t>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<size_t>(static_cast<size_t>(std::ceil(q * n)), 1);
  return sorted[rank - 1];
}

struct Distribution {
  const char* name;
  std::vector<int64_t> values;
};

std::vector<Distribution> distributions() {
  std::mt19937_64 rng(42);
  constexpr int kSamples = 200'000;
  Distribution uniform{"uniform 1 ns - 1 ms", {}};
  std::uniform_int_distribution<int64_t> flat(1, 1'000'000);
  Distribution lognormal{"log-normal, median 50 us", {}};
  std::lognormal_distribution<double> skewed(std::log(50'000.0), 1.0);
  Distribution spike{"99% at 700 ns, 1% at 3 ms", {}};
  for (int i = 0; i < kSamples; ++i) {
    uniform.values.push_back(flat(rng));
    lognormal.values.push_back(static_cast<int64_t>(skewed(rng)));
    spike.values.push_back(i % 100 == 99 ? 3'000'000 : 700);
  }
  return {uniform, lognormal, spike};
}

// Every percentile is at least the exact one and at most 10^-digits above
// it; returns the largest relative error seen.
double check_percentiles(const LatencyHistogram& histogram, std::vector<int64_t> values,
                         const char* name) {
  std::sort(values.begin(), values.end());
  const double bound = std::pow(10.0, -histogram.significant_digits());
  double worst = 0;
  for (double q : kQuantiles) {
    const int64_t exact = exact_percentile(values, q);
    const int64_t got = histogram.value_at_percentile(q);
    EXPECT_GE(got, exact) << name << ", q " << q;
    const double error =
        static_cast<double>(got - exact) / static_cast<double>(std::max<int64_t>(exact, 1));
    EXPECT_LT(error, bound) << name << ", q " << q << ": " << got << " for " << exact;
    worst = std::max(worst, error);
  }
  // min() and max(): the outer ends of the outermost buckets.
  EXPECT_LE(histogram.min(), values.front()) << name;
  EXPECT_LT(static_cast<double>(values.front() - histogram.min()),
            bound * static_cast<double>(values.front()) + 1)
      << name;
  EXPECT_GE(histogram.max(), values.back()) << name;
  EXPECT_LT(static_cast<double>(histogram.max() - values.back()),
            bound * static_cast<double>(values.back()))
      << name;
  return worst;
}

class LatencyHistogramDigits : public ::testing::TestWithParam<int> {};

TEST_P(LatencyHistogramDigits, PercentilesAreTheExactOnesWithinTheRelativeError) {
  for (const Distribution& d : distributions()) {
    LatencyHistogram histogram(GetParam());
    for (int64_t v : d.values) histogram.record(v);
    ASSERT_EQ(histogram.count(), d.values.size());
    const double worst = check_percentiles(histogram, d.values, d.name);
    std::printf("[ measured ] %d digits, %s: worst relative error %.4f%% (bound %.4f%%)\n",
                GetParam(), d.name, 100 * worst, 100 * std::pow(10.0, -GetParam()));
  }
}

INSTANTIATE_TEST_SUITE_P(Digits, LatencyHistogramDigits, ::testing::Values(2, 3));

TEST(LatencyHistogram, ValuesBelowTwoHundredFiftySixAreExact) {
  LatencyHistogram histogram;
  for (int64_t v = 1; v <= 255; ++v) histogram.record(v);
  for (int64_t v = 1; v <= 255; ++v)
    EXPECT_EQ(histogram.value_at_percentile(static_cast<double>(v) / 255), v);
}

// The old reservoir's answers, where buckets are exact: nearest rank.
TEST(LatencyHistogram, PercentilesAreNearestRank) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.value_at_percentile(0.5), 0);  // empty
  for (int64_t v = 1; v <= 150; ++v) histogram.record(151 - v);  // any order
  EXPECT_EQ(histogram.value_at_percentile(0.50), 75);
  EXPECT_EQ(histogram.value_at_percentile(0.99), 149);
  EXPECT_EQ(histogram.value_at_percentile(1.0), 150);
  EXPECT_EQ(histogram.value_at_percentile(0.0), 1);
  EXPECT_EQ(histogram.value_at_percentile(7.0), 150);  // clamped to 1
}

TEST(LatencyHistogram, MergingEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> skewed(std::log(20'000.0), 1.5);
  LatencyHistogram parts[4], merged, whole;
  for (int i = 0; i < 100'000; ++i) {
    const auto v = static_cast<int64_t>(skewed(rng));
    parts[i % 4].record(v);
    whole.record(v);
  }
  parts[3].record(-1);  // clamped, and the count of those merges too
  whole.record(-1);
  for (const LatencyHistogram& part : parts) merged.merge(part);
  EXPECT_EQ(merged.count(), whole.count());
  EXPECT_EQ(merged.clamped(), 1u);
  EXPECT_EQ(merged.min(), whole.min());
  EXPECT_EQ(merged.max(), whole.max());
  for (double q : kQuantiles) EXPECT_EQ(merged.value_at_percentile(q), whole.value_at_percentile(q));
  std::ostringstream a, b;
  merged.write_percentile_distribution(a);
  whole.write_percentile_distribution(b);
  EXPECT_EQ(a.str(), b.str());
}

TEST(LatencyHistogram, MergesOnlyTheSameLayout) {
  LatencyHistogram two(2), three(3);
  EXPECT_THROW(two.merge(three), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram(0), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram(6), std::invalid_argument);
}

TEST(LatencyHistogram, ClearForgetsEverything) {
  LatencyHistogram histogram;
  for (int64_t v : {1, 2, 3, -4}) histogram.record(v);
  histogram.clear();
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.clamped(), 0u);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.value_at_percentile(0.5), 0);
}

// 0 and 1 are values like any other; past an hour (or below 0) a value is
// recorded at the range's end and counted as clamped.
TEST(LatencyHistogram, TheRangesEndsAreRecordedAndOutsideIsClampedAndCounted) {
  LatencyHistogram zero;
  zero.record(0);
  EXPECT_EQ(zero.count(), 1u);
  EXPECT_EQ(zero.clamped(), 0u);
  EXPECT_EQ(zero.min(), 0);
  EXPECT_EQ(zero.max(), 0);
  EXPECT_EQ(zero.value_at_percentile(0.5), 0);

  LatencyHistogram one;
  one.record(1);
  EXPECT_EQ(one.value_at_percentile(1.0), 1);

  LatencyHistogram top;
  top.record(LatencyHistogram::kMaxTrackableNs);
  EXPECT_EQ(top.clamped(), 0u);
  const int64_t hour = top.max();
  EXPECT_GE(hour, LatencyHistogram::kMaxTrackableNs);
  EXPECT_LT(static_cast<double>(hour), 1.01 * static_cast<double>(LatencyHistogram::kMaxTrackableNs));

  LatencyHistogram huge;
  huge.record(std::numeric_limits<int64_t>::max());
  huge.record(LatencyHistogram::kMaxTrackableNs + 1);
  huge.record(-5);
  EXPECT_EQ(huge.count(), 3u);
  EXPECT_EQ(huge.clamped(), 3u);
  EXPECT_EQ(huge.min(), 0);
  EXPECT_EQ(huge.max(), hour);  // in the top bucket, not past it
  EXPECT_EQ(huge.value_at_percentile(1.0), hour);
}

// --- The .hgrm percentile distribution ---------------------------------------

struct HgrmLine {
  double value, percentile;
  uint64_t total;
  double inverse;  // 1/(1-Percentile); absent (0) on the 100% line
  int columns;
};

struct Hgrm {
  std::vector<std::string> header;
  std::vector<HgrmLine> lines;
  std::vector<std::string> footer;
};

Hgrm parse_hgrm(const std::string& text) {
  Hgrm hgrm;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::istringstream words(line);
  for (std::string word; words >> word;) hgrm.header.push_back(word);
  std::getline(in, line);
  EXPECT_EQ(line, "") << "a blank line after the header";
  while (std::getline(in, line)) {
    if (line.rfind("#[", 0) == 0) {
      hgrm.footer.push_back(line);
      continue;
    }
    EXPECT_TRUE(hgrm.footer.empty()) << "a table line after the footer: " << line;
    HgrmLine parsed{};
    unsigned long long total = 0;
    parsed.columns =
        std::sscanf(line.c_str(), "%lf %lf %llu %lf", &parsed.value, &parsed.percentile, &total,
                    &parsed.inverse);
    parsed.total = total;
    hgrm.lines.push_back(parsed);
  }
  return hgrm;
}

std::string hgrm_of(const LatencyHistogram& histogram, double unit_ratio) {
  std::ostringstream out;
  histogram.write_percentile_distribution(out, unit_ratio);
  return out.str();
}

TEST(LatencyHistogramHgrm, ParsesAsHdrHistogramsPercentileDistribution) {
  LatencyHistogram histogram;
  const std::vector<Distribution> all = distributions();
  for (int64_t v : all[1].values) histogram.record(v);  // log-normal
  const Hgrm hgrm = parse_hgrm(hgrm_of(histogram, 1000.0));  // microseconds
  EXPECT_EQ(hgrm.header,
            (std::vector<std::string>{"Value", "Percentile", "TotalCount", "1/(1-Percentile)"}));
  ASSERT_GE(hgrm.lines.size(), 20u);
  for (size_t i = 0; i + 1 < hgrm.lines.size(); ++i) {
    const HgrmLine& line = hgrm.lines[i];
    EXPECT_EQ(line.columns, 4) << "line " << i;
    // Two decimals, of a percentile printed to twelve.
    const double inverse = 1 / (1 - line.percentile);
    EXPECT_NEAR(line.inverse, inverse, std::max(0.01, 1e-6 * inverse)) << "line " << i;
    if (i == 0) continue;
    const HgrmLine& before = hgrm.lines[i - 1];
    EXPECT_GE(line.value, before.value) << "line " << i;
    EXPECT_GT(line.percentile, before.percentile) << "line " << i;
    EXPECT_GE(line.total, before.total) << "line " << i;
  }
  const HgrmLine& last = hgrm.lines.back();
  EXPECT_EQ(last.columns, 3);
  EXPECT_EQ(last.percentile, 1.0);
  EXPECT_EQ(last.total, histogram.count());
  EXPECT_NEAR(last.value, static_cast<double>(histogram.max()) / 1000, 0.01);
  EXPECT_EQ(hgrm.lines[hgrm.lines.size() - 2].value, last.value);

  ASSERT_EQ(hgrm.footer.size(), 3u);
  EXPECT_EQ(hgrm.footer[0].rfind("#[Mean    = ", 0), 0u) << hgrm.footer[0];
  EXPECT_NE(hgrm.footer[0].find(", StdDeviation   = "), std::string::npos) << hgrm.footer[0];
  double max = 0;
  unsigned long long total = 0;
  ASSERT_EQ(std::sscanf(hgrm.footer[1].c_str(), "#[Max = %lf, Total count = %llu]", &max, &total), 2)
      << hgrm.footer[1];
  EXPECT_EQ(total, histogram.count());
  EXPECT_NEAR(max, static_cast<double>(histogram.max()) / 1000, 0.01);
  EXPECT_EQ(hgrm.footer[2], "#[Buckets =           35, SubBuckets     =          256]");
}

// Five levels per halving of the distance to 100%: 0, 10, ..., 50, then
// steps of 5 to 75, of 2.5 to 87.5, and so on.
TEST(LatencyHistogramHgrm, ReportsFiveTicksPerHalfDistance) {
  LatencyHistogram histogram;
  for (int64_t v = 1; v <= 100'000; ++v) histogram.record(v);
  const Hgrm hgrm = parse_hgrm(hgrm_of(histogram, 1.0));
  const double levels[] = {0,    0.1,   0.2,  0.3,   0.4,  0.5,    0.55,
                           0.6,  0.65,  0.7,  0.75,  0.775, 0.8,  0.825,
                           0.85, 0.875, 0.8875, 0.9,  0.9125};
  ASSERT_GT(hgrm.lines.size(), std::size(levels));
  for (size_t i = 0; i < std::size(levels); ++i)
    EXPECT_NEAR(hgrm.lines[i].percentile, levels[i], 1e-9) << "line " << i;
  EXPECT_EQ(hgrm.lines[0].value, 1.0);
  EXPECT_EQ(hgrm.lines[0].total, 1u);
}

TEST(LatencyHistogramHgrm, OneValueGivesItsLineAndTheHundredPercentLine) {
  LatencyHistogram histogram;
  histogram.record(42);
  EXPECT_EQ(hgrm_of(histogram, 1.0),
            "       Value     Percentile TotalCount 1/(1-Percentile)\n"
            "\n"
            "       42.00 0.000000000000          1           1.00\n"
            "       42.00 1.000000000000          1\n"
            "#[Mean    =        42.00, StdDeviation   =         0.00]\n"
            "#[Max     =        42.00, Total count    =            1]\n"
            "#[Buckets =           35, SubBuckets     =          256]\n");
}

TEST(LatencyHistogramHgrm, AnEmptyHistogramHasNoLines) {
  const Hgrm hgrm = parse_hgrm(hgrm_of(LatencyHistogram(), 1.0));
  EXPECT_TRUE(hgrm.lines.empty());
  ASSERT_EQ(hgrm.footer.size(), 3u);
  EXPECT_NE(hgrm.footer[1].find("Total count    =            0]"), std::string::npos);
}

// --- Recording from workers ----------------------------------------------------

// Each thread records into its own histogram, merged after the join (run
// under ThreadSanitizer by scripts/test).
TEST(LatencyHistogramWorkers, OnePerThreadMergedAfterTheJoin) {
  constexpr int kThreads = 4;
  constexpr int64_t kPerThread = 50'000;
  std::vector<LatencyHistogram> own(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&histogram = own[t], t] {
      for (int64_t i = 0; i < kPerThread; ++i) histogram.record(t * kPerThread + i);
    });
  for (std::thread& thread : threads) thread.join();
  LatencyHistogram all, reference;
  for (const LatencyHistogram& histogram : own) all.merge(histogram);
  for (int64_t v = 0; v < kThreads * kPerThread; ++v) reference.record(v);
  EXPECT_EQ(all.count(), static_cast<uint64_t>(kThreads * kPerThread));
  for (double q : kQuantiles) EXPECT_EQ(all.value_at_percentile(q), reference.value_at_percentile(q));
}

// A histogram made before a process worker forks is the one it records
// into: the parent reads the worker's values after the episode.
TEST(LatencyHistogramWorkers, AProcessWorkerRecordsIntoTheParentsHistogram) {
  LatencyHistogram histogram;
  WorkerGroup group(this_machine(), place_workers(this_machine(), PlacementPolicy::kCompact, 1),
                    [&histogram](const WorkerContext&) -> uint64_t {
                      for (int64_t v = 1; v <= 200; ++v) histogram.record(v);
                      return 1;
                    },
                    WorkerMode::kProcess);
  ASSERT_TRUE(group.run_episode().ok());
  EXPECT_EQ(histogram.count(), 200u);
  EXPECT_EQ(histogram.value_at_percentile(0.5), 100);
}

}  // namespace
}  // namespace contend
