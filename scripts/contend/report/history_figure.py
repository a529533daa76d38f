"""The history figure: one benchmark scenario's throughput over commits,
built once (`model`) and drawn by both back ends from that model: `static`
(matplotlib, the PNG beside the page) and `interactive` (plotly, on the
history page). What is drawn is decided here, once; the two renderers only
translate it.

Per scenario (figures.FIGURE_KEY) one figure, a panel per worker count
(PANEL_COLUMNS a row, every panel on one shared log y range), a line per
instance over the recorded runs, oldest first: colour and marker its impl
(palette.py, chosen per figure), dash its placement. Every step
history.steps found is marked where the new level starts: a triangle on that
run's point (down = slower, up = faster) and, per panel, one dotted line
just before that run, labelled with each step there.

Not guaranteed: a readable x axis past a few dozen runs (the tick labels
thin out to MAX_TICKS; hover on the page still names every run).
"""
import html
import math
from dataclasses import dataclass, field

import plotly.graph_objects as go
from matplotlib.lines import Line2D
from plotly.subplots import make_subplots

from ..core import formatting, schema, units
from . import family_figures, figures, palette
from .figures import PLACEMENT_STYLE, Figure

PANEL_COLUMNS = 3
MAX_TICKS = 12
STEP_COLOURS = {"down": "#B00000", "up": "#117733"}
MIXED_STEPS_COLOUR = "#444444"
PANEL_HEIGHT_PX = 300


@dataclass
class Series:
    """One instance's line: x = run positions, y = recorded medians."""
    instance: dict
    name: str                 # legend name: the impl, plus what tells lines apart
    style: palette.Style
    xs: list
    ys: list
    run_ids: list
    stamps: list
    commits: list             # each point's label (short git sha)
    steps: list = field(default_factory=list)    # [(index into xs, step dict)]


@dataclass
class Panel:
    threads: int
    oversubscribed: bool
    series: list
    # x of a step line -> [(series name, step)]: one line per x, labels stacked.
    step_lines: dict

    @property
    def title(self):
        return f"{self.threads} workers" + (" (oversubscribed)" if self.oversubscribed else "")


@dataclass
class History:
    key: tuple                # FIGURE_KEY values
    panels: list
    ticks: list               # x positions that get a label
    tick_labels: list
    last_x: int
    y_range: list             # [log10 low, log10 high], shared by every panel

    @property
    def unit(self):
        """The family's rate, 'requests/s' for server/echo (core.units)."""
        return units.rate(self.key[0], self.key[1])

    @property
    def columns(self):
        return min(PANEL_COLUMNS, len(self.panels))

    @property
    def rows(self):
        return math.ceil(len(self.panels) / self.columns)


def step_direction(ratio):
    return "down" if ratio < 1 else "up"


def model(rows, position, labels, steps):
    """The figure of one scenario's rows (history.store.load_history rows);
    position and labels: history.steps.commits_axis; steps: all_steps."""
    styles = palette.styles_for(rows["impl"])
    one_placement = rows["placement"].nunique() == 1
    by_instance = {}
    for s in steps:
        by_instance.setdefault(tuple(s[c] for c in schema.INSTANCE), []).append(s)
    panels = []
    for t in sorted(rows["threads"].unique()):
        panel_rows = rows.loc[rows["threads"] == t]
        series, step_lines = [], {}
        for key, part in panel_rows.groupby(schema.INSTANCE, sort=True):
            instance = dict(zip(schema.INSTANCE, key))
            xs = [position[(a, b)] for a, b in zip(part["timestamp_utc"], part["run_id"])]
            line = Series(instance, _series_name(instance, one_placement),
                          styles[str(instance["impl"])], xs,
                          list(part["median_items_per_second"]), list(part["run_id"]),
                          list(part["timestamp_utc"]), [labels[x] for x in xs])
            for s in by_instance.get(key, []):
                line.steps.append((xs.index(s["x"]), s))
                step_lines.setdefault(s["x"], []).append((line.name, s))
            series.append(line)
        panels.append(Panel(int(t), bool(panel_rows["oversubscribed"].any()), series,
                            dict(sorted(step_lines.items()))))
    positions = sorted(set(position.values()))
    every = max(1, math.ceil(len(positions) / MAX_TICKS))
    ticks = positions[::every]
    key = tuple(rows.iloc[0][k] for k in figures.FIGURE_KEY)
    return History(key, panels, ticks, [labels[x] for x in ticks], max(positions),
                   _y_range(rows["median_items_per_second"]))


