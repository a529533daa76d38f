"""scripts/regress: the CI gate. Is the candidate slower than the baseline?

    scripts/regress BASELINE CANDIDATE [--threshold 0.05] [--alpha 0.05] [...]
    scripts/regress --baseline-history K CANDIDATE      (last K recorded runs)
    scripts/regress --record RUN                        (only append RUN to the history)
    scripts/regress --aa RUN RUN [RUN...]               (false alarms over every pair)
    scripts/regress --aa --alternated N RUN...          (... over windows alternated as scripts/ab)

Two revisions measured here, alternately, are scripts/ab's job (ab.py): it
runs the benchmarks, then judges them like this module does. The method is
judge.py's; this module reads the runs, refuses what cannot be judged and
shows the verdict (verdict_text.py).

Exit status: 0 no regression, 1 regression, 2 bad input.
"""
import sys

from ..core import results, slowdown
from ..core.args import Parser, fraction, positive_int, probability
from ..core.cli import EXIT_OK, UsageError, run_main
from ..history import store
from . import aa, evidence, judge, verdict_text
from .judge import DEFAULT_ALPHA, DEFAULT_THRESHOLD


# Two separate runs sample each instance's rounds within one run only; a
# machine whose state changes between runs (a neighbour taking memory
# bandwidth, a vCPU taken away) moves some instances by 20% for minutes.
# Measured on the 2-core VM: 14 of 78 A/A pairs of separate quick runs fail,
# 0 of 52 windows of alternated single-round runs (README, the gate's A/A).
SEPARATE_RUNS_NOTE = ("two separate runs: the machine's between-run drift is not in the samples; "
                      "on a shared or virtual machine judge with interleaved runs (A/B mode)")


# ---- input checks -------------------------------------------------------------

def check_runs(baseline, candidate, any_machine=False):
    """Refuses what cannot be judged: the same run twice, interrupted runs,
    two machines (unless any_machine)."""
    if baseline.run_id and baseline.run_id == candidate.run_id and baseline.run_id != "mixed":
        raise UsageError(f"baseline and candidate are the same run ({candidate.run_id}): "
                         "nothing to compare")
    for role, run in (("baseline", baseline), ("candidate", candidate)):
        check_complete(run, role)
    a, b = baseline.machine_id, candidate.machine_id
    if a and b and a != b and not any_machine:
        raise UsageError(f"baseline ran on {a} but candidate on {b}: regress compares one "
                         "machine with itself (use scripts/compare, or --any-machine)")


def check_complete(run, role):
    """machine.json "complete": false = bench_all was interrupted (an absent
    key is an older run, which wrote machine.json only at the end)."""
    if run.machine.get("complete", True) is False:
        done, planned = run.machine.get("processes_measured"), run.machine.get("processes_planned")
        extent = f" after {done} of {planned} processes" if done is not None and planned else ""
        raise UsageError(f"{role} {run.run_id or run.csv_path} was interrupted{extent} "
                         "(machine.json complete: false): an incomplete run cannot be judged")


def check_baseline_numbers(run):
    """A baseline must be usable throughout: a 0 or infinite baseline would
    make every ratio meaningless (the candidate's are judged, not refused).
    Open-loop latency rows are no throughput, so none of theirs is refused."""
    df = run.df
    bad = ((df["error"] == "") & ~evidence.usable_throughput(df["items_per_second"])
           & ~results.open_loop(df))
    if bad.any():
        row = df.loc[bad].iloc[0]
        raise UsageError(f"baseline {run.run_id or run.csv_path}: items_per_second "
                         f"{row['items_per_second']!r} for {row['impl']} at {row['threads']} "
                         "workers without an error: not a usable baseline")


def label(run):
    sha = f" @ {run.git_sha}" if run.git_sha else ""
    return f"{run.run_id or run.csv_path}{sha} ({run.machine_id or 'unknown machine'})"


