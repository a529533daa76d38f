"""scripts/compare --format html in a real browser (headless Chromium): the
page a reader opens, built from two small synthetic runs of three rounds.

What is asserted is what the page contains and what the browser made of
it (no console lines, every figure drawn, anchors that resolve), never how
fast anything ran."""
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from contend.compare import align, overlay, page
from contend.compare.main import main as compare_main
from contend.core import results
from contend.report import figures
from support import synthetic_runs as synth
from support.browser import contents_links, open_page, require_browser, screenshot


def _run(path, machine, seed):
    rows = synth.make_rows(**{**machine, "seed": seed, "rounds": 3, "round_noise": 0.1,
                              "repetitions": 2})
    return synth.write_run(path, rows, synth.machine_json(**machine))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The compare folder, the expected figure keys, and the browser's view."""
    require_browser()
    tmp = tmp_path_factory.mktemp("compare_page")
    runs = [_run(tmp / "two", synth.TWO_CORE, 1), _run(tmp / "sixteen", synth.SIXTEEN_CORE, 2)]
    out = tmp / "cmp"
    assert compare_main([str(r) for r in runs] + ["--out", str(out), "--format", "html"]) == 0
    loaded = [results.load_run(r) for r in runs]
    points = [align.machine_points(r) for r in loaded]
    keys = [key for key, _ in overlay.shared_figure_rows(points)]
    dom, console = open_page(out / "index.html", tmp)
    return dict(out=out, keys=keys, points=points, runs=loaded, dom=dom, console=console, tmp=tmp)


def test_the_browser_logs_nothing(built):
    assert built["console"] == []
    assert 'id="plotly-missing"' not in built["dom"]


def test_the_winners_come_before_the_first_figure(built):
    dom = built["dom"]
    assert 'id="winners"' in dom and 'class="plotly-figure' in dom
    assert dom.index('id="winners"') < dom.index('class="plotly-figure')
    assert dom.index('class="verdict"') < dom.index('id="winners"')
    # The long tables come last, folded.
    assert dom.index('class="plotly-figure') < dom.index('<details id="table-1"')


def test_every_figure_is_present_and_drawn(built):
    dom = built["dom"]
    assert len(built["keys"]) == 2      # counter and fifo, measured on both machines
    chunks = re.split(r'(?=<div id="fig-)', dom)[1:]
    drawn = {re.match(r'<div id="([^"]+)"', c).group(1): "main-svg" in c for c in chunks}
    assert drawn == {page.figure_id(k): True for k in built["keys"]}
    # Each figure links its static PNG, and the PNG is there.
    for key in built["keys"]:
        png = f"compare-{figures.slug(*key)}.png"
        assert f'href="{png}"' in dom and (built["out"] / png).is_file()


def test_contents_anchors_resolve(built):
    anchors, unresolved = contents_links(built["dom"])
    assert len(anchors) >= 2 + 2 * len(built["keys"])   # machines, winners, families, figures
    assert unresolved == []


def _figures(built):
    labels = align.unique_labels(built["runs"])
    cores = [r.cores for r in built["runs"]]
    return [overlay.interactive(overlay.model(rows, labels, cores, key))
            for key, rows in overlay.shared_figure_rows(built["points"])]


def test_interval_bands_are_drawn(built):
    for fig in _figures(built):
        bands = [t for t in fig.data if t.fill == "toself"]
        # One band per machine per line at least (three rounds: intervals exist).
        assert len({t.legendgroup for t in bands}) == 2
        for band in bands:
            assert len(band.x) == len(band.y) and len(band.x) % 2 == 0
    assert "js-fill" in built["dom"]       # plotly drew the fills


def test_panels_of_one_figure_share_one_y_axis(built):
    for fig in _figures(built):
        layout = fig.to_plotly_json()["layout"]
        axes = [v for k, v in layout.items() if re.fullmatch(r"yaxis\d*", k)]
        assert len(axes) >= 2
        assert {tuple(a["range"]) for a in axes} == {tuple(axes[0]["range"])}
        assert {a["type"] for a in axes} == {"log"}
        drawn = [float(v) for t in fig.data for v in (t.y or []) if v is not None]
        assert min(drawn) >= 10 ** axes[0]["range"][0]    # nothing drawn outside the range
        assert max(drawn) <= 10 ** axes[0]["range"][1]


def test_machines_get_distinct_colours_and_markers(built):
    for fig in _figures(built):
        lines = [t for t in fig.data if t.mode == "lines+markers"]
        styles = {(t.legendgroup, t.line.color, _closed(t.marker.symbol)) for t in lines}
        assert len(styles) == 2 and len({s[1:] for s in styles}) == 2
        # One legend entry per machine, whatever the panels hold.
        assert sorted(t.name for t in fig.data if t.showlegend) == sorted({s[0] for s in styles})


def _closed(symbol):
    """A trace's marker symbol (one, or the first of a per-point list), closed."""
    first = symbol if isinstance(symbol, str) else symbol[0]
    return first.replace("-open", "")


def test_first_screen_screenshot_is_not_blank(built):
    png = screenshot(built["out"] / "index.html", built["tmp"] / "compare.png", built["tmp"])
    pixels = np.asarray(Image.open(png).convert("L"), dtype=float)
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert pixels.std() > 5 and (pixels < 128).mean() > 0.005   # text and cards, not white


def test_one_plotly_js_in_the_folder(built):
    out = built["out"]
    assert [p.name for p in out.glob("*.js")] == ["plotly.js"]
    html_text = (out / "index.html").read_text()
    assert html_text.count("<script src=") == 1 and "Plotly.newPlot" in html_text
    assert len(html_text) < 1_000_000     # the library is not inlined


def test_points_with_one_eligible_impl_everywhere_leave_the_html_winners_table():
    wins = pd.DataFrame({"status_0": ["alone", "winner", "alone", "none"],
                         "status_1": ["alone", "tie", "tie", "alone"]})
    assert page.contested(wins, 2) == [False, True, True, False]


def test_crowded_worker_ticks_are_left_unlabelled():
    assert overlay.worker_tick_texts([1, 2, 4, 8, 16, 17, 18]) == ["1", "2", "4", "8", "16", "", ""]
    assert overlay.worker_tick_texts([2, 3]) == ["2", "3"]
