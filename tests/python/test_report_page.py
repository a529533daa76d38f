"""The run report in a real browser (headless Chromium): what a new user
sees. Built once from a small synthetic run with rounds (counter in thread
and process mode, fifo throughput, a single-worker-count pingpong, and a
family the report has never heard of), partial and with a noise score.
No timings are asserted; the load time is measured by hand (README)."""
import re

import pytest

from contend.core import results
from contend.report import interactive, plot
from support import synthetic_runs
from support.browser import open_page, require_browser, screenshot

NOISE = {"instances": 40, "rounds": 3, "between_sd_median": 0.09, "within_sd_median": 0.02,
         "unstable_share": 0.05}
EXPECTED_FIGURES = ["fig-counter-increment-scaling", "fig-counter-increment-heatmap",
                    "fig-fifo-throughput-scaling", "fig-fifo-throughput-heatmap",
                    "fig-fifo-pingpong-bars", "fig-widgets-spin-scaling",
                    "fig-widgets-spin-heatmap"]
# The page without the shared library: the synthetic run's tables and figure
# data come to ~80 KB; 400 KB leaves room for layout changes but fails if a
# library, a PNG or a template per figure is ever inlined again (each is
# hundreds of KB to MB).
PAGE_BOUND_BYTES = 400_000


def _rows():
    rows = synthetic_runs.make_rows(seed=81, rounds=3, round_noise=0.05, repetitions=2)
    rows += [dict(r, mode="process") for r in rows if r["family"] == "counter"]
    # A benchmark measured at one worker count: drawn as sorted bars.
    rows += [dict(r, benchmark="pingpong", params="payload=8", producers=1, consumers=1)
             for r in rows if r["family"] == "fifo" and r["threads"] == 2
             and r["producers"] == 1]
    # A family no module of the report knows: it must still get its section.
    rows += [dict(r, family="widgets", benchmark="spin")
             for r in rows if r["family"] == "counter" and r["mode"] == "thread"]
    return rows


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("report")
    machine = synthetic_runs.machine_json(**synthetic_runs.TWO_CORE)
    machine.update(complete=False, processes_measured=40, processes_planned=42, noise=NOISE,
                   rounds=3, quick=True)
    run_dir = synthetic_runs.write_run(folder / "run", _rows(), machine)
    index = plot.write_run_report(results.load_run(run_dir), run_dir / "report")
    dom, console = open_page(index, folder)
    return index, dom, console


def test_the_page_logs_nothing_and_draws_every_figure(report):
    _, dom, console = report
    assert console == []
    drawn = re.findall(r'<div id="([^"]+)" class="plotly-figure[^"]*js-plotly-plot', dom)
    assert sorted(drawn) == sorted(EXPECTED_FIGURES)
    for div_id in EXPECTED_FIGURES:     # each holds plotly's SVG: it was drawn
        start = dom.index(f'id="{div_id}"')
        assert "main-svg" in dom[start:start + 4000], div_id
    assert 'id="plotly-missing"' not in dom


def test_every_contents_link_resolves(report):
    _, dom, _ = report
    nav = dom[dom.index('<nav class="contents"'):dom.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', nav)
    assert set(EXPECTED_FIGURES) <= set(targets)
    for target in targets:
        assert f'id="{target}"' in dom, target


def test_banner_card_and_winners_come_before_any_figure(report):
    _, dom, _ = report
    banner = dom.index("partial run: 40 of 42 processes")
    card = dom.index('id="noise-score"')
    winners = dom.index('id="winners"')
    assert banner < card < winners < dom.index('class="plotly-figure')
    noise = dom[card:dom.index("</div>", card)]
    assert "typically differ by ~9%" in noise and "within the noise" in noise
    assert "sharded_padded" in dom[winners:dom.index("</section>", winners)]


def test_oversubscribed_points_are_shaded_in_the_interactive_figures():
    import math
    import pandas as pd
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
    from contend.report import family_figures
    panel = pd.DataFrame({"threads": [1, 2, 3, 3], "oversubscribed": [False, False, True, True]})
    fig = make_subplots(rows=1, cols=2)
    for col in (1, 2):   # (plotly leaves a subplot without traces unshaded)
        fig.add_trace(go.Scatter(x=[1, 2], y=[1, 1]), row=1, col=col)
    family_figures.shade_oversubscribed(fig, panel, 1, 2)
    family_figures.shade_oversubscribed(fig, panel.iloc[:2], 1, 1)   # none there: no shade
    rect, = fig.layout.shapes
    assert (rect.xref, rect.fillcolor) == ("x2", family_figures.OVERSUBSCRIBED_FILL)
    # As the PNGs: from between 2 (the last with a PU each) and 3, to past 3.
    assert math.isclose(rect.x0, math.sqrt(2 * 3)) and rect.x1 > 3


def test_units_are_named_per_family(report):
    _, dom, _ = report
    assert "counter / increment</b></a> (increments/s)" in dom
    assert "fifo / pingpong</b></a> (round trips/s)" in dom
    assert "widgets / spin</b></a> (items/s)" in dom     # unknown family: plain items


def test_instance_tables_are_folded_and_keep_error_and_lost_in_front(report):
    index, _, _ = report
    page = index.read_text()
    counter = page[page.index('<section id="counter">'):page.index('<section id="fifo">')]
    table = counter[counter.index("<details><summary>every instance"):]
    header = re.findall(r"<th>([^<]*)</th>", table[:table.index("</thead>")])
    assert header.index("error") < 14 and header.index("lost") < 14
    assert "p99 ns" not in header         # no counter row measures latency: dropped


def test_one_plotly_per_folder_and_a_light_page(report):
    index, _, _ = report
    folder = index.parent
    assert [p.name for p in folder.glob("*.js")] == [interactive.LIBRARY_NAME]
    assert index.stat().st_size < PAGE_BOUND_BYTES
    assert "data:image/png;base64" not in index.read_text()
    assert all(f'href="{p.name}"' in index.read_text() for p in folder.glob("*.png"))


@pytest.mark.parametrize("anchor", [None, "fifo"])
def test_the_first_screen_is_not_blank(report, tmp_path, anchor):
    """The page's first screen, and the screen a contents link lands on."""
    import matplotlib.image
    index, _, _ = report
    png = screenshot(index, tmp_path / "first-screen.png", tmp_path, anchor=anchor)
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[0] >= 800 and pixels.shape[1] >= 1200
    grey = pixels[..., :3].mean(axis=2)
    assert grey.std() > 0.05            # text and the card, not a white page
    assert (grey < 0.5).mean() > 0.01   # a fair amount of dark ink
