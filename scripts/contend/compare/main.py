"""scripts/compare: several machines side by side.

    scripts/compare RUN_A RUN_B [RUN_C ...] [--out DIR] [--format md|html]

Benchmarks are aligned by load (threads / that machine's cores) and by
worker count, and ranked per machine at every aligned point (align.py):
does the winner change with the hardware? Only where every machine names a
significant winner and they differ; a tie anywhere is not a change.

Output (text.py, overlay.py, page.py): the tables on stdout, winners
first; in --out (default: <first run>/report/compare-vs-<other machines>/,
beside that run's own report and ignored by git like it) the aligned tables
as CSV, overlay PNGs with one colour and marker per machine, and a summary:
compare.md (--format md), or index.html (--format html), one navigable page
with interactive overlays that loads the folder's one shared plotly.js.
"""
import sys
from pathlib import Path
from types import SimpleNamespace

from ..core import ranking, results
from ..core.args import Parser
from ..core.cli import UsageError, run_main
from ..report import figures
from . import align, overlay, page, text


# ---- command line --------------------------------------------------------------------

def default_out(runs):
    others = "+".join(r.label for r in runs[1:])
    return runs[0].run_dir / "report" / f"compare-vs-{figures.slug(others)}"


def analyse(runs, labels=None):
    """Everything compare says about `runs` (one per machine), as a
    namespace: labels, points, by_load, by_threads, wins, head, sections,
    verdict. scripts/fleet compare sets its machine classes side by side
    with it."""
    labels = labels or align.unique_labels(runs)
    points = [align.machine_points(r) for r in runs]
    evidence = [ranking.RoundSamples.of(r) for r in runs]
    by_load, by_threads = align.align(points, "load"), align.align(points, "threads")
    if not len(by_load) and not len(by_threads):
        raise UsageError("the runs have no benchmark instance in common "
                         "(same family, benchmark, params, impl, mode, roles, placement)")
    wins = align.winners(points, evidence, "load")
    head = text.machine_lines(runs, labels)
    sections = text.sections(by_load, by_threads, wins, len(runs))
    return SimpleNamespace(labels=labels, points=points, by_load=by_load, by_threads=by_threads,
                           wins=wins, head=head, sections=sections, verdict=text.verdict_line(wins))


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
    runs = results.load_measured_runs(args.runs, "compare")
    c = analyse(runs)
    labels, points, wins, head, sections, verdict = (c.labels, c.points, c.wins, c.head,
                                                     c.sections, c.verdict)
    by_load, by_threads = c.by_load, c.by_threads
    print(text.text_report(head, sections, verdict))

    out = Path(args.out) if args.out else default_out(runs)
    out.mkdir(parents=True, exist_ok=True)
    by_load.to_csv(out / "aligned-by-load.csv", index=False)
    by_threads.to_csv(out / "aligned-by-workers.csv", index=False)
    wins.to_csv(out / "winners.csv", index=False)
    pngs = overlay.write_pngs(points, labels, [r.cores for r in runs], out)
    if args.format == "md":
        summary = text.write_markdown(out, head, sections, verdict, list(pngs.values()))
    else:
        summary = page.write_page(out, runs, labels, points, wins, sections, verdict, pngs)
    print(f"\ncompare: wrote {summary} and {len(pngs)} overlay plot(s) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(run_main("compare", main))
