"""scripts/plot --history: the page of one machine's history.

One figure per benchmark scenario (history_figure.py: interactive on the
page, its static PNG beside it, linked), after the table of every step
history.steps found. The page loads the folder's one shared plotly.js
(interactive.py). `write_history_report` also prints the steps.
"""
import html
from pathlib import Path

from ..core import formatting
from ..history import steps as history_steps
from ..history import store
from . import figures, history_figure, interactive, interactive_page
from .html_parts import html_table

RESTORE = "scripts/plot --history <history file>"


def figure_id(key):
    return "hist-" + figures.slug(*key)


def write_history_report(history_path, out_dir=None):
    """Figures + index.html for one history file; prints the steps; returns the HTML path."""
    history_path = Path(history_path)
    history = store.load_history(history_path)
    machine_id = history["machine_id"].iloc[0] or history_path.stem
    out = Path(out_dir) if out_dir else history_path.parent / history_path.stem / "report"
    out.mkdir(parents=True, exist_ok=True)
    position, labels = history_steps.commits_axis(history)
    steps = history_steps.all_steps(history)
    note = (f"<p class=\"note\">{len(labels)} runs of {html.escape(str(machine_id))}, oldest "
            f"first. A step is a level change of at least "
            f"{formatting.percent(history_steps.MIN_STEP)} and {history_steps.NOISE_SIGMAS:g} "
            f"noise sigmas, with at least {history_steps.MIN_POINTS} runs on each side; a "
            "triangle marks the first run at the new level.</p>")
    drawn = []
    for key, rows in figures.figure_groups(history):
        png = out / f"history-{figures.slug(*key)}.png"
        model = history_figure.model(rows, position, labels, steps)
        history_figure.static(model, machine_id).savefig(png, bbox_inches="tight")
        drawn.append((key, history_figure.interactive(model), png))
    index = write_page(out, machine_id, note, steps_table(steps), drawn)
    history_steps.print_steps(steps)
    return index


def steps_table(steps):
    if not steps:
        return '<h2 id="steps">Steps</h2><p>No step detected.</p>'
    return ('<h2 id="steps">Steps</h2>\n'
            + html_table(history_steps.STEP_HEADER, history_steps.step_rows(steps)))


def write_page(out, machine_id, note, steps_html, figures_and_pngs):
    """index.html in `out` with the folder's shared plotly.js; returns its
    path. figures_and_pngs: [(FIGURE_KEY, plotly figure, png path)]."""
    entries = [("steps", "Steps", 0)] + [(figure_id(key), figures.figure_title(*key), 0)
                                         for key, _, _ in figures_and_pngs]
    blocks = []
    for key, fig, png in figures_and_pngs:
        blocks.append(f'<h2 id="{figure_id(key)}-title">{html.escape(figures.figure_title(*key))} '
                      f'<a class="png" href="{html.escape(png.name)}">static PNG</a></h2>\n'
                      + interactive.figure_div(fig, figure_id(key), fig.layout.height))
    body = "\n".join([note, interactive_page.contents(entries), steps_html, *blocks])
    path = out / "index.html"
    path.write_text(interactive_page.page(f"contend history: {machine_id}", body, out, RESTORE),
                    encoding="utf-8")
    return path
