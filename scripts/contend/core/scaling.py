"""Curves across worker counts: which instances form one line, and how well
that line scales.

An instance's identity includes producers and consumers, which for queue
benchmarks usually grow with the worker count (1p1c at 2 workers, 2p2c at 4).
A line is therefore the identity *without* the roles, drawn against threads,
unless one worker count holds several role splits (1p3c and 3p1c at 4); then
each split shape (balanced, one producer, one consumer, ratio) is its own line.
"""
import numpy as np

from . import schema

# One curve: identity minus the roles; `roles` separates shapes when needed.
LINE = [c for c in schema.IDENTITY if c not in ("producers", "consumers")]


def role_split(producers, consumers):
    """'2p1c': the producer/consumer split, '' where roles do not apply."""
    return f"{producers}p{consumers}c" if (producers or consumers) else ""


def role_shape(producers, consumers):
    if producers == 0 and consumers == 0:
        return ""
    if producers == consumers:
        return "p=c"
    if producers == 1:
        return "1 producer"
    if consumers == 1:
        return "1 consumer"
    return f"p:c={producers / consumers:.2g}"


def with_roles(summary):
    """Adds `roles`: '' where threads alone places a point on its line, else
    the split shape, so that lines never zig-zag between role splits."""
    per_point = summary.groupby(LINE + ["threads"])["producers"].transform("size")
    ambiguous_line = per_point.groupby([summary[c] for c in LINE]).transform("max") > 1
    shapes = [role_shape(p, c) for p, c in zip(summary["producers"], summary["consumers"])]
    roles = np.where(ambiguous_line.to_numpy(), shapes, "")
    return summary.assign(roles=roles)


def scaling_efficiency(summary, value="median"):
    """Throughput at N / ((N / N0) x throughput at N0), per line.

    N0 is the line's smallest worker count: 1 for most benchmarks, 2 for a
    producer/consumer pair that cannot run on one worker. 1.0 = perfect
    scaling; a flat throughput line at 4 workers is 0.25. Needs `roles`.
    """
    keys = LINE + ["roles"]
    # Only measured points: a line whose first point failed starts at its next.
    ordered = summary.loc[summary[value].notna()].sort_values(keys + ["threads"], kind="stable")
    first_threads = ordered.groupby(keys)["threads"].transform("first")
    first_value = ordered.groupby(keys)[value].transform("first")
    efficiency = ordered[value] / (ordered["threads"] / first_threads * first_value)
    return efficiency.reindex(summary.index).astype(float)


def line_groups(summary):
    """(key dict, rows sorted by threads) for every line in a summary."""
    keys = LINE + ["roles"]
    for key, rows in summary.groupby(keys, sort=True):
        yield dict(zip(keys, key)), rows.sort_values("threads", kind="stable")


def full_load(summary, by):
    """The rows at each `by` group's largest worker count that still has a PU
    per worker: the point most readers ask about first."""
    inside = summary.loc[~summary["oversubscribed"]]
    top = inside.groupby(by)["threads"].transform("max")
    return inside.loc[inside["threads"] == top]
