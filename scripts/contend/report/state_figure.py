"""The machine's states, seen by the state probe: throughput against the
core-to-core round trip each process found (issue 21).

    PYTHONPATH=scripts /usr/bin/python3 -m contend.report.state_figure RUN... --out FILE.png
                       [--impls A,B] [--benchmarks throughput,pingpong]

One panel per instance (up to 4: the instances of --impls and --benchmarks
with the most probed processes), one point per process: x = the process's
state_probe_ns (run/state_probe.py), y = its median throughput over its
repetitions, both on log scales. Where the machine switches between modes,
the points fall into clusters along both axes at once: the probe separates
the modes the throughput shows. Runs without state_probe.csv add nothing.
"""
import sys
from pathlib import Path

import pandas as pd

from ..core import results, schema
from ..core.args import Parser, name_list
from ..core.cli import EXIT_OK, UsageError, run_main
from .figures import DPI, Figure

PROBE_FILE = "state_probe.csv"
MAX_PANELS = 4


def processes(run_dir):
    """One row per probed process: instance key, round, probe, median items/s."""
    run = results.load_run(run_dir)
    path = Path(run.run_dir) / PROBE_FILE
    if not path.is_file():
        return pd.DataFrame()
    probes = pd.read_csv(path, dtype={"params": str}, keep_default_na=False)
    probes["state_probe_ns"] = pd.to_numeric(probes["state_probe_ns"], errors="coerce")
    probes = probes.dropna(subset=["state_probe_ns"])
    df = run.df.loc[run.df["error"] == ""]
    keys = schema.INSTANCE + ["round"]
    medians = df.groupby(keys, dropna=False)["items_per_second"].median().reset_index()
    for c in keys:
        probes[c] = probes[c].astype(medians[c].dtype)
    return probes.merge(medians, on=keys)


def label(row):
    """A panel's title (row: a pandas Series; its `mode` is Series.mode, so by key)."""
    roles = f" {row['producers']}p/{row['consumers']}c" if row["producers"] or row["consumers"] else ""
    params = f" [{row['params']}]" if row["params"] else ""
    return f"{row['family']}/{row['benchmark']}/{row['impl']}{params} {row['mode']} x{row['threads']}{roles}"


def figure(frame):
    """The figure: one panel per instance, throughput against the probe."""
    groups = sorted(frame.groupby(schema.INSTANCE, dropna=False), key=lambda g: -len(g[1]))[:MAX_PANELS]
    cols = min(2, len(groups))
    rows = -(-len(groups) // cols)
    fig = Figure(figsize=(6.0 * cols, 4.2 * rows), dpi=DPI)
    for i, (_, g) in enumerate(groups, 1):
        ax = fig.add_subplot(rows, cols, i)
        ax.scatter(g["state_probe_ns"], g["items_per_second"], s=18, alpha=0.7)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("core-to-core round trip this process found (ns)")
        ax.set_ylabel("items/s (median of the process)")
        ax.set_title(label(g.iloc[0]), fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    fig.suptitle(f"Machine states: {len(frame)} processes, throughput vs the state probe",
                 fontsize=10)
    fig.tight_layout()
    return fig


def select(frame, impls, benchmarks):
    if impls:
        frame = frame.loc[frame["impl"].isin(impls)]
    if benchmarks:
        frame = frame.loc[frame["benchmark"].isin(benchmarks)]
    return frame


def main(argv):
    p = Parser(prog="state_figure", description="Throughput against the state probe, per process.")
    p.add_argument("runs", nargs="+", metavar="RUN", help="run folders (with state_probe.csv)")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.add_argument("--impls", type=name_list, metavar="A,B")
    p.add_argument("--benchmarks", type=name_list, metavar="A,B")
    args = p.parse_args(argv)
    frames = [processes(r) for r in args.runs]
    frame = select(pd.concat([f for f in frames if len(f)] or [pd.DataFrame()]), args.impls,
                   args.benchmarks)
    if not len(frame):
        raise UsageError("no probed process among the runs (no state_probe.csv, or nothing selected)")
    figure(frame).savefig(args.out)
    print(f"state_figure: {len(frame)} processes -> {args.out}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(run_main("state_figure", main))
