// The test-only slowdown knob: CONTEND_SLOWDOWN=<impl>=<factor>.
//
// To measure the regression gate's power (docs/gate.md, "Power"), one impl
// must be made slower by a known factor without touching its code. With
// CONTEND_SLOWDOWN=ring_mpmc=0.8 in a bench binary's environment, every
// timed episode of every instance whose impl id is exactly `ring_mpmc` is
// reported as having taken 1/0.8 of its own measured makespan: that
// instance's throughput becomes exactly `factor` x what it measured, in
// whatever machine state it measured it (the pad is proportional to the
// episode's own cost, so a slow machine state slows the pad too).
//
// Guaranteed: off unless the variable is set and non-empty; a malformed
// value (not IMPL=FACTOR, FACTOR not in (0, 1]) is a one-line error and exit
// status 2 from bench_main, never a silently unslowed run; the value is
// recorded in the binary's context (contend_slowdown) and by bench_all in
// machine.json ("slowdown"), and the gate refuses such a run as a baseline.
// Not guaranteed: that the impl's *operations* are slower in the way a code
// change would make them (the workers run at full speed; contention between
// them is unchanged), nor that the process takes longer: the pad is
// accounted, not spent. A spent pad (a busy-spin after each episode) was
// tried first: between episodes the workers then fell asleep, and waking
// them at the next episode's start cost std_mutex at 1 worker 4 orders of
// magnitude at load 13 on the 2-core VM instead of 2x. Warm-up episodes are
// not padded (they are not timed).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace contend {

struct Slowdown {
  std::string impl;     // the impl id whose instances are slowed
  double factor = 1.0;  // throughput multiplier, 0 < factor <= 1
};

// The environment variable read by bench_main.
inline constexpr const char* kSlowdownVariable = "CONTEND_SLOWDOWN";

// "impl=factor" -> Slowdown; empty -> nullopt. Throws std::invalid_argument
// naming the variable on anything else.
std::optional<Slowdown> parse_slowdown(std::string_view text);

// The factor for instances of `impl` under `slowdown` (1 when it does not apply).
double slowdown_factor(const std::optional<Slowdown>& slowdown, std::string_view impl);

// The factor the episodes of the instance now running are slowed by.
// bench_main sets it around each instance's run (benchmarks run one at a
// time on the main thread, which is also the thread that times episodes).
void set_current_slowdown(double factor);
double current_slowdown();

// The time to report for an episode measured at `makespan_seconds`:
// makespan / current_slowdown() (the makespan itself without a slowdown).
double slowed_episode_seconds(double makespan_seconds);

}  // namespace contend
