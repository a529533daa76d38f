"""Interactive figures (plotly) in pages that work offline, from disk.

The plotting library is Debian's python3-plotly's own plotly.js. A page
does not embed it (8 MB per figure or per page would make the report slow
to open); it loads ONE copy that `ensure_library` puts beside it in the
run's report folder, so every page of that folder shares it and nothing is
fetched from the network. A page copied away without that copy shows a
banner naming the command that restores it (`scripts/plot <run folder>`),
and its static PNGs still work.

A figure is written as a <div> (`figure_div`) with hover, legend toggling
and zoom; the page puts `library_tag()` in its <head> before any figure.
A page with many figures passes deferred=True: the figure's data waits in
a JSON <script> block (not parsed as code) and `deferred_drawing_script()`,
once at the end of the page, draws the figures one per task after the page
has loaded, those on screen first: the page is readable at once instead of
after every figure is drawn.
"""
import html
import json
from pathlib import Path

LIBRARY_NAME = "plotly.js"
# Debian's python3-plotly ships the library here; plotly.offline can also
# produce it (the same text), for a python3-plotly installed another way.
DEBIAN_LIBRARY = Path("/usr/share/python3-plotly/plotly.js")

# Plotly's mode bar without the buttons that need the network or a login.
FIGURE_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"]}


def _library_text():
    if DEBIAN_LIBRARY.is_file():
        return DEBIAN_LIBRARY.read_bytes()
    from plotly.offline import get_plotlyjs
    return get_plotlyjs().encode("utf-8")


def ensure_library(folder):
    """Writes folder/plotly.js unless an identical copy is there; returns its
    name relative to the folder (what library_tag wants)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / LIBRARY_NAME
    text = _library_text()
    if not (target.is_file() and target.stat().st_size == len(text)):
        partial = target.with_name(target.name + ".tmp")
        partial.write_bytes(text)
        partial.replace(target)   # whole or absent, like every file we write
    return LIBRARY_NAME


def library_tag(relative=LIBRARY_NAME, restore_command="scripts/plot <run folder>",
                defer=False):
    """The <script> that loads the shared library, then a banner shown only
    when it did not load (a committed run without its copy). defer: the
    browser shows the page while it reads the library (8 MB: the slowest
    thing on the page), for pages whose figures are all deferred (they draw
    on load, after the library ran); an inline figure_div needs it sooner."""
    message = (f"The interactive figures need {LIBRARY_NAME} beside this page; "
               f"run {restore_command} to restore it. The static figures below still work.")
    return (f'<script src="{html.escape(relative)}" charset="utf-8"'
            f'{" defer" if defer else ""}></script>\n'
            '<script>\n'
            'document.addEventListener("DOMContentLoaded", function () {\n'
            '  if (typeof Plotly !== "undefined") return;\n'
            '  var banner = document.createElement("div");\n'
            '  banner.className = "banner"; banner.id = "plotly-missing";\n'
            f'  banner.textContent = {_js_string(message)};\n'
            '  document.body.insertBefore(banner, document.body.firstChild);\n'
            '});\n'
            '</script>')


def figure_div(fig, div_id, height_px=None, deferred=False):
    """The figure as a <div> and the few lines that draw it once the library
    has loaded (no library inside: see library_tag). Written by hand rather
    than with fig.to_html: Debian's plotly 5.4 cannot name the div, and the
    report's contents links need stable ids. deferred: drawn after the page
    loads by deferred_drawing_script (which the page must then include)."""
    spec = json.loads(fig.to_json())
    style = f' style="height:{int(height_px)}px"' if height_px else ""
    if deferred:
        figure = {"data": spec.get("data", []), "layout": spec.get("layout", {})}
        return (f'<div id="{html.escape(div_id)}" class="plotly-figure deferred"{style}></div>\n'
                f'<script type="application/json" data-figure="{html.escape(div_id)}">'
                f"{_inline_json(figure)}</script>")
    return (f'<div id="{html.escape(div_id)}" class="plotly-figure"{style}></div>\n'
            '<script>\n'
            'if (typeof Plotly !== "undefined") {\n'
            f'  Plotly.newPlot({json.dumps(div_id)}, {_inline_json(spec.get("data", []))},\n'
            f'                 {_inline_json(spec.get("layout", {}))}, {json.dumps(FIGURE_CONFIG)});\n'
            '}\n'
            '</script>')


def deferred_drawing_script():
    """Draws every deferred figure after the load event, one per task (the
    page stays responsive), figures in or near the window first."""
    return ("<script>\n"
            "window.addEventListener('load', function () {\n"
            "  if (typeof Plotly === 'undefined') return;\n"
            "  var blocks = Array.prototype.slice.call(\n"
            "    document.querySelectorAll('script[data-figure]'));\n"
            "  function near(block) {\n"
            "    var box = document.getElementById(block.getAttribute('data-figure'))\n"
            "      .getBoundingClientRect();\n"
            "    return box.bottom > -window.innerHeight && box.top < 2 * window.innerHeight;\n"
            "  }\n"
            "  blocks.sort(function (a, b) { return near(b) - near(a); });\n"
            "  function next() {\n"
            "    var block = blocks.shift();\n"
            "    if (!block) return;\n"
            "    var spec = JSON.parse(block.textContent);\n"
            "    Plotly.newPlot(block.getAttribute('data-figure'), spec.data, spec.layout,\n"
            f"                   {json.dumps(FIGURE_CONFIG)});\n"
            "    setTimeout(next, 0);\n"
            "  }\n"
            "  setTimeout(next, 0);\n"
            "});\n"
            "</script>")


def _inline_json(value):
    """JSON that is safe inside a <script> element (no "</script>" in a name)."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def _js_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
