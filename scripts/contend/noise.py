"""How much a number moves from one process to the next, and what that lets
a verdict see.

`score` condenses a run's per-instance summary into the noise score every
run records in machine.json; `scripts/noise` runs chosen instances for many
rounds and reports, per instance, the spread inside a process, the spread
between processes, and the smallest slowdown the gate could detect with the
rounds of a quick and of a full run.
"""
import json
import math
from pathlib import Path

from . import stats

# Rounds per side the gate judges with: two quick runs, two full runs.
GATE_ROUNDS = {"quick": 3, "full": 3}
GATE_ALPHA = 0.05


def score(summary):
    """The machine.json noise score of one run (None-free, JSON-ready).

    between_sd_median: median over instances of the sd of log round medians
    (0.08 = rounds of one instance typically differ by about 8%);
    within_sd_median: the same inside a round; unstable_share: the fraction
    of measured instances flagged unstable."""
    measured = summary.loc[summary["median"].notna()]
    between = measured["between_sd"].dropna()
    within = measured["cv"].dropna()
    return {
        "instances": int(len(measured)),
        "rounds": int(measured["rounds"].max()) if len(measured) else 0,
        "between_sd_median": _rounded(between.median() if len(between) else math.nan),
        "between_sd_p90": _rounded(between.quantile(0.9) if len(between) else math.nan),
        "within_sd_median": _rounded(within.median() if len(within) else math.nan),
        "unstable_share": _rounded(float(measured["unstable"].mean()) if len(measured) else math.nan),
    }


def _rounded(value):
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None


def typical_between_sd(results_root, machine_id, default=0.10):
    """The between-round spread this machine showed in its latest recorded
    run (machine.json noise score), for --budget's precision promise."""
    best = None
    for path in sorted(Path(results_root, machine_id).glob("*/machine.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8")).get("noise", {}).get("between_sd_median")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, (int, float)) and value > 0:
            best = (float(value), f"as measured in run {path.parent.name}")
    return best if best else (default, "assumed: no earlier run of this machine has a noise score")


def detectable(between_sd, rounds=None):
    """{setting: minimal detectable slowdown} for one instance's spread."""
    rounds = rounds or GATE_ROUNDS
    return {name: stats.minimal_detectable_effect(between_sd, r, r, GATE_ALPHA, df=2 * r - 2)
            for name, r in rounds.items()}
