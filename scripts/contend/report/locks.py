"""Locks against critical-section length: throughput, p99 wait, hand-over.

Critical-section rows (params with `cs_ns` and `think_ns`) hold a lock for
cs_ns and then work outside it for think_ns. One figure per family, mode and
placement, at full load (the most workers that still have a PU each: where
locks differ most, short of the scheduler's own stalls; the throughput
figures beside it show every worker count). Small multiples: a column per
think_ns, rows sharing their y axis:

  * throughput (acquisitions per second, log) with its 95% band across rounds;
  * p99 acquire wait (log): from asking for the lock to holding it;
  * hand-over p50 (log), where measured: from one holder's release to the
    next waiter's acquisition (a lock without waiters to hand to, such as a
    CAS loop, has none).

x = cs_ns, one evenly spaced position per measured length (0 has no place on
a log axis, and the lengths are decades apart anyway). A line per impl.
"""
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import figures
from ..core import latency, scaling
from .figures import Figure

CS, THINK = "cs_ns", "think_ns"
GROUP = ["family", "benchmark", "mode", "placements"]


def critical_section_rows(summary):
    """Instances with cs_ns and think_ns, as measured, with both as numbers."""
    rows = summary.loc[latency.has_param(summary, CS) & latency.has_param(summary, THINK)]
    if "measured_placement" in rows.columns:
        rows = rows.loc[rows["placement"] == rows["measured_placement"]]
    return rows.assign(cs=[float(latency.param(p, CS)) for p in rows["params"]],
                       think=[float(latency.param(p, THINK)) for p in rows["params"]])


def groups(rows):
    """(key dict, rows at full load) per figure, families in schema order."""
    at_full_load = scaling.full_load(rows, GROUP)
    ordered = sorted(at_full_load.groupby(GROUP, sort=True),
                     key=lambda item: (figures.family_rank(item[0][0]), item[0]))
    for key, group in ordered:
        yield dict(zip(GROUP, key), threads=int(group["threads"].max())), group


def slug(key):
    return figures.slug(key["family"], key["benchmark"], "locks", f"t{key['threads']}",
                        key["placements"], key["mode"])


def lock_figure(rows, styles, key, machine_label):
    """The figure of one group; rows carry `line` and with_latency's columns."""
    measured = rows.loc[rows["median"].notna()]
    panels = _panel_rows(measured)
    thinks = sorted(rows["think"].unique())
    lengths = sorted(rows["cs"].unique())
    fig = Figure(figsize=(1.4 + 3.4 * len(thinks) + 2.2, 0.9 + 2.7 * len(panels)),
                 dpi=figures.DPI)
    axes = fig.subplots(len(panels), len(thinks), sharey="row", sharex=True, squeeze=False)
    position = {cs: i for i, cs in enumerate(lengths)}
    for j, think in enumerate(thinks):
        for (column, _), ax in zip(panels, axes[:, j]):
            for label, line in measured.loc[measured["think"] == think].groupby("line"):
                line = line.sort_values("cs")
                if not line[column].notna().any():
                    continue          # a lock without hand-overs: no line at all
                x = [position[cs] for cs in line["cs"]]
                ax.plot(x, line[column], lw=1.6, ms=5, **styles[label])
                if column == "median":
                    ax.fill_between(x, line["ci_low"].fillna(line["median"]),
                                    line["ci_high"].fillna(line["median"]),
                                    color=styles[label]["color"], alpha=0.12, lw=0)
            ax.grid(True, which="major", alpha=0.3)
        axes[0, j].set_title(f"think {figures.duration_text(think)} between acquisitions",
                             fontsize=10)
        axes[-1, j].set_xticks(range(len(lengths)))
        axes[-1, j].set_xticklabels([figures.duration_text(cs) for cs in lengths])
        axes[-1, j].set_xlabel("critical section (cs_ns)")
        axes[-1, j].set_xlim(-0.3, len(lengths) - 0.7)
    for (column, label), row_axes in zip(panels, axes):
        if column == "median":
            row_axes[0].set_yscale("log")
        else:
            figures.log_duration_axis(row_axes[0].yaxis, label)
            label = row_axes[0].get_ylabel()
        row_axes[0].set_ylabel(label, fontsize=9)
    fig.suptitle(f"{key['family']} / {key['benchmark']}: locks against critical-section length "
                 f"on {machine_label}\n{key['threads']} workers (full load), {key['placements']}, "
                 f"{key['mode']} mode{_notes(rows)}", fontsize=11)
    fig.legend(handles=_legend(measured, styles), loc="center left",
               bbox_to_anchor=(1 - 2.1 / fig.get_figwidth(), 0.5), fontsize=9, frameon=False)
    fig.subplots_adjust(left=1.1 / fig.get_figwidth(), right=1 - 2.3 / fig.get_figwidth(),
                        top=1 - 0.85 / fig.get_figheight(), bottom=0.7 / fig.get_figheight(),
                        wspace=0.08, hspace=0.12)
    return fig


def _panel_rows(measured):
    """(column, y label) per row of panels: hand-over only where measured."""
    of = latency.describe(next((v for v in measured["latency_of"] if v), "acquire_wait"))
    panels = [("median", "acquisitions/s (log)"),
              ("p99_ns", f"p99 {of}")]
    if measured["handover_p50_ns"].notna().any():
        panels.append(("handover_p50_ns", "p50 hand-over"))
    return panels


def _notes(rows):
    errors = int(rows["errors"].sum())
    return f" — {errors} error row{'s' if errors != 1 else ''} not drawn" if errors else ""


def _legend(measured, styles):
    handles = [Line2D([], [], lw=2, label=label, **styles[label])
               for label in sorted(measured["line"].unique())]
    handles.append(Patch(color="0.2", alpha=0.12, lw=0, label="95% CI across rounds"))
    return handles
