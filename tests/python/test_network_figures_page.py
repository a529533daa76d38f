"""The report's interactive figures for the server, chatlog and calibration
families, in a real browser (headless Chromium). Built once from a small
synthetic run with rounds: echo servers at several connection counts (one
model failing at one of them), the chat log's log benchmark for 2 writer
designs x 2 durability policies, and a calibration whose machine.json holds
a 4-PU core-to-core matrix with one pair unmeasured. No timings asserted."""
import json
import re

import pytest

from contend.core import results, schema
from contend.report import plot
from support import synthetic_runs
from support.browser import open_page, require_browser

SERVER_FIGURES = ["fig-server-echo-connections-b64", "fig-server-echo-connections-b4096"]
CHATLOG_FIGURE = "fig-chatlog-log-designs"
CALIBRATION_FIGURE = "fig-calibration-core_to_core-heatmap"
NEW_FIGURES = SERVER_FIGURES + [CHATLOG_FIGURE, CALIBRATION_FIGURE]
MODELS = {"epoll_loop": 9e4, "thread_pool": 5e4}
CONNECTIONS = (1, 4, 16)
DESIGNS = {"direct_write": 1e5, "queue_writer": 2e5}
DURABILITY = {"none": 1.0, "fsync_each": 0.01}
PUS = 4
UNMEASURED_PAIR = (2, 3)


def _row(family, benchmark, impl, params, round_index, rep, rate, **extra):
    row = dict.fromkeys(schema.COLUMNS, "")
    row.update({"schema_version": schema.SCHEMA_VERSION, "run_id": "run-net",
                "machine_id": "pc2-1f0e2d3c", "timestamp_utc": "2025-01-10T12:00:00Z",
                "git_sha": "1a2b3c4", "family": family, "benchmark": benchmark,
                "params": params, "impl": impl, "mode": "thread", "threads": 2,
                "producers": 0, "consumers": 0, "placement": "compact",
                "placements": "compact", "oversubscribed": False, "round": round_index,
                "repetition": rep, "items": 1e5, "seconds": 1e5 / rate,
                "items_per_second": rate, "ns_per_item": 1e9 / rate, "lost": 0, "error": ""})
    row.update(extra)
    return row


def _repeated(make):
    """3 rounds x 2 repetitions, a few percent apart: intervals to draw."""
    return [make(r, k, 1.0 + 0.03 * r - 0.01 * k) for r in range(3) for k in range(2)]


def _rows():
    rows = []
    for impl, rate in MODELS.items():
        for n in CONNECTIONS:
            for size in (64, 4096):
                params = f"bytes={size};connections={n}"
                failed = impl == "thread_pool" and n == 16 and size == 64
                rows += _repeated(lambda r, k, f, impl=impl, n=n, params=params, failed=failed,
                                  rate=rate: _row(
                    "server", "echo", impl, params, r, k, rate * f / (1 + n / 8),
                    p50_ns=2e4 * n * f, p99_ns=9e4 * n * f, latency_samples=1000,
                    **({"error": "more connections than workers", "items_per_second": ""}
                       if failed else {})))
    for impl, rate in DESIGNS.items():
        for durability, factor in DURABILITY.items():
            params = f"durability={durability};msgs=1000;rcvbuf=256"
            rows += _repeated(lambda r, k, f, impl=impl, params=params, rate=rate * factor:
                              _row("chatlog", "log", impl, params, r, k, rate * f,
                                   dropped=100 * f))
    for a in range(PUS):
        for b in range(a + 1, PUS):
            if (a, b) == UNMEASURED_PAIR:
                continue
            rows += _repeated(lambda r, k, f, a=a, b=b: _row(
                "calibration", "core_to_core", "cas_bounce",
                f"level=same_l3;pu_a={a};pu_b={b}", r, k, 1e9 / (100 + 10 * (a + b)) * f))
    return rows


