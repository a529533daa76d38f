"""Open-loop queue latency against offered load: the hockey stick.

Open-loop rows (params with `load_pct`) send items on a fixed schedule, and
their latency counts from each item's intended send time, so a queue that
falls behind cannot hide its backlog. Against the offered load the latency
stays flat while the queue has slack and then bends up sharply near its
capacity: the hockey stick. Where it bends is the queue's usable capacity
for a latency budget, which throughput alone does not show.

One figure per family, wait mode and shape (everything in the instance but
impl, capacity and load): x = offered load (load_pct, linear 0-100%), y =
latency (log), p50 solid and p99 dashed, a colour and marker per line
(latency_style). A value is the instance's median over its rounds
(latency.with_latency). A load an impl did not keep up with has no latency
to draw: it gets an x in the impl's colour on the top edge instead.
"""
from matplotlib.lines import Line2D

from . import figures
from ..core import latency
from .figures import Figure

LOAD = "load_pct"
# Parameters that vary within one figure: the load along x, the capacity per line.
WITHIN_FIGURE = (LOAD, "capacity")
GROUP = ["family", "benchmark", "mode", "placements", "producers", "consumers", "threads",
         "scenario"]
CURVES = [("p50_ns", "-", "p50"), ("p99_ns", "--", "p99")]


def open_loop_rows(summary):
    """The instances with a `load_pct`, as measured (one row per map), with
    `load` (a number) and `scenario` (the params but load and capacity)."""
    rows = summary.loc[latency.has_param(summary, LOAD)]
    if "measured_placement" in rows.columns:
        rows = rows.loc[rows["placement"] == rows["measured_placement"]]
    return rows.assign(
        load=[float(latency.param(p, LOAD)) for p in rows["params"]],
        scenario=[latency.params_without(p, WITHIN_FIGURE) for p in rows["params"]])


def groups(rows):
    """(key dict, rows) per figure, families in schema order."""
    ordered = sorted(rows.groupby(GROUP, sort=True),
                     key=lambda item: (figures.family_rank(item[0][0]), item[0]))
    for key, group in ordered:
        yield dict(zip(GROUP, key)), group


def describe_group(key):
    """'[payload=8;wait=spin] 1p1c, 2 workers, compact, thread mode': a
    title's second line."""
    scenario = f"[{key['scenario']}] " if key["scenario"] else ""
    over = " (oversubscribed)" if key.get("oversubscribed") else ""
    return (f"{scenario}{key['producers']}p{key['consumers']}c, {key['threads']} workers{over}, "
            f"{key['placements']}, {key['mode']} mode")


def slug(key, kind):
    return figures.slug(key["family"], key["benchmark"], kind, key["scenario"],
                        f"p{key['producers']}c{key['consumers']}", f"t{key['threads']}",
                        key["placements"], key["mode"])


def hockey_figure(rows, styles, key, machine_label):
    """The figure of one group; rows carry `line`, `load` and with_latency's columns."""
    fig = Figure(figsize=(9.6, 5.2), dpi=figures.DPI)
    ax = fig.add_subplot(1, 1, 1)
    measured = rows.loc[rows["median"].notna()]
    behind = []
    for label, line in measured.groupby("line", sort=True):
        line = line.sort_values("load")
        style = styles[label]
        for column, dash, _ in CURVES:
            ax.plot(line["load"], latency.drawable(line, column), ls=dash, lw=1.6, ms=5,
                    mfc=style["color"] if dash == "-" else "white", **style)
        behind += [(label, load) for load in line.loc[line["did_not_keep_up"], "load"]]
    loads = sorted(rows["load"].unique())
    _load_axis(ax, loads)
    _mark_behind(ax, behind, styles, loads)
    ax.grid(True, which="major", alpha=0.3)
    if not _any_latency(measured):
        # Nothing kept up: only x marks, and a log axis needs a positive
        # range of its own (1 us to 10 ms, where queue latencies live).
        ax.set_ylim(1e3, 1e7)
    figures.log_duration_axis(ax.yaxis, latency.describe(_latency_of(measured)))
    ax.set_title("p50 solid, p99 dashed; median over rounds", fontsize=10)
    fig.suptitle(f"{key['family']} / {key['benchmark']}: latency against offered load on "
                 f"{machine_label}\n{describe_group(key)}{_notes(rows, behind)}", fontsize=11)
    fig.legend(handles=_legend(measured, styles, bool(behind)), loc="center left",
               bbox_to_anchor=(0.8, 0.5), fontsize=9, frameon=False)
    fig.subplots_adjust(left=0.1, right=0.78, top=0.84, bottom=0.12)
    return fig


def _any_latency(rows):
    return any((latency.drawable(rows, column) > 0).any() for column, _, _ in CURVES)


def _latency_of(rows):
    values = [v for v in rows["latency_of"] if v]
    return values[0] if values else ""


def _load_axis(ax, loads):
    ax.set_xlim(0, 100)
    ax.set_xticks(loads)
    ax.set_xticklabels([f"{load:g}%" for load in loads])
    ax.set_xlabel("offered load (load_pct)")


def _mark_behind(ax, behind, styles, loads):
    """An x per (line, load) that did not keep up, on the top edge; lines
    sharing a load sit side by side around it rather than on one spot."""
    spread = 2.0 if len(loads) < 2 else min(2.0, min(b - a for a, b in zip(loads, loads[1:])) / 8)
    by_load = {}
    for label, load in behind:
        by_load.setdefault(load, []).append(label)
    for load, labels in by_load.items():
        for i, label in enumerate(sorted(labels)):
            x = load + (i - (len(labels) - 1) / 2) * spread
            ax.plot([x], [1.0], transform=ax.get_xaxis_transform(), ls="", marker="x", ms=9,
                    mew=2.2, color=styles[label]["color"], clip_on=False, zorder=6)


def _notes(rows, behind):
    errors = int(rows["errors"].sum())
    note = f" — {errors} error row{'s' if errors != 1 else ''} not drawn" if errors else ""
    if behind:
        note += f" — {len(behind)} did not keep up (x)"
    return note


def _legend(measured, styles, behind):
    handles = [Line2D([], [], lw=2, label=label, **styles[label])
               for label in sorted(measured["line"].unique())]
    handles += [Line2D([], [], color="0.2", ls=dash, lw=1.6, label=name)
                for _, dash, name in CURVES]
    if behind:
        handles.append(Line2D([], [], color="0.2", ls="", marker="x", ms=9, mew=2.2,
                              label="did not keep up\n(no latency; x on the top edge)"))
    return handles
