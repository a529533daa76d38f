"""A machine's throughput over commits: the history file, recorded and read.

    results/history/<machine_id>.csv   one row per benchmark instance per run

`scripts/regress --record` appends a run (re-recording the same run_id
replaces its rows, so a retried CI job does not count twice);
`scripts/regress --baseline-history K` reads the last K runs back as its
baseline; `scripts/plot --history FILE` draws every benchmark over commits
and marks the steps steps.py finds. Only one machine per file: throughput
from two machines is not a trend.
"""
from pathlib import Path

import pandas as pd

from ..core import instance_summary, repo, results, schema, slowdown
from ..core.cli import UsageError

# The columns every history file has (the first version wrote only these).
BASE_COLUMNS = (["schema_version", "machine_id", "git_sha", "run_id", "timestamp_utc"]
                + schema.INSTANCE + ["oversubscribed", "median_items_per_second",
                                      "repetitions"])
# Added for scripts/regress --baseline-history: rounds behind the median,
# their spread, and the instance's errors (so a recorded error is not "new").
# Older files lack them and read as empty.
EXTRA_COLUMNS = ["rounds", "between_sd", "errors", "error"]
HISTORY_COLUMNS = BASE_COLUMNS + EXTRA_COLUMNS
ORDER = ["timestamp_utc", "run_id"]


def default_history_dir():
    """results/history of the checkout these scripts belong to."""
    return repo.ROOT / "results" / "history"


def history_rows(run):
    """The rows `record` appends for one run: one per instance, with its
    median (empty when every repetition failed) and its errors."""
    per_instance = instance_summary.of(run)
    stamp = run.df["timestamp_utc"].max() if (run.df["timestamp_utc"] != "").any() else ""
    return pd.DataFrame({
        "schema_version": schema.SCHEMA_VERSION, "machine_id": run.machine_id,
        "git_sha": run.git_sha, "run_id": run.run_id, "timestamp_utc": stamp,
        **{c: per_instance[c].to_numpy() for c in schema.INSTANCE},
        "oversubscribed": per_instance["oversubscribed"].to_numpy(),
        "median_items_per_second": per_instance["median"].to_numpy(),
        "repetitions": per_instance["n"].to_numpy(),
        "rounds": per_instance["rounds"].to_numpy(),
        "between_sd": per_instance["between_sd"].to_numpy(),
        "errors": per_instance["errors"].to_numpy(),
        "error": per_instance["error"].to_numpy(),
    }, columns=HISTORY_COLUMNS)


def history_path(machine_id, history_dir=None):
    """<history_dir or results/history>/<machine_id>.csv"""
    if not machine_id or machine_id == "mixed":
        raise UsageError("the run has no single machine_id: no history to use")
    directory = Path(history_dir) if history_dir else default_history_dir()
    return directory / f"{machine_id}.csv"


def record(run, history_dir=None):
    """Appends `run` to <history_dir>/<machine_id>.csv; returns (path, rows added)."""
    machine_id = run.machine_id
    if not machine_id or machine_id == "mixed":
        raise UsageError(f"{run.csv_path}: cannot record: no single machine_id in the run")
    if not run.run_id or run.run_id == "mixed":
        raise UsageError(f"{run.csv_path}: cannot record: no single run_id in the run")
    # A history is every later run's baseline: a test-only slowed run stays out.
    slowdown.refuse_as_baseline(run, "cannot record: run")
    if results.emulated(run.machine):
        raise UsageError(f"{run.csv_path}: an emulated run checks that the plan runs, it "
                         "measures nothing; history refuses it")
    path = history_path(machine_id, history_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = history_rows(run)
    new = rows.astype(str).replace({"nan": ""})
    if path.exists():
        old = read_history_text(path)
        old = old.loc[old["run_id"] != run.run_id]
        new = pd.concat([old, new], ignore_index=True)
    # Write beside the target and rename: an interrupted write never leaves
    # half a history behind.
    partial = path.with_name(path.name + ".partial")
    new.to_csv(partial, index=False)
    partial.replace(path)
    return path, len(rows)


def read_history_text(path):
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such history file")
    df = results.read_csv_text(path, "history")
    missing = [c for c in BASE_COLUMNS if c not in df.columns]
    if missing:
        raise UsageError(f"{path}: not a contend history file (missing {', '.join(missing)})")
    for column in EXTRA_COLUMNS:          # an older file: the new columns read as empty
        if column not in df.columns:
            df[column] = ""
    return df


def typed(df, path):
    """History text rows with numbers and flags typed; UsageError when unusable.
    Rows of instances that only failed (no median, errors > 0) are kept."""
    failed_only = (df["median_items_per_second"] == "") & (
        pd.to_numeric(df["errors"], errors="coerce").fillna(0) > 0)
    out = df.assign(
        threads=pd.to_numeric(df["threads"], errors="coerce"),
        producers=pd.to_numeric(df["producers"], errors="coerce"),
        consumers=pd.to_numeric(df["consumers"], errors="coerce"),
        median_items_per_second=pd.to_numeric(df["median_items_per_second"], errors="coerce"),
        errors=pd.to_numeric(df["errors"], errors="coerce").fillna(0).astype("int64"),
        oversubscribed=df["oversubscribed"].str.lower().isin(["true", "1", "yes"]))
    if out["threads"].isna().any() or (out["median_items_per_second"].isna() & ~failed_only).any():
        raise UsageError(f"{path}: non-numeric threads or median_items_per_second")
    out = out.astype({"threads": "int64", "producers": "int64", "consumers": "int64"})
    return out.sort_values(ORDER, kind="stable").reset_index(drop=True)


def last_runs(df, k, exclude=""):
    """The run ids of the k most recent recorded runs (oldest first), leaving
    out `exclude` (the candidate itself, when it was recorded already)."""
    runs = df.loc[df["run_id"] != exclude, ORDER].drop_duplicates("run_id", keep="last")
    return list(runs.sort_values(ORDER, kind="stable")["run_id"])[-k:]


def load_history(path):
    """The history as typed rows sorted by time, only instances with a
    median (what can be drawn); UsageError when unusable."""
    df = read_history_text(path)
    if not len(df):
        raise UsageError(f"{path}: no rows, only a header")
    rows = typed(df, path)
    return rows.loc[rows["median_items_per_second"].notna()].reset_index(drop=True)
