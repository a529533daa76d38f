"""Loading contend results: a run folder or a results.csv, validated and typed.

Every reading tool (plot, compare, regress) starts here, so that a bad file is
refused once, in one clear line, before any number is computed from it. The
columns, their types and the instance key come from schema.py; this module
decides which columns a reader cannot do without, and which instances may
win (`eligible`).

Rows with a non-empty `error` carry no numbers: they are kept (tables show
them) and `valid_rows` leaves them out of everything numeric. An error row of
an instance that crashed has no repetition (or round): readers accept that.

Schema version 1 files (before rounds) are read as one round: round 0, and
placements = placement. Version 1 and 2 files lack the version 3 latency
columns (latency_of, p90_ns, p9999_ns, max_ns, offered_per_second, kept_up,
handover_*): they read as empty (kept_up as false).
"""
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema, stats
from .cli import UsageError

# What a reader cannot do without. The other schema columns are filled in
# empty when absent, so a file trimmed by hand still plots.
REQUIRED_COLUMNS = (["schema_version", "run_id", "machine_id"] + schema.INSTANCE
                    + ["oversubscribed", "repetition", "items_per_second", "error"])

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


@dataclass
class Run:
    """One results table with its machine description and where it came from."""
    df: pd.DataFrame
    machine: dict = field(default_factory=dict)
    csv_path: Path = None

    @property
    def run_dir(self):
        return self.csv_path.parent

    @property
    def machine_id(self):
        return _single_value(self.df, "machine_id") or self.machine.get("machine_id", "")

    @property
    def run_id(self):
        return _single_value(self.df, "run_id") or self.machine.get("run_id", "")

    @property
    def git_sha(self):
        build = self.machine.get("build")
        from_json = build.get("git_sha", "") if isinstance(build, dict) else ""
        return _single_value(self.df, "git_sha") or from_json

    @property
    def label(self):
        """A short name for tables and legends: the machine, else the file."""
        return self.machine_id or self.csv_path.parent.name

    @property
    def cores(self):
        """Cores the run could use (machine.json), else inferred from the ladder.

        The ladder ends at all cores (then all PUs with SMT), then one
        oversubscribed point at cores + 1; without machine.json the largest
        non-oversubscribed worker count is the best guess (PUs on SMT boxes).
        """
        value = _as_positive_int(self.machine.get("cores"))
        if value:
            return value
        df = self.df
        inside = df.loc[~df["oversubscribed"], "threads"]
        if len(inside):
            return int(inside.max())
        return int(df["threads"].max()) if len(df) else 1


def _single_value(df, column):
    if column not in df.columns:
        return ""
    values = [v for v in df[column].unique() if v != ""]
    return values[0] if len(values) == 1 else ("" if not values else "mixed")


def _as_positive_int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def find_csv(path):
    """The results.csv a command-line argument names (a run folder or a file)."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{path}: no such file or folder")
    if p.is_dir():
        csv = p / "results.csv"
        if not csv.is_file():
            raise UsageError(f"{path}: no results.csv in this folder")
        return csv
    return p


def load_run(path):
    """Reads and validates one run; raises UsageError with one line on bad input."""
    csv = find_csv(path)
    df = read_results_csv(csv)
    machine = load_machine_json(csv.parent / "machine.json")
    return Run(df=df, machine=machine, csv_path=csv)


def load_runs(paths):
    return [load_run(p) for p in paths]


def read_results_csv(csv):
    """The typed DataFrame of one results.csv, or UsageError saying what is wrong."""
    return validate(read_csv_text(csv, "results"), csv)


def read_csv_text(path, kind):
    """Every cell of a CSV file as text (a `kind` CSV: results, history), or
    UsageError naming the file. Text first: pandas' own guessing turns an
    empty params column into NaN floats and "True" into bools only sometimes."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise UsageError(f"{path}: empty file, not a {kind} CSV")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UsageError(f"{path}: not a readable CSV ({first})")


def validate(df, where):
    """Checks columns and schema version, then coerces types (returns a new frame)."""
    df = df.rename(columns=lambda c: str(c).strip())
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if "schema_version" not in df.columns:
        raise UsageError(f"{where}: not a contend results CSV (no schema_version column)")
    if missing:
        raise UsageError(f"{where}: missing columns: {', '.join(missing)}")
    if len(df) == 0:
        raise UsageError(f"{where}: no rows, only a header")
    versions = sorted(set(df["schema_version"].str.strip()))
    if len(versions) > 1:
        raise UsageError(f"{where}: mixed schema versions in one file: {', '.join(versions)}")
    readable = [str(v) for v in schema.READABLE_VERSIONS]
    if versions[0] not in readable:
        raise UsageError(f"{where}: schema version {versions[0]!r}, this tool reads "
                         f"version {' or '.join(readable)}")
    df = _upgrade_v1(df)
    columns = {}
    for name in df.columns:
        text = df[name].astype(str).str.strip()
        if name in schema.INT_COLUMNS:
            columns[name] = _to_numbers(text, name, where, integer=True)
        elif name in schema.OPTIONAL_INT_COLUMNS:
            columns[name] = _to_optional_ints(text, df["error"].astype(str).str.strip(), name, where)
        elif name in schema.FLOAT_COLUMNS:
            columns[name] = _to_numbers(text, name, where, integer=False)
        elif name in schema.BOOL_COLUMNS:
            columns[name] = _to_bools(text, name, where)
        else:
            columns[name] = text
    for name in schema.COLUMNS:            # optional columns: present, empty
        if name not in columns:
            columns[name] = (pd.Series(math.nan, index=df.index, dtype=float)
                             if name in schema.FLOAT_COLUMNS else pd.Series("", index=df.index, dtype=object))
    typed = pd.DataFrame(columns, index=df.index)
    ordered = [c for c in schema.COLUMNS] + [c for c in typed.columns if c not in schema.COLUMNS]
    typed = typed[ordered].reset_index(drop=True)
    no_number = (typed["error"] == "") & ~(typed["items_per_second"].notna())
    if no_number.any():
        line = int(no_number.to_numpy().nonzero()[0][0]) + 2
        raise UsageError(f"{where}: line {line}: no items_per_second and no error")
    return typed


