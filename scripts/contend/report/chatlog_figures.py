"""The run report's chatlog pictures (bench_chatlog, chatlog_plan.h).

  * log: messages/s end to end (bars, log scale: fsync policies are orders
    of magnitude slower) and datagrams dropped in the kernel per episode,
    per writer design x durability policy, at the largest sender count
    that fits the machine (the one every policy was measured at);
  * crash (full runs): per design x policy, the messages per episode the
    file lacked after the SIGKILL: `lost` (accepted by a receiver) and
    `acked_missing` (acknowledged by the writer).

Bars are medians over a run's valid repetitions (every round); a run
without chatlog rows gets none of these, and error rows are never drawn
(the report's tables say why).

`interactive(summary)` draws the same two pictures in plotly for the report
page, [(div id, title, figure, height px)], from the per-instance summary:
each bar the instance's median over rounds (its 95% interval a whisker on
messages/s), a colour per durability policy (click one in the legend to
hide it in both panels), hover for the number.
"""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import plotly.graph_objects as go  # noqa: E402
from plotly.subplots import make_subplots  # noqa: E402

from . import family_figures, palette
from ..core import formatting, results, units  # noqa: E402

HEADING = "The queue-fed log writer"
DESIGNS = ["direct_write", "queue_writer", "batched_writer", "spdlog_async"]
POLICIES = ["none", "fsync_every_n", "fsync_each"]


def durability_of(params):
    for part in str(params).split(";"):
        key, _, value = part.partition("=")
        if key == "durability":
            return value
    return ""


def chatlog_rows(df, benchmark):
    rows = results.valid_rows(df)
    rows = rows.loc[(rows["family"] == "chatlog") & (rows["benchmark"] == benchmark)]
    return rows.assign(durability=rows["params"].map(durability_of))


def medians(rows, column):
    """{(impl, durability): median of `column`} over the rows that have it."""
    present = rows.loc[rows[column].notna()]
    return {key: float(g[column].astype(float).median())
            for key, g in present.groupby(["impl", "durability"])}


def at_full_machine(rows):
    """The rows at the largest sender count that is not oversubscribed (else
    the largest there is)."""
    fitting = rows.loc[~rows["oversubscribed"].astype(bool)]
    pool = fitting if len(fitting) else rows
    return rows.loc[rows["threads"] == pool["threads"].max()]


def grouped_bars(axes, values, ylabel, log=False):
    designs = [d for d in DESIGNS if any((d, p) in values for p in POLICIES)]
    policies = [p for p in POLICIES if any((d, p) in values for d in designs)]
    width = 0.8 / max(len(policies), 1)
    x = np.arange(len(designs))
    for i, policy in enumerate(policies):
        heights = [values.get((d, policy), np.nan) for d in designs]
        axes.bar(x + (i - (len(policies) - 1) / 2) * width, heights, width, label=policy)
    axes.set_xticks(x, designs)
    axes.set_ylabel(ylabel)
    if log:
        axes.set_yscale("log")
    axes.legend(title="durability", fontsize="small")
    axes.grid(axis="y", alpha=0.3)


def draw(run, out_dir):
    """[(key dict with family and heading, png path)] in report order."""
    drawn = []
    log = chatlog_rows(run.df, "log")
    if len(log):
        log = at_full_machine(log)
        senders = int(log["threads"].max())
        fig, (rate, dropped) = plt.subplots(1, 2, figsize=(13, 4.5))
        grouped_bars(rate, medians(log, "items_per_second"), "messages/s in the file", log=True)
        grouped_bars(dropped, medians(log, "dropped"), "datagrams dropped per episode")
        fig.suptitle(f"chatlog / log: {senders} senders -> UDP -> 1 receiver -> writer -> file, "
                     f"on {run.label}")
        drawn.append(_save(fig, out_dir / "chatlog.log.png"))
    crash = chatlog_rows(run.df, "crash")
    if len(crash):
        fig, (lost, acked) = plt.subplots(1, 2, figsize=(13, 4.5))
        grouped_bars(lost, medians(crash, "lost"), "accepted, missing after SIGKILL (per episode)")
        grouped_bars(acked, medians(crash, "acked_missing"),
                     "acknowledged, missing after SIGKILL (per episode)")
        fig.suptitle(f"chatlog / crash: the logging process SIGKILLed mid-episode, on {run.label}"
                     "\n(the page cache survives SIGKILL: fsync cannot show here)")
        drawn.append(_save(fig, out_dir / "chatlog.crash.png"))
    return drawn


