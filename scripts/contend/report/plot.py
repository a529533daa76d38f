"""scripts/plot: a report per run, or the history of a machine.

    scripts/plot RUN_DIR|results.csv [--out DIR]
    scripts/plot --history results/history/<machine_id>.csv [--out DIR]

The page (run_page.py) shows interactive figures per family and benchmark
(family_figures.py). Beside it, one static PNG per (family, benchmark,
params, mode) for CI artifacts and the README: throughput against workers
(log2 x, log y, in the family's unit from units.py; colours per figure from
palette.py, compact solid, scatter dashed, the median line inside a band, the
oversubscribed region shaded), scaling efficiency beside it and, where
measured, latency percentiles below. Error rows are never drawn; the
report's tables show them.

The band is the instance's 95% interval across rounds (ci_low..ci_high): the
range the next run's median would plausibly land in. A run with one round
per instance (schema version 1) has no such interval; there the band falls
back to the repetitions' min..max and the axis label says so. Unstable
instances (rounds disagreeing beyond their own noise) get a large x in every
panel. Lines are drawn from instance_summary.expand_placements, so a worker->PU map
that compact and scatter share appears on both lines and neither has a gap.

Runs with latency rows also get latency_figures.py's pictures (hockey sticks,
percentile distributions from the .hgrm files, locks against critical-section
length); open-loop rows get those instead of a throughput figure. Latency
numbers everywhere are medians over rounds (latency.with_latency).
"""
import sys
from pathlib import Path

import pandas as pd

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..core import instance_summary, ranking, results, scaling, schema, units
from ..core.args import Parser
from ..core.cli import UsageError, run_main
from ..core.latency import describe as describe_latency, with_latency
from . import (calibration_figures, chatlog_figures, figures, history_page, latency_figures,
               palette, run_page, server_figures)
from .figures import PLACEMENT_STYLE, SHADE, Figure

ROLE_MARKERS = ["o", "s", "^", "v", "D", "P"]
PERCENTILES = [("p50_ns", "p50"), ("p99_ns", "p99"), ("p999_ns", "p99.9")]


def run_figure(rows, machine_label):
    """The static figure for one (family, benchmark, params, mode); rows =
    summary rows. Colours and markers are palette's for the impls it holds."""
    colours = {name: s.colour for name, s in palette.styles_for(rows["impl"]).items()}
    latency = [(c, name) for c, name in PERCENTILES if rows[c].notna().any()]
    fig = Figure(figsize=(12, 8.2 if latency else 4.4), dpi=figures.DPI)
    grid = fig.add_gridspec(2 if latency else 1, 6, hspace=0.45, wspace=1.4)
    ax_tp = fig.add_subplot(grid[0, 0:3])
    ax_eff = fig.add_subplot(grid[0, 3:6])
    latency_axes = [(fig.add_subplot(grid[1, 2 * i:2 * i + 2]), c, name)
                    for i, (c, name) in enumerate(latency)]
    all_axes = [ax_tp, ax_eff] + [a for a, _, _ in latency_axes]

    measured = rows.loc[rows["median"].notna()]
    for ax in all_axes:
        figures.log2_workers_axis(ax, rows["threads"])
        ax.grid(True, which="major", alpha=0.3)
    roles = sorted(r for r in measured["roles"].unique() if r)
    role_marker = {r: ROLE_MARKERS[i % len(ROLE_MARKERS)] for i, r in enumerate(roles)}

    band = band_columns(measured)
    for key, line in scaling.line_groups(measured):
        style = dict(color=colours[key["impl"]], ls=PLACEMENT_STYLE.get(key["placement"], ":"),
                     marker=role_marker.get(key["roles"], "o"), ms=3.5, lw=1.6)
        x = line["threads"].to_numpy()
        ax_tp.plot(x, line["median"].to_numpy(), **style)
        low, high = _band(line, band)
        ax_tp.fill_between(x, low, high, color=style["color"], alpha=0.12, lw=0)
        ax_eff.plot(x, line["efficiency"].to_numpy(), **style)
        for ax, column, _ in latency_axes:
            if line[column].notna().any():
                ax.plot(x, line[column].to_numpy(), **style)
        mark_unstable(line, style["color"], [(ax_tp, "median"), (ax_eff, "efficiency")]
                      + [(ax, column) for ax, column, _ in latency_axes])

    ax_tp.set_yscale("log")
    unit = units.rate(rows["family"].iloc[0], rows["benchmark"].iloc[0])
    ax_tp.set_ylabel(f"{unit} (median; band = {BAND_LABEL[band]})")
    ax_tp.set_title("throughput")
    ax_eff.axhline(1.0, color="0.3", lw=0.8, ls=":")
    ax_eff.set_ylim(bottom=0)
    ax_eff.set_ylabel("X(N) / (N/N0 x X(N0))")
    ax_eff.set_title("scaling efficiency (1 = linear)")
    of = describe_latency(next((v for v in rows.get("latency_of", []) if v), ""))
    for ax, _, name in latency_axes:
        ax.set_yscale("log")
        ax.set_ylabel("ns (median over rounds)")
        ax.set_title(f"{name} {of}")

    oversub = sorted(set(rows.loc[rows["oversubscribed"], "threads"]))
    inside = sorted(set(rows.loc[~rows["oversubscribed"], "threads"]))
    shaded = any([figures.shade_oversubscribed(ax, inside, oversub) for ax in all_axes])

    errors = int(rows["errors"].sum())
    note = f" — {errors} error row{'s' if errors != 1 else ''} not drawn" if errors else ""
    flagged = int(measured.loc[_measured_once(measured), "unstable"].sum())
    note += f" — {flagged} unstable (x)" if flagged else ""
    first = rows.iloc[0]
    title = figures.figure_title(*(first[k] for k in figures.FIGURE_KEY))
    fig.suptitle(f"{title} on {machine_label}{note}", fontsize=12)
    # Outside the axes, right of them: a legend never covers a data point.
    unstable = bool(measured["unstable"].any())
    fig.legend(handles=legend_handles(measured, colours, role_marker, shaded, unstable, band),
               loc="center left", bbox_to_anchor=(0.91, 0.5), fontsize=9, frameon=False)
    fig.subplots_adjust(left=0.07, right=0.9, top=0.88 if latency else 0.8, bottom=0.12)
    return fig


