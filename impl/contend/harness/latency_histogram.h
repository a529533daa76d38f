// LatencyHistogram: latencies in nanoseconds, counted in HdrHistogram's
// log-linear buckets, and the percentiles read back from them.
//
// Every latency a benchmark reports is recorded in one of these: each worker
// that times something records into its own histogram during an episode, and
// the judge merges them into the instance's histogram afterwards, whose
// percentiles set_latency_counters (latency_counters.h) reports.
//
// The buckets are HdrHistogram's: for `d` significant decimal digits (2 by
// default) each power-of-two range of values [2^k, 2^(k+1)) is split into
// S/2 sub-buckets of equal width, S = 2^ceil(log2(2 * 10^d)) (256 for d = 2),
// and values below S are counted one by one. So a value below S is kept
// exactly, and any larger one to within its sub-bucket's width, under 2/S of
// itself and so under 10^-d (0.78% < 1% for d = 2). For 1 ns to 1 hour that
// is 35 buckets, 4608 counts, 36 KiB.
//
// Guaranteed:
//  - record() allocates nothing, takes no lock and makes no system call: it
//    adds to two counters in memory allocated by the constructor.
//  - value_at_percentile(q) is HdrHistogram's: the highest value of the
//    bucket holding the sample of nearest rank ceil(q * count()). It is never
//    below that sample and exceeds it by less than 10^-d of it, so reported
//    percentiles are the exact ones within 1% (d = 2). min() and max() are
//    the lowest and highest values of the outermost non-empty buckets.
//  - Range: 0 to kMaxTrackableNs (1 hour). A value outside it is recorded at
//    the nearest end (a negative one as 0, a larger one as kMaxTrackableNs,
//    in the top bucket) and counted in clamped(), so a clamped tail is
//    visible instead of silently read as an hour.
//  - Shared across fork(): the counts live in an anonymous MAP_SHARED mapping
//    (shared_memory.h), so a histogram made before a WorkerGroup forks is the
//    one its process workers record into, as threads would. Each histogram
//    has its own mapping: two histograms never share a cache line.
//  - write_percentile_distribution() writes HdrHistogram's .hgrm text (the
//    `outputPercentileDistribution` table, five ticks per half distance to
//    100%, and its three-line footer), which HdrHistogram's plotters read.
// Not guaranteed:
//  - Concurrent use: one writer at a time, and no reading or merging while a
//    writer records (counts are plain integers, not atomics). A worker group's
//    episode boundary orders an episode's records before the judge's reads.
//  - Exact values: above S every figure is a bucket's value, not a sample.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iosfwd>

#include "contend/harness/shared_memory.h"

namespace contend {

class LatencyHistogram {
 public:
  static constexpr int64_t kMaxTrackableNs = 3'600'000'000'000;  // 1 hour
  static constexpr int kDefaultSignificantDigits = 2;

  // Throws std::invalid_argument unless 1 <= significant_digits <= 5, and
  // std::runtime_error when the counts cannot be mapped.
  explicit LatencyHistogram(int significant_digits = kDefaultSignificantDigits);
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  void record(int64_t ns) noexcept {
    if (ns < 0 || ns > kMaxTrackableNs) [[unlikely]] {
      ns = ns < 0 ? 0 : kMaxTrackableNs;
      ++totals_->clamped;
    }
    ++counts_[index_of(static_cast<uint64_t>(ns))];
    ++totals_->count;
  }

  // Adds every value `other` holds, as if recorded here. Throws
  // std::invalid_argument when the two differ in significant digits.
  void merge(const LatencyHistogram& other);
  void clear() noexcept;  // forgets every value (a warm-up episode's, say)

  uint64_t count() const noexcept { return totals_->count; }
  uint64_t clamped() const noexcept { return totals_->clamped; }
  int significant_digits() const noexcept { return digits_; }

  // q in [0, 1] (0.99 is p99; q outside is clamped); q = 0 gives min().
  // 0 when the histogram is empty.
  int64_t value_at_percentile(double q) const noexcept;
  int64_t min() const noexcept;  // 0 when empty
  int64_t max() const noexcept;  // 0 when empty

  // The .hgrm percentile distribution, values divided by `unit_ratio`
  // (1000 writes microseconds), with `significant_digits()` decimals.
  void write_percentile_distribution(std::ostream& out, double unit_ratio = 1.0) const;

 private:
  struct Totals {
    uint64_t count = 0;
    uint64_t clamped = 0;
  };

  // The count slot of `value` (at most kMaxTrackableNs): its bucket is the
  // power of two above the sub-bucket range, its sub-bucket the value
  // shifted down to that bucket's resolution.
  size_t index_of(uint64_t value) const noexcept {
    const int bucket = static_cast<int>(std::bit_width(value | sub_bucket_mask_)) -
                       (half_magnitude_ + 1);
    const uint64_t sub_bucket = value >> bucket;
    return (static_cast<size_t>(bucket + 1) << half_magnitude_) + sub_bucket - half_count_;
  }
  // A slot's bucket (its values are 2^bucket apart) and the lowest,
  // highest and middle value it stands for.
  int bucket_at(size_t index) const noexcept;
  int64_t lowest_value_at(size_t index) const noexcept;
  int64_t highest_value_at(size_t index) const noexcept;
  int64_t median_value_at(size_t index) const noexcept;
  void write_footer(std::ostream& out, double unit_ratio) const;

  int digits_;
  int half_magnitude_;        // log2 of the sub-buckets per bucket (S/2)
  uint64_t half_count_;       // S/2
  uint64_t sub_bucket_mask_;  // S - 1
  int bucket_count_;
  size_t counts_length_;
  SharedRegion region_;  // Totals, then the counts
  Totals* totals_;
  uint64_t* counts_;
};

}  // namespace contend
