"""The gate's samples: one positive number per process (or per recorded run).

A process is the unit of evidence (see stats.py): the repetitions inside one
process agree far better than two processes do, so the samples the gate tests
are round medians (instance_summary.round_medians), never repetitions. With a history
baseline each recorded run's instance median is one sample instead, because
between runs is exactly where that comparison's noise lives.

A `Side` maps every instance key (schema.INSTANCE values) to its `Evidence`:
the samples plus what went wrong there (errors, unusable throughput), so the
verdict can tell "slower" from "broken" from "missing". An open-loop latency
instance (results.open_loop) has no samples: its items/s is the schedule it
was offered, not a throughput to gate on; its errors still count.
"""
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import instance_summary, results, schema


@dataclass
class Evidence:
    samples: np.ndarray = field(default_factory=lambda: np.array([]))
    # Which process (round) or recorded run each sample came from: samples
    # of one round share the machine's state at that time (the suite test).
    rounds: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    errors: int = 0          # error rows (failed repetitions, crashed or timed-out rounds)
    error: str = ""          # the first error message
    invalid: int = 0         # non-error rows whose throughput is 0, negative, NaN or inf
    oversubscribed: bool = False
    placements: str = ""
    open_loop: bool = False  # items/s is an offered schedule: never a sample
    # The machine state each sample's process found (run/state_probe.py,
    # ns), aligned with samples; empty where the run has no state_probe.csv.
    probes: np.ndarray = field(default_factory=lambda: np.array([]))

    @property
    def median(self):
        return float(np.median(self.samples)) if len(self.samples) else math.nan


def usable_throughput(values):
    """True where a throughput can be a sample: finite and positive."""
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(values) & (values > 0)


def side_from_results(df):
    """{instance key: Evidence} from a validated results table.

    Rows without an error but with an unusable throughput are counted as
    `invalid` and kept out of the samples: a benchmark that reports 0 items/s
    is broken, not infinitely slow, and must not turn into log(0)."""
    is_error = (df["error"] != "").to_numpy()
    loop = results.open_loop(df).to_numpy()
    invalid = ~is_error & ~loop & ~usable_throughput(df["items_per_second"])
    side = {}
    placements = df["placements"].astype(str).to_numpy()
    over = df["oversubscribed"].to_numpy(dtype=bool)
    errors = df["error"].to_numpy()
    for key, rows in df.groupby(schema.INSTANCE, sort=True).indices.items():
        failed = rows[is_error[rows]]
        side[key] = Evidence(errors=len(failed), error=str(errors[failed[0]]) if len(failed) else "",
                             invalid=int(invalid[rows].sum()), oversubscribed=bool(over[rows].any()),
                             placements=placements[rows[0]], open_loop=bool(loop[rows].any()))
    per_round = instance_summary.round_medians(df.loc[~invalid & ~loop])
    if len(per_round):
        values = per_round["value"].to_numpy(dtype=float)
        rounds = per_round["round"].to_numpy(dtype=int)
        for key, rows in per_round.groupby(schema.INSTANCE, sort=True).indices.items():
            side[key].samples, side[key].rounds = values[rows], rounds[rows]
    return side


def side_of_run(run):
    """side_from_results for a Run; a pooled A/B run (machine.json
    "run_of_round") gives one sample per source run, its median over that
    run's rounds. Rounds of one run are minutes apart at most and share the
    machine's state then (on the 2-core VM a wake-up regime that holds for
    tens of seconds moves an instance 3-10x), so across pooled runs the
    independent samples are the runs, as with a history baseline."""
    side = side_from_results(run.df)
    run_of_round = run.machine.get("run_of_round")
    if not isinstance(run_of_round, list) or not run_of_round or run.machine.get("paired_with"):
        # Runs made in pairs with the other build's (bench_all --pair-bench-dir):
        # each round's process had its partner right beside it, so each round
        # is one sample, and round i of A pairs with round i of B (gate/paired.py).
        attach_probes(side, run)
        return side
    for e in side.values():
        per_run = {}
        for r, v in zip(e.rounds, e.samples):
            if 0 <= r < len(run_of_round):
                per_run.setdefault(int(run_of_round[r]), []).append(v)
        e.rounds = np.array(sorted(per_run), dtype=int)
        e.samples = np.array([np.median(per_run[i]) for i in e.rounds], dtype=float)
    return side


