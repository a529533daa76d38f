"""scripts/compare: several machines side by side.

    scripts/compare RUN_A RUN_B [RUN_C ...] [--out DIR] [--format md|html]

Benchmarks are aligned on their identity (family, benchmark, params, impl,
mode, producers, consumers, placement) and on the worker count twice over:
- by load, threads / cores of that machine (50%, 100%, and "over" for the
  oversubscribed point): full machine against full machine. Producers and
  consumers grow with the load (1p1c on 2 cores is 8p8c on 16), so here they
  are matched by their shape (p=c, 1 producer, 1 consumer, ratio) instead;
- by absolute workers: the same threads, producers and consumers.
Per machine: median throughput with its 95% interval across rounds (unstable
instances marked "!"), ratio to the first run, throughput per busy core
(items/s / min(workers, cores)), scaling efficiency; and the ranking at every
aligned point on every machine (ranking.py: a winner only when its lead over
the runner-up is significant across rounds and at least 5%, else a tie),
answering "does the winner change with the hardware?": only where every
machine names a winner and they differ. A tie anywhere is not a change.

Alignment uses results.expand_placements: a machine where compact and scatter
give the same worker->PU map measured it once and stands for both, so it
still lines up with a machine that measured the two apart (the ranking tests
that one measurement once).

Output (compare_report.py, compare_page.py): the tables on stdout, winners
first; in --out (default: <first run>/report/compare-vs-<other machines>/,
beside that run's own report and ignored by git like it) the aligned tables
as CSV, overlay PNGs with one colour and marker per machine, and a summary:
compare.md (--format md), or index.html (--format html), one navigable page
with interactive overlays that loads the folder's one shared plotly.js.
"""
import sys
from pathlib import Path

from . import compare_page, compare_report, figures, ranking, results, scaling, schema
from .args import Parser
from .cli import UsageError, run_main

VALUES = ["threads", "producers", "consumers", "median", "ci_low", "ci_high", "rounds",
          "unstable", "per_core", "efficiency", "oversubscribed", "errors"]
# What names one instance under each alignment (the point column comes last).
ALIGN_KEY = {"load": scaling.LINE + ["shape", "load"],
             "threads": schema.INSTANCE}


def machine_points(run, summary=None):
    """Per-instance numbers of one run, one row per placement each stands for
    (results.expand_placements), plus the columns the alignment needs."""
    summary = results.instance_summary(run.df) if summary is None else summary
    expanded = scaling.with_roles(ranking.expand(summary))
    cores = run.cores
    return expanded.assign(
        # After expanding: a line that shares its first point with the
        # other placement still starts there.
        efficiency=scaling.scaling_efficiency(expanded),
        per_core=expanded["median"] / expanded["threads"].clip(upper=cores),
        load=[("over" if o else f"{t / cores:.4g}")
              for t, o in zip(expanded["threads"], expanded["oversubscribed"])],
        shape=[scaling.role_shape(p, c) for p, c in zip(expanded["producers"], expanded["consumers"])],
    )


def unique_labels(runs):
    labels = [r.label for r in runs]
    return [f"{l} ({r.run_id})" if labels.count(l) > 1 else l for l, r in zip(labels, runs)]


def align(points, by):
    """Inner join of every machine's points on ALIGN_KEY[by] (by = load | threads).

    Columns: the key, then VALUES suffixed _0, _1, ... (one per machine) and
    ratio_i = median_i / median_0.
    """
    key = ALIGN_KEY[by]
    merged = None
    for i, p in enumerate(points):
        part = p[key + [c for c in VALUES + ["load"] if c not in key]]
        part = part.rename(columns={c: f"{c}_{i}" for c in part.columns if c not in key})
        merged = part if merged is None else merged.merge(part, on=key, how="inner")
    for i in range(len(points)):
        merged[f"ratio_{i}"] = merged[f"median_{i}"] / merged["median_0"]
    return _sorted(merged, key)


# Row order of the tables: a reader scans one benchmark and mode at a time.
SORT_ORDER = ["benchmark", "params", "mode", "impl", "shape", "producers", "consumers",
              "placement"]


def _sorted(df, key):
    """Families in schema order, then SORT_ORDER, the point (last key) numerically."""
    columns = [c for c in SORT_ORDER if c in key]
    order = sorted(range(len(df)), key=lambda j: (
        figures.family_rank(df["family"].iloc[j]),
        tuple(df[c].iloc[j] for c in columns), _point_order(df[key[-1]].iloc[j])))
    return df.iloc[order].reset_index(drop=True)


def _point_order(value):
    if value == "over":
        return float("inf")
    return float(value)


