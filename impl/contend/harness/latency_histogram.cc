// LatencyHistogram. See latency_histogram.h.
//
// Count slots, as in HdrHistogram: slots 0..S-1 count the values 0..S-1 one
// by one (bucket 0); after them every bucket b >= 1 has S/2 slots for the
// values [S/2 * 2^b, S * 2^b), each slot 2^b wide. (The lower half of bucket
// b would repeat values bucket b-1 holds, so it has no slots.)
#include "contend/harness/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>
#include <ostream>
#include <stdexcept>
#include <string>

namespace contend {

namespace {

// The .hgrm table's resolution: lines per halving of the distance to 100%.
constexpr int64_t kTicksPerHalfDistance = 5;

int checked_digits(int digits) {
  if (digits < 1 || digits > 5)
    throw std::invalid_argument("a latency histogram keeps 1 to 5 significant digits, not " +
                                std::to_string(digits));
  return digits;
}

// S: the smallest power of two that counts 2 * 10^digits values one by one.
uint64_t sub_bucket_count(int digits) {
  uint64_t exact = 2;
  for (int i = 0; i < digits; ++i) exact *= 10;
  return std::bit_ceil(exact);
}

// Buckets until the top one holds `max`: bucket 0 reaches S, each next
// one twice as far.
int buckets_to_cover(int64_t max, uint64_t sub_buckets) {
  int buckets = 1;
  for (uint64_t reach = sub_buckets; reach <= static_cast<uint64_t>(max); reach <<= 1) ++buckets;
  return buckets;
}

// The percentile level after `level` (both in percent): the remaining
// distance to 100% is halved again and again, each half in five ticks.
// HdrHistogram's PercentileIterator, arithmetic included, so that the
// table has the same rows.
double next_level(double level) {
  const auto halvings = static_cast<int64_t>(std::log(100.0 / (100.0 - level)) / std::log(2.0));
  const int64_t ticks = kTicksPerHalfDistance * (int64_t{1} << (halvings + 1));
  return level + 100.0 / static_cast<double>(ticks);
}

[[gnu::format(printf, 2, 3)]] void print(std::ostream& out, const char* format, ...) {
  char line[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  out << line;
}

}  // namespace

LatencyHistogram::LatencyHistogram(int significant_digits)
    : digits_(checked_digits(significant_digits)),
      half_magnitude_(std::countr_zero(sub_bucket_count(digits_)) - 1),
      half_count_(uint64_t{1} << half_magnitude_),
      sub_bucket_mask_(2 * half_count_ - 1),
      bucket_count_(buckets_to_cover(kMaxTrackableNs, 2 * half_count_)),
      counts_length_(static_cast<size_t>(bucket_count_ + 1) * half_count_),
      region_(sizeof(Totals) + counts_length_ * sizeof(uint64_t)),
      totals_(new (region_.data()) Totals),
      // A fresh anonymous mapping is zero-filled: every count starts at 0.
      counts_(reinterpret_cast<uint64_t*>(static_cast<char*>(region_.data()) + sizeof(Totals))) {}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.digits_ != digits_)
    throw std::invalid_argument("cannot merge a histogram of " + std::to_string(other.digits_) +
                                " significant digits into one of " + std::to_string(digits_));
  for (size_t i = 0; i < counts_length_; ++i) counts_[i] += other.counts_[i];
  totals_->count += other.totals_->count;
  totals_->clamped += other.totals_->clamped;
}

void LatencyHistogram::clear() noexcept { std::memset(region_.data(), 0, region_.size()); }

int LatencyHistogram::bucket_at(size_t index) const noexcept {
  return std::max(static_cast<int>(index >> half_magnitude_) - 1, 0);
}

int64_t LatencyHistogram::lowest_value_at(size_t index) const noexcept {
  if (index < 2 * half_count_) return static_cast<int64_t>(index);
  const uint64_t sub_bucket = half_count_ + (index & (half_count_ - 1));
  return static_cast<int64_t>(sub_bucket << bucket_at(index));
}