def attach_probes(side, run):
    """Each sample's state probe from the run's state_probe.csv (pooled_run
    keeps one), matched by instance and round; NaN where a process gave none."""
    path = Path(run.run_dir) / "state_probe.csv" if run.csv_path is not None else None
    if path is None or not path.is_file():
        return
    probes = pd.read_csv(path, dtype={"params": str}, keep_default_na=False)
    values = pd.to_numeric(probes["state_probe_ns"], errors="coerce").to_numpy(dtype=float)
    at = {}
    for i, row in enumerate(probes[schema.INSTANCE + ["round"]].itertuples(index=False)):
        at[tuple(str(x) for x in row)] = values[i]
    for key, e in side.items():
        k = tuple(str(x) for x in key)
        e.probes = np.array([at.get(k + (str(int(r)),), math.nan) for r in e.rounds], dtype=float)


def side_from_history(history, run_ids):
    """{instance key: Evidence} from history rows: one sample per recorded run
    (its instance median), errors as recorded (older files have none)."""
    rows = history.loc[history["run_id"].isin(run_ids)]
    side = {}
    values = pd.to_numeric(rows["median_items_per_second"], errors="coerce").to_numpy(dtype=float)
    errors = (pd.to_numeric(rows["errors"], errors="coerce").fillna(0).to_numpy()
              if "errors" in rows.columns else np.zeros(len(rows)))
    messages = rows["error"].astype(str).to_numpy() if "error" in rows.columns else None
    over = rows["oversubscribed"].to_numpy(dtype=bool)
    loop = results.open_loop(rows).to_numpy()
    run_index = rows["run_id"].map({run: i for i, run in enumerate(run_ids)}).to_numpy(dtype=int)
    for key, idx in rows.groupby(schema.INSTANCE, sort=True).indices.items():
        samples, usable = values[idx], usable_throughput(values[idx]) & ~loop[idx]
        failed = idx[errors[idx] > 0]
        side[key] = Evidence(samples=samples[usable], rounds=run_index[idx][usable],
                             errors=int(errors[idx].sum()),
                             error=str(messages[failed[0]]) if len(failed) and messages is not None else "",
                             oversubscribed=bool(over[idx].any()), open_loop=bool(loop[idx].any()))
    return side


def as_one_run(e):
    """The evidence reduced to one sample, its median: a candidate judged
    against a history of runs is one more run."""
    if len(e.samples):
        e.samples, e.rounds = np.array([e.median]), np.array([0])
    return e


def round_levels(sides, keys):
    """Per side, the mean log throughput of each round over `keys`, every
    instance centred on its mean over both sides: one number per process
    pass over the suite, the samples of the suite-wide test."""
    levels = []
    centre = {k: np.mean(np.concatenate([np.log(s[k].samples) for s in sides])) for k in keys}
    for side in sides:
        by_round = {}
        for k in keys:
            for r, v in zip(side[k].rounds, np.log(side[k].samples) - centre[k]):
                by_round.setdefault(int(r), []).append(v)
        levels.append(np.array([np.mean(v) for _, v in sorted(by_round.items())]))
    return levels


def instance_name(key, evidence):
    """The bench binary's name of an instance (as --benchmark_list_tests lists
    it, minus Google Benchmark's own suffixes): what bench_all --only reads."""
    fields = dict(zip(schema.INSTANCE, key))
    name = (f"{fields['family']}/{fields['benchmark']}/{fields['impl']}/mode:{fields['mode']}"
            f"/threads:{fields['threads']}/producers:{fields['producers']}"
            f"/consumers:{fields['consumers']}/placement:{fields['placement']}"
            f"/placements:{evidence.placements or fields['placement']}"
            f"/oversub:{int(evidence.oversubscribed)}")
    params = [p for p in str(fields["params"]).split(";") if p]
    return name + "".join("/" + p.replace("=", ":", 1) for p in params)
