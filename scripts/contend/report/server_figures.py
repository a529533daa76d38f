"""The server family's pictures: how each concurrency model of the echo
server scales with concurrent connections.

One figure per request size (bytes=64, bytes=4096) of the closed-loop `echo`
rows, two panels sharing the x axis (connections, log2):

  * requests/s (log), the median over rounds with its 95% interval band;
  * p99 round-trip time (log).

A line per model (impl). An instance with an error row at a point (a
thread_pool point with more connections than workers, a point beyond
RLIMIT_NOFILE) has no marker there: the report's tables say why. The
generic per-thread-count figures are not drawn for this family: every
server instance has the same worker count (server PUs + client threads),
so its x axis is the connections parameter, not threads.

`draw(summary, out_dir, machine_label)` returns [(key dict, png)] for the
report, like latency_figures.draw; nothing when the run has no echo rows.
`interactive(summary)` returns the same figures in plotly for the report
page, [(div id, title, figure, height px)]: hover a point for its value,
interval and notes, click a model in the legend to hide it in both panels,
drag to zoom. The 95% interval across rounds is a whisker there.
"""
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import family_figures, figures, palette
from ..core import formatting, latency, units
from .figures import Figure

FAMILY, BENCHMARK = "server", "echo"
HEADING = "Requests/s and p99 against connections"


def echo_rows(summary):
    """Measured echo rows with `connections` and `bytes` as numbers."""
    rows = summary.loc[(summary["family"] == FAMILY) & (summary["benchmark"] == BENCHMARK)]
    if "measured_placement" in rows.columns:
        rows = rows.loc[rows["placement"] == rows["measured_placement"]]
    rows = rows.loc[latency.has_param(rows, "connections") & latency.has_param(rows, "bytes")]
    return rows.assign(
        connections=[int(latency.param(p, "connections")) for p in rows["params"]],
        bytes=[int(latency.param(p, "bytes")) for p in rows["params"]])


def server_figure(rows, colours, size, machine_label):
    fig = Figure(figsize=(8.5, 7.0), dpi=figures.DPI)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for impl, line in rows.groupby("impl", sort=True):
        line = line.sort_values("connections")
        measured = line.loc[line["median"].notna()]
        style = dict(color=colours[impl], marker="o", lw=1.6, ms=5)
        top.plot(measured["connections"], measured["median"], label=impl, **style)
        if {"ci_low", "ci_high"} <= set(measured.columns):
            top.fill_between(measured["connections"], measured["ci_low"].fillna(measured["median"]),
                             measured["ci_high"].fillna(measured["median"]),
                             color=colours[impl], alpha=0.12, lw=0)
        if "p99_ns" in measured.columns and measured["p99_ns"].notna().any():
            p99 = measured.loc[measured["p99_ns"].notna()]
            bottom.plot(p99["connections"], p99["p99_ns"], **style)
    top.set_yscale("log")
    top.set_ylabel("requests/s (log)")
    figures.log_duration_axis(bottom.yaxis, "p99 round trip")
    bottom.set_xscale("log", base=2)
    ticks = sorted(rows["connections"].unique())
    bottom.set_xticks(ticks)
    bottom.set_xticklabels([str(t) for t in ticks])
    bottom.set_xlabel("concurrent connections")
    for ax in (top, bottom):
        ax.grid(True, which="major", alpha=0.3)
    top.legend(fontsize=9, frameon=False)
    errors = int(rows["errors"].sum()) if "errors" in rows.columns else 0
    note = f" — {errors} error row{'s' if errors != 1 else ''} not drawn" if errors else ""
    fig.suptitle(f"server / echo: {size} B requests, closed loop, on {machine_label}{note}",
                 fontsize=11)
    return fig


def draw(summary, out_dir, machine_label):
    rows = echo_rows(summary)
    if "median" not in rows.columns or not rows["median"].notna().any():
        return []
    colours = figures.colours_for(rows["impl"])
    drawn = []
    for size, group in rows.groupby("bytes", sort=True):
        if not group["median"].notna().any():
            continue
        png = out_dir / f"{figures.slug(FAMILY, BENCHMARK, 'connections', f'b{size}')}.png"
        server_figure(group, colours, size, machine_label).savefig(png, bbox_inches="tight")
        drawn.append(({"family": FAMILY, "heading": HEADING}, png))
    return drawn


def interactive(summary):
    """[(div id, title, plotly Figure, height px)], one per request size
    with a measured echo point; [] without echo rows."""
    rows = echo_rows(summary)
    if "median" not in rows.columns:
        return []
    rows = rows.loc[rows["median"].notna()]
    styles = palette.styles_for(rows["impl"])
    out = []
    for size, group in rows.groupby("bytes", sort=True):
        div_id = f"fig-{figures.slug(FAMILY, BENCHMARK, 'connections', f'b{size}')}"
        title = f"{FAMILY} / {BENCHMARK}: {size} B requests, {units.rate(FAMILY, BENCHMARK)} " \
                "and p99 against connections"
        out.append((div_id, title, *interactive_figure(group, styles)))
    return out


INTERACTIVE_HEIGHT = 620


def interactive_figure(rows, styles):
    """(plotly Figure, height): requests/s over p99, x = connections (log2)."""
    unit = units.rate(FAMILY, BENCHMARK)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    for impl, line in rows.groupby("impl", sort=True):
        line = line.sort_values("connections")
        style = styles[str(impl)]
        common = dict(name=str(impl), legendgroup=str(impl), mode="lines+markers",
                      line=dict(color=style.colour, width=2),
                      marker=dict(symbol=style.symbol, size=7, color=style.colour))
        plus = (line["ci_high"] - line["median"]).fillna(0).clip(lower=0)
        minus = (line["median"] - line["ci_low"]).fillna(0).clip(lower=0)
        notes = [[formatting.interval(r.ci_low, r.ci_high), "UNSTABLE (rounds disagree)"
                  if getattr(r, "unstable", False) else "-"] for r in line.itertuples(index=False)]
        fig.add_trace(go.Scatter(
            x=line["connections"], y=line["median"], **common,
            error_y=dict(type="data", array=plus.to_numpy(), arrayminus=minus.to_numpy(),
                         thickness=1, width=3),
            customdata=notes,
            hovertemplate=(f"<b>%{{fullData.name}}</b><br>%{{x}} connections<br>%{{y:.3s}} {unit}"
                           "<br>95% CI %{customdata[0]}<br>%{customdata[1]}<extra></extra>")),
            row=1, col=1)
        if "p99_ns" in line.columns and line["p99_ns"].notna().any():
            p99 = line.loc[line["p99_ns"].notna()]
            fig.add_trace(go.Scatter(
                x=p99["connections"], y=p99["p99_ns"], showlegend=False, **common,
                hovertemplate=("<b>%{fullData.name}</b><br>%{x} connections"
                               "<br>p99 round trip %{y:.3s} ns<extra></extra>")),
                row=2, col=1)
    ticks = sorted(int(c) for c in rows["connections"].unique())
    fig.update_xaxes(type="log", tickvals=ticks, ticktext=[str(t) for t in ticks])
    fig.update_xaxes(title_text="concurrent connections", row=2, col=1)
    fig.update_yaxes(type="log", title_text=unit, row=1, col=1)
    fig.update_yaxes(type="log", title_text="p99 round trip, ns", row=2, col=1)
    family_figures.finish(fig, INTERACTIVE_HEIGHT)
    fig.update_layout(legend=dict(title="model (click to toggle)"))
    return fig, INTERACTIVE_HEIGHT
