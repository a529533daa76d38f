"""Who wins where, by how much, and is it a tie: the answer the run report
gives first, above the fold.

Every scenario (family, benchmark, params, mode, placement) is judged at
full load (its most workers with a PU each) by ranking.rank: a winner only
with a significant lead of at least ranking.FLOOR over the runner-up, else
a tie. The page shows one line per (family, benchmark): how many scenarios
each impl wins, the range of its margins and how many are ties, then that
group's scenarios folded under it (a click on the line), one line each (winner or TIE, margin
over the runner-up with its 95% interval, the top's rate in the family's
unit). The full table (q values, not-eligible instances) is folded last.

Open-loop latency rows are never ranked: their throughput is the load they
were offered.
"""
import html

from . import figures
from ..core import formatting, ranking, scaling, units
from .html_parts import Cell, html_table, number_cell

POINT = ["family", "benchmark", "params", "mode", "placement", "threads"]


def ranked_at_full_load(summary, evidence):
    """ranking.rank's table at full load, in report order, with the top's
    role split (`split`). One candidate per impl (its best role split)."""
    closed_loop = summary.loc[summary["open_loop_reps"] == 0] \
        if "open_loop_reps" in summary.columns else summary
    rows_at = scaling.full_load(closed_loop, POINT[:-1])
    ranked = ranking.rank(rows_at, evidence, POINT, label="impl")
    ranked = ranked.assign(split=[_split(rows_at, i) for i in ranked["top_index"]])
    order = sorted(range(len(ranked)), key=lambda j: (
        figures.family_rank(ranked["family"].iloc[j]),
        tuple(ranked[c].iloc[j] for c in POINT[1:])))
    return ranked.iloc[order].reset_index(drop=True)


def _split(rows, index):
    r = ranking.top_row(rows, index)
    return "" if r is None else scaling.role_split(r["producers"], r["consumers"])


def winners_section(summary, evidence):
    ranked = ranked_at_full_load(summary, evidence)
    parts = ['<section id="winners"><h2>Winners at full load</h2>', _rule_note(ranked)]
    if not len(ranked):
        parts.append("<p>Nothing to rank: no closed-loop instance has a number.</p>")
    parts.append('<ul class="winners">')
    for (family, benchmark), group in ranked.groupby(["family", "benchmark"], sort=False):
        parts.append(f"<li><details><summary>{group_line(family, benchmark, group)} "
                     f'<span class="note">({len(group)} scenario{_s(len(group))})</span>'
                     f'</summary><ul class="winners">'
                     + "".join(f"<li>{scenario_line(r)}</li>" for r in group.itertuples())
                     + "</ul></details></li>")
    parts.append("</ul>")
    parts.append("<details><summary>every ranked point, with q values and the instances "
                 "not eligible</summary>" + full_table(ranked) + "</details></section>")
    return "\n".join(parts)


def _s(n):
    return "" if n == 1 else "s"


def group_line(family, benchmark, group):
    """'<b>fifo / throughput</b> (items/s): moodycamel wins 10 of 24 (1.3x-2.1x),
    boost_lockfree 4; 10 ties' for one (family, benchmark)."""
    head = (f'<a href="#{html.escape(family)}"><b>{html.escape(family)} / '
            f'{html.escape(benchmark)}</b></a> ({html.escape(units.rate(family, benchmark))})')
    n = len(group)
    wins = group.loc[group["status"].isin(["winner", "alone"])]
    said = []
    for impl, rows in sorted(wins.groupby("winner"), key=lambda item: -len(item[1])):
        margins = rows["margin"].dropna()
        spread = ""
        if len(margins):
            low, high = margins.min(), margins.max()
            spread = (f", by {_times(low)}" if low == high else
                      f", by {_times(low)}-{_times(high)}")
        alone = int((rows["status"] == "alone").sum())
        alone_text = f", alone in {alone}" if alone else ""
        said.append(f'<span class="win">{html.escape(str(impl))}</span> wins {len(rows)}'
                    f" of {n}{spread}{alone_text}")
    ties = int((group["status"] == "tie").sum())
    if ties:
        tied = sorted({name for t in group.loc[group["status"] == "tie", "tied"]
                       for name in str(t).split(" ~ ")})
        said.append(f'<span class="tie">TIE</span> in {ties} of {n} '
                    f"({html.escape(', '.join(tied[:6]))}{', ...' if len(tied) > 6 else ''})")
    none = int((group["status"] == "none").sum())
    if none:
        said.append(f"{none} without an eligible instance")
    return f"{head}: " + "; ".join(said)


def _times(ratio):
    return f"{ratio:.2f}x"


def scenario_line(r):
    """One scenario at full load: where, then the verdict, the margin over
    the runner-up [95% CI] and the top's rate."""
    where = " ".join(x for x in (f"[{r.params}]" if r.params else "", f"{r.mode}",
                                 r.placement, f"{int(r.threads)} workers",
                                 f"({r.split})" if r.split else "") if x)
    rate = f"{formatting.si(r.top_median)} {units.rate(r.family, r.benchmark)}"
    unstable = " (unstable)" if r.unstable else ""
    if r.status == "winner":
        verdict = (f'<span class="win">{html.escape(str(r.winner))}</span> '
                   f"{html.escape(formatting.margin(r.margin, r.margin_low, r.margin_high))} "
                   f"over {html.escape(str(r.runner_up))}, {rate}")
    elif r.status == "tie":
        verdict = (f'<span class="tie">TIE</span> {html.escape(str(r.tied))} (top {rate}, '
                   f"{html.escape(formatting.margin(r.margin, r.margin_low, r.margin_high))}"
                   f" over {html.escape(str(r.runner_up))})")
    elif r.status == "alone":
        verdict = f"{html.escape(str(r.winner))} (the only eligible impl), {rate}"
    else:
        verdict = "no eligible impl"
    return f"{html.escape(where)}: {verdict}{unstable}"


def _rule_note(ranked):
    ties = ranking.ties(ranked)
    return (f'<p class="note">A winner is named only when its lead over the runner-up is '
            f"significant across rounds (one-sided, Benjamini-Hochberg q &le; {ranking.ALPHA}) "
            f"and at least {formatting.percent(ranking.FLOOR - 1)}; otherwise it is a TIE and "
            f"every impl not clearly behind the top is listed. {ties} of {len(ranked)} "
            f"scenarios are ties. Margin = top / runner-up medians [95% interval]. Instances "
            f"with failed repetitions or lost updates are never eligible; open-loop latency "
            f"benchmarks are not ranked (their throughput is the load offered).</p>")


def full_table(ranked):
    rows = []
    for r in ranked.itertuples(index=False):
        rows.append([r.family, r.benchmark, r.params, r.mode, r.placement,
                     number_cell(int(r.threads), str(int(r.threads))), r.split, r.verdict,
                     number_cell(r.top_median), units.rate(r.family, r.benchmark),
                     r.runner_up or "-",
                     number_cell(r.margin, formatting.margin(r.margin, r.margin_low,
                                                             r.margin_high)),
                     number_cell(r.q, formatting.p_value(r.q)),
                     Cell("yes", css="unstable") if r.unstable else "", r.excluded])
    header = ["family", "benchmark", "params", "mode", "placement", "workers", "roles",
              "fastest impl", "rate", "unit", "runner-up", "margin [95% CI]", "q (BH)",
              "unstable", "not eligible"]
    return html_table(header, rows)
