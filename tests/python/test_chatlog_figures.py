"""chatlog_figures: the log and crash pictures are drawn from chatlog rows
only, at the full machine's sender count, without error rows."""
from types import SimpleNamespace

import pandas as pd

from contend.report import chatlog_figures


def row(benchmark, impl, durability, threads=2, oversub=False, error="", **numbers):
    return {"family": "chatlog", "benchmark": benchmark, "impl": impl,
            "params": f"durability={durability};msgs=100;rcvbuf=256", "threads": threads,
            "oversubscribed": oversub, "error": error, "items_per_second": numbers.get("rate"),
            "dropped": numbers.get("dropped"), "lost": numbers.get("lost"),
            "acked_missing": numbers.get("acked_missing")}


def test_log_medians_come_from_the_full_machine_and_valid_rows():
    rows = pd.DataFrame([
        row("log", "queue_writer", "none", rate=100.0, dropped=1.0),
        row("log", "queue_writer", "none", rate=300.0, dropped=3.0),
        row("log", "queue_writer", "none", threads=1, rate=9e9, dropped=0.0),   # not the full machine
        row("log", "queue_writer", "none", threads=4, oversub=True, rate=9e9),  # oversubscribed
        row("log", "queue_writer", "none", error="torn line 3", rate=9e9),
        row("log", "direct_write", "fsync_each", rate=10.0, dropped=50.0),
    ])
    log = chatlog_figures.at_full_machine(chatlog_figures.chatlog_rows(rows, "log"))
    assert chatlog_figures.medians(log, "items_per_second") == {
        ("queue_writer", "none"): 200.0, ("direct_write", "fsync_each"): 10.0}
    assert chatlog_figures.medians(log, "dropped")[("queue_writer", "none")] == 2.0


def test_draw_writes_a_log_and_a_crash_figure(tmp_path):
    df = pd.DataFrame([
        row("log", "queue_writer", "none", rate=100.0, dropped=1.0),
        row("crash", "queue_writer", "fsync_each", rate=1.0, lost=20.0, acked_missing=0.0),
    ])
    drawn = chatlog_figures.draw(SimpleNamespace(df=df, label="vm"), tmp_path)
    assert [png.name for _, png in drawn] == ["chatlog.log.png", "chatlog.crash.png"]
    assert all(png.stat().st_size > 0 for _, png in drawn)
    assert {key["family"] for key, _ in drawn} == {"chatlog"}


def test_a_run_without_chatlog_rows_gets_no_figure(tmp_path):
    df = pd.DataFrame([dict(row("log", "x", "none"), family="counter")])
    assert chatlog_figures.draw(SimpleNamespace(df=df, label="vm"), tmp_path) == []


def summary_row(benchmark, impl, durability, median, **numbers):
    return {"family": "chatlog", "benchmark": benchmark, "impl": impl,
            "params": f"durability={durability};msgs=100;rcvbuf=256", "threads": 2,
            "oversubscribed": False, "median": median, "ci_low": median * 0.9,
            "ci_high": median * 1.1, "dropped": numbers.get("dropped"),
            "lost": numbers.get("lost"), "acked_missing": numbers.get("acked_missing")}


def test_the_interactive_figures_draw_a_bar_per_design_for_each_policy():
    frame = pd.DataFrame([
        summary_row("log", "queue_writer", "none", 100.0, dropped=1.0),
        summary_row("log", "direct_write", "fsync_each", 10.0, dropped=0.0),
        summary_row("crash", "queue_writer", "none", float("nan"), lost=20.0,
                    acked_missing=0.0),     # losses count even without a rate
    ])
    drawn = chatlog_figures.interactive(frame)
    assert [div_id for div_id, *_ in drawn] == ["fig-chatlog-log-designs",
                                                "fig-chatlog-crash-losses"]
    log = drawn[0][2]
    assert sorted({t.name for t in log.data}) == ["fsync_each", "none"]
    assert all(list(t.x) == ["direct_write", "queue_writer"] for t in log.data)
    crash = drawn[1][2]
    assert [list(t.y) for t in crash.data] == [[20.0], [0.0]]     # lost, acked missing


def test_no_interactive_figure_without_chatlog_rows():
    frame = pd.DataFrame([dict(summary_row("log", "x", "none", 1.0), family="counter")])
    assert chatlog_figures.interactive(frame) == []
