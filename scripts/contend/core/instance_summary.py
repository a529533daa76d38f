"""Per instance, what a run says: its number, its interval, its stability
and whether it may win. Computed in one place (summarise), written
beside results.csv as summary.csv, and read back from there.

Every tool gets a run's summary from `of(run)`: summary.csv when bench_all
wrote it from this very results.csv (machine.json "summary" holds the
sha256 of the results.csv it summarises) and it has every column this
version writes; otherwise summarise(run.df), once per Run (the Run
keeps it). A results.csv edited, trimmed or pooled after bench_all (or from
an older version) is summarised afresh, never read from a stale file.
Reading tools never write into the runs they read: a committed reference run
or a CI artifact stays as it was.

Rows with an error carry no numbers: summarise keeps an instance
whose repetitions all failed, with NaN numbers and its first error, so
tables can show it without plotting it.
"""
import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema, stats
from .results import error_rows, open_loop, valid_rows

# An instance is `unstable` when its rounds disagree beyond their own noise:
# the spread of its round medians (sd of their logs) exceeds both this floor
# (about +-10%) and UNSTABLE_NOISE_FACTOR x what the spread inside each
# round predicts for a median of that many repetitions. Bimodal layouts and
# drift across the run both show up this way.
UNSTABLE_SPREAD = 0.10
UNSTABLE_NOISE_FACTOR = 3.0
CONFIDENCE = 0.95


def round_medians(df):
    """One row per instance and round: the median throughput of the round's
    valid repetitions (`value`), how many there were (`reps`) and the sd of
    their logs (`within_sd`). Rounds are the samples of every verdict."""
    valid = valid_rows(df)
    if not len(valid):
        return pd.DataFrame(columns=schema.INSTANCE + ["round", "value", "reps", "within_sd"])
    rounds = valid["round"].fillna(0).astype("int64")
    logs = np.log(valid["items_per_second"].where(valid["items_per_second"] > 0))
    g = valid.assign(round=rounds, _log=logs).groupby(schema.INSTANCE + ["round"], sort=True)
    out = pd.DataFrame({"value": g["items_per_second"].median(),
                        "reps": g["items_per_second"].count(),
                        "within_sd": g["_log"].std(ddof=1)})
    return out.reset_index()


def round_column_medians(df, columns):
    """One row per instance and round: the median of each of `columns` over
    the round's valid repetitions that have a value (NaN where none has).
    round_medians' rule for any column, such as a latency percentile."""
    valid = valid_rows(df)
    if not len(valid):
        return pd.DataFrame(columns=schema.INSTANCE + ["round"] + list(columns))
    rounds = valid["round"].fillna(0).astype("int64")
    per_round = valid.assign(round=rounds).groupby(schema.INSTANCE + ["round"], sort=True)
    return per_round[list(columns)].median().reset_index()


def instance_column_medians(df, columns):
    """One row per instance with a valid repetition: the median over its
    rounds of round_column_medians, the rule summarise's `median`
    follows for throughput (rounds are the samples; a round without a value
    does not count). summarise's own latency columns are the median
    over all repetitions instead; with one round the two agree."""
    per_round = round_column_medians(df, columns)
    if not len(per_round):
        return pd.DataFrame(columns=schema.INSTANCE + list(columns))
    g = per_round.groupby(schema.INSTANCE, sort=True)
    return g[list(columns)].median().reset_index()


def _instance_rounds(per_round):
    """Per instance: its round medians as an array, and the pooled within-round sd."""
    out = {}
    for key, rows in per_round.groupby(schema.INSTANCE, sort=True):
        values = rows["value"].to_numpy(dtype=float)
        reps = rows["reps"].to_numpy(dtype=float)
        within = rows["within_sd"].to_numpy(dtype=float)
        usable = np.isfinite(within) & (reps > 1)
        pooled = (math.sqrt(float(np.sum(within[usable] ** 2 * (reps[usable] - 1)) /
                                  np.sum(reps[usable] - 1))) if usable.any() else math.nan)
        out[key] = (values, pooled, float(np.median(reps)) if len(reps) else math.nan)
    return out


