"""Loading contend results: a run folder or a results.csv, validated and typed.

Every reading tool (plot, compare, regress) starts here, so that a bad file is
refused once, in one clear line, before any number is computed from it. The
columns, their types and the instance key come from schema.py; this module
decides which columns a reader cannot do without. What a run's numbers say
per instance (the median, its interval, who may win) is instance_summary.py's.

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

import pandas as pd

from . import schema
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
    # summary.of(run)'s answer, once asked: the one instance summary per run.
    summary_cache: pd.DataFrame = field(default=None, repr=False, compare=False)

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


def emulated(machine):
    """machine.json's "emulated" record (bench_all --emulate), or None."""
    record = machine.get("emulated") if isinstance(machine, dict) else None
    return record or None


def load_measured_run(path, tool):
    """load_run, refusing an emulated run in one line: it ran another
    machine's plan on this one, a functional check whose numbers measure
    neither machine, so no tool that compares or judges numbers reads it."""
    run = load_run(path)
    record = emulated(run.machine)
    if record:
        raise UsageError(f"{path}: an emulated run ({record.get('topology', '?')} on "
                         f"{record.get('real_machine', {}).get('cpu_model', 'this machine')}) "
                         f"checks that the plan runs, it measures nothing; {tool} refuses it")
    return run


def load_measured_runs(paths, tool):
    return [load_measured_run(p, tool) for p in paths]


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