# Per machine in winners(): rank()'s columns kept, suffixed _0, _1, ...
WINNER_COLUMNS = ["status", "verdict", "winner", "tied", "runner_up", "margin", "margin_low",
                  "margin_high", "p", "q", "unstable", "excluded"]


def winners(points, evidence, by="load"):
    """Per aligned point (ALIGN_KEY[by] without impl) the ranking on every
    machine (ranking.rank, BH over that machine's points), and `changes`:
    every machine names a significant winner and they are not all the same.
    `tie`: at least one machine has no significant winner there.

    Only impls eligible on every machine at that point compete: a machine
    whose run skipped (or broke) the real winner must not make the winner
    "change". Ineligible impls stay in the rows so `excluded` names them.
    """
    key = [c for c in ALIGN_KEY[by] if c != "impl"]
    everywhere = set.intersection(*[_tuples(p.loc[results.eligible(p)], key + ["impl"])
                                    for p in points])
    tables = []
    for i, (p, ev) in enumerate(zip(points, evidence)):
        keep = [t in everywhere or not ok for t, ok in
                zip(p[key + ["impl"]].itertuples(index=False, name=None), results.eligible(p))]
        shared = p.loc[keep]
        # Points where something competes everywhere; rows of other points
        # would only add tests to this machine's BH family.
        competing = _tuples(shared.loc[results.eligible(shared)], key)
        shared = shared.loc[[t in competing for t in shared[key].itertuples(index=False, name=None)]]
        ranked = ranking.rank(shared, ev, key).set_index(key)[WINNER_COLUMNS]
        tables.append(ranked.rename(columns=lambda c: f"{c}_{i}"))
    merged = tables[0]
    for table in tables[1:]:
        merged = merged.join(table, how="inner")
    merged = merged.reset_index()
    statuses = [merged[f"status_{i}"] for i in range(len(points))]
    names = [merged[f"winner_{i}"] for i in range(len(points))]
    merged["changes"] = [all(s == "winner" for s in st) and len(set(w)) > 1
                         for st, w in zip(zip(*statuses), zip(*names))]
    merged["tie"] = [any(s == "tie" for s in st) for st in zip(*statuses)]
    return _sorted(merged, key)


def _tuples(df, columns):
    return set(df[columns].itertuples(index=False, name=None))


# ---- command line --------------------------------------------------------------------

def default_out(runs):
    others = "+".join(r.label for r in runs[1:])
    return runs[0].run_dir / "report" / f"compare-vs-{figures.slug(others)}"


def main(argv):
    parser = Parser(prog="compare", description="Compares contend runs of several "
                           "machines: aligned tables, winners, overlay plots.")
    parser.add_argument("runs", nargs="+", metavar="RUN", help="run folders or results.csv files")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default: FIRST_RUN/report/compare-vs-<others>)")
    parser.add_argument("--format", choices=["md", "html"], default="md",
                        help="summary format (default md)")
    args = parser.parse_args(argv)
    if len(args.runs) < 2:
        raise UsageError("compare needs at least two runs")
    runs = results.load_runs(args.runs)
    labels = unique_labels(runs)
    summaries = [results.instance_summary(r.df) for r in runs]
    points = [machine_points(r, s) for r, s in zip(runs, summaries)]
    evidence = [ranking.RoundSamples.of(r.df, s) for r, s in zip(runs, summaries)]
    by_load, by_threads = align(points, "load"), align(points, "threads")
    if not len(by_load) and not len(by_threads):
        raise UsageError("the runs have no benchmark instance in common "
                         "(same family, benchmark, params, impl, mode, roles, placement)")
    wins = winners(points, evidence, "load")
    head = compare_report.machine_lines(runs, labels)
    sections = compare_report.sections(by_load, by_threads, wins, len(runs))
    verdict = compare_report.verdict_line(wins)
    print(compare_report.text_report(head, sections, verdict))

    out = Path(args.out) if args.out else default_out(runs)
    out.mkdir(parents=True, exist_ok=True)
    by_load.to_csv(out / "aligned-by-load.csv", index=False)
    by_threads.to_csv(out / "aligned-by-workers.csv", index=False)
    wins.to_csv(out / "winners.csv", index=False)
    pngs = compare_report.write_overlays(points, labels, [r.cores for r in runs], out)
    if args.format == "md":
        summary = compare_report.write_markdown(out, head, sections, verdict, list(pngs.values()))
    else:
        summary = compare_page.write_page(out, runs, labels, points, wins, sections, verdict, pngs)
    print(f"\ncompare: wrote {summary} and {len(pngs)} overlay plot(s) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(run_main("compare", main))