def _series_name(instance, impls_only):
    """The legend name: the impl, plus what else tells two lines apart."""
    extra = [instance["placement"]] if not impls_only else []
    if instance["producers"] or instance["consumers"]:
        extra.append(f"{instance['producers']}p{instance['consumers']}c")
    return instance["impl"] + (f" ({', '.join(extra)})" if extra else "")


def _y_range(values):
    values = [v for v in values if v == v and v > 0]
    low, high = min(values), max(values)
    pad = 0.08 * max(math.log10(high) - math.log10(low), 0.3)
    return [math.log10(low) - pad, math.log10(high) + pad]


def _step_line_colour(found):
    colours = {STEP_COLOURS[step_direction(s["ratio"])] for _, s in found}
    return colours.pop() if len(colours) == 1 else MIXED_STEPS_COLOUR


# ---- matplotlib: the PNG ------------------------------------------------------------

def static(history, machine_id):
    """The model as a matplotlib figure (the history page links its PNG)."""
    fig = Figure(figsize=(4.6 * history.columns + 2.2, 3.4 * history.rows + 0.8), dpi=figures.DPI)
    for i, panel in enumerate(history.panels):
        ax = fig.add_subplot(history.rows, history.columns, i + 1)
        for line in panel.series:
            ax.plot(line.xs, line.ys, color=line.style.colour, marker=line.style.marker, ms=3,
                    lw=1.4, ls=PLACEMENT_STYLE.get(line.instance["placement"], ":"))
            for k, step in line.steps:
                down = step_direction(step["ratio"]) == "down"
                ax.plot([line.xs[k]], [line.ys[k]], marker="v" if down else "^", ms=11,
                        color=STEP_COLOURS["down" if down else "up"], mec="black", ls="")
        for x, found in panel.step_lines.items():
            ax.axvline(x - 0.5, color=_step_line_colour(found), lw=0.8, ls=":", alpha=0.8)
        ax.set_yscale("log")
        ax.set_ylim(10 ** history.y_range[0], 10 ** history.y_range[1])
        ax.set_xlim(-0.6, history.last_x + 0.6)
        ax.set_title(panel.title, fontsize=10)
        if panel.oversubscribed:
            ax.set_facecolor((0.5, 0.5, 0.5, 0.12))
        ax.set_xticks(history.ticks)
        ax.set_xticklabels(history.tick_labels, rotation=60, fontsize=7)
        ax.set_ylabel(f"{history.unit} (median)")
        ax.grid(True, alpha=0.3)
    fig.suptitle(f"{figures.figure_title(*history.key)} on {machine_id}: "
                 "throughput over commits (triangles: detected steps)", fontsize=11)
    fig.legend(handles=_legend_handles(history), loc="center left", bbox_to_anchor=(1.0, 0.5),
               frameon=False, fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig


def _legend_handles(history):
    styles, placements = {}, set()
    for panel in history.panels:
        for line in panel.series:
            styles[line.instance["impl"]] = line.style
            placements.add(line.instance["placement"])
    handles = [Line2D([], [], color=styles[i].colour, marker=styles[i].marker, lw=2, label=i)
               for i in sorted(styles)]
    handles += [Line2D([], [], color="0.2", ls=PLACEMENT_STYLE.get(p, ":"), label=f"{p} placement")
                for p in sorted(placements)]
    handles += [Line2D([], [], color=STEP_COLOURS["down"], marker="v", ls="", mec="black",
                       label="step down"),
                Line2D([], [], color=STEP_COLOURS["up"], marker="^", ls="", mec="black",
                       label="step up")]
    return handles


# ---- plotly: the page ---------------------------------------------------------------

def interactive(history):
    """The model as a plotly figure: hover a point for its commit, run, time
    and median; click a legend entry to hide that line in every panel."""
    fig = make_subplots(rows=history.rows, cols=history.columns,
                        subplot_titles=[p.title for p in history.panels], shared_yaxes="all",
                        horizontal_spacing=0.06, vertical_spacing=min(0.16, 0.36 / history.rows))
    shown = set()
    for j, panel in enumerate(history.panels):
        row, col = j // history.columns + 1, j % history.columns + 1
        for line in panel.series:
            fig.add_trace(_series_trace(line, line.name not in shown, history.unit), row=row, col=col)
            shown.add(line.name)
            for k, step in line.steps:
                fig.add_trace(_step_marker(line, k, step), row=row, col=col)
        for x, found in panel.step_lines.items():
            _step_line(fig, x, found, row, col)
        if panel.oversubscribed:  # the whole panel, as the PNG's grey background
            fig.add_shape(type="rect", xref="x domain", yref="y domain", x0=0, x1=1, y0=0, y1=1,
                          row=row, col=col, layer="below", line_width=0,
                          fillcolor=family_figures.OVERSUBSCRIBED_FILL)
    fig.update_yaxes(type="log", range=history.y_range, gridcolor="#e4e4e4")
    fig.update_yaxes(title_text=f"{history.unit} (median)", col=1)
    fig.update_xaxes(tickvals=history.ticks, ticktext=history.tick_labels, tickangle=-60,
                     range=[-0.6, history.last_x + 0.6], showgrid=False)
    fig.update_layout(template="plotly_white", height=PANEL_HEIGHT_PX * history.rows + 90,
                      margin=dict(l=70, r=20, t=40, b=80), hovermode="closest",
                      legend=dict(x=1.02, xanchor="left", y=1.0, yanchor="top"))
    return fig


def _series_trace(line, show_legend, unit):
    custom = [[commit, run_id, stamp or "-"]
              for commit, run_id, stamp in zip(line.commits, line.run_ids, line.stamps)]
    return go.Scatter(
        x=line.xs, y=line.ys, mode="lines+markers", name=line.name, legendgroup=line.name,
        showlegend=show_legend, customdata=custom,
        line=dict(color=line.style.colour, width=1.8, dash=palette.dash(line.instance["placement"])),
        marker=dict(color=line.style.colour, symbol=line.style.symbol, size=6),
        hovertemplate=(f"<b>{html.escape(line.name)}</b> "
                       f"({html.escape(str(line.instance['placement']))})"
                       "<br>commit %{customdata[0]}<br>run %{customdata[1]}<br>"
                       "time %{customdata[2]}<br>median %{y:.4s} " + html.escape(unit)
                       + "<extra></extra>"))


def _step_line(fig, x, found, row, col):
    """A dotted line just before the first run at a new level, labelled with
    each step there (impl and change), one label per line of text."""
    colour = _step_line_colour(found)
    text = "<br>".join(f"{html.escape(name)} {formatting.percent_change(s['ratio'])}"
                       for name, s in found)
    fig.add_vline(x=x - 0.5, line=dict(color=colour, width=1.2, dash="dot"), row=row, col=col,
                  annotation=dict(text=text, font=dict(color=colour, size=10), showarrow=False,
                                  align="right"),
                  annotation_position="top left")


def _step_marker(line, k, step):
    """A triangle on the first run at the new level (down = slower)."""
    direction = step_direction(step["ratio"])
    change = formatting.percent_change(step["ratio"])
    return go.Scatter(
        x=[line.xs[k]], y=[line.ys[k]], mode="markers", name=f"step {direction}",
        legendgroup=line.name, showlegend=False,
        marker=dict(symbol="triangle-down" if direction == "down" else "triangle-up", size=14,
                    color=STEP_COLOURS[direction], line=dict(color="black", width=1)),
        hovertemplate=(f"<b>step {html.escape(change)}</b> ({html.escape(line.name)})<br>"
                       f"first run at the new level: {html.escape(step['sha'])}<br>"
                       f"ratio {formatting.ratio(step['ratio'])}<extra></extra>"))