# Which columns span the band, and how the legend and axis name them.
BAND_LABEL = {("ci_low", "ci_high"): "95% CI across rounds",
              ("min", "max"): "min-max of repetitions (1 round)"}


def band_columns(rows):
    """(ci_low, ci_high) when the figure's instances have an interval across
    rounds; else (min, max) over repetitions, for single-round (v1) runs."""
    if rows["ci_low"].notna().any():
        return ("ci_low", "ci_high")
    return ("min", "max")


def _band(line, band):
    """The band's ends; a point without an interval (one round in a
    multi-round run) collapses to its median rather than leaving a hole."""
    if band == ("min", "max"):
        return line["rep_min"].to_numpy(), line["rep_max"].to_numpy()
    low = line["ci_low"].fillna(line["median"]).to_numpy()
    high = line["ci_high"].fillna(line["median"]).to_numpy()
    return low, high


def mark_unstable(line, colour, axes_columns):
    """A large x on every unstable point of a line, in every panel."""
    flagged = line.loc[line["unstable"]]
    if not len(flagged):
        return
    for ax, column in axes_columns:
        values = flagged[column]
        keep = values.notna().to_numpy()
        ax.plot(flagged["threads"].to_numpy()[keep], values.to_numpy()[keep], ls="", marker="x",
                ms=9, mew=1.8, color=colour, zorder=5)


def _measured_once(rows):
    if "measured_placement" not in rows.columns:
        return rows["placement"] == rows["placement"]
    return rows["placement"] == rows["measured_placement"]


def legend_handles(measured, colours, role_marker, shaded, unstable=False, band=("min", "max")):
    """One entry per impl (colour), per placement (line style), per role split
    (marker), the band, the unstable mark and the shading: the legend
    explains every encoding once."""
    handles = [Line2D([], [], color=colours[i], lw=2, label=i)
               for i in sorted(measured["impl"].unique())]
    for placement in sorted(measured["placement"].unique()):
        handles.append(Line2D([], [], color="0.2", ls=PLACEMENT_STYLE.get(placement, ":"),
                              label=f"{placement} placement"))
    handles += [Line2D([], [], color="0.2", marker=m, ls="", label=r)
                for r, m in role_marker.items()]
    handles.append(Patch(color="0.2", alpha=0.12, lw=0, label=f"band: {BAND_LABEL[band]}"))
    if unstable:
        handles.append(Line2D([], [], color="0.2", marker="x", ms=9, mew=1.8, ls="",
                              label="unstable (rounds disagree)"))
    if shaded:
        handles.append(Patch(label="oversubscribed\n(more workers than PUs)", **SHADE))
    return handles


