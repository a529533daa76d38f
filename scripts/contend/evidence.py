"""The gate's samples: one positive number per process (or per recorded run).

A process is the unit of evidence (see stats.py): the repetitions inside one
process agree far better than two processes do, so the samples the gate tests
are round medians (results.round_medians), never repetitions. With a history
baseline each recorded run's instance median is one sample instead, because
between runs is exactly where that comparison's noise lives.

A `Side` maps every instance key (results.INSTANCE values) to its `Evidence`:
the samples plus what went wrong there (errors, unusable throughput), so the
verdict can tell "slower" from "broken" from "missing".
"""
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import results


@dataclass
class Evidence:
    samples: np.ndarray = field(default_factory=lambda: np.array([]))
    errors: int = 0          # error rows (failed repetitions, crashed or timed-out rounds)
    error: str = ""          # the first error message
    invalid: int = 0         # non-error rows whose throughput is 0, negative, NaN or inf
    oversubscribed: bool = False
    placements: str = ""

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
    invalid = ~is_error & ~usable_throughput(df["items_per_second"])
    side = {}
    placements = df["placements"].astype(str).to_numpy()
    over = df["oversubscribed"].to_numpy(dtype=bool)
    errors = df["error"].to_numpy()
    for key, rows in df.groupby(results.INSTANCE, sort=True).indices.items():
        failed = rows[is_error[rows]]
        side[key] = Evidence(errors=len(failed), error=str(errors[failed[0]]) if len(failed) else "",
                             invalid=int(invalid[rows].sum()), oversubscribed=bool(over[rows].any()),
                             placements=placements[rows[0]])
    per_round = results.round_medians(df.loc[~invalid])
    if len(per_round):
        values = per_round["value"].to_numpy(dtype=float)
        for key, rows in per_round.groupby(results.INSTANCE, sort=True).indices.items():
            side[key].samples = values[rows]
    return side


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
    for key, idx in rows.groupby(results.INSTANCE, sort=True).indices.items():
        samples = values[idx]
        failed = idx[errors[idx] > 0]
        side[key] = Evidence(samples=samples[usable_throughput(samples)], errors=int(errors[idx].sum()),
                             error=str(messages[failed[0]]) if len(failed) and messages is not None else "",
                             oversubscribed=bool(over[idx].any()))
    return side


def instance_name(key, evidence):
    """The bench binary's name of an instance (as --benchmark_list_tests lists
    it, minus Google Benchmark's own suffixes): what bench_all --only reads."""
    fields = dict(zip(results.INSTANCE, key))
    name = (f"{fields['family']}/{fields['benchmark']}/{fields['impl']}/mode:{fields['mode']}"
            f"/threads:{fields['threads']}/producers:{fields['producers']}"
            f"/consumers:{fields['consumers']}/placement:{fields['placement']}"
            f"/placements:{evidence.placements or fields['placement']}"
            f"/oversub:{int(evidence.oversubscribed)}")
    params = [p for p in str(fields["params"]).split(";") if p]
    return name + "".join("/" + p.replace("=", ":", 1) for p in params)
