"""Percentile distributions from the .hgrm files: HdrHistogram's plot.

x = 1/(1-percentile) on a log axis, ticked 50%, 90%, 99%, 99.9%, ...: each
"nine" gets the same width, so the tail, where queues and locks differ, is
as wide as the body. y = latency (log). One colour per line (impl), and one
thin line per round: rounds are separate processes, the unit of evidence,
and the reader sees at a glance whether they agree.

A figure holds panels that share the y axis (the loads of one open-loop
group, or the scenarios of one closed-loop benchmark), so that a tail
growing with load reads as a line climbing from panel to panel. Instances
that did not keep up are not drawn (their histogram holds a backlog, not a
latency) and are named under the panel, as are those without a file. A
figure without a single histogram to draw is not made at all.
"""
import math
from collections import Counter

from matplotlib.lines import Line2D
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

from . import figures
from ..core import hgrm, instance_name, schema
from .figures import Figure

NINES = [(2.0, "50%"), (10.0, "90%"), (100.0, "99%"), (1e3, "99.9%"), (1e4, "99.99%"),
         (1e5, "99.999%"), (1e6, "99.9999%")]
PANELS_PER_ROW = 4


class Panel:
    """One axes: a title and the instances (summary rows with `line` and
    with_latency's columns) whose histograms it draws."""

    def __init__(self, title, rows):
        self.title, self.rows = title, rows


def round_files(run_dir, rows, rounds_of):
    """(row, [(round, path)]) per instance row: the .hgrm files that exist
    for its rounds (rounds_of: instance key tuple -> rounds)."""
    for _, row in rows.iterrows():
        key = tuple(row[c] for c in schema.INSTANCE)
        paths = [(r, instance_name.hgrm_path(run_dir, row, r)) for r in rounds_of.get(key, [])]
        yield row, [(r, p) for r, p in paths if p.is_file()]


def distribution_figure(panels, run_dir, rounds_of, styles, title, latency_words):
    """The figure, or None when no panel has a histogram to draw."""
    loaded = [_load(panel, run_dir, rounds_of) for panel in panels]
    if not any(curves for curves, _ in loaded):
        return None
    columns = min(PANELS_PER_ROW, len(panels))
    rows = math.ceil(len(panels) / columns)
    fig = Figure(figsize=(1.2 + 3.7 * columns + 2.3, 0.9 + 3.6 * rows), dpi=figures.DPI)
    axes = fig.subplots(rows, columns, sharey=True, squeeze=False).ravel()
    x_max = max([c[2]["x"].max() for curves, _ in loaded for c in curves] + [NINES[2][0]])
    for ax, panel, (curves, notes) in zip(axes, panels, loaded):
        for label, _, table in curves:
            ax.plot(table["x"], table["value_us"], color=styles[label]["color"], lw=0.9,
                    alpha=0.85)
        ax.set_title(panel.title, fontsize=10)
        _percentile_axis(ax, x_max)
        ax.grid(True, which="major", alpha=0.3)
        if notes:
            ax.text(0.02, 0.98, "\n".join(notes), transform=ax.transAxes, va="top", fontsize=7.5,
                    color="0.3")
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    for ax in axes[::columns]:       # shared y: one unit, labelled on each row's first
        figures.log_duration_axis(ax.yaxis, latency_words, unit_ns=1000.0)
    fig.suptitle(title, fontsize=11)
    per_line = Counter((i, label) for i, (curves, _) in enumerate(loaded) for label, _, _ in curves)
    drawn_lines = {label for _, label in per_line}
    fig.legend(handles=_legend(drawn_lines, styles, max(per_line.values())), loc="center left",
               bbox_to_anchor=(1 - 2.2 / fig.get_figwidth(), 0.5), fontsize=9, frameon=False)
    fig.subplots_adjust(left=1.0 / fig.get_figwidth(), right=1 - 2.4 / fig.get_figwidth(),
                        top=1 - 0.95 / fig.get_figheight(), bottom=0.7 / fig.get_figheight(),
                        wspace=0.08, hspace=0.35)
    return fig


def _load(panel, run_dir, rounds_of):
    """([(line label, round, distribution table)], notes) of one panel."""
    curves, behind, missing = [], [], []
    for row, files in round_files(run_dir, panel.rows, rounds_of):
        if row["did_not_keep_up"]:
            behind.append(row["line"])
            continue
        if not files:
            missing.append(row["line"])
        for round_index, path in files:
            table = hgrm.read(path).distribution()
            if len(table):
                curves.append((row["line"], round_index, table))
    notes = []
    if behind:
        notes.append("did not keep up: " + ", ".join(sorted(set(behind))))
    if missing:
        notes.append("no .hgrm: " + ", ".join(sorted(set(missing))))
    return curves, notes


def _percentile_axis(ax, x_max):
    """Log x ticked at the nines the data reaches: 50%, 90%, 99%, ..."""
    ticks = [(x, text) for x, text in NINES if x <= x_max * 1.01]
    ax.set_xscale("log")
    ax.set_xlim(1.0, x_max * 1.6)
    ax.xaxis.set_major_locator(FixedLocator([x for x, _ in ticks]))
    ax.xaxis.set_major_formatter(FixedFormatter([text for _, text in ticks]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("percentile")


def _legend(labels, styles, rounds):
    handles = [Line2D([], [], color=styles[label]["color"], lw=2, label=label)
               for label in sorted(labels)]
    handles.append(Line2D([], [], color="0.2", lw=0.9,
                          label=f"thin lines: one per round\n(up to {rounds} per impl)"))
    return handles
