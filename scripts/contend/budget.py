"""--budget: fit a run into a wall-clock budget by choosing rounds and episodes.

Rounds buy more than longer repetitions: the spread between processes is
what limits precision (a repetition agrees with its own process's other
repetitions to ~3%, and with the next process only to ~20%), so the budget
goes to rounds first (up to MAX_ROUNDS), and only then to more episodes per
repetition.

The cost model is deliberately simple and stated: one process of an instance
costs PROCESS_OVERHEAD_S (exec, topology discovery, reading and converting
its JSON) plus repetitions x (episodes + warm-up episodes) x the mean episode
of the family mix (EPISODE_S, quick or full sizes). Both constants were
measured on the 2-core development VM (README, "Time"); on other machines
the estimate is a rough guide, not a promise.
"""
import math
import re
from dataclasses import dataclass

from .cli import UsageError

PROCESS_OVERHEAD_S = 0.12
EPISODE_S = {True: 0.012, False: 0.02}     # quick, full: mean over the instance mix
MIN_ROUNDS, MAX_ROUNDS = 2, 7
MIN_EPISODES, MAX_EPISODES = 2, 40
DEFAULT_BETWEEN_SD = 0.10   # assumed between-round spread when the machine has no noise score


@dataclass(frozen=True)
class Settings:
    rounds: int
    repetitions: int
    episodes: int
    warmup: int = 1
    quick: bool = False

    def seconds(self, instances):
        """Expected wall time of a run of `instances` instances."""
        per_process = (PROCESS_OVERHEAD_S + self.repetitions * (self.episodes + self.warmup)
                       * EPISODE_S[self.quick])
        return instances * self.rounds * per_process


def parse_duration(text):
    """'15m', '90s', '1h30m', '1:30:00', '900' (seconds) -> seconds (float)."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        seconds = float(text)
    elif re.fullmatch(r"\d+(:\d{1,2}){1,2}", text):
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + int(part)
    else:
        parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", text)
        if not text or not parts or not any(parts.groups()):
            raise ValueError(f"{text!r} is not a duration (e.g. 15m, 90s, 1h30m, 1:30:00)")
        h, m, s = parts.groups()
        seconds = int(h or 0) * 3600 + int(m or 0) * 60 + float(s or 0)
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return seconds


def fit(budget_s, instances, repetitions, warmup=1, quick=False):
    """The Settings that use the budget best: most rounds, then most episodes."""
    def settings(rounds, episodes):
        return Settings(rounds, repetitions, episodes, warmup, quick)

    smallest = settings(MIN_ROUNDS, MIN_EPISODES)
    if smallest.seconds(instances) > budget_s:
        raise UsageError(
            f"--budget {budget_s:g}s is too small for {instances} instances: even "
            f"{MIN_ROUNDS} rounds x {repetitions} repetitions x {MIN_EPISODES} episodes take "
            f"about {smallest.seconds(instances):.0f}s (narrow the selection, or give more time)")
    rounds = MIN_ROUNDS
    while rounds < MAX_ROUNDS and settings(rounds + 1, MIN_EPISODES).seconds(instances) <= budget_s:
        rounds += 1
    episodes = MIN_EPISODES
    while episodes < MAX_EPISODES and settings(rounds, episodes + 1).seconds(instances) <= budget_s:
        episodes += 1
    return settings(rounds, episodes)


def expected_precision(rounds, between_sd, confidence=0.95):
    """Half-width of an instance's interval, as a fraction (0.08 = +-8%)."""
    from . import stats   # scipy: only when asked, bench_all's children start faster
    low, high = stats.log_t_interval([math.exp(between_sd * z) for z in _unit_spread(rounds)],
                                     confidence, centre=1.0)
    return high - 1.0 if high == high else math.nan


def _unit_spread(n):
    """n points with sample sd exactly 1 (so intervals can be scaled by an sd)."""
    points = [i - (n - 1) / 2 for i in range(n)]
    sd = math.sqrt(sum(p * p for p in points) / (n - 1))
    return [p / sd for p in points]
