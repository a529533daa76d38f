"""The run report's interactive figures (plotly), per family and benchmark.

For each (family, benchmark) of closed-loop rows with a number:

  * **scaling**: small multiples, a panel per params, thread and process
    mode side by side (one column each where both ran; params wrap into
    three columns where one mode did), y shared along a row. One line per
    impl and placement (compact solid, scatter dashed), the 95% interval
    across rounds as whiskers, the family's unit on y (units.py);
  * **bars**: scenarios measured at a single worker count (a pingpong) as
    horizontal bars sorted by median with interval whiskers: a column of
    dots over one x says nothing;
  * **heatmap**: impl x workers, each cell the impl's median divided by the
    best impl's at that worker count (geometric mean over params,
    placements and role splits), per mode: who is close to the best where.

Styles come from palette.styles_for over the impls of each figure; every
trace of one impl shares a legend group, so a click on its legend entry
toggles it in every panel. Hover names the impl, workers, the value and its
interval. Figures carry their data inline (a few KB each) and draw with the
one plotly.js beside the page (interactive.py).
"""
import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import figures, palette
from ..core import formatting, units

MODE_ORDER = ["thread", "process"]
WRAP = 3
PANEL_HEIGHT = 260
MAX_LABELLED_CELLS = 150        # a heatmap's cells carry their percentage up to this many
MAX_SCENARIOS_PER_FIGURE = 24    # a wider sweep wraps on, but is folded by the page
OVERSUBSCRIBED_FILL = "rgba(128,128,128,0.15)"   # the static figures' grey (figures.SHADE)


# Benchmarks another module draws better: the calibration's core-to-core
# pairs are one point each, a heatmap of PU x PU (calibration_figures.py).
DRAWN_ELSEWHERE = {("calibration", "core_to_core"),
                   ("server", "echo")}   # x is connections: server_figures.py


def benchmark_groups(rows):
    """(benchmark, rows) of one family's closed-loop rows with a number."""
    rows = rows.loc[rows["median"].notna()]
    if "open_loop_reps" in rows.columns:
        rows = rows.loc[rows["open_loop_reps"] == 0]
    return [(b, r) for b, r in rows.groupby("benchmark", sort=True)]


def figures_for_family(family, rows):
    """[(kind, div_id, title, plotly Figure, height_px)] for one family."""
    out = []
    for benchmark, group in benchmark_groups(rows):
        if (family, benchmark) in DRAWN_ELSEWHERE:
            continue
        unit = units.rate(family, benchmark)
        swept, single = _split_by_sweep(group)
        styles = palette.styles_for(group["impl"])
        base = figures.slug(family, benchmark)
        if len(swept):
            fig, height = scaling_figure(swept, styles, unit)
            out.append(("scaling", f"fig-{base}-scaling",
                        f"{family} / {benchmark}: {unit} against workers", fig, height))
            fig, height = heatmap_figure(swept, unit)
            out.append(("heatmap", f"fig-{base}-heatmap",
                        f"{family} / {benchmark}: share of the best at each worker count",
                        fig, height))
        if len(single):
            fig, height = bars_figure(single, styles, unit)
            out.append(("bars", f"fig-{base}-bars",
                        f"{family} / {benchmark}: {unit}, sorted", fig, height))
    return out


def _split_by_sweep(group):
    """(rows of scenarios measured at several worker counts, rows of those
    measured at one); a scenario is (params, mode)."""
    counts = group.groupby(["params", "mode"])["threads"].transform("nunique")
    return group.loc[counts > 1], group.loc[counts <= 1]


def _modes(rows):
    present = list(rows["mode"].unique())
    return [m for m in MODE_ORDER if m in present] + sorted(m for m in present
                                                            if m not in MODE_ORDER)


