"""The HTML every contend page is made of: the page shell, sortable tables,
cells that sort by their raw number, an embedded PNG.

run_page.py (the run report), history_page.py and compare/page.py build their
pages from these; nothing here knows about runs or families. A page opens
from disk: no asset is fetched from the network (a page with interactive
figures adds interactive.library_tag() to its head, which loads the copy
of plotly.js beside it).
"""
import base64
import datetime
import html
import math

from ..core import formatting

SORT_SCRIPT = """
<script>
// Click a header to sort by it; click again to reverse. Cells sort by their
// data-v (raw number) when they have one, else by their text.
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var ascending = th.getAttribute("data-dir") !== "asc";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-dir"); });
      th.setAttribute("data-dir", ascending ? "asc" : "desc");
      function key(row) {
        var cell = row.cells[column], v = cell.getAttribute("data-v");
        return v !== null ? parseFloat(v) : cell.textContent;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), r;
        if (typeof x === "number" && typeof y === "number") {
          r = (isNaN(x) ? Infinity : x) - (isNaN(y) ? Infinity : y);
          if (isNaN(r)) r = 0;
        } else { r = String(x).localeCompare(String(y), undefined, {numeric: true}); }
        return ascending ? r : -r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
</script>
"""

STYLE = """
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; position: sticky; top: 0; }
table.sortable th { cursor: pointer; }
th[data-dir="asc"]::after { content: " \\25B2"; } th[data-dir="desc"]::after { content: " \\25BC"; }
tr.error td { background: #fde8e8; } tr.over td { color: #777; }
td.unstable { color: #b35900; font-weight: bold; }
td.behind { color: #b00000; font-weight: bold; }
.banner { background: #fff3cd; border: 1px solid #e0b000; padding: 0.5em 1em; font-weight: bold; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
.note { color: #555; max-width: 60em; }
.card { display: grid; grid-template-columns: repeat(auto-fit, minmax(15em, 1fr)); gap: 2px 1.5em;
        border: 1px solid #ccc; padding: 0.5em 1em; margin: 0.5em 0; font-size: 14px; }
.card div b { display: inline-block; min-width: 7em; color: #555; font-weight: normal; }
.noise { grid-column: 1 / -1; }
.winners { font-size: 14px; line-height: 1.4; margin: 0.2em 0; padding-left: 0.5em;
           list-style: none; }
.winners details > summary { color: #222; margin: 0.1em 0; }
.winners .tie { color: #7a5b00; font-weight: bold; }
.winners .win { font-weight: bold; }
details > summary { cursor: pointer; color: #0050a0; margin: 0.3em 0; }
nav.contents > ul { columns: 3 16em; font-size: 14px; margin-top: 0; }
h1 { font-size: 1.5em; margin: 0.2em 0; }
.plotly-figure { width: 100%; min-height: 200px; }
.static-links { font-size: 13px; color: #555; }
</style>
"""


class Cell:
    """A table cell: shown text, optional raw number for sorting, CSS class."""

    def __init__(self, text, sort_value=None, css=""):
        self.text, self.sort_value, self.css = text, sort_value, css


def number_cell(value, text=None):
    """A right-aligned cell that sorts by the value; shown as formatting.si
    unless `text` says otherwise."""
    finite = formatting.is_number(value)
    return Cell(text if text is not None else formatting.si(value),
                value if finite else float("nan"), "num")


def html_table(header, rows, row_classes=None, sortable=True):
    def cell(c):
        if not isinstance(c, Cell):
            c = Cell(str(c))
        attrs = ""
        if c.sort_value is not None:
            attrs += f' data-v="{c.sort_value!r}"' if not _is_nan(c.sort_value) else ' data-v="NaN"'
        if c.css:
            attrs += f' class="{c.css}"'
        return f"<td{attrs}>{html.escape(str(c.text))}</td>"

    classes = row_classes or [""] * len(rows)
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "\n".join(f'<tr class="{cls}">' + "".join(cell(c) for c in row) + "</tr>"
                     for row, cls in zip(rows, classes))
    css = ' class="sortable"' if sortable else ""
    return f"<table{css}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def drop_empty_columns(header, rows, keep=()):
    """(header, rows) without the columns no row has anything in ('', '-',
    'nan'), except those named in `keep`: a table shows what was measured."""
    def empty(c):
        text = c.text if isinstance(c, Cell) else c
        return str(text).strip() in ("", "-", "nan", "NaN")
    columns = [i for i, name in enumerate(header)
               if name in keep or not all(empty(row[i]) for row in rows)]
    return [header[i] for i in columns], [[row[i] for i in columns] for row in rows]


def _is_nan(value):
    return isinstance(value, float) and math.isnan(value)


def embedded_png(path, alt):
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def page(title, body, head=""):
    """A whole page; `head` goes into <head> after the style (the plotly
    library's tag, for a page with interactive figures)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title>{STYLE}{head}</head><body>\n"
            f"<h1>{html.escape(title)}</h1>\n<p class=\"note\">Generated {stamp} by contend.</p>\n"
            f"{body}\n{SORT_SCRIPT}</body></html>\n")


