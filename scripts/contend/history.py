"""A machine's throughput over commits: recording runs and finding steps.

    results/history/<machine_id>.csv   one row per benchmark instance per run

`scripts/regress --record` appends a run (re-recording the same run_id
replaces its rows, so a retried CI job does not count twice);
`scripts/plot --history FILE` draws every benchmark over commits and marks
the steps found by `detect_steps`: an interactive page (history_page.py)
and a static PNG per benchmark. Only one machine per file: throughput from
two machines is not a trend.
"""
import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import figures, formatting, history_page, palette, report, results, schema, tables
from .cli import UsageError
from .figures import PLACEMENT_STYLE, Figure
from matplotlib.lines import Line2D

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

# Step detection defaults: a level change must be at least this large...
MIN_STEP = 0.10
# ...and this many robust noise sigmas (estimated from successive differences).
NOISE_SIGMAS = 4.0
# Runs on each side of a step: the median of three shrugs off one outlier run.
MIN_POINTS = 3


def default_history_dir():
    """results/history of the checkout these scripts belong to."""
    return Path(__file__).resolve().parents[2] / "results" / "history"


def history_rows(run):
    """The rows `record` appends for one run: one per instance, with its
    median (empty when every repetition failed) and its errors."""
    summary = results.instance_summary(run.df)
    stamp = run.df["timestamp_utc"].max() if (run.df["timestamp_utc"] != "").any() else ""
    return pd.DataFrame({
        "schema_version": schema.SCHEMA_VERSION, "machine_id": run.machine_id,
        "git_sha": run.git_sha, "run_id": run.run_id, "timestamp_utc": stamp,
        **{c: summary[c].to_numpy() for c in schema.INSTANCE},
        "oversubscribed": summary["oversubscribed"].to_numpy(),
        "median_items_per_second": summary["median"].to_numpy(),
        "repetitions": summary["n"].to_numpy(),
        "rounds": summary["rounds"].to_numpy(),
        "between_sd": summary["between_sd"].to_numpy(),
        "errors": summary["errors"].to_numpy(),
        "error": summary["error"].to_numpy(),
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


def history_figure(rows, position, labels, steps, colours, machine_id):
    threads = sorted(rows["threads"].unique())
    columns = min(3, len(threads))
    lines = math.ceil(len(threads) / columns)
    fig = Figure(figsize=(4.6 * columns + 2.2, 3.4 * lines + 0.8), dpi=figures.DPI)
    step_keys = {}
    for s in steps:
        step_keys.setdefault(tuple(s[c] for c in schema.INSTANCE), []).append(s)
    ticks = sorted(set(position.values()))
    every = max(1, len(ticks) // 12)    # at most ~12 labels: shas must stay readable
    for i, t in enumerate(threads):
        ax = fig.add_subplot(lines, columns, i + 1)
        panel = rows.loc[rows["threads"] == t]
        over = bool(panel["oversubscribed"].any())
        for key, series in panel.groupby(schema.INSTANCE, sort=True):
            instance = dict(zip(schema.INSTANCE, key))
            xs = [position[(a, b)] for a, b in zip(series["timestamp_utc"], series["run_id"])]
            ys = series["median_items_per_second"].to_numpy()
            colour = colours[instance["impl"]]
            ax.plot(xs, ys, color=colour, ls=PLACEMENT_STYLE.get(instance["placement"], ":"),
                    marker="o", ms=3, lw=1.4)
            for s in step_keys.get(key, []):
                k = xs.index(s["x"])
                ax.plot([xs[k]], [ys[k]], marker="v" if s["ratio"] < 1 else "^", ms=11,
                        color="red" if s["ratio"] < 1 else "green", mec="black", ls="")
                ax.axvline(xs[k] - 0.5, color="red" if s["ratio"] < 1 else "green",
                           lw=0.8, alpha=0.5)
        ax.set_yscale("log")
        ax.set_title(f"{t} workers" + (" (oversubscribed)" if over else ""), fontsize=10)
        if over:
            ax.set_facecolor((0.5, 0.5, 0.5, 0.12))
        ax.set_xticks(ticks[::every])
        ax.set_xticklabels(labels[::every] if every > 1 else [labels[x] for x in ticks],
                           rotation=60, fontsize=7)
        ax.set_ylabel("items/s (median)")
        ax.grid(True, alpha=0.3)
    first = rows.iloc[0]
    fig.suptitle(f"{figures.figure_title(*(first[k] for k in figures.FIGURE_KEY))} on {machine_id}: "
                 "throughput over commits (triangles: detected steps)", fontsize=11)
    handles = [Line2D([], [], color=colours[i], lw=2, label=i) for i in sorted(rows["impl"].unique())]
    handles += [Line2D([], [], color="0.2", ls=PLACEMENT_STYLE.get(p, ":"), label=f"{p} placement")
                for p in sorted(rows["placement"].unique())]
    handles += [Line2D([], [], color="red", marker="v", ls="", mec="black", label="step down"),
                Line2D([], [], color="green", marker="^", ls="", mec="black", label="step up")]
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
               fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def write_history_report(history_path, out_dir=None):
    """Figures + index.html for one history file; prints the steps; returns the HTML path."""
    history_path = Path(history_path)
    history = load_history(history_path)
    machine_id = history["machine_id"].iloc[0] or history_path.stem
    out = Path(out_dir) if out_dir else history_path.parent / history_path.stem / "report"
    out.mkdir(parents=True, exist_ok=True)
    position, labels = commits_axis(history)
    steps = all_steps(history)
    parts = [f"<p class=\"note\">{len(labels)} runs of {html.escape(str(machine_id))}, oldest first. "
             f"A step is a level change of at least {formatting.percent(MIN_STEP)} and "
             f"{NOISE_SIGMAS:g} noise sigmas, with at least {MIN_POINTS} runs on each side; a triangle marks the "
             "first run at the new level.</p>"]
    drawn = []
    for key, rows in figures.figure_groups(history):
        png = out / f"history-{figures.slug(*key)}.png"
        # Colours per figure, from the impls it holds (the interactive figure's too).
        colours = {impl: style.colour for impl, style in palette.styles_for(rows["impl"]).items()}
        history_figure(rows, position, labels, steps, colours, machine_id).savefig(
            png, bbox_inches="tight")
        drawn.append((key, history_page.history_figure(rows, position, labels, steps), png))
    index = history_page.write_page(out, machine_id, parts[0], steps_table(steps), drawn)
    print_steps(steps)
    return index


STEP_HEADER = ["family", "benchmark", "params", "impl", "mode", "placement", "workers",
               "first run at new level", "ratio", "change"]


def _step_row(s):
    return [s["family"], s["benchmark"], s["params"], s["impl"], s["mode"], s["placement"],
            str(s["threads"]) + (" (oversub)" if s["oversubscribed"] else ""), s["sha"],
            formatting.ratio(s["ratio"]), formatting.percent_change(s["ratio"])]


def steps_table(steps):
    if not steps:
        return '<h2 id="steps">Steps</h2><p>No step detected.</p>'
    return '<h2 id="steps">Steps</h2>\n' + report.html_table(STEP_HEADER, [_step_row(s) for s in steps])


def print_steps(steps):
    if not steps:
        print("history: no step detected")
        return
    print(f"history: {len(steps)} step(s) detected")
    print(tables.text_table(STEP_HEADER, [_step_row(s) for s in steps]))
