"""Loading contend results: a run folder or a results.csv, validated and typed.

Every reading tool (plot, compare, regress) starts here, so that a bad file is
refused once, in one clear line, before any number is computed from it. The
column list comes from schema.py; this module only decides which columns a
reader cannot do without and what type each one has.

Rows with a non-empty `error` carry no numbers: they are kept (tables show
them) and `valid_rows` leaves them out of everything numeric.
"""
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import schema
from .cli import UsageError

# A benchmark instance: its identity plus the worker count. Its repetitions
# are the samples every statistic is computed over.
INSTANCE = schema.IDENTITY + ["threads"]

# What a reader cannot do without. The other schema columns are filled in
# empty when absent, so a file trimmed by hand still plots.
REQUIRED_COLUMNS = (["schema_version", "run_id", "machine_id"] + INSTANCE
                    + ["oversubscribed", "repetition", "items_per_second", "error"])

INT_COLUMNS = ["schema_version", "threads", "producers", "consumers", "repetition"]
FLOAT_COLUMNS = ["items", "seconds", "items_per_second", "ns_per_item",
                 "p50_ns", "p99_ns", "p999_ns", "fairness", "lost"]
BOOL_COLUMNS = ["oversubscribed"]
LATENCY_COLUMNS = ["p50_ns", "p99_ns", "p999_ns"]

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
    try:
        # Everything as text first: pandas' own guessing turns an empty params
        # column into NaN floats and "True" into bools only sometimes.
        df = pd.read_csv(csv, dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise UsageError(f"{csv}: empty file, not a results CSV")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UsageError(f"{csv}: not a readable CSV ({first})")
    return validate(df, csv)


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
    if versions[0] != str(schema.SCHEMA_VERSION):
        raise UsageError(f"{where}: schema version {versions[0]!r}, this tool reads "
                         f"version {schema.SCHEMA_VERSION}")
    columns = {}
    for name in df.columns:
        text = df[name].astype(str).str.strip()
        if name in INT_COLUMNS:
            columns[name] = _to_numbers(text, name, where, integer=True)
        elif name in FLOAT_COLUMNS:
            columns[name] = _to_numbers(text, name, where, integer=False)
        elif name in BOOL_COLUMNS:
            columns[name] = _to_bools(text, name, where)
        else:
            columns[name] = text
    for name in schema.COLUMNS:            # optional columns: present, empty
        if name not in columns:
            columns[name] = (pd.Series(math.nan, index=df.index, dtype=float)
                             if name in FLOAT_COLUMNS else pd.Series("", index=df.index, dtype=object))
    typed = pd.DataFrame(columns, index=df.index)
    ordered = [c for c in schema.COLUMNS] + [c for c in typed.columns if c not in schema.COLUMNS]
    typed = typed[ordered].reset_index(drop=True)
    no_number = (typed["error"] == "") & ~(typed["items_per_second"].notna())
    if no_number.any():
        line = int(no_number.to_numpy().nonzero()[0][0]) + 2
        raise UsageError(f"{where}: line {line}: no items_per_second and no error")
    return typed


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


def instance_summary(df):
    """One row per benchmark instance: throughput statistics over repetitions.

    Instances whose repetitions all failed appear with NaN numbers and their
    first error message, so tables can show them without plotting them.
    """
    valid = valid_rows(df)
    g = valid.groupby(INSTANCE, sort=True)
    ips = g["items_per_second"]
    summary = pd.DataFrame({
        "median": ips.median(), "min": ips.min(), "max": ips.max(),
        "q1": ips.quantile(0.25), "q3": ips.quantile(0.75),
        "mean": ips.mean(), "std": ips.std(ddof=1), "n": ips.count(),
    })
    summary["cv"] = summary["std"] / summary["mean"]
    for column in ["ns_per_item", "fairness", "lost"] + LATENCY_COLUMNS:
        summary[column] = g[column].median()
    summary = summary.reset_index()
    oversub = df.groupby(INSTANCE, sort=True)["oversubscribed"].any().rename("oversubscribed")
    errors = error_rows(df).groupby(INSTANCE, sort=True)["error"]
    error_info = pd.DataFrame({"error": errors.first(), "errors": errors.count()}).reset_index()
    out = oversub.reset_index().merge(summary, on=INSTANCE, how="left")
    out = out.merge(error_info, on=INSTANCE, how="left")
    out["error"] = out["error"].fillna("").astype(str)
    out["errors"] = out["errors"].fillna(0).astype("int64")
    out["n"] = out["n"].fillna(0).astype("int64")
    return out.sort_values(INSTANCE, kind="stable").reset_index(drop=True)