def is_unstable(round_values, within_sd, reps_per_round):
    """See UNSTABLE_SPREAD. Needs at least 2 rounds to say anything."""
    between = stats.log_sd(round_values)
    if not (between == between) or between <= UNSTABLE_SPREAD:
        return False
    if within_sd == within_sd and reps_per_round == reps_per_round and reps_per_round > 0:
        # sd of a median of k samples is about 1.25 sd / sqrt(k).
        expected = 1.25 * within_sd / math.sqrt(reps_per_round)
        return between > UNSTABLE_NOISE_FACTOR * expected
    return True


def summarise(df):
    """One row per benchmark instance: its estimate, interval and stability.

    `median` is the median of the round medians (the instance's number);
    `ci_low`/`ci_high` its CONFIDENCE interval from the spread between rounds
    (stats.log_t_interval); `min`/`max`/`q1`/`q3` describe the round medians;
    `n` counts valid repetitions and `rounds` rounds; `cv` is the spread
    inside a round (pooled sd of log repetitions), `between_sd` the spread
    between rounds; `unstable` see UNSTABLE_SPREAD. `errors` counts failed
    repetitions (or failed rounds): an instance with any is never a winner.
    Instances whose repetitions all failed appear with NaN numbers and their
    first error message, so tables can show them without plotting them.
    """
    valid = valid_rows(df)
    per_round = round_medians(df)
    rounds = _instance_rounds(per_round)
    g = valid.groupby(schema.INSTANCE, sort=True)
    records = []
    for key, (values, within, reps) in rounds.items():
        low, high = stats.log_t_interval(values, CONFIDENCE)
        records.append({
            **dict(zip(schema.INSTANCE, key)),
            "median": float(np.median(values)), "ci_low": low, "ci_high": high,
            "min": float(values.min()), "max": float(values.max()),
            "q1": float(np.quantile(values, 0.25)), "q3": float(np.quantile(values, 0.75)),
            "rounds": len(values), "cv": within, "between_sd": stats.log_sd(values),
            "unstable": is_unstable(values, within, reps),
        })
    columns = schema.INSTANCE + ["median", "ci_low", "ci_high", "min", "max", "q1", "q3", "rounds",
                          "cv", "between_sd", "unstable"]
    summary = pd.DataFrame.from_records(records, columns=columns)
    extra = pd.DataFrame({"n": g["items_per_second"].count()})
    for column in ["ns_per_item", "fairness", "lost", "counted", "latency_samples"] + schema.LATENCY_COLUMNS:
        extra[column] = g[column].median()
    for column in LATENCY_SUMMARY_COLUMNS:
        extra[column] = g[column].median()
    extra["kept_up_share"] = _kept_up_share(valid)
    extra["latency_of"] = g["latency_of"].max()   # one value per instance; "" where none
    extra["floor_of"] = g["floor_of"].max()       # likewise (calibration.py)
    extra["floor_ratio"] = g["floor_ratio"].median()
    summary = summary.merge(extra.reset_index(), on=schema.INSTANCE, how="left")
    first = df.groupby(schema.INSTANCE, sort=True)
    kinds = (first["core_kinds"].first() if "core_kinds" in df.columns
             else pd.Series("", index=first.size().index, dtype=object))
    flags = pd.DataFrame({"oversubscribed": first["oversubscribed"].any(),
                          "placements": first["placements"].first(),
                          "core_kinds": kinds}).reset_index()
    errors = error_rows(df).groupby(schema.INSTANCE, sort=True)["error"]
    error_info = pd.DataFrame({"error": errors.first(), "errors": errors.count()}).reset_index()
    out = flags.merge(summary, on=schema.INSTANCE, how="left")
    out = out.merge(error_info, on=schema.INSTANCE, how="left")
    out["error"] = out["error"].fillna("").astype(str)
    out["errors"] = out["errors"].fillna(0).astype("int64")
    out["n"] = out["n"].fillna(0).astype("int64")
    out["rounds"] = out["rounds"].fillna(0).astype("int64")
    out["unstable"] = out["unstable"].fillna(False).astype(bool)
    out["latency_of"] = out["latency_of"].fillna("").astype(str)
    out["floor_of"] = out["floor_of"].fillna("").astype(str)
    out["kept_up_share"] = out["kept_up_share"].astype(float)
    out = out.sort_values(schema.INSTANCE, kind="stable").reset_index(drop=True)
    return out.assign(ineligible=ineligibility(out))[SUMMARY_COLUMNS]


