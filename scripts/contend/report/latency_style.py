"""How the latency figures tell lines apart: a line per impl (and capacity,
where one impl ran at several), each with its own colour and marker.

Colours are chosen per family (palette.styles_for over the labels of all
the family's latency lines: hockey sticks, distributions and locks alike),
not per report: a report holds more impls than a
palette has distinct colours, while one family's fit, so every line of a
latency figure has its own colour, the same one in every latency figure of
its family. The marker repeats the distinction for readers who do not tell
the colours apart.
"""
from ..core import latency
from . import palette


def line_styles(labels):
    """label -> {color, marker}, stable for a set of labels (sorted)."""
    return {name: dict(color=style.colour, marker=style.marker)
            for name, style in palette.styles_for(labels).items()}


def with_line_labels(rows):
    """rows + `line`: the impl, plus its capacity where one impl ran at several
    capacities among `rows` (a bounded and an unbounded run of one queue)."""
    capacity = rows["params"].map(lambda p: latency.param(p, "capacity"))
    per_impl = capacity.groupby(rows["impl"]).transform("nunique")
    labels = [impl if n <= 1 or not cap else f"{impl} (capacity={cap})"
              for impl, cap, n in zip(rows["impl"], capacity, per_impl)]
    return rows.assign(line=labels)