def _calibration():
    pairs = [{"pu_a": a, "pu_b": b, "level": "same_l3", "round_trip_ns": 200.0 + 20 * (a + b),
              "one_way_ns": 100.0 + 10 * (a + b), "spread_ns": [190.0, 260.0], "rounds": 3}
             for a in range(PUS) for b in range(a + 1, PUS) if (a, b) != UNMEASURED_PAIR]
    return {"pairs": pairs, "levels": {}, "floors": {}, "pairs_measured": len(pairs),
            "pairs_possible": PUS * (PUS - 1) // 2, "sampled": True}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("netreport")
    machine = synthetic_runs.machine_json("pc2-1f0e2d3c", "run-net", cores=PUS)
    machine["calibration"] = _calibration()
    run_dir = synthetic_runs.write_run(folder / "run", _rows(), machine)
    index = plot.write_run_report(results.load_run(run_dir), run_dir / "report")
    dom, console = open_page(index, folder, budget_ms=15000)
    return index, dom, console


def _figure_data(index, div_id):
    """The deferred figure's JSON as the page carries it."""
    page = index.read_text()
    start = page.index(f'data-figure="{div_id}">') + len(f'data-figure="{div_id}">')
    return json.loads(page[start:page.index("</script>", start)])


def test_the_page_logs_nothing_and_draws_each_new_figure(report):
    _, dom, console = report
    assert console == []
    drawn = re.findall(r'<div id="([^"]+)" class="plotly-figure[^"]*js-plotly-plot', dom)
    assert set(NEW_FIGURES) <= set(drawn)
    for div_id in NEW_FIGURES:
        start = dom.index(f'id="{div_id}"')
        assert "main-svg" in dom[start:start + 4000], div_id


def test_each_new_figure_sits_in_its_family_section_and_the_contents(report):
    _, dom, _ = report
    nav = dom[dom.index('<nav class="contents"'):dom.index("</nav>")]
    for family, ids in [("server", SERVER_FIGURES), ("chatlog", [CHATLOG_FIGURE]),
                        ("calibration", [CALIBRATION_FIGURE])]:
        section = dom[dom.index(f'<section id="{family}">'):]
        section = section[:section.index("</section>")]
        for div_id in ids:
            assert f'id="{div_id}"' in section, div_id
            assert f'href="#{div_id}"' in nav, div_id


def test_the_static_pngs_are_kept_and_linked_not_shown(report):
    index, _, _ = report
    page = index.read_text()
    for png in ["server-echo-connections-b64.png", "server-echo-connections-b4096.png",
                "chatlog.log.png", "calibration-core_to_core-heatmap.png"]:
        assert (index.parent / png).is_file(), png
        assert f'href="{png}"' in page and f'src="{png}"' not in page, png


def test_server_lines_skip_the_failed_point_and_carry_intervals(report):
    index, _, _ = report
    data = _figure_data(index, "fig-server-echo-connections-b64")["data"]
    rates = {t["name"]: t for t in data if t.get("error_y")}
    assert sorted(rates) == sorted(MODELS)
    assert rates["epoll_loop"]["x"] == list(CONNECTIONS)
    assert rates["thread_pool"]["x"] == [1, 4]           # 16: an error row, not drawn
    assert all(v > 0 for v in rates["epoll_loop"]["error_y"]["array"])
    p99 = [t for t in data if not t.get("error_y")]
    assert sorted(t["name"] for t in p99) == sorted(MODELS)
    assert len({t["legendgroup"] for t in data}) == len(MODELS)   # one toggle per model


def test_chatlog_has_a_bar_per_design_for_each_durability_in_both_panels(report):
    index, _, _ = report
    data = _figure_data(index, CHATLOG_FIGURE)["data"]
    assert sorted({t["name"] for t in data}) == sorted(DURABILITY)
    assert len(data) == 2 * len(DURABILITY)                  # messages/s and drops
    for trace in data:
        assert trace["x"] == list(DESIGNS)
    rates = {t["name"]: t["y"] for t in data if t.get("error_y")}
    assert all(f < n for f, n in zip(rates["fsync_each"], rates["none"]))


def test_the_core_to_core_heatmap_is_symmetric_and_blank_where_unmeasured(report):
    index, _, _ = report
    (trace,) = _figure_data(index, CALIBRATION_FIGURE)["data"]
    z = trace["z"]
    assert trace["x"] == [str(p) for p in range(PUS)]
    a, b = UNMEASURED_PAIR
    assert z[a][b] is None and z[b][a] is None
    for i in range(PUS):
        assert z[i][i] is None
        for j in range(PUS):
            assert z[i][j] == z[j][i]
    assert z[0][1] == 110.0