# Medians per instance beside the latency percentiles (every one a median
# over the instance's valid repetitions, like `median`).
LATENCY_SUMMARY_COLUMNS = ["offered_per_second", "handover_p50_ns", "handover_p99_ns",
                           "handover_samples"]


def _kept_up_share(valid):
    """Per open-loop instance, the share of its valid repetitions that kept up
    with the offered load (1.0: all); NaN for every other instance."""
    loop = valid.loc[open_loop(valid)]
    share = loop.groupby(schema.INSTANCE, sort=True)["kept_up"].mean()
    return share.reindex(valid.groupby(schema.INSTANCE, sort=True).size().index)


# Why an instance may not be ranked, crowned or drawn as a winner, in the
# order a reason is named: an open-loop latency row (its items/s is not a
# capacity at all, see OPEN_LOOP_BENCHMARKS), a failed repetition or round
# (its other numbers come from a run that also broke), lost updates (the
# `unsync` counter is fast because it is wrong), no number at all.
# `unstable` is not a reason: an unstable instance competes, and every table
# marks it. Every tool that makes a throughput claim asks here (ranking,
# compare's winners, the report) or asks open_loop() (the gate's samples,
# the noise score, the ranking's priors).
INELIGIBLE_OPEN_LOOP = "open-loop latency row: items/s is the offered schedule"
INELIGIBLE_ERRORS = "errors"
INELIGIBLE_LOST = "lost updates"
INELIGIBLE_NO_NUMBER = "no number"

def ineligibility(summary):
    """Per instance_summary row: '' when it may win, else why not (see
    INELIGIBLE_ERRORS). Columns `errors` and `lost` may be absent (none)."""
    loop = open_loop(summary)
    errors = _column(summary, "errors") > 0
    lost = _column(summary, "lost") > 0
    no_number = summary["median"].isna()
    reasons = np.select([loop, errors, lost, no_number],
                        [INELIGIBLE_OPEN_LOOP, INELIGIBLE_ERRORS, INELIGIBLE_LOST,
                         INELIGIBLE_NO_NUMBER], "")
    return pd.Series(reasons, index=summary.index, dtype=object)


def eligible(summary):
    """Mask over instance_summary rows: the instances that may be ranked,
    crowned or drawn as a winner (ineligibility is '')."""
    return ineligibility(summary) == ""


def _column(summary, name):
    if name not in summary.columns:
        return pd.Series(0, index=summary.index)
    return summary[name].fillna(0)


# summary.csv: the per-instance numbers beside results.csv, in this order
# (summarise's columns, in the same order). `ineligible` says why an
# instance may not be ranked ('' when it may): for an open-loop latency row
# `median` is the achieved load, not a capacity. The latency columns are
# medians over valid repetitions (empty where none), floor_ratio too
# (floor_of names the floor, calibration.py); kept_up_share is the share of an
# open-loop instance's repetitions that kept up with the offered load. The
# last six columns came with the layered package, core_kinds (hybrid CPUs,
# results.csv's) with schema version 5; a summary.csv without them is an
# older one, and of() summarises its run afresh.
SUMMARY_COLUMNS = (schema.INSTANCE + ["placements", "oversubscribed", "core_kinds", "rounds",
                                      "n", "median",
                                      "ci_low", "ci_high", "min", "max", "between_sd", "cv",
                                      "unstable", "errors", "error", "ineligible", "latency_of"]
                   + schema.LATENCY_COLUMNS + ["latency_samples", "offered_per_second",
                                               "kept_up_share", "handover_p50_ns",
                                               "handover_p99_ns", "handover_samples",
                                               "floor_of", "floor_ratio", "q1", "q3",
                                               "ns_per_item", "fairness", "lost", "counted"])
