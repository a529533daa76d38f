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
"""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import results  # noqa: E402

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
