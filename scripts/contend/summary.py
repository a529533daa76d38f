"""The end-of-run table: the best impl per family and benchmark.

"Best" = the highest median items_per_second over repetitions, at the highest
thread count that is not oversubscribed, across modes and placements. Rows
with an error or with lost updates are not eligible: an unsynchronized
counter is fast because it is wrong, and the table should not crown it.
"""
import statistics

from contend.units import format_rate

HEADER = ["family", "benchmark", "threads", "best impl", "mode", "placement", "items/s"]


def _instance_key(row):
    return (row["family"], row["benchmark"], row["params"], row["impl"], row["mode"],
            row["threads"], row["producers"], row["consumers"], row["placement"])


def medians(rows):
    """{instance key: (median items/s, median lost)} over valid repetitions."""
    samples = {}
    for row in rows:
        if row.get("error") or row.get("items_per_second") is None:
            continue
        samples.setdefault(_instance_key(row), []).append(row)
    result = {}
    for key, reps in samples.items():
        rate = statistics.median(r["items_per_second"] for r in reps)
        losses = [r["lost"] for r in reps if r.get("lost") is not None]
        result[key] = (rate, statistics.median(losses) if losses else 0.0, reps[0])
    return result


def best_per_family(rows):
    """One dict per (family, benchmark): the winning instance and its rate."""
    groups = {}
    for key, (rate, lost, row) in medians(rows).items():
        if row.get("oversubscribed") or lost > 0:
            continue
        groups.setdefault((row["family"], row["benchmark"]), []).append((rate, row))
    table = []
    for (family, benchmark), entries in sorted(groups.items()):
        top_threads = max(row["threads"] for _, row in entries)
        rate, row = max((e for e in entries if e[1]["threads"] == top_threads),
                        key=lambda e: e[0])
        name = benchmark + (f" [{row['params']}]" if row["params"] else "")
        table.append({"family": family, "benchmark": name, "threads": top_threads,
                      "impl": row["impl"], "mode": row["mode"],
                      "placement": row["placement"], "items_per_second": rate})
    return table


def render(rows):
    """The table as text lines (empty list if nothing is eligible)."""
    table = best_per_family(rows)
    if not table:
        return []
    cells = [HEADER] + [[t["family"], t["benchmark"], str(t["threads"]), t["impl"],
                         t["mode"], t["placement"], format_rate(t["items_per_second"])]
                        for t in table]
    widths = [max(len(r[i]) for r in cells) for i in range(len(HEADER))]
    lines = []
    for r in cells:
        # Right-align the number so magnitudes line up.
        body = [c.ljust(w) for c, w in zip(r[:-1], widths[:-1])] + [r[-1].rjust(widths[-1])]
        lines.append("  " + "  ".join(body).rstrip())
    return lines
