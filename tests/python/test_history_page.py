"""scripts/plot --history in a real browser (headless Chromium): a synthetic
history of ten runs where std_mutex gets 25% slower from the seventh on."""
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from contend.history import steps, store
from contend.report import family_figures, figures, history_figure, history_page, plot
from support.browser import contents_links, open_page, require_browser, screenshot


@pytest.fixture(scope="module")
def built(tmp_path_factory, recorded_history):
    require_browser()
    tmp = tmp_path_factory.mktemp("history_page")
    path = recorded_history
    out = tmp / "out"
    assert plot.main(["--history", str(path), "--out", str(out)]) == 0
    rows = store.load_history(path)
    dom, console = open_page(out / "index.html", tmp)
    return dict(path=path, out=out, rows=rows, dom=dom, console=console, tmp=tmp)


def _figure(built):
    rows = built["rows"]
    position, labels = steps.commits_axis(rows)
    found = steps.all_steps(rows)
    (key, group), = figures.figure_groups(rows)
    model = history_figure.model(group, position, labels, found)
    return key, history_figure.interactive(model), found


def test_the_page_draws_every_figure_without_console_lines(built):
    assert built["console"] == []
    dom = built["dom"]
    key, _, _ = _figure(built)
    chunks = re.split(r'(?=<div id="hist-)', dom)[1:]
    assert [re.match(r'<div id="([^"]+)"', c).group(1) for c in chunks] == [history_page.figure_id(key)]
    assert all("main-svg" in c for c in chunks)
    assert 'href="history-counter-increment-thread.png"' in dom


def test_contents_anchors_resolve(built):
    anchors, unresolved = contents_links(built["dom"])
    assert anchors and unresolved == []


def test_steps_are_marked_with_their_size(built):
    _, fig, steps = _figure(built)
    spec = fig.to_plotly_json()
    assert len(steps) >= 4 and {s["impl"] for s in steps} == {"std_mutex"}
    # One dotted line per panel holding a step, just before the first slower run.
    lines = [shape for shape in spec["layout"]["shapes"] if shape["type"] == "line"]
    assert len(lines) == len({(s["threads"], s["x"]) for s in steps})
    assert {shape["x0"] for shape in lines} == {6 - 0.5}
    texts = [a["text"] for a in spec["layout"]["annotations"] if "std_mutex" in a["text"]]
    assert texts and all(re.search(r"-2\d\.\d%", t) for t in texts)
    triangles = [t for t in fig.data if t.name == "step down"]
    assert len(triangles) == len(steps)
    assert "step up" not in {t.name for t in fig.data}
    # The browser drew the labels.
    assert "std_mutex (compact) -2" in built["dom"]


def test_hover_names_commit_run_and_value(built):
    _, fig, _ = _figure(built)
    series = [t for t in fig.data if t.mode == "lines+markers"]
    assert series
    for trace in series:
        assert "commit %{customdata[0]}" in trace.hovertemplate
        assert "run %{customdata[1]}" in trace.hovertemplate and "%{y" in trace.hovertemplate
        assert [c[0] for c in trace.customdata] == [f"{x:07x}" for x in trace.x]


def test_panels_share_one_y_range(built):
    _, fig, _ = _figure(built)
    layout = fig.to_plotly_json()["layout"]
    axes = [v for k, v in layout.items() if re.fullmatch(r"yaxis\d*", k)]
    assert len(axes) == 3                       # 1, 2 and 3 (oversubscribed) workers
    assert {tuple(a["range"]) for a in axes} == {tuple(axes[0]["range"])}


def test_y_is_the_familys_unit_and_oversubscribed_panels_are_grey(built):
    _, fig, _ = _figure(built)
    layout = fig.to_plotly_json()["layout"]
    assert layout["yaxis"]["title"]["text"] == "increments/s (median)"   # counter, not items/s
    series = [t for t in fig.data if t.mode == "lines+markers"]
    assert all("increments/s" in t.hovertemplate for t in series)
    # Panels 1, 2 and 3 workers on two cores: only the third is oversubscribed.
    rects = [s for s in layout["shapes"] if s["type"] == "rect"]
    assert [(r["xref"], r["yref"]) for r in rects] == [("x3 domain", "y3 domain")]
    assert rects[0]["fillcolor"] == family_figures.OVERSUBSCRIBED_FILL


def test_first_screen_and_one_library(built):
    png = screenshot(built["out"] / "index.html", built["tmp"] / "history.png", built["tmp"])
    pixels = np.asarray(Image.open(png).convert("L"), dtype=float)
    assert pixels.std() > 5 and (pixels < 128).mean() > 0.005
    assert [p.name for p in Path(built["out"]).glob("*.js")] == ["plotly.js"]
    assert (built["out"] / "index.html").read_text().count("<script src=") == 1
