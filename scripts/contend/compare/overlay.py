"""The overlay figure: one benchmark scenario on several machines, built
once (`model`) and drawn by both back ends from that model: `static`
(matplotlib: the PNGs compare.md shows and the HTML page links) and
`interactive` (plotly, on the HTML page). What is drawn is decided here,
once; the two renderers only translate it.

One panel per impl (PANEL_COLUMNS a row), every panel on one shared log y
range computed from every median and interval drawn in it, so a panel's
height compares with its neighbour's. One colour and marker per machine
(palette.py), a line per placement and role split (compact solid, scatter
dashed): the median over rounds inside a band, its 95% interval across
rounds (drawn only where the interval exists, two rounds or more; it
pinches to the median at a point that lacks one). An open marker is an
oversubscribed point, a large one (an x on the PNG) an unstable one; a
dotted vertical line is that machine's core count.
"""
import html
import math
from dataclasses import dataclass

import plotly.graph_objects as go
from matplotlib.lines import Line2D
from plotly.subplots import make_subplots

from ..core import formatting, scaling, units
from ..report import figures, palette
from ..report.figures import PLACEMENT_STYLE, Figure

PANEL_COLUMNS = 3
PANEL_HEIGHT_PX = 280
BAND_OPACITY = 0.18


@dataclass
class Line:
    machine: int              # index into Overlay.labels
    placement: str
    rows: object              # the line's points (threads, median, ci_low, ci_high, ...)

    @property
    def has_interval(self):
        return bool(self.rows[["ci_low", "ci_high"]].notna().to_numpy().any())