def _panels(rows, wrap=WRAP):
    """[(row, col, params, mode)] and the grid size: modes side by side when
    more than one ran, else params wrapped into `wrap` columns."""
    modes = _modes(rows)
    params = sorted(rows["params"].unique())[:MAX_SCENARIOS_PER_FIGURE]
    if len(modes) > 1:
        cells = [(i + 1, j + 1, p, m) for i, p in enumerate(params) for j, m in enumerate(modes)]
        return cells, len(params), len(modes)
    cols = min(wrap, len(params))
    cells = [(i // cols + 1, i % cols + 1, p, modes[0]) for i, p in enumerate(params)]
    return cells, math.ceil(len(params) / cols), cols


def _title(params, mode):
    return f"{params or 'default'} · {mode}"


def _grid(rows, shared_y):
    """Lines share y along a row; bars have their impl names on y, so they
    wrap at two columns with room for those names between."""
    cells, nrows, ncols = _panels(rows, WRAP if shared_y else 2)
    fig = make_subplots(rows=nrows, cols=ncols, shared_yaxes=shared_y,
                        subplot_titles=[_title(p, m) for _, _, p, m in cells],
                        horizontal_spacing=0.06 if shared_y else 0.22,
                        vertical_spacing=min(0.12, 0.5 / max(nrows, 1)))
    return fig, cells, nrows


def _interval(rows):
    """(plus, minus) whisker lengths of the 95% interval across rounds;
    zero where a point has none (one round)."""
    high = (rows["ci_high"] - rows["median"]).fillna(0).clip(lower=0)
    low = (rows["median"] - rows["ci_low"]).fillna(0).clip(lower=0)
    return high.to_numpy(), low.to_numpy()


def _custom(rows):
    """Hover data: interval text, placement, roles, notes."""
    return np.array([[formatting.interval(r.ci_low, r.ci_high), r.placement,
                      r.roles or "-", _notes(r)]
                     for r in rows.itertuples(index=False)], dtype=object)


def _notes(r):
    notes = []
    if r.unstable:
        notes.append("UNSTABLE (rounds disagree)")
    if r.oversubscribed:
        notes.append("oversubscribed")
    return ", ".join(notes) or "-"


def _hover(unit, x_label):
    return (f"<b>%{{fullData.name}}</b><br>{x_label}<br>%{{y:.3s}} {unit}"
            "<br>95% CI %{customdata[0]}<br>placement %{customdata[1]}, roles %{customdata[2]}"
            "<br>%{customdata[3]}<extra></extra>")


def scaling_figure(rows, styles, unit):
    fig, cells, nrows = _grid(rows, shared_y=True)
    shown = set()
    for r, c, params, mode in cells:
        panel = rows.loc[(rows["params"] == params) & (rows["mode"] == mode)]
        for (impl, placement, roles), line in panel.groupby(["impl", "placement", "roles"],
                                                            sort=True):
            line = line.sort_values("threads")
            style = styles[str(impl)]
            plus, minus = _interval(line)
            fig.add_trace(go.Scatter(
                x=line["threads"], y=line["median"], name=str(impl), legendgroup=str(impl),
                showlegend=impl not in shown, mode="lines+markers",
                line=dict(color=style.colour, dash=palette.dash(placement), width=2),
                marker=dict(symbol=[("x" if u else style.symbol) for u in line["unstable"]],
                            size=[11 if u else 7 for u in line["unstable"]],
                            color=style.colour),
                error_y=dict(type="data", array=plus, arrayminus=minus, thickness=1, width=3),
                customdata=_custom(line), hovertemplate=_hover(unit, "%{x} workers")),
                row=r, col=c)
            shown.add(impl)
        ticks = sorted(int(t) for t in panel["threads"].unique())
        shade_oversubscribed(fig, panel, r, c)
        fig.update_xaxes(type="log", tickvals=ticks, ticktext=[str(t) for t in ticks],
                         title_text="workers" if r == nrows else None, row=r, col=c)
        fig.update_yaxes(type="log", row=r, col=c,
                         title_text=unit if c == 1 else None)
    height = 120 + PANEL_HEIGHT * nrows
    finish(fig, height)
    return fig, height


def oversubscribed_span(panel):
    """(left, right) in workers of a panel's oversubscribed region, as the
    static figures shade it (figures.shade_oversubscribed): from between the
    last point with a PU per worker and the first without, to past the last
    point; None when no point is oversubscribed."""
    over = sorted(int(t) for t in panel.loc[panel["oversubscribed"].astype(bool), "threads"].unique())
    if not over:
        return None
    inside = [int(t) for t in panel.loc[~panel["oversubscribed"].astype(bool), "threads"].unique()
              if t < over[0]]
    left = math.sqrt(max(inside) * over[0]) if inside else over[0] / 1.12
    return left, max(int(t) for t in panel["threads"].unique()) * 1.25


def shade_oversubscribed(fig, panel, row, col):
    """Greys the panel's oversubscribed region (the hover also says so). In
    workers, though x is a log axis: plotly.js places a shape by data
    values there (its docs' "take the log" is wrong for shapes; seen drawn)."""
    span = oversubscribed_span(panel)
    if span:
        fig.add_vrect(x0=span[0], x1=span[1], row=row, col=col,
                      layer="below", line_width=0, fillcolor=OVERSUBSCRIBED_FILL)


def _measured(rows):
    """Each measurement once: an expanded summary (a worker map compact and
    scatter share, drawn on both lines) loses its copies, labelled with
    every placement it stands for."""
    if "measured_placement" not in rows.columns:
        return rows
    rows = rows.loc[rows["placement"] == rows["measured_placement"]]
    if "placements" in rows.columns:
        rows = rows.assign(placement=[p or q for p, q in zip(rows["placements"],
                                                             rows["placement"])])
    return rows


def bars_figure(rows, styles, unit):
    rows = _measured(rows)
    fig, cells, nrows = _grid(rows, shared_y=False)
    shown = set()
    for r, c, params, mode in cells:
        panel = rows.loc[(rows["params"] == params) & (rows["mode"] == mode)]
        several = panel["placement"].nunique() > 1 or panel["roles"].nunique() > 1
        panel = panel.sort_values("median")
        for row in panel.itertuples(index=False):
            impl = str(row.impl)
            label = impl + (f" ({row.placement}{', ' + row.roles if row.roles else ''})"
                            if several else "")
            plus = max(0.0, (row.ci_high - row.median)) if row.ci_high == row.ci_high else 0.0
            minus = max(0.0, (row.median - row.ci_low)) if row.ci_low == row.ci_low else 0.0
            fig.add_trace(go.Bar(
                x=[row.median], y=[label], orientation="h", name=impl, legendgroup=impl,
                showlegend=impl not in shown,
                marker=dict(color=styles[impl].colour,
                            pattern=dict(shape="x" if row.unstable else "")),
                error_x=dict(type="data", array=[plus], arrayminus=[minus], thickness=1.2),
                customdata=[[formatting.interval(row.ci_low, row.ci_high), row.placement,
                             row.roles or "-", _notes(row)]],
                hovertemplate=(f"<b>%{{y}}</b><br>%{{x:.3s}} {unit}<br>95% CI %{{customdata[0]}}"
                               f"<br>{int(row.threads)} workers<br>%{{customdata[3]}}"
                               "<extra></extra>")), row=r, col=c)
            shown.add(impl)
        fig.update_yaxes(categoryorder="array", categoryarray=_sorted_labels(panel, several),
                         row=r, col=c)
        fig.update_xaxes(title_text=unit if r == nrows else None, row=r, col=c)
    height = 100 + max(PANEL_HEIGHT, 26 * rows.groupby(["params", "mode"]).size().max()) * nrows
    finish(fig, height)
    fig.update_layout(margin=dict(l=_label_margin(_sorted_labels(rows, True))))
    fig.update_layout(barmode="overlay")
    return fig, height


def _sorted_labels(panel, several):
    labels = []
    for row in panel.sort_values("median").itertuples(index=False):
        labels.append(str(row.impl) + (f" ({row.placement}"
                                       f"{', ' + row.roles if row.roles else ''})"
                                       if several else ""))
    return labels


def heatmap_figure(rows, unit):
    """impl x workers per mode: median / the best impl's median at the same
    params, placement, roles and workers, geometric mean over those."""
    measured = _measured(rows)
    point = ["params", "mode", "placement", "roles", "threads"]
    best = measured.groupby(point)["median"].transform("max")
    share = measured.assign(share=np.log(measured["median"] / best))
    modes = _modes(measured)
    impls = sorted(measured["impl"].unique(), reverse=True)
    fig = make_subplots(rows=1, cols=len(modes), subplot_titles=modes, shared_yaxes=True,
                        horizontal_spacing=0.05)
    for j, mode in enumerate(modes):
        in_mode = share.loc[share["mode"] == mode]
        ticks = sorted(int(t) for t in in_mode["threads"].unique())
        table = in_mode.groupby(["impl", "threads"])["share"].mean().apply(np.exp)
        z = [[table.get((impl, t), np.nan) for t in ticks] for impl in impls]
        text = [["" if v != v else f"{v:.0%}" for v in zrow] for zrow in z]
        fig.add_trace(go.Heatmap(
            z=z, x=[str(t) for t in ticks], y=impls, zmin=0, zmax=1, colorscale="Viridis",
            text=text, showscale=j == len(modes) - 1,
            colorbar=dict(title="of best"),
            hovertemplate=("<b>%{y}</b>, %{x} workers<br>%{text} of the best impl's "
                           f"{unit}<extra></extra>")), row=1, col=j + 1)
        fig.update_xaxes(type="category", title_text="workers", row=1, col=j + 1)
        if len(impls) * len(ticks) <= MAX_LABELLED_CELLS:
            # Positions, not names: on a category axis a name like "2" would
            # be read as the third category.
            for y, labels in enumerate(text):
                for x, label in enumerate(labels):
                    fig.add_annotation(x=x, y=y, text=label, showarrow=False,
                                       font=dict(color="white", size=11), row=1, col=j + 1)
    height = 140 + 24 * len(impls)
    finish(fig, height)
    fig.update_layout(margin=dict(l=_label_margin(impls)))
    fig.update_yaxes(type="category")
    return fig, height


def _label_margin(labels):
    """Left margin (px) that fits the longest category label."""
    return 20 + 7 * max((len(str(label)) for label in labels), default=4)


def finish(fig, height):
    # No template: plotly writes a template's every default into each
    # figure's JSON (kilobytes apiece); the few settings that matter are here.
    fig.update_layout(height=height, margin=dict(l=60, r=20, t=50, b=50),
                      template="none", paper_bgcolor="white", plot_bgcolor="white",
                      hovermode="closest",
                      legend=dict(title="impl (click to toggle)"),
                      font=dict(size=12))
    fig.update_annotations(font_size=12)
    fig.update_xaxes(showgrid=True, gridcolor="#e3e3e3", zeroline=False, linecolor="#888")
    fig.update_yaxes(showgrid=True, gridcolor="#e3e3e3", zeroline=False, linecolor="#888")
