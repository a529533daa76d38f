"""--budget: fit a run into a wall-clock budget by choosing rounds and min-time.

Rounds buy more than longer repetitions: the spread between processes is
what limits precision (a repetition agrees with its own process's other
repetitions far better than with the next process), so the budget goes to
rounds first (up to MAX_ROUNDS), and only then to a longer --min-time.

The cost model is deliberately simple and stated: one process of an instance
costs PROCESS_OVERHEAD_S (exec, topology discovery, building the worker
groups, warm-up, reading its JSON) plus repetitions x min_time x
EPISODE_SLACK (Google Benchmark probes with short runs first and overshoots
min-time to whole episodes; slow episodes overshoot it a lot). Both constants
were fitted to full and quick runs of the 2-core development VM (README,
"Time"); elsewhere the estimate is a rough guide, not a promise.
"""
import math
from dataclasses import dataclass

from ..core.cli import UsageError

PROCESS_OVERHEAD_S = 0.05
EPISODE_SLACK = 2.9
MIN_ROUNDS, MAX_ROUNDS = 2, 7
MIN_MIN_TIME, MAX_MIN_TIME = 0.01, 0.2
DEFAULT_BETWEEN_SD = 0.10   # assumed between-round spread when the machine has no noise score


@dataclass(frozen=True)
class Settings:
    rounds: int
    repetitions: int
    min_time: float

    def seconds(self, instances):
        """Expected wall time of a run of `instances` instances."""
        per_process = PROCESS_OVERHEAD_S + self.repetitions * self.min_time * EPISODE_SLACK
        return instances * self.rounds * per_process


def load_note(load, pus):
    """What --estimate adds on a busy machine: the model assumes an idle one
    (measured 2026-12-07 on the shared 2-core VM: a quick run took 179 s
    against its 57 s estimate at a load average of 16 to 22). '' when the
    load leaves each PU mostly free."""
    if pus <= 0 or load <= pus / 2:
        return ""
    return (f"the estimate assumes an idle machine; the load average here is {load:.1f} on "
            f"{pus} PUs, so expect longer (a quick run took 3x its estimate at 8 to 11 "
            "runnable tasks per PU)")


def fit(budget_s, instances, repetitions):
    """The Settings that use the budget best: most rounds, then longest min-time."""
    def settings(rounds, min_time):
        return Settings(rounds, repetitions, min_time)

    smallest = settings(MIN_ROUNDS, MIN_MIN_TIME)
    if smallest.seconds(instances) > budget_s:
        raise UsageError(
            f"--budget {budget_s:g}s is too small for {instances} instances: even "
            f"{MIN_ROUNDS} rounds x {repetitions} repetitions x --min-time {MIN_MIN_TIME:g} take "
            f"about {smallest.seconds(instances):.0f}s (narrow the selection, or give more time)")
    rounds = MIN_ROUNDS
    while rounds < MAX_ROUNDS and settings(rounds + 1, MIN_MIN_TIME).seconds(instances) <= budget_s:
        rounds += 1
    per_process = budget_s / (instances * rounds)
    min_time = (per_process - PROCESS_OVERHEAD_S) / (repetitions * EPISODE_SLACK)
    min_time = min(MAX_MIN_TIME, max(MIN_MIN_TIME, math.floor(min_time * 1000) / 1000))
    return settings(rounds, min_time)


def expected_precision(rounds, between_sd, confidence=0.95):
    """Half-width of an instance's interval, as a fraction (0.08 = +-8%)."""
    from ..core import stats   # scipy: only when asked, bench_all's children start faster
    low, high = stats.log_t_interval([math.exp(between_sd * z) for z in _unit_spread(rounds)],
                                     confidence, centre=1.0)
    return high - 1.0 if high == high else math.nan


def _unit_spread(n):
    """n points with sample sd exactly 1 (so intervals can be scaled by an sd)."""
    points = [i - (n - 1) / 2 for i in range(n)]
    sd = math.sqrt(sum(p * p for p in points) / (n - 1))
    return [p / sd for p in points]