@dataclass
class Overlay:
    key: tuple                # FIGURE_KEY values
    labels: list              # one per machine
    cores: list               # one per machine
    styles: dict              # label -> palette.Style
    panels: list              # [(impl, [Line])]
    threads: list             # every worker count drawn, for the x ticks
    y_range: list             # [log10 low, log10 high], shared by every panel
    units: str

    @property
    def columns(self):
        return min(PANEL_COLUMNS, len(self.panels))

    @property
    def rows(self):
        return -(-len(self.panels) // self.columns)

    def style(self, line):
        return self.styles[self.labels[line.machine]]


def shared_figure_rows(points):
    """(FIGURE_KEY, [rows per machine]) for every figure key that at least two
    machines measured, in figure order (a machine without it: no rows)."""
    groups = [dict(iter(p.groupby(figures.FIGURE_KEY, sort=False))) for p in points]
    keys = set().union(*[set(g) for g in groups])
    shared = [k for k in keys if sum(k in g for g in groups) >= 2]
    return [(key, [g.get(key, p.iloc[0:0]) for g, p in zip(groups, points)])
            for key in sorted(shared, key=figures.figure_order)]


def model(rows_by_machine, labels, cores, key):
    """The figure of one shared FIGURE_KEY: rows_by_machine from
    shared_figure_rows (align.machine_points rows)."""
    impls = sorted(set().union(*[set(r["impl"]) for r in rows_by_machine]))
    panels = []
    for impl in impls:
        lines = []
        for i, rows in enumerate(rows_by_machine):
            mine = rows.loc[(rows["impl"] == impl) & rows["median"].notna()]
            lines += [Line(i, line_key["placement"], line)
                      for line_key, line in scaling.line_groups(mine)]
        panels.append((impl, lines))
    threads = sorted(set().union(*[set(int(t) for t in r["threads"]) for r in rows_by_machine]))
    return Overlay(tuple(key), list(labels), list(cores), palette.styles_for(labels), panels,
                   threads, shared_y_range(rows_by_machine), units.rate(key[0], key[1]))


def shared_y_range(rows_by_machine):
    """[log10 low, log10 high] covering every median and interval drawn, padded."""
    values = []
    for rows in rows_by_machine:
        for column in ("median", "ci_low", "ci_high"):
            values += [float(v) for v in rows[column] if v == v and v is not None and float(v) > 0]
    if not values:
        return [0.0, 1.0]
    low, high = min(values), max(values)
    pad = 0.08 * max(math.log10(high) - math.log10(low), 0.3)
    return [math.log10(low) - pad, math.log10(high) + pad]


def write_pngs(points, labels, cores, out):
    """One overlay PNG per shared figure key: {FIGURE_KEY: path}, in figure order."""
    written = {}
    for key, rows in shared_figure_rows(points):
        png = out / f"compare-{figures.slug(*key)}.png"
        static(model(rows, labels, cores, key)).savefig(png, bbox_inches="tight")
        written[key] = png
    return written


# ---- matplotlib: the PNG ------------------------------------------------------------

def static(overlay):
    """The model as a matplotlib figure."""
    fig = Figure(figsize=(3.6 * overlay.columns + 2.4, 3.0 * overlay.rows + 0.9),
                 dpi=figures.DPI)
    for j, (impl, lines) in enumerate(overlay.panels):
        ax = fig.add_subplot(overlay.rows, overlay.columns, j + 1)
        figures.log2_workers_axis(ax, overlay.threads)
        for line in lines:
            _static_line(ax, line, overlay.style(line))
        for i, cores in enumerate(overlay.cores):
            ax.axvline(cores, color=overlay.styles[overlay.labels[i]].colour, lw=0.8, ls=":",
                       alpha=0.8)
        ax.set_yscale("log")
        ax.set_ylim(10 ** overlay.y_range[0], 10 ** overlay.y_range[1])
        ax.set_title(impl, fontsize=10)
        ax.grid(True, alpha=0.3)
        if j % overlay.columns == 0:
            ax.set_ylabel(f"{overlay.units} (median)")
    fig.legend(handles=_legend_handles(overlay), loc="center left", bbox_to_anchor=(1.0, 0.5),
               frameon=False, fontsize=9)
    fig.suptitle(f"{figures.figure_title(*overlay.key)}: machines overlaid", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def _static_line(ax, line, style):
    rows = line.rows
    x, median = rows["threads"].to_numpy(), rows["median"].to_numpy()
    ax.plot(x, median, color=style.colour, lw=1.5, ls=PLACEMENT_STYLE.get(line.placement, ":"))
    if line.has_interval:
        ax.fill_between(x, rows["ci_low"].fillna(rows["median"]).to_numpy(),
                        rows["ci_high"].fillna(rows["median"]).to_numpy(), color=style.colour,
                        alpha=BAND_OPACITY, lw=0)
    over = rows["oversubscribed"].to_numpy(dtype=bool)
    ax.plot(x[~over], median[~over], style.marker, color=style.colour, ms=4)
    ax.plot(x[over], median[over], style.marker, mfc="white", mec=style.colour, ms=5)
    shaky = rows["unstable"].fillna(False).to_numpy(dtype=bool)
    ax.plot(x[shaky], median[shaky], "x", color=style.colour, ms=8, mew=1.6)


def _legend_handles(overlay):
    handles = [Line2D([], [], color=overlay.styles[label].colour,
                      marker=overlay.styles[label].marker, lw=2, label=f"m{i + 1} {label}")
               for i, label in enumerate(overlay.labels)]
    handles += [Line2D([], [], color="0.2", ls=ls, label=f"{p} placement")
                for p, ls in PLACEMENT_STYLE.items()]
    handles += [Line2D([], [], color="0.2", ls=":", lw=0.8, label="that machine's core count"),
                Line2D([], [], color="0.2", marker="o", mfc="white", ls="", label="oversubscribed"),
                Line2D([], [], color="0.2", marker="x", ms=8, mew=1.6, ls="",
                       label="unstable (rounds disagree)")]
    return handles


# ---- plotly: the page ---------------------------------------------------------------

def interactive(overlay):
    """The model as a plotly figure: hover a point for its interval and
    notes; click a machine in the legend to hide it in every panel."""
    fig = make_subplots(rows=overlay.rows, cols=overlay.columns,
                        subplot_titles=[impl for impl, _ in overlay.panels], shared_yaxes="all",
                        horizontal_spacing=0.06, vertical_spacing=min(0.12, 0.3 / overlay.rows))
    for name in overlay.labels:
        fig.add_trace(legend_trace(overlay.styles[name], name), row=1, col=1)
    for j, (_, lines) in enumerate(overlay.panels):
        row, col = j // overlay.columns + 1, j % overlay.columns + 1
        for line in lines:
            name, style = overlay.labels[line.machine], overlay.style(line)
            if line.has_interval:
                fig.add_trace(band_trace(line.rows, style.colour, name), row=row, col=col)
            fig.add_trace(median_trace(line.rows, style, name, line.placement, overlay.units),
                          row=row, col=col)
        for i, cores in enumerate(overlay.cores):
            name = overlay.labels[i]
            fig.add_trace(core_line_trace(cores, overlay.styles[name], name, overlay.y_range),
                          row=row, col=col)
    threads = overlay.threads
    fig.update_yaxes(type="log", range=overlay.y_range, showgrid=True, gridcolor="#e4e4e4")
    fig.update_yaxes(title_text=f"{overlay.units} (median)", col=1)
    fig.update_xaxes(type="log", tickvals=threads, tickangle=0, ticktext=worker_tick_texts(threads),
                     range=[math.log10(min(threads) / 1.25), math.log10(max(threads) * 1.25)],
                     showgrid=False)
    fig.update_xaxes(title_text="workers", row=overlay.rows)
    # No plotly title: the page's heading above the figure names it. The
    # legend sits right of the panels, clear of the subplot titles.
    fig.update_layout(template="plotly_white", height=PANEL_HEIGHT_PX * overlay.rows + 80,
                      margin=dict(l=70, r=20, t=40, b=50), hovermode="closest",
                      legend=dict(x=1.02, xanchor="left", y=1.0, yanchor="top",
                                  title=dict(text="machine")))
    return fig


def _rgba(colour, alpha):
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def band_trace(line, colour, name):
    """The interval across rounds as a filled polygon (upper edge out, lower
    edge back); a point without an interval pinches to its median."""
    x = list(line["threads"])
    median = list(line["median"])
    high = [h if h == h else m for h, m in zip(line["ci_high"], median)]
    low = [lo if lo == lo else m for lo, m in zip(line["ci_low"], median)]
    return go.Scatter(x=x + x[::-1], y=high + low[::-1], fill="toself", mode="lines",
                      line=dict(width=0), fillcolor=_rgba(colour, BAND_OPACITY),
                      hoverinfo="skip", legendgroup=name, showlegend=False,
                      name=f"{name} 95% interval")


def median_trace(line, style, name, placement, units_text):
    """One line of one machine: its medians, hover naming the interval.
    Not in the legend: legend_trace stands for the machine."""
    over = line["oversubscribed"].to_numpy(dtype=bool)
    unstable = line["unstable"].fillna(False).to_numpy(dtype=bool)
    custom = [[formatting.interval(lo, hi), placement, roles or "-",
               "yes" if u else "no", "yes" if o else "no"]
              for lo, hi, roles, u, o in zip(line["ci_low"], line["ci_high"], line["roles"],
                                             unstable, over)]
    return go.Scatter(
        x=list(line["threads"]), y=list(line["median"]), mode="lines+markers", name=name,
        legendgroup=name, showlegend=False, customdata=custom,
        line=dict(color=style.colour, width=2, dash=palette.dash(placement)),
        # Open markers: oversubscribed points (more workers than PUs).
        marker=dict(color=style.colour, size=[10 if u else 7 for u in unstable],
                    symbol=[style.symbol + ("-open" if o else "") for o in over]),
        hovertemplate=(f"<b>{html.escape(name)}</b><br>workers %{{x}} (%{{customdata[1]}}, "
                       f"roles %{{customdata[2]}})<br>median %{{y:.4s}} {units_text}<br>"
                       "95% interval %{customdata[0]}<br>unstable %{customdata[3]}, "
                       "oversubscribed %{customdata[4]}<extra></extra>"))


def legend_trace(style, name):
    """The machine's legend entry, drawn nowhere: a real line's first marker
    may be hollow (oversubscribed), the legend's should not be."""
    return go.Scatter(x=[None], y=[None], mode="lines+markers", name=name, legendgroup=name,
                      showlegend=True, line=dict(color=style.colour, width=2),
                      marker=dict(color=style.colour, symbol=style.symbol, size=8),
                      hoverinfo="skip")


def core_line_trace(cores, style, name, y_range):
    """That machine's core count: a dotted vertical line (a trace, so it sits
    at the right place on a log axis and toggles with its machine)."""
    return go.Scatter(x=[cores, cores], y=[10 ** y_range[0], 10 ** y_range[1]], mode="lines",
                      line=dict(color=style.colour, width=1, dash="dot"), legendgroup=name,
                      showlegend=False, hoverinfo="skip", name=f"{name}: {cores} cores")


def worker_tick_texts(threads):
    """Tick labels of the workers axis; a count right beside the previous
    labelled one on the log axis (16 then 17 or 18) stays unlabelled rather
    than overprinting it (hover still names it)."""
    texts, previous = [], None
    for t in threads:
        crowded = previous is not None and t / previous < 1.3
        texts.append("" if crowded else str(t))
        previous = previous if crowded else t
    return texts