def _save(fig, png):
    fig.savefig(png, bbox_inches="tight")
    plt.close(fig)
    return {"family": "chatlog", "heading": HEADING}, png


INTERACTIVE_HEIGHT = 460


def interactive(summary):
    """[(div id, title, plotly Figure, height px)]: log (messages/s and
    drops at the full machine) and crash (losses), each where it has rows."""
    out = []
    log = _summary_rows(summary, "log")
    if len(log):
        log = at_full_machine(log)
        senders = int(log["threads"].max())
        out.append(("fig-chatlog-log-designs",
                    f"chatlog / log: {units.rate('chatlog', 'log')} and drops per writer design "
                    f"and durability, {senders} senders",
                    grouped_bars_figure(log, [("median", f"{units.rate('chatlog', 'log')} "
                                                         "in the file", True),
                                              ("dropped", "datagrams dropped per episode", False)]),
                    INTERACTIVE_HEIGHT))
    crash = _summary_rows(summary, "crash")
    if len(crash):
        out.append(("fig-chatlog-crash-losses",
                    "chatlog / crash: messages missing after SIGKILL, per episode",
                    grouped_bars_figure(crash, [("lost", "accepted, missing", False),
                                                ("acked_missing", "acknowledged, missing",
                                                 False)]),
                    INTERACTIVE_HEIGHT))
    return out


def _summary_rows(summary, benchmark):
    """Measured summary rows of one chatlog benchmark. An instance whose
    every repetition failed has no numbers: its bars are simply absent (a
    crash row may count losses without a rate, so no row is dropped here)."""
    rows = summary.loc[(summary["family"] == "chatlog") & (summary["benchmark"] == benchmark)]
    if "measured_placement" in rows.columns:
        rows = rows.loc[rows["placement"] == rows["measured_placement"]]
    return rows.assign(durability=rows["params"].map(durability_of))


def grouped_bars_figure(rows, panels):
    """A panel per (column, y title, log y): bars grouped by design, a bar
    per durability policy; `median` panels carry the interval whiskers."""
    designs = [d for d in DESIGNS if d in set(rows["impl"])] + sorted(
        set(rows["impl"]) - set(DESIGNS))
    policies = [p for p in POLICIES if p in set(rows["durability"])] + sorted(
        set(rows["durability"]) - set(POLICIES))
    styles = palette.styles_for(policies)
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=0.12)
    for col, (column, title, log) in enumerate(panels, start=1):
        if column not in rows.columns:
            continue
        for policy in policies:
            bars = rows.loc[rows["durability"] == policy].set_index("impl").reindex(designs)
            whiskers = {}
            if column == "median":
                whiskers = dict(error_y=dict(
                    type="data", thickness=1.2,
                    array=(bars["ci_high"] - bars["median"]).fillna(0).clip(lower=0).to_numpy(),
                    arrayminus=(bars["median"] - bars["ci_low"]).fillna(0).clip(lower=0).to_numpy()))
            intervals = [formatting.interval(r.ci_low, r.ci_high) if column == "median" else "-"
                         for r in bars.itertuples()]
            fig.add_trace(go.Bar(
                x=designs, y=bars[column].astype(float), name=policy, legendgroup=policy,
                showlegend=col == 1, marker=dict(color=styles[policy].colour), **whiskers,
                customdata=intervals,
                hovertemplate=(f"<b>%{{x}}</b>, durability {policy}<br>%{{y:.3s}} {title}"
                               "<br>95% CI %{customdata}<extra></extra>")), row=1, col=col)
        fig.update_yaxes(title_text=title, type="log" if log else "linear", row=1, col=col)
        fig.update_xaxes(title_text="writer design", row=1, col=col)
    family_figures.finish(fig, INTERACTIVE_HEIGHT)
    fig.update_layout(barmode="group", legend=dict(title="durability (click to toggle)"))
    return fig