def verdict_for_runs(baseline, candidate, threshold, alpha, any_machine=False,
                     suite_threshold=None, allow_missing=False, paired=None, probe_ratio=None):
    """paired: None = when both runs are pooled alternated runs (scripts/ab,
    regress --aa --alternated): their run i of A and run i of B were made
    back to back, and judge_sides tests the pairs."""
    check_runs(baseline, candidate, any_machine)
    slowdown.refuse_as_baseline(baseline)
    check_baseline_numbers(baseline)
    if paired is None:
        paired = all("run_of_round" in run.machine for run in (baseline, candidate))
    v = judge.judge_sides(evidence.side_of_run(baseline), evidence.side_of_run(candidate),
                          threshold, alpha, suite_threshold, allow_missing, paired=paired,
                          probe_ratio=probe_ratio)
    v.baseline_label, v.candidate_label = label(baseline), label(candidate)
    if not any("run_of_round" in run.machine for run in (baseline, candidate)):
        v.notes.append(SEPARATE_RUNS_NOTE)
    return v


def verdict_from_history(path, k, candidate, threshold, alpha, suite_threshold=None,
                         allow_missing=False):
    """The candidate against the last k recorded runs of its machine: each
    run's instance median is one baseline sample, the candidate's median is
    one more run (a prediction test: does it fall outside how runs vary?)."""
    check_complete(candidate, "candidate")
    text = store.read_history_text(path)
    if not len(text):
        raise UsageError(f"{path}: no rows, only a header")
    recorded = store.typed(text, path)
    runs = store.last_runs(recorded, k, exclude=candidate.run_id)
    if len(runs) < 2:
        raise UsageError(f"{path}: {len(runs)} recorded run(s) besides the candidate; "
                         "--baseline-history needs at least 2")
    base = evidence.side_from_history(recorded, runs)
    latest = set(evidence.side_from_history(recorded, runs[-1:]))
    # Only the latest run's instances can be "missing": older runs may have
    # measured a selection the suite no longer has.
    cand = evidence.side_from_results(candidate.df)
    for e in cand.values():
        evidence.as_one_run(e)
    for key in set(base) - latest - set(cand):
        del base[key]
    v = judge.judge_sides(base, cand, threshold, alpha, suite_threshold, allow_missing,
                          baseline_kind="runs")
    v.baseline_label = f"last {len(runs)} recorded runs in {path}"
    v.candidate_label = label(candidate)
    return v


# ---- command line -----------------------------------------------------------

def add_judging_arguments(parser, suite_default):
    """The flags scripts/regress and scripts/ab share: how to judge, what to write."""
    parser.add_argument("--threshold", type=fraction, default=DEFAULT_THRESHOLD,
                        help="smallest slowdown that counts, as a fraction (default 0.05)")
    parser.add_argument("--alpha", type=probability, default=DEFAULT_ALPHA,
                        help="false-discovery rate (Benjamini-Hochberg) over every gating "
                             "test (default 0.05)")
    parser.add_argument("--suite-threshold", type=fraction, metavar="F",
                        help="geometric-mean slowdown that fails the suite as a whole "
                             f"(default: {suite_default})")
    parser.add_argument("--allow-missing", action="store_true",
                        help="instances of the baseline absent from the candidate do not fail")
    parser.add_argument("--markdown", metavar="FILE", help="also write a markdown report")
    parser.add_argument("--record", action="store_true",
                        help="append the candidate to results/history/<machine_id>.csv")
    parser.add_argument("--history-dir", metavar="DIR",
                        help="where --record writes and --baseline-history reads")
    parser.add_argument("--verbose", action="store_true", help="print every instance")