int64_t LatencyHistogram::highest_value_at(size_t index) const noexcept {
  return lowest_value_at(index) + (int64_t{1} << bucket_at(index)) - 1;
}

int64_t LatencyHistogram::median_value_at(size_t index) const noexcept {
  return lowest_value_at(index) + ((int64_t{1} << bucket_at(index)) >> 1);
}

int64_t LatencyHistogram::min() const noexcept {
  for (size_t i = 0; i < counts_length_; ++i)
    if (counts_[i]) return lowest_value_at(i);
  return 0;
}

int64_t LatencyHistogram::max() const noexcept {
  for (size_t i = counts_length_; i-- > 0;)
    if (counts_[i]) return highest_value_at(i);
  return 0;
}

int64_t LatencyHistogram::value_at_percentile(double q) const noexcept {
  const uint64_t total = count();
  if (total == 0) return 0;
  if (!(q > 0)) return min();
  // Nearest rank, as contend reported percentiles before it had buckets.
  const auto rank = std::clamp<uint64_t>(
      static_cast<uint64_t>(std::ceil(std::min(q, 1.0) * static_cast<double>(total))), 1, total);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_length_; ++i) {
    seen += counts_[i];
    if (seen >= rank) return highest_value_at(i);
  }
  return max();  // not reached: the counts add up to count()
}

// HdrHistogram's outputPercentileDistribution: a line each time the values
// seen so far reach the next percentile level (a bucket may reach several),
// one for the last bucket at the level it reaches, then that bucket again
// at 100%.
void LatencyHistogram::write_percentile_distribution(std::ostream& out, double unit_ratio) const {
  print(out, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
  const uint64_t total = count();
  double level = 0;   // the next percentile level to report, in percent
  uint64_t seen = 0;  // values in the buckets passed so far
  auto line = [&](double value, double percent) {
    print(out, "%12.*f %2.12f %10llu %14.2f\n", digits_, value, percent / 100.0,
          static_cast<unsigned long long>(seen), 1.0 / (1.0 - percent / 100.0));
  };
  for (size_t i = 0; i < counts_length_ && seen < total; ++i) {
    if (counts_[i] == 0) continue;
    seen += counts_[i];
    const double value = static_cast<double>(highest_value_at(i)) / unit_ratio;
    if (seen == total) {
      line(value, level);
      print(out, "%12.*f %2.12f %10llu\n", digits_, value, 1.0,
            static_cast<unsigned long long>(seen));
      break;
    }
    const double reached = 100.0 * static_cast<double>(seen) / static_cast<double>(total);
    for (; reached >= level; level = next_level(level)) line(value, level);
  }
  write_footer(out, unit_ratio);
}

// Mean and standard deviation over each bucket's middle value, as
// HdrHistogram computes them.
void LatencyHistogram::write_footer(std::ostream& out, double unit_ratio) const {
  const auto total = static_cast<double>(count());
  double sum = 0;
  for (size_t i = 0; i < counts_length_; ++i)
    sum += static_cast<double>(median_value_at(i)) * static_cast<double>(counts_[i]);
  const double mean = total > 0 ? sum / total : 0;
  double squares = 0;
  for (size_t i = 0; i < counts_length_; ++i) {
    const double deviation = static_cast<double>(median_value_at(i)) - mean;
    squares += deviation * deviation * static_cast<double>(counts_[i]);
  }
  const double deviation = total > 0 ? std::sqrt(squares / total) : 0;
  print(out, "#[Mean    = %12.*f, StdDeviation   = %12.*f]\n", digits_, mean / unit_ratio,
        digits_, deviation / unit_ratio);
  print(out, "#[Max     = %12.*f, Total count    = %12llu]\n", digits_,
        static_cast<double>(max()) / unit_ratio, static_cast<unsigned long long>(count()));
  print(out, "#[Buckets = %12d, SubBuckets     = %12llu]\n", bucket_count_,
        static_cast<unsigned long long>(2 * half_count_));
}

}  // namespace contend
