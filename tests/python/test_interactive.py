"""palette.py and interactive.py: styles per figure, the shared library,
and a plotly figure that a real browser draws offline."""
import plotly.graph_objects as go

from contend.report import interactive, palette
from support.browser import open_page


def test_styles_are_distinct_per_figure_and_stable():
    three = palette.styles_for(["c", "a", "b"])
    assert list(three) == ["a", "b", "c"]
    assert len({s.colour for s in three.values()}) == 3
    assert palette.styles_for(["b", "c", "a"]) == three


def test_past_the_colours_no_two_names_share_colour_and_marker():
    names = [f"impl{i:02d}" for i in range(30)]
    styles = palette.styles_for(names).values()
    assert len({(s.colour, s.marker) for s in styles}) == 30
    assert len({(s.colour, s.symbol) for s in styles}) == 30


def test_the_library_is_written_once_per_folder(tmp_path):
    name = interactive.ensure_library(tmp_path)
    copy = tmp_path / name
    first = copy.stat().st_mtime_ns
    interactive.ensure_library(tmp_path)
    assert copy.stat().st_mtime_ns == first
    assert not list(tmp_path.glob("*.tmp"))


def _page(folder, with_library=True):
    if with_library:
        interactive.ensure_library(folder)
    fig = go.Figure(go.Scatter(x=[1, 2, 4], y=[3, 1, 2], name="ring_mpmc"))
    body = interactive.figure_div(fig, "fig-one")
    page = folder / "page.html"
    page.write_text(f"<!doctype html><html><head>{interactive.library_tag()}</head>"
                    f"<body>{body}</body></html>")
    return page


def test_a_browser_draws_the_figure_offline_without_console_noise(tmp_path):
    dom, console = open_page(_page(tmp_path), tmp_path)
    assert console == []
    assert 'id="fig-one"' in dom and "main-svg" in dom   # plotly drew its SVG
    assert 'id="plotly-missing"' not in dom   # the banner element, not the script naming it


def test_without_the_library_the_page_says_how_to_restore_it(tmp_path):
    dom, _ = open_page(_page(tmp_path, with_library=False), tmp_path)
    assert 'id="plotly-missing"' in dom and "scripts/plot" in dom
