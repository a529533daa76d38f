"""One HTML page that holds interactive figures: the <head> they need.

A page built here loads the folder's ONE shared plotly.js (interactive.py:
`ensure_library` writes it beside the page unless an identical copy is
there already), so ten pages in one folder still weigh one library. It
reuses the run report's page shell, style and sortable tables (html_parts.py) and adds the
few rules of a navigable page: machine cards, the contents list, folded
tables. Not guaranteed: that the page works when copied away without its
plotly.js (the figures then show a banner; tables and linked PNGs remain).
"""
import html

from . import html_parts, interactive

EXTRA_STYLE = """
<style>
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 0.5em 0 1em; }
.card { border: 1px solid #ccc; border-left: 6px solid var(--machine, #888); border-radius: 4px;
        padding: 0.4em 0.8em; min-width: 16em; max-width: 30em; font-size: 14px; }
.card h3 { margin: 0.1em 0 0.3em; font-size: 15px; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 0 0.8em; margin: 0; }
.card dt { color: #555; } .card dd { margin: 0; }
.verdict { font-size: 16px; font-weight: bold; max-width: 60em; }
nav.contents ul { max-width: 60em; } nav.contents li.depth1 { margin-left: 1.5em; }
details { margin: 0.5em 0 1em; } details > summary { cursor: pointer; font-weight: bold; }
.plotly-figure { width: 100%; max-width: 1400px; }
.scroll { max-height: 70vh; overflow: auto; display: inline-block; max-width: 100%; }
a.png { font-size: 13px; font-weight: normal; }
tr.changed td { background: #e8f0fe; font-weight: bold; } tr.tie td { color: #555; }
</style>
"""


def page(title, body, folder, restore_command):
    """The whole page; puts the shared plotly.js in `folder` (where the page
    goes). restore_command: what the banner tells a reader to run when the
    library is missing."""
    library = interactive.ensure_library(folder)
    return html_parts.page(title, body,
                           head=EXTRA_STYLE + interactive.library_tag(library, restore_command))


def contents(entries):
    """A contents list: entries are (anchor id, text, depth 0 or 1); depth 1
    is indented under the entry before it."""
    items = "\n".join(f'<li class="depth{int(level)}"><a href="#{html.escape(anchor)}">'
                      f"{html.escape(text)}</a></li>" for anchor, text, level in entries)
    return f'<nav class="contents"><h2 id="contents">Contents</h2><ul>\n{items}\n</ul></nav>'


def folded(title, inner, anchor):
    """A long section folded away: <details> opened by a click."""
    return (f'<details id="{html.escape(anchor)}"><summary>{html.escape(title)}</summary>\n'
            f"{inner}\n</details>")
