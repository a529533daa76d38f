"""scripts/plot --history: the interactive page of one machine's history.

Per benchmark scenario (figures.FIGURE_KEY) one figure, a panel per worker
count, a line per instance (colour and marker: its impl, chosen per figure
by palette.py; dash: its placement) over the recorded runs, oldest first.
Every step history.detect_steps found is marked where the new level starts:
a dotted vertical line labelled with the change, and a triangle on that
run's point (down = slower, up = faster). Hover a point: its commit, run,
time and median. The page loads the folder's one shared plotly.js
(interactive.py); the static PNG of each figure stays beside it, linked.

Guaranteed: the panels of one figure share one log y range. Not
guaranteed: a readable x axis past a few dozen runs (the tick labels thin
out; hover still names every run).
"""
import html
import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import figures, formatting, interactive, interactive_page, palette, schema

PLACEMENT_DASH = {"compact": "solid", "scatter": "dash"}
PANEL_COLUMNS = 3
PANEL_HEIGHT_PX = 300
MAX_TICKS = 16
STEP_COLOURS = {"down": "#B00000", "up": "#117733"}
RESTORE = "scripts/plot --history <history file>"


def figure_id(key):
    return "hist-" + figures.slug(*key)


def _instance_name(instance, impls_only):
    """The legend name: the impl, plus what else tells two lines apart."""
    extra = [instance["placement"]] if not impls_only else []
    if instance["producers"] or instance["consumers"]:
        extra.append(f"{instance['producers']}p{instance['consumers']}c")
    return instance["impl"] + (f" ({', '.join(extra)})" if extra else "")


def y_range(rows):
    values = [v for v in rows["median_items_per_second"] if v == v and v > 0]
    low, high = min(values), max(values)
    pad = 0.08 * max(math.log10(high) - math.log10(low), 0.3)
    return [math.log10(low) - pad, math.log10(high) + pad]


def step_direction(ratio):
    return "down" if ratio < 1 else "up"


def history_figure(rows, position, labels, steps):
    """A plotly figure of one scenario's rows (history.load_history rows)."""
    threads = sorted(rows["threads"].unique())
    columns = min(PANEL_COLUMNS, len(threads))
    lines = math.ceil(len(threads) / columns)
    titles = [f"{t} workers" + (" (oversubscribed)" if rows.loc[rows["threads"] == t,
                                                                 "oversubscribed"].any() else "")
              for t in threads]
    fig = make_subplots(rows=lines, cols=columns, subplot_titles=titles, shared_yaxes="all",
                        horizontal_spacing=0.06, vertical_spacing=min(0.16, 0.36 / lines))
    styles = palette.styles_for(rows["impl"])
    one_placement = rows["placement"].nunique() == 1
    by_instance = {}
    for s in steps:
        by_instance.setdefault(tuple(s[c] for c in schema.INSTANCE), []).append(s)
    shown = set()
    for j, t in enumerate(threads):
        row, col = j // columns + 1, j % columns + 1
        panel = rows.loc[rows["threads"] == t]
        marked = {}   # x of a step line -> its labels: one line per x, labels stacked
        for key, series in panel.groupby(schema.INSTANCE, sort=True):
            instance = dict(zip(schema.INSTANCE, key))
            name = _instance_name(instance, one_placement)
            style = styles[str(instance["impl"])]
            xs = [position[(a, b)] for a, b in zip(series["timestamp_utc"], series["run_id"])]
            ys = list(series["median_items_per_second"])
            fig.add_trace(_series_trace(series, xs, ys, labels, style, name, instance,
                                        name not in shown), row=row, col=col)
            shown.add(name)
            for s in by_instance.get(key, []):
                _mark_step(fig, s, xs, ys, name, row, col)
                marked.setdefault(s["x"], []).append(s | {"name": name})
        for x, found in sorted(marked.items()):
            _step_line(fig, x, found, row, col)
    ticks = sorted(set(position.values()))
    every = max(1, math.ceil(len(ticks) / MAX_TICKS))
    fig.update_yaxes(type="log", range=y_range(rows), gridcolor="#e4e4e4")
    fig.update_yaxes(title_text="items/s (median)", col=1)
    fig.update_xaxes(tickvals=ticks[::every], ticktext=[labels[x] for x in ticks[::every]],
                     tickangle=-60, range=[-0.6, max(ticks) + 0.6], showgrid=False)
    fig.update_layout(template="plotly_white", height=PANEL_HEIGHT_PX * lines + 90,
                      margin=dict(l=70, r=20, t=40, b=80), hovermode="closest",
                      legend=dict(x=1.02, xanchor="left", y=1.0, yanchor="top"))
    return fig


