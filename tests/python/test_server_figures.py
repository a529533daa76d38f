"""The server family's figures (scripts/contend/report/server_figures.py): one per
request size, requests/s and p99 against connections, a line per model;
none for a run without echo rows, and error rows are not drawn."""
import math

import pandas as pd

from contend.report import server_figures

MODELS = ("thread_per_connection", "epoll_loop")
LADDER = (1, 16, 256)


def summary(sizes=(64, 4096), failed=()):
    rows = []
    for size in sizes:
        for impl in MODELS:
            for n in LADDER:
                bad = (impl, n) in failed
                rate = math.nan if bad else 1e4 * (1 + MODELS.index(impl)) / (1 + n / 256)
                rows.append({"family": "server", "benchmark": "echo", "impl": impl,
                             "params": f"bytes={size};connections={n}", "mode": "thread",
                             "placement": "compact", "median": rate, "ci_low": rate,
                             "ci_high": rate, "p99_ns": math.nan if bad else 1e5 * n,
                             "errors": 3 if bad else 0})
    rows.append({"family": "server", "benchmark": "connect_per_request", "impl": "epoll_loop",
                 "params": "bytes=64", "mode": "thread", "placement": "compact",
                 "median": 5e3, "ci_low": 5e3, "ci_high": 5e3, "p99_ns": 1e6, "errors": 0})
    return pd.DataFrame(rows)


def test_one_figure_per_request_size(tmp_path):
    drawn = server_figures.draw(summary(), tmp_path, "test-vm")
    assert [png.name for _, png in drawn] == ["server-echo-connections-b64.png",
                                              "server-echo-connections-b4096.png"]
    for key, png in drawn:
        assert key == {"family": "server", "heading": server_figures.HEADING}
        assert png.stat().st_size > 1000


def test_echo_rows_parse_connections_and_bytes():
    rows = server_figures.echo_rows(summary(sizes=(64,)))
    assert sorted(rows["connections"].unique()) == list(LADDER)
    assert set(rows["bytes"]) == {64}
    assert set(rows["benchmark"]) == {"echo"}


def test_nothing_without_echo_rows(tmp_path):
    frame = summary()
    assert server_figures.draw(frame.loc[frame["benchmark"] != "echo"], tmp_path, "vm") == []
    assert server_figures.draw(frame.loc[frame["family"] != "server"], tmp_path, "vm") == []


def test_a_size_whose_rows_all_failed_is_not_drawn(tmp_path):
    failed = {(impl, n) for impl in MODELS for n in LADDER}
    frame = pd.concat([summary(sizes=(64,)), summary(sizes=(4096,), failed=failed)])
    drawn = server_figures.draw(frame, tmp_path, "vm")
    assert [png.name for _, png in drawn] == ["server-echo-connections-b64.png"]


def test_the_interactive_figures_match_the_pngs_and_skip_failed_points():
    failed = {("epoll_loop", 256)}
    frame = pd.concat([summary(sizes=(64,), failed=failed),
                       summary(sizes=(4096,), failed={(i, n) for i in MODELS for n in LADDER})])
    [(div_id, title, fig, height)] = server_figures.interactive(frame)
    assert div_id == "fig-server-echo-connections-b64" and "64 B" in title and height > 0
    rates = {t.name: list(t.x) for t in fig.data if t.error_y.array is not None}
    assert rates == {"epoll_loop": [1, 16], "thread_per_connection": list(LADDER)}
    assert server_figures.interactive(frame.loc[frame["benchmark"] != "echo"]) == []
