// Calibrated work: a busy loop that stands for "about N nanoseconds of
// computation" inside a critical section or between two of them.
//
// The loop is a chain of dependent arithmetic (one xor-shift-multiply round
// of splitmix64's finalizer per iteration, as fanout's mix64, which this
// library does not link): each iteration needs the previous result, so the
// core cannot overlap iterations and the compiler cannot shorten the chain.
// It touches no memory, so it adds no cache traffic of its own to what a
// lock's hand-over costs. It does not poll a clock: a clock read per
// iteration would be most of the work, and on a VM its cost varies.
//
// Calibration: once per process, the first time work_calibration() is
// called, the loop is timed over kCalibrationBatches batches of
// kCalibrationIterations iterations, after one untimed batch (frequency
// ramp, first touch of the code); ns_per_iteration is the median batch's
// time per iteration, so a batch the scheduler preempted does not count.
//
// Guaranteed: iterations_for_ns() is 0 for 0 ns (no work at all), at least
// 1 for any positive ns, and never decreases as ns grows.
// Not guaranteed: that N ns of work takes N ns later on. The calibration is
// a median on a machine others may be loading; frequency, SMT siblings and
// preemption change what an iteration costs. A row's params name the
// nominal ns, not a measured one.
#pragma once

#include <cstdint>

namespace contend {

// One link of the chain. Never a fixed point (the +1), so a chain from any
// seed keeps changing.
inline uint64_t work_step(uint64_t x) noexcept {
  return (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull + 1;
}

// `iterations` links from `seed`. The result is forced into a register at
// the end (an empty asm with a memory clobber), so the compiler must finish
// the chain here, in program order: it can neither drop the work nor sink it
// past a lock's release store or a CAS that follows.
inline uint64_t spin_work(uint64_t seed, uint64_t iterations) noexcept {
  uint64_t x = seed;
  for (uint64_t i = 0; i < iterations; ++i) x = work_step(x);
  asm volatile("" : "+r"(x) : : "memory");
  return x;
}

// Iterations for `ns` nominal nanoseconds at `ns_per_iteration`: rounded
// to the nearest, at least 1 for ns > 0, 0 for ns <= 0. ns_per_iteration
// must be positive.
uint64_t iterations_for_ns(int64_t ns, double ns_per_iteration);

struct WorkCalibration {
  static constexpr int kCalibrationBatches = 15;
  static constexpr uint64_t kCalibrationIterations = 1 << 14;
  double ns_per_iteration = 0;  // median over the batches; > 0
};

// Measured once per process (thread-safe), then remembered.
const WorkCalibration& work_calibration();

// iterations_for_ns at this process's calibration.
uint64_t calibrated_iterations(int64_t ns);

}  // namespace contend