def _series_trace(series, xs, ys, labels, style, name, instance, show_legend):
    custom = [[labels[x], run_id, stamp or "-"]
              for x, run_id, stamp in zip(xs, series["run_id"], series["timestamp_utc"])]
    return go.Scatter(
        x=xs, y=ys, mode="lines+markers", name=name, legendgroup=name, showlegend=show_legend,
        customdata=custom,
        line=dict(color=style.colour, width=1.8,
                  dash=PLACEMENT_DASH.get(instance["placement"], "dot")),
        marker=dict(color=style.colour, symbol=style.symbol, size=6),
        hovertemplate=(f"<b>{html.escape(name)}</b> ({html.escape(str(instance['placement']))})"
                       "<br>commit %{customdata[0]}<br>run %{customdata[1]}<br>"
                       "time %{customdata[2]}<br>median %{y:.4s} items/s<extra></extra>"))


def _step_line(fig, x, found, row, col):
    """A dotted line just before the first run at a new level, labelled with
    each step there (impl and change), one label per line of text."""
    colours = {STEP_COLOURS[step_direction(s["ratio"])] for s in found}
    colour = colours.pop() if len(colours) == 1 else "#444444"
    text = "<br>".join(f"{html.escape(s['name'])} {formatting.percent_change(s['ratio'])}"
                       for s in found)
    fig.add_vline(x=x - 0.5, line=dict(color=colour, width=1.2, dash="dot"), row=row, col=col,
                  annotation=dict(text=text, font=dict(color=colour, size=10), showarrow=False,
                                  align="right"),
                  annotation_position="top left")


def _mark_step(fig, step, xs, ys, name, row, col):
    """A triangle on the first run at the new level (down = slower)."""
    k = xs.index(step["x"])
    direction = step_direction(step["ratio"])
    colour = STEP_COLOURS[direction]
    change = formatting.percent_change(step["ratio"])
    fig.add_trace(go.Scatter(
        x=[xs[k]], y=[ys[k]], mode="markers", name=f"step {direction}", legendgroup=name,
        showlegend=False,
        marker=dict(symbol="triangle-down" if direction == "down" else "triangle-up", size=14,
                    color=colour, line=dict(color="black", width=1)),
        hovertemplate=(f"<b>step {html.escape(change)}</b> ({html.escape(name)})<br>"
                       f"first run at the new level: {html.escape(step['sha'])}<br>"
                       f"ratio {formatting.ratio(step['ratio'])}<extra></extra>")),
        row=row, col=col)


def write_page(out, machine_id, note, steps_html, figures_and_pngs):
    """index.html in `out` with the folder's shared plotly.js; returns its
    path. figures_and_pngs: [(FIGURE_KEY, plotly figure, png path)]."""
    entries = [("steps", "Steps", 0)] + [(figure_id(key), figures.figure_title(*key), 0)
                                         for key, _, _ in figures_and_pngs]
    blocks = []
    for key, fig, png in figures_and_pngs:
        blocks.append(f'<h2 id="{figure_id(key)}-title">{html.escape(figures.figure_title(*key))} '
                      f'<a class="png" href="{html.escape(png.name)}">static PNG</a></h2>\n'
                      + interactive.figure_div(fig, figure_id(key), fig.layout.height))
    body = "\n".join([note, interactive_page.contents(entries), steps_html, *blocks])
    path = out / "index.html"
    path.write_text(interactive_page.page(f"contend history: {machine_id}", body, out, RESTORE),
                    encoding="utf-8")
    return path