def _upgrade_v1(df):
    """Version 1 columns -> version 2: one round, each row its own placement."""
    df = df.copy()
    if "round" not in df.columns:
        df["round"] = "0"
    if "placements" not in df.columns:
        df["placements"] = df["placement"]
    empty = df["placements"].astype(str).str.strip() == ""
    df.loc[empty, "placements"] = df.loc[empty, "placement"]
    return df


def _to_optional_ints(text, error, name, where):
    """Whole numbers, or <NA> on an error row that has none."""
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = (numbers.isna() & (text != "")) | ((text == "") & (error == ""))
    bad = bad | (numbers.notna() & (numbers != numbers.round()))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise UsageError(f"{where}: line {i + 2}: column {name}: "
                         f"{text.iloc[i]!r} is not an integer")
    return numbers.astype("Int64")


def _to_numbers(text, name, where, integer):
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
    bad = numbers.isna() & (text != "")
    if integer:
        bad = bad | (text == "")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise UsageError(f"{where}: line {i + 2}: column {name}: "
                         f"{text.iloc[i]!r} is not a{'n integer' if integer else ' number'}")
    return numbers.astype("int64") if integer else numbers.astype(float)


def _to_bools(text, name, where):
    lowered = text.str.lower()
    bad = ~lowered.isin(_TRUE | _FALSE)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise UsageError(f"{where}: line {i + 2}: column {name}: {text.iloc[i]!r} is not true/false")
    return lowered.isin(_TRUE).astype(bool)


def load_machine_json(path):
    """machine.json as a dict ({} when absent); every key in it is optional."""
    path = Path(path)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: not valid JSON ({e})")
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object")
    return data


def valid_rows(df):
    """Rows that carry a measurement (no error)."""
    return df.loc[df["error"] == ""]


def error_rows(df):
    return df.loc[df["error"] != ""]


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
    rounds of round_column_medians, the rule instance_summary's `median`
    follows for throughput (rounds are the samples; a round without a value
    does not count). instance_summary's own latency columns are the median
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


def instance_summary(df):
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
    flags = pd.DataFrame({"oversubscribed": first["oversubscribed"].any(),
                          "placements": first["placements"].first()}).reset_index()
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
    out = out.sort_values(schema.INSTANCE, kind="stable").reset_index(drop=True)
    return out.assign(ineligible=ineligibility(out))


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

# Benchmarks that send on a schedule (an offered load, open loop) instead of
# as fast as the implementation takes items: their items_per_second is the
# part of that schedule achieved, a property of the load asked for, not a
# capacity. Their rows carry offered_per_second and kept_up; a row that did
# not keep up is a finding, not an error.
OPEN_LOOP_BENCHMARKS = ("latency",)


def open_loop(frame):
    """Mask over the rows of a results table, an instance_summary or history
    rows: those of an open-loop benchmark (by name, or by an offered load
    where the frame has that column), whose items/s makes no throughput claim.
    A frame with neither column has none."""
    mask = pd.Series(False, index=frame.index)
    if "benchmark" in frame.columns:
        mask = frame["benchmark"].isin(OPEN_LOOP_BENCHMARKS)
    if "offered_per_second" in frame.columns:
        mask = mask | pd.to_numeric(frame["offered_per_second"], errors="coerce").notna()
    return mask.astype(bool)


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


# summary.csv: the per-instance numbers beside results.csv, in this order.
# `ineligible` says why an instance may not be ranked ('' when it may): for
# an open-loop latency row `median` is the achieved load, not a capacity.
# The latency columns are medians over valid repetitions (empty where none),
# floor_ratio too (floor_of names the floor, calibration.py);
# kept_up_share is the share of an open-loop instance's repetitions that
# kept up with the offered load.
SUMMARY_COLUMNS = (schema.INSTANCE + ["placements", "oversubscribed", "rounds", "n", "median",
                               "ci_low", "ci_high", "min", "max", "between_sd", "cv",
                               "unstable", "errors", "error", "ineligible", "latency_of"]
                   + schema.LATENCY_COLUMNS + ["latency_samples", "offered_per_second",
                                               "kept_up_share", "handover_p50_ns",
                                               "handover_p99_ns", "handover_samples",
                                               "floor_of", "floor_ratio"])


def write_summary(summary, path):
    """Writes an instance_summary as summary.csv (written whole, then renamed)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    summary[SUMMARY_COLUMNS].to_csv(partial, index=False, float_format="%.6g")
    partial.replace(path)


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
