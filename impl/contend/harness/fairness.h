// Jain's fairness index: (sum x)^2 / (n * sum x^2) over per-worker counts.
//
// 1.0 when every worker did the same amount, 1/n when one did everything.
// A lock that lets one worker re-acquire it again and again shows up here
// long before it shows in throughput.
#pragma once

#include <cstdint>
#include <span>

namespace contend {

double jain_index(std::span<const uint64_t> counts);

}  // namespace contend
