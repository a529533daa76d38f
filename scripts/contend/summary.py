"""The end-of-run table: who is fastest per benchmark at full load, or a tie.

One row per (family, benchmark, params, mode), at the highest worker count
that is not oversubscribed. The candidates are every instance there (each
impl, placement and producer/consumer split), ranked by ranking.rank: a
winner only when its lead over the runner-up is significant across rounds
(Benjamini-Hochberg over the table) and at least 5%, otherwise "tie: a ~ b"
with every candidate not clearly behind the top. Only instances
results.eligible admits compete (an unsynchronized counter is fast because
it is wrong, and the table should not crown it).
The runner-up and the margin (top / runner-up, with its 95% interval) are
shown either way, so a tie says how close it was.
"""
import pandas as pd

from . import formatting, ranking, results, scaling

HEADER = ["family", "benchmark", "mode", "threads", "fastest", "placement", "items/s",
          "runner-up", "margin [95% CI]"]
POINT = ["family", "benchmark", "params", "mode", "threads"]


def best_per_benchmark(run, per_instance=None):
    """ranking.rank's table for the end-of-run points (one run)."""
    per_instance = results.instance_summary(run.df) if per_instance is None else per_instance
    evidence = ranking.RoundSamples.of(run.df, per_instance)
    rows = scaling.full_load(per_instance, POINT[:-1])
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


def render(run, per_instance=None):
    """The table as text lines (empty list if nothing was measured).

    run: a results.Run; per_instance: its results.instance_summary when the
    caller has it already."""
    table = best_per_benchmark(_as_run(run), per_instance)
    table = table.loc[table["status"] != "none"]
    if not len(table):
        return []
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


def _as_run(run):
    """A results.Run, also from bench_all's row dicts (the older call
    render(rows)), typed as if read back from the CSV."""
    if isinstance(run, results.Run):
        return run
    frame = pd.DataFrame(list(run)).astype(object)
    frame = frame.where(frame.notna(), "").astype(str)
    return results.Run(df=results.validate(frame, "end-of-run rows"))
