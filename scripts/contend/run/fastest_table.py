"""The end-of-run table: who is fastest per benchmark at full load, or a tie.

One row per (family, benchmark, params, mode), at the highest worker count
that is not oversubscribed. The candidates are every instance there (each
impl, placement and producer/consumer split), ranked by ranking.rank: a
winner only when its lead over the runner-up is significant across rounds
(Benjamini-Hochberg over the table) and at least 5%, otherwise "tie: a ~ b"
with every candidate not clearly behind the top. Only instances
instance_summary.eligible admits compete (an unsynchronized counter is fast because
it is wrong, and the table should not crown it).
The runner-up and the margin (top / runner-up, with its 95% interval) are
shown either way, so a tie says how close it was.

Open-loop latency rows (results.open_loop) are never in that table: their
items/s is the load they were offered. They get a table of their own, one
row per point at full load: the offered load, how many impls kept up with
it, and the lowest and highest p99 among them (medians over repetitions).
It names no winner: a p99 here comes without an interval.
"""
import pandas as pd

from ..core import formatting, instance_summary, ranking, results, scaling

HEADER = ["family", "benchmark", "mode", "threads", "fastest", "placement", "items/s",
          "runner-up", "margin [95% CI]"]
POINT = ["family", "benchmark", "params", "mode", "threads"]
LATENCY_HEADER = ["family", "benchmark", "mode", "threads", "offered/s", "kept up",
                  "lowest p99", "highest p99"]


def best_per_benchmark(run):
    """ranking.rank's table for the end-of-run points (one run)."""
    evidence = ranking.RoundSamples.of(run)
    rows = scaling.full_load(instance_summary.of(run), POINT[:-1])
    table = ranking.rank(rows, evidence, POINT, label="impl")
    where = [_where(rows, i) for i in table["top_index"]]
    return table.assign(placement=where)


def _where(rows, index):
    """The fastest instance's placement(s) and producer/consumer split."""
    r = ranking.top_row(rows, index)
    if r is None:
        return ""
    split = scaling.role_split(r["producers"], r["consumers"])
    return (r.get("placements") or r["placement"]) + (f" {split}" if split else "")


def render(run):
    """The table as text lines (empty list if nothing was measured); run: a
    results.Run (or bench_all's row dicts)."""
    run = _as_run(run)
    per_instance = instance_summary.of(run)
    table = best_per_benchmark(run)
    table = table.loc[table["status"] != "none"]
    latency = latency_lines(per_instance)
    if not len(table):
        return latency
    return throughput_lines(table) + ([""] + latency if latency else [])


def throughput_lines(table):
    cells = [HEADER]
    for r in table.itertuples(index=False):
        name = r.benchmark + (f" [{r.params}]" if r.params else "")
        cells.append([r.family, name, r.mode, str(r.threads),
                      r.verdict + (" (unstable)" if r.unstable else ""), r.placement,
                      formatting.rate(r.top_median), r.runner_up or "-",
                      formatting.margin(r.margin, r.margin_low, r.margin_high)])
    widths = [max(len(r[i]) for r in cells) for i in range(len(HEADER))]
    lines = []
    for r in cells:
        body = [c.ljust(w) for c, w in zip(r, widths)]
        # Right-align the rate so magnitudes line up.
        body[6] = r[6].rjust(widths[6])
        lines.append("  " + "  ".join(body).rstrip())
    ties = ranking.ties(table)
    lines.append(f"  {ties} of {len(table)} tied: no lead significant across rounds and "
                 f">= {formatting.percent(ranking.FLOOR - 1)} (margin = fastest / runner-up).")
    return lines


def latency_points(per_instance):
    """One row per open-loop point at full load (POINT): `offered` (the
    median offered load over its impls), `kept_up` and `impls` (how many
    impls kept up in every repetition, of how many measured), `lowest` and
    `highest` ((impl, p99_ns) among the impls with a p99, or None)."""
    loop = per_instance.loc[results.open_loop(per_instance) & per_instance["median"].notna()]
    records = []
    for point, rows in scaling.full_load(loop, POINT[:-1]).groupby(POINT, sort=True):
        with_p99 = rows.loc[rows["p99_ns"].notna()].sort_values("p99_ns", kind="stable")
        ends = ([(r["impl"], r["p99_ns"]) for _, r in with_p99.iloc[[0, -1]].iterrows()]
                if len(with_p99) else [])
        records.append({**dict(zip(POINT, point)), "offered": rows["offered_per_second"].median(),
                        "kept_up": int((rows["kept_up_share"] == 1).sum()), "impls": len(rows),
                        "lowest": ends[0] if ends else None,
                        "highest": ends[-1] if ends else None})
    return records


def latency_lines(per_instance):
    """The open-loop table as text lines (empty when the run has none)."""
    points = latency_points(per_instance)
    if not points:
        return []
    cells = [LATENCY_HEADER]
    for p in points:
        name = p["benchmark"] + (f" [{p['params']}]" if p["params"] else "")
        cells.append([p["family"], name, p["mode"], str(p["threads"]),
                      formatting.rate(p["offered"]) if p["offered"] == p["offered"] else "-",
                      f"{p['kept_up']} of {p['impls']}", _p99(p["lowest"]), _p99(p["highest"])])
    widths = [max(len(r[i]) for r in cells) for i in range(len(LATENCY_HEADER))]
    lines = ["  Open-loop latency, not ranked: items/s is the offered schedule."]
    for r in cells:
        lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    lines.append("  kept up = impls that kept up in every repetition; p99 = median over the "
                 "repetitions that kept up (a queue that fell behind reports none).")
    return lines


def _p99(end):
    return "-" if end is None else f"{formatting.latency(end[1])} {end[0]}"


def _as_run(run):
    """A results.Run, also from bench_all's row dicts (the older call
    render(rows)), typed as if read back from the CSV."""
    if isinstance(run, results.Run):
        return run
    frame = pd.DataFrame(list(run)).astype(object)
    frame = frame.where(frame.notna(), "").astype(str)
    return results.Run(df=results.validate(frame, "end-of-run rows"))
