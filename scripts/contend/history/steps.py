"""Steps in a machine's history: where a benchmark's throughput changed
level between commits, and the table that lists them.

`detect_steps` finds level shifts in one instance's series of recorded
medians; `all_steps` runs it over every instance of a history (store.py's
load_history rows), on the commits axis `commits_axis` lays out: one
position per recorded run, oldest first, labelled by short git sha.
`scripts/plot --history` draws them (report/history_page.py) and prints
them (print_steps).
"""
import math

import numpy as np

from ..core import formatting, schema, tables
from .store import ORDER

# Step detection defaults: a level change must be at least this large...
MIN_STEP = 0.10
# ...and this many robust noise sigmas (estimated from successive differences).
NOISE_SIGMAS = 4.0
# Runs on each side of a step: the median of three shrugs off one outlier run.
MIN_POINTS = 3


def detect_steps(values, min_step=MIN_STEP, sigmas=NOISE_SIGMAS, min_points=MIN_POINTS):
    """Level shifts in a throughput series: [(index of first new point, ratio)].

    Binary segmentation on log throughput with an L1 cost: split where the
    two sides sit closest to their own medians, keep the split if the medians
    differ by at least `min_step` and `sigmas` x the noise, recurse into both
    halves. The noise is the median absolute successive difference (scaled to
    a normal sigma), which a handful of steps barely moves. Medians and L1 make
    one outlier run harmless: it never pulls a split towards itself.
    """
    x = np.log(np.asarray(values, dtype=float))
    if len(x) < 2 * min_points or not np.isfinite(x).all():
        return []
    sigma = 1.4826 * float(np.median(np.abs(np.diff(x)))) / math.sqrt(2)
    needed = max(math.log1p(min_step), sigmas * sigma)
    found = []

    def cost(segment):
        return float(np.abs(segment - np.median(segment)).sum())

    def split(lo, hi):
        best = None
        for k in range(lo + min_points, hi - min_points + 1):
            c = cost(x[lo:k]) + cost(x[k:hi])
            if best is None or c < best[1]:
                best = (k, c)
        if best is None:
            return
        k = best[0]
        shift = float(np.median(x[k:hi]) - np.median(x[lo:k]))
        if abs(shift) >= needed:
            found.append((k, math.exp(shift)))
            split(lo, k)
            split(k, hi)

    split(0, len(x))
    return sorted(found)


def commits_axis(history):
    """x positions: one per run, in time order, labelled by short git sha."""
    runs = history[ORDER + ["git_sha"]].drop_duplicates(ORDER).reset_index(drop=True)
    position = {(t, r): i for i, (t, r) in enumerate(zip(runs["timestamp_utc"], runs["run_id"]))}
    labels = [(sha[:9] or run_id[-6:]) for sha, run_id in zip(runs["git_sha"], runs["run_id"])]
    return position, labels


def all_steps(history):
    """Every detected step: rows of (instance fields, run index, sha, ratio)."""
    position, labels = commits_axis(history)
    found = []
    for key, series in history.groupby(schema.INSTANCE, sort=True):
        xs = [position[(t, r)] for t, r in zip(series["timestamp_utc"], series["run_id"])]
        for k, ratio in detect_steps(series["median_items_per_second"].to_numpy()):
            found.append(dict(zip(schema.INSTANCE, key), x=xs[k], sha=labels[xs[k]],
                              ratio=ratio, oversubscribed=bool(series["oversubscribed"].any())))
    return found



STEP_HEADER = ["family", "benchmark", "params", "impl", "mode", "placement", "workers",
               "first run at new level", "ratio", "change"]


def step_rows(steps):
    """The cells of STEP_HEADER, one row per step."""
    return [[s["family"], s["benchmark"], s["params"], s["impl"], s["mode"], s["placement"],
             str(s["threads"]) + (" (oversub)" if s["oversubscribed"] else ""), s["sha"],
             formatting.ratio(s["ratio"]), formatting.percent_change(s["ratio"])]
            for s in steps]


def print_steps(steps):
    if not steps:
        print("history: no step detected")
        return
    print(f"history: {len(steps)} step(s) detected")
    print(tables.text_table(STEP_HEADER, step_rows(steps)))
