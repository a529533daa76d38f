"""Matplotlib conventions shared by every figure contend draws.

Agg only (files, never a window; safe on CI machines without a display);
Figure objects instead of pyplot, so no global state leaks between figures
and nothing has to be closed. One colour per impl, the same in every figure;
compact solid, scatter dashed; workers on a log2 axis ticked at the measured
counts; the oversubscribed region shaded grey.
"""
import math
import re

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot
from matplotlib.figure import Figure  # noqa: E402  (re-exported for the drawing modules)
from matplotlib.ticker import (FixedFormatter, FixedLocator, FuncFormatter,  # noqa: E402
                               LogLocator, NullFormatter, NullLocator)

from ..core import schema  # noqa: E402

__all__ = ["Figure", "FIGURE_KEY", "PLACEMENT_STYLE", "DPI", "SHADE", "colours_for",
           "log2_workers_axis", "shade_oversubscribed", "slug", "figure_title", "figure_order",
           "figure_groups", "family_rank", "duration_text", "log_duration_axis"]

# One figure per benchmark scenario: what figure_title names.
FIGURE_KEY = ["family", "benchmark", "params", "mode"]
PLACEMENT_STYLE = {"compact": "-", "scatter": "--"}
DPI = 90
SHADE = dict(color="0.5", alpha=0.15, lw=0)


def colours_for(names):
    """Stable colours: names sorted, so a colour means the same thing in every
    figure of one report."""
    names = sorted(set(names))
    if len(names) <= 10:
        palette = matplotlib.colormaps["tab10"]
        return {name: palette(i) for i, name in enumerate(names)}
    # tab20 pairs a dark and a light shade of each hue; take the ten dark
    # ones first so that neighbours in the legend differ in hue, not shade.
    palette = matplotlib.colormaps["tab20"]
    order = list(range(0, 20, 2)) + list(range(1, 20, 2))
    return {name: palette(order[i % 20]) for i, name in enumerate(names)}


def log2_workers_axis(ax, threads, label="workers"):
    """x = workers on a log2 axis, ticked exactly at the measured counts."""
    ticks = sorted(set(int(t) for t in threads))
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    # The oversubscribed point (cores + 1) sits right beside all-cores on a
    # log axis: drop a crowded label one line lower instead of overprinting.
    labels, previous = [], None
    for t in ticks:
        crowded = previous is not None and t / previous < 1.3 and not labels[-1].startswith("\n")
        labels.append(("\n" if crowded else "") + str(t))
        previous = t
    ax.xaxis.set_major_formatter(FixedFormatter(labels))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(min(ticks) / 1.25, max(ticks) * 1.25)
    ax.set_xlabel(label)


def shade_oversubscribed(ax, inside_threads, oversubscribed_threads, **style):
    """Greys out everything right of the last point with a PU per worker;
    returns whether anything was shaded."""
    if not len(oversubscribed_threads):
        return False
    first_over = min(oversubscribed_threads)
    inside = [t for t in inside_threads if t < first_over]
    left = math.sqrt(max(inside) * first_over) if inside else first_over / 1.12
    ax.axvspan(left, ax.get_xlim()[1], **{**SHADE, **style})
    return True


def slug(*parts):
    """A file name from figure key parts ('batch=1;x=2' -> 'batch_1_x_2')."""
    text = "-".join(str(p) for p in parts if str(p))
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "figure"


def figure_title(family, benchmark, params, mode):
    params = f" [{params}]" if params else ""
    return f"{family} / {benchmark}{params} ({mode} mode)"


def figure_order(key):
    """Sort key of a FIGURE_KEY tuple: families in schema order, then the rest."""
    return (family_rank(key[0]), key)


def figure_groups(frame):
    """(FIGURE_KEY tuple, rows) per figure, in figure_order."""
    return sorted(frame.groupby(FIGURE_KEY, sort=True), key=lambda item: figure_order(item[0]))


def family_rank(family):
    """Sort key: families in the order schema.FAMILIES lists them."""
    return (schema.FAMILIES.index(family) if family in schema.FAMILIES
            else len(schema.FAMILIES), family)


def duration_text(ns):
    """1500 -> '1.5 µs': a duration in the unit that keeps it short."""
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if abs(ns) >= scale:
            return f"{ns / scale:g} {unit}"
    return f"{ns:g} ns"


# Units a duration axis may be labelled in: (nanoseconds per unit, name).
DURATION_UNITS = [(1.0, "ns"), (1e3, "µs"), (1e6, "ms"), (1e9, "s")]


def log_duration_axis(axis, label, unit_ns=1.0):
    """A log axis (ax.xaxis or ax.yaxis) of durations given in units of
    unit_ns nanoseconds (1000 for microseconds), labelled '<label> (µs, log)'
    in the unit that suits the middle of its range, ticks plain numbers in
    it. Call it after the data and limits are set: a range under 2.5 decades
    gets ticks at 1, 2 and 5 of each decade, so it never shows a lone label."""
    ax = axis.axes
    if axis is ax.xaxis:
        ax.set_xscale("log")
        low, high = sorted(ax.get_xlim())     # get_*lim applies a pending autoscale
    else:
        ax.set_yscale("log")
        low, high = sorted(ax.get_ylim())
    middle = math.sqrt(low * high) * unit_ns if low > 0 else high * unit_ns
    scale, unit = DURATION_UNITS[0]
    for candidate in DURATION_UNITS:
        if middle >= candidate[0]:
            scale, unit = candidate
    subs = (1.0, 2.0, 5.0) if low > 0 and high / low < 300 else (1.0,)
    axis.set_major_locator(LogLocator(base=10, subs=subs))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * unit_ns / scale:g}"))
    axis.set_minor_formatter(NullFormatter())
    axis.set_label_text(f"{label} ({unit}, log)")