SUMMARY_FILE = "summary.csv"
_TEXT_COLUMNS = {"family", "benchmark", "params", "impl", "mode", "placement", "placements",
                 "core_kinds",
                 "error", "ineligible", "latency_of", "floor_of"}
_INT_COLUMNS = {"producers", "consumers", "threads", "rounds", "n", "errors"}
_BOOL_COLUMNS = {"oversubscribed", "unstable"}


def of(run):
    """The run's instance summary, computed at most once (see the module
    doc): summary.csv when it summarises this results.csv, else
    summarise(run.df). Each call returns its own copy: a caller that adds a
    column changes nothing for the next."""
    if run.summary_cache is None:
        stored = _stored(run)
        run.summary_cache = stored if stored is not None else summarise(run.df)
    return run.summary_cache.copy()


def fingerprint(results_csv):
    """The sha256 of a results.csv: what machine.json "summary" names."""
    digest = hashlib.sha256()
    with open(results_csv, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(per_instance, results_csv):
    """Writes summary.csv beside results_csv (whole, then renamed) and
    returns machine.json's "summary": the results.csv it summarises. Floats
    are written as Python writes them, so they read back exactly."""
    path = Path(results_csv).with_name(SUMMARY_FILE)
    partial = path.with_name(path.name + ".partial")
    table = per_instance[SUMMARY_COLUMNS].copy()
    for name in table.columns:
        if table[name].dtype == float:     # repr: the shortest text that reads back exactly
            table[name] = [repr(v) if v == v else "" for v in table[name]]
    table.to_csv(partial, index=False)
    partial.replace(path)
    return {"file": SUMMARY_FILE, "results_sha256": fingerprint(results_csv)}


def read(path):
    """A summary.csv as summarise returns it, or None when it lacks a
    column this version writes (an older file) or cannot be read."""
    try:
        text = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
            ValueError):
        return None
    if any(c not in text.columns for c in SUMMARY_COLUMNS):
        return None
    columns = {}
    for name in SUMMARY_COLUMNS:
        cells = text[name]
        if name in _TEXT_COLUMNS:
            columns[name] = cells.astype(object)
        elif name in _BOOL_COLUMNS:
            columns[name] = cells.str.lower().isin(["true", "1"]).astype(bool)
        else:
            # float(), not pd.to_numeric: pandas' fast parser rounds the last digit.
            try:
                numbers = [float(c) if c.strip() else math.nan for c in cells]
            except ValueError:
                return None
            if name in _INT_COLUMNS:
                if any(v != v for v in numbers):
                    return None
                columns[name] = pd.Series(numbers, index=text.index).astype("int64")
            else:
                columns[name] = pd.Series(numbers, index=text.index, dtype=float)
    return pd.DataFrame(columns, index=text.index)


def _stored(run):
    """summary.csv of the run, when machine.json says it summarises exactly
    this results.csv; None otherwise."""
    stamp = run.machine.get("summary") if run.csv_path is not None else None
    if not isinstance(stamp, dict) or stamp.get("file") != SUMMARY_FILE:
        return None
    path = Path(run.csv_path).with_name(SUMMARY_FILE)
    if not path.is_file() or stamp.get("results_sha256") != fingerprint(run.csv_path):
        return None
    return read(path)


def expand_placements(summary):
    """One row per placement a row stands for: a worker-to-PU map measured
    once under `compact` that `scatter` shares appears under both, so lines
    per placement stay whole. For drawing and cross-machine alignment only:
    counting or testing expanded rows would count one measurement twice."""
    if "placements" not in summary.columns or not len(summary):
        return summary
    covers = summary["placements"].fillna("").astype(str)
    covers = covers.where(covers != "", summary["placement"])
    expanded = summary.assign(placement=covers.str.split("+")).explode("placement")
    return expanded.drop_duplicates(subset=schema.INSTANCE).reset_index(drop=True)
