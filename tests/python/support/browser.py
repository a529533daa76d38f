"""Headless Chromium for the page tests: what a real browser makes of a page.

`open_page` loads a local HTML file in Debian's chromium with JavaScript
on, lets it run, and returns the DOM after scripts (so a test can count
the figures plotly actually drew) and every console line (a page of ours
logs nothing, so any line is a finding: an uncaught error, a failed load).
`screenshot` writes a PNG of the first screen ("above the fold").
Tests skip when chromium is not installed; scripts/test installs it.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
# Root in a container has no user namespaces for Chromium's sandbox.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--hide-scrollbars"]
CONSOLE = re.compile(r":CONSOLE[^\]]*\]\s*(.*)$")
TIMEOUT_S = 120


def require_browser():
    if not BROWSER:
        pytest.skip("chromium not installed (apt-get install chromium)")


def _run(args, profile):
    done = subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=TIMEOUT_S,
                          stdin=subprocess.DEVNULL)
    return done


def open_page(path, tmp_path, budget_ms=5000):
    """(dom, console_lines) of the page at `path` after its scripts ran
    (virtual time: timers up to budget_ms fire without waiting for them)."""
    require_browser()
    done = _run(["--enable-logging=stderr", "--v=0", f"--virtual-time-budget={budget_ms}",
                 "--dump-dom", Path(path).absolute().as_uri()], tmp_path / "profile")
    console = [m.group(1) for line in done.stderr.splitlines() if (m := CONSOLE.search(line))]
    return done.stdout, console


def screenshot(path, out_png, tmp_path, size=(1280, 900), anchor=None):
    """Writes the page's first screen, or the screen at #anchor, to out_png;
    returns its path.

    Headless Chromium's --screenshot of a page scrolled to a fragment
    (page.html#id) is blank, even for a page of plain text (Debian's
    chromium, 2026-12): it paints the document's top, not the scrolled
    viewport. So at an anchor it measures where the anchor's element
    ends up once the page's scripts ran (a copy of the page beside it that
    writes that into the DOM), shoots a window tall enough to hold that
    screen, and crops the screen out."""
    require_browser()
    if anchor is None:
        _shoot(Path(path), out_png, tmp_path, size)
        return Path(out_png)
    from PIL import Image
    top = _anchor_top(Path(path), anchor, tmp_path, size)
    tall = tmp_path / "tall.png"
    _shoot(Path(path), tall, tmp_path, (size[0], top + size[1]))
    with Image.open(tall) as image:
        image.crop((0, top, size[0], top + size[1])).save(out_png)
    tall.unlink()
    return Path(out_png)


def _shoot(path, out_png, tmp_path, size):
    _run([f"--window-size={size[0]},{size[1]}", f"--screenshot={Path(out_png).absolute()}",
          "--virtual-time-budget=5000", path.absolute().as_uri()], tmp_path / "profile")


def _anchor_top(path, anchor, tmp_path, size):
    """The y, in CSS pixels, of the element `anchor` names once the page drew."""
    probe = path.with_name(f".probe-{path.name}")  # beside it: relative links still resolve
    script = ("<script>window.addEventListener('load', function () { setTimeout(function () {"
              f"var e = document.getElementById({anchor!r});"
              "document.body.setAttribute('data-anchor-top', e ? Math.round("
              "e.getBoundingClientRect().top + window.scrollY) : -1); }, 3000); });</script>")
    probe.write_text(path.read_text().replace("</body>", script + "</body>"))
    try:
        dom = _run([f"--window-size={size[0]},{size[1]}", "--virtual-time-budget=5000",
                    "--dump-dom", probe.absolute().as_uri()], tmp_path / "profile").stdout
    finally:
        probe.unlink()
    found = re.search(r'data-anchor-top="(-?\d+)"', dom)
    assert found and int(found.group(1)) >= 0, f"no element #{anchor} in {path}"
    return int(found.group(1))


def contents_links(dom):
    """(the #anchors a page's contents list links, those no element's id answers)."""
    nav = dom[dom.index('<nav class="contents"'):dom.index("</nav>")]
    anchors = re.findall(r'href="#([^"]+)"', nav)
    ids = set(re.findall(r'\bid="([^"]+)"', dom))
    return anchors, [a for a in anchors if a not in ids]