def parse(argv):
    if "--ab" in argv:
        raise UsageError("use scripts/ab REV_A REV_B")
    parser = Parser(prog="regress", description="Throughput regression gate: exit 0 "
                    "no regression, 1 regression, 2 bad input.")
    parser.add_argument("inputs", nargs="*", metavar="RUN",
                        help="BASELINE CANDIDATE (run folders or results.csv); with "
                             "--baseline-history: CANDIDATE; with --aa: two or more runs")
    add_judging_arguments(parser, "2 x threshold")
    parser.add_argument("--baseline-history", type=int, metavar="K",
                        help="baseline: the last K recorded runs of the candidate's machine "
                             "(results/history/<machine_id>.csv, or --history-dir)")
    parser.add_argument("--aa", action="store_true",
                        help="judge every pair of the given runs of one build; print the "
                             "false-alarm count")
    parser.add_argument("--alternated", type=positive_int, metavar="N",
                        help="with --aa: judge every window of 2N consecutive runs, alternated "
                             "A B B A ... and pooled as scripts/ab pools them")
    parser.add_argument("--unpaired", action="store_true",
                        help="with --aa --alternated: judge the windows' runs as unpaired "
                             "samples (moderated t), the design before the paired rank tests")
    parser.add_argument("--any-machine", action="store_true",
                        help="allow baseline and candidate from different machines")
    args = parser.parse_args(argv)
    if args.baseline_history is not None and args.baseline_history < 2:
        raise UsageError(f"--baseline-history needs at least 2 runs, got {args.baseline_history}")
    if args.aa and args.baseline_history is not None:
        raise UsageError("--aa and --baseline-history are separate modes: give one")
    if args.unpaired and args.alternated is None:
        raise UsageError("--unpaired goes with --aa --alternated")
    if args.alternated is not None and not args.aa:
        raise UsageError("--alternated N goes with --aa")
    return args


def main(argv):
    args = parse(argv)
    if args.record and len(args.inputs) == 1 and args.baseline_history is None:
        verdict_text.print_recorded("regress", *store.record(results.load_measured_run(args.inputs[0], "history"),
                                                        args.history_dir))
        return EXIT_OK
    if args.aa:
        return main_aa(args)
    if args.baseline_history is not None:
        if len(args.inputs) != 1:
            raise UsageError("expected one CANDIDATE with --baseline-history K")
        candidate = results.load_measured_run(args.inputs[0], "regress")
        path = store.history_path(candidate.machine_id, args.history_dir)
        v = verdict_from_history(path, args.baseline_history, candidate, args.threshold,
                                 args.alpha, args.suite_threshold, args.allow_missing)
    else:
        if len(args.inputs) != 2:
            raise UsageError("expected BASELINE and CANDIDATE")
        baseline, candidate = (results.load_measured_run(p, "regress") for p in args.inputs)
        v = verdict_for_runs(baseline, candidate, args.threshold, args.alpha,
                             args.any_machine, args.suite_threshold, args.allow_missing)
    verdict_text.emit(v, args)
    if args.record:
        verdict_text.print_recorded("regress", *store.record(candidate, args.history_dir))
    return v.exit_code


def main_aa(args):
    if len(args.inputs) < 2:
        raise UsageError("--aa needs at least two runs of one build")
    runs = [results.load_measured_run(p, "regress") for p in args.inputs]
    if args.alternated is None:
        def judge_pair(a, b):
            return verdict_for_runs(a, b, args.threshold, args.alpha, False, args.suite_threshold)
        print(verdict_text.aa_report(aa.separate_pairs(runs, judge_pair), "separate runs, every pair"))
        return EXIT_OK
    if len(runs) < 2 * args.alternated:
        raise UsageError(f"--alternated {args.alternated} needs at least {2 * args.alternated} runs, "
                         f"got {len(runs)}")
    suite = args.threshold if args.suite_threshold is None else args.suite_threshold

    def judge_pair(a, b):
        return verdict_for_runs(a, b, args.threshold, args.alpha, False, suite,
                                paired=False if args.unpaired else None)
    design = "unpaired" if args.unpaired else "paired"
    print(verdict_text.aa_report(aa.alternated_windows(runs, args.alternated, judge_pair),
                           f"alternated, {args.alternated} run(s) a side, {design}, "
                           "overlapping windows"))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(run_main("regress", main))
