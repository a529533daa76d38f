"""Colours and markers chosen per figure, from the names that figure holds.

A figure with three impls gets the three most distinct colours, not three
slots of a report-wide palette that happen to be neighbours; each name also
gets its own marker, so two lines stay apart in greyscale, for a colour-blind
reader and where colours must repeat (more names than colours). No light
tints: a pale line reads as a gridline. The order is the sorted names, so
one set of names always gets the same styles (two figures of the same impls
match).

Both drawing back ends use it: `Style.colour` is a hex string that
matplotlib and plotly both accept, `Style.marker` a matplotlib marker and
`Style.symbol` the plotly symbol that looks like it.
"""
from dataclasses import dataclass

# Okabe & Ito's colour-blind-safe set (minus its yellow, too light on white),
# then Paul Tol's darker "muted" hues: strong, distinct, none near grey.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
           "#000000", "#882255", "#117733", "#332288", "#AA4499", "#999933"]

# (matplotlib marker, plotly symbol) pairs of the same shape.
MARKERS = [("o", "circle"), ("s", "square"), ("^", "triangle-up"), ("D", "diamond"),
           ("v", "triangle-down"), ("P", "cross"), ("X", "x"), ("*", "star"),
           ("<", "triangle-left"), (">", "triangle-right"), ("h", "hexagon"),
           ("p", "pentagon")]


@dataclass(frozen=True)
class Style:
    colour: str   # "#rrggbb"
    marker: str   # matplotlib marker
    symbol: str   # plotly marker symbol


def styles_for(names):
    """{name: Style} for the distinct names of one figure, sorted. Colours
    repeat only past len(COLOURS) names, and then with another marker, so
    no two names share both."""
    names = sorted({str(n) for n in names})
    out = {}
    for i, name in enumerate(names):
        marker, symbol = MARKERS[i % len(MARKERS)]
        # Past one full round of colours, shift the marker so the repeated
        # colour never comes back with the marker it had.
        if i >= len(COLOURS):
            marker, symbol = MARKERS[(i + i // len(COLOURS)) % len(MARKERS)]
        out[name] = Style(COLOURS[i % len(COLOURS)], marker, symbol)
    return out


# The line of a placement, in both back ends: compact solid, scatter dashed,
# any other dotted. matplotlib's are figures.PLACEMENT_STYLE.
PLACEMENT_DASH = {"compact": "solid", "scatter": "dash"}


def dash(placement):
    """The plotly dash of a placement's line."""
    return PLACEMENT_DASH.get(placement, "dot")