def run_summary(run, summary=None):
    """Per-instance statistics, one row per placement each stands for
    (ranking.expand keeps the measured one), with line roles, scaling
    efficiency and the repetitions' min/max (the band of single-round runs)."""
    summary = instance_summary.of(run) if summary is None else summary
    summary = summary.merge(repetition_range(run.df), on=schema.INSTANCE, how="left")
    expanded = scaling.with_roles(ranking.expand(summary))
    return expanded.assign(efficiency=scaling.scaling_efficiency(expanded))


def repetition_range(df):
    """rep_min / rep_max per instance over valid repetitions. instance_summary's
    min/max are over round medians: with one round they collapse onto the
    median, so a single-round run's band needs these."""
    g = results.valid_rows(df).groupby(schema.INSTANCE, sort=True)["items_per_second"]
    return pd.DataFrame({"rep_min": g.min(), "rep_max": g.max()}).reset_index()


def with_counters(summary, df):
    """summary + the v4 counters of run_page.COUNTER_COLUMNS present in df,
    each the instance's median over rounds (absent columns stay absent)."""
    columns = [c for c in run_page.COUNTER_COLUMNS if c in df.columns and df[c].notna().any()]
    if not columns:
        return summary
    medians = instance_summary.instance_column_medians(df, columns)
    return summary.drop(columns=[c for c in columns if c in summary.columns]).merge(
        medians, on=schema.INSTANCE, how="left")


def write_run_report(run, out_dir):
    """All figures + index.html for one run; returns the HTML path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    per_instance = with_counters(with_latency(instance_summary.of(run), run.df), run.df)
    summary = run_summary(run, per_instance)
    drawn = []
    for key, rows in figures.figure_groups(summary):
        if not rows["median"].notna().any():
            continue     # every repetition failed: nothing to draw, the table says why
        if rows["open_loop_reps"].any():
            continue     # throughput = the offered load: the hockey stick draws these
        if key[0] == "calibration":
            continue     # one point per PU pair: the heatmap draws these
        if key[0] == server_figures.FAMILY:
            continue     # x is connections, not threads: server_figures draws these
        png = out_dir / f"{figures.slug(*key)}.png"
        run_figure(rows, run.label).savefig(png, bbox_inches="tight")
        drawn.append((dict(zip(figures.FIGURE_KEY, key)), png))
    # These three have interactive twins on the page: their PNGs are linked.
    drawn += linked(calibration_figures.draw(run.machine, out_dir, run.label))
    drawn += linked(server_figures.draw(per_instance, out_dir, run.label))
    drawn += latency_figures.draw(
        run, per_instance.loc[per_instance["family"] != "calibration"], out_dir)
    drawn += linked(chatlog_figures.draw(run, out_dir))
    extra = {"calibration": calibration_figures.interactive(run.machine),
             "server": server_figures.interactive(per_instance),
             "chatlog": chatlog_figures.interactive(per_instance)}
    evidence = ranking.RoundSamples.of(run)
    return run_page.write_run_html(run, summary, drawn, out_dir / "index.html", evidence,
                                 extra_figures=extra)


def linked(drawn):
    """Static pictures listed as links, not shown: without a heading the
    report links a PNG (its interactive twin is what the page shows)."""
    return [({k: v for k, v in key.items() if k != "heading"}, png) for key, png in drawn]


def main(argv):
    parser = Parser(prog="plot", description="Plots a contend run (report/index.html "
                           "+ PNGs) or a machine's history.")
    parser.add_argument("run", nargs="?", help="run folder or results.csv")
    parser.add_argument("--history", metavar="CSV",
                        help="plot results/history/<machine_id>.csv instead of a run")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default: RUN/report; for --history, "
                             "<history dir>/<machine_id>/report)")
    args = parser.parse_args(argv)
    if args.history:
        if args.run:
            raise UsageError("give either a run or --history, not both")
        index = history_page.write_history_report(args.history, args.out)
    else:
        if not args.run:
            raise UsageError("a run folder or results.csv is required")
        run = results.load_run(args.run)
        index = write_run_report(run, Path(args.out) if args.out else run.run_dir / "report")
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(run_main("plot", main))
