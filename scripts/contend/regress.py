"""scripts/regress: the CI gate. Is the candidate slower than the baseline?

    scripts/regress BASELINE CANDIDATE [--threshold 0.05] [--alpha 0.05]
                    [--markdown FILE] [--record] [--history-dir DIR] [--any-machine]
    scripts/regress --record RUN                 (only append RUN to the history)
    scripts/regress --ab REV_A REV_B [--rounds 3] [--keep-worktrees] [--out DIR]
                    [...] -- [bench_all flags]   (build both, alternate, then judge)

Per benchmark instance (identity + workers) the repetitions are the samples:
- ratio = median(candidate) / median(baseline) throughput;
- limit = max(threshold, 3 x the baseline's coefficient of variation): a
  benchmark that is noisy on its own must move further to count;
- p = one-sided Mann-Whitney U "candidate slower" (see stats.py for why
  one-sided), Holm-corrected over every gating instance plus the suite test;
- regression = ratio < 1 - limit and Holm p <= alpha. Improvements mirror it.
Suite-wide: the geometric mean of the ratios, and a regression when it is below
1 - suite threshold and a one-sided Wilcoxon signed-rank test over the
per-instance log ratios is significant (in the same Holm family): a slowdown
spread over every benchmark is caught even when each single one has too few
repetitions. The suite threshold defaults to 2 x threshold for two separate
runs, because a whole machine drifts by a few percent between runs made
minutes apart (an A/A pair of quick runs here, made while the machine was
also compiling, differed by 5.9% across the board), and to the threshold
itself in --ab mode, where alternation cancels that drift.

Never gating, always reported: oversubscribed instances (they measure the
scheduler), instances present on one side only, errors present in both.
Gating: an instance that errors in the candidate but not in the baseline: a
failed correctness check is a regression of the worst kind.

Exit status: 0 no regression, 1 regression, 2 bad input.
"""
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import history, results, stats, tables
from .args import OneLineParser
from .cli import EXIT_FAILURE, EXIT_OK, UsageError, run_main

DEFAULT_THRESHOLD = 0.05
DEFAULT_ALPHA = 0.05
NOISE_FACTOR = 3.0          # limit = max(threshold, NOISE_FACTOR x baseline CV)

REGRESSION = "regression"
IMPROVEMENT = "improvement"
NEW_ERROR = "new error"
SLOWER_NS = "slower, not significant"
FASTER_NS = "faster, not significant"
UNCHANGED = "unchanged"
ERROR_BOTH = "error in both"
ERROR_FIXED = "error fixed"
ONLY_BASELINE = "only in baseline"
ONLY_CANDIDATE = "only in candidate"


@dataclass
class Verdict:
    instances: pd.DataFrame            # one row per instance, see judge()
    threshold: float
    alpha: float
    geomean: float = math.nan          # over gating instances
    suite_p: float = math.nan          # Holm-adjusted
    suite_regression: bool = False
    suite_threshold: float = math.nan
    warnings: list = field(default_factory=list)
    baseline_label: str = ""
    candidate_label: str = ""

    @property
    def gating_failures(self):
        df = self.instances
        return df.loc[df["gating"] & df["verdict"].isin([REGRESSION, NEW_ERROR])]

    @property
    def exit_code(self):
        return EXIT_FAILURE if (len(self.gating_failures) or self.suite_regression) else EXIT_OK


def samples_by_instance(df):
    """{instance key: (throughput samples, error count, oversubscribed, [first error])}."""
    failed = (df["error"] != "").to_numpy()
    throughput = df["items_per_second"].to_numpy(dtype=float)
    over = df["oversubscribed"].to_numpy(dtype=bool)
    errors = df["error"].to_numpy()
    out = {}
    # .indices: positions per group, so the loop below is numpy, not pandas.
    for key, rows in df.groupby(results.INSTANCE, sort=True).indices.items():
        bad = failed[rows]
        out[key] = (throughput[rows][~bad], int(bad.sum()), bool(over[rows].any()),
                    list(errors[rows][bad][:1]))
    return out


def judge(baseline_df, candidate_df, threshold=DEFAULT_THRESHOLD, alpha=DEFAULT_ALPHA,
          suite_threshold=None):
    """The verdict for every instance of two results tables (already validated).

    suite_threshold: the geometric-mean slowdown that counts suite-wide
    (default: 2 x threshold, see the module doc)."""
    if suite_threshold is None:
        suite_threshold = 2 * threshold
    base = samples_by_instance(baseline_df)
    cand = samples_by_instance(candidate_df)
    if not any(k in cand for k in base):
        raise UsageError("baseline and candidate have no benchmark instance in common")
    rows = []
    for key in sorted(set(base) | set(cand)):
        b, c = base.get(key), cand.get(key)
        b_samples = b[0] if b else np.array([])
        c_samples = c[0] if c else np.array([])
        b_median, c_median = stats.median(b_samples), stats.median(c_samples)
        ratio = c_median / b_median if b_median > 0 else math.nan
        limit = max(threshold, NOISE_FACTOR * stats.cv(b_samples))
        rows.append({
            **dict(zip(results.INSTANCE, key)),
            "oversubscribed": bool((b and b[2]) or (c and c[2])),
            "n_baseline": len(b_samples), "n_candidate": len(c_samples),
            "baseline": b_median, "candidate": c_median, "ratio": ratio, "limit": limit,
            "p_slower": stats.mann_whitney_p(c_samples, b_samples, "less"),
            "p_faster": stats.mann_whitney_p(c_samples, b_samples, "greater"),
            "errors_baseline": b[1] if b else 0, "errors_candidate": c[1] if c else 0,
            "error": (c[3] if c and c[3] else (b[3] if b and b[3] else [""]))[0],
            "present": "both" if b and c else ("baseline" if b else "candidate"),
        })
    df = pd.DataFrame(rows)
    measured = df["ratio"].notna() & (df["errors_candidate"] == 0)
    gating_numbers = measured & ~df["oversubscribed"]

    # Suite-wide test first: it joins the gating instances' Holm family.
    log_ratios = np.log(df.loc[gating_numbers, "ratio"].to_numpy(dtype=float))
    geomean = stats.geometric_mean(df.loc[gating_numbers, "ratio"])
    suite_raw = stats.wilcoxon_less_p(log_ratios)
    family = list(df.loc[gating_numbers, "p_slower"]) + [suite_raw]
    adjusted = stats.holm(family)
    df["p_slower_holm"] = math.nan
    df.loc[gating_numbers, "p_slower_holm"] = adjusted[:-1]
    suite_p = adjusted[-1]
    df["p_faster_holm"] = math.nan
    df.loc[gating_numbers, "p_faster_holm"] = stats.holm(df.loc[gating_numbers, "p_faster"])
    # Oversubscribed points: their own families, so their (never gating)
    # verdicts still mean something.
    over = measured & df["oversubscribed"]
    df.loc[over, "p_slower_holm"] = stats.holm(df.loc[over, "p_slower"])
    df.loc[over, "p_faster_holm"] = stats.holm(df.loc[over, "p_faster"])

    df["verdict"] = [_verdict(r, alpha) for r in df.itertuples(index=False)]
    df["gating"] = ~df["oversubscribed"] & df["verdict"].isin([REGRESSION, NEW_ERROR])
    verdict = Verdict(instances=df, threshold=threshold, alpha=alpha, geomean=geomean,
                      suite_p=suite_p, suite_threshold=suite_threshold,
                      suite_regression=bool(geomean < 1 - suite_threshold and suite_p <= alpha))
    verdict.warnings = power_warnings(df.loc[gating_numbers], len(family), alpha)
    return verdict


def _verdict(r, alpha):
    if r.present != "both":
        return ONLY_BASELINE if r.present == "baseline" else ONLY_CANDIDATE
    if r.errors_candidate and not r.errors_baseline:
        return NEW_ERROR
    if r.errors_candidate:
        return ERROR_BOTH
    if r.ratio != r.ratio:     # NaN: one side has no valid sample
        return ERROR_FIXED if r.errors_baseline else UNCHANGED
    if r.ratio < 1 - r.limit:
        return REGRESSION if r.p_slower_holm <= alpha else SLOWER_NS
    if r.ratio > 1 + r.limit:
        return IMPROVEMENT if r.p_faster_holm <= alpha else FASTER_NS
    return ERROR_FIXED if r.errors_baseline else UNCHANGED


def power_warnings(gating, tests, alpha):
    """Says so when the repetitions are too few for any single instance to
    ever pass Holm's first step: a silent gate must not look like a green one."""
    if not len(gating):
        return ["no gating instance with numbers on both sides: nothing was judged"]
    n_b, n_c = int(gating["n_baseline"].min()), int(gating["n_candidate"].min())
    best_p = stats.min_one_sided_p(n_c, n_b)
    needed = alpha / max(tests, 1)
    if best_p <= needed:
        return []
    reps = stats.repetitions_needed(alpha, tests)
    return [f"with {n_b} baseline vs {n_c} candidate repetitions the smallest possible p is "
            f"{best_p:.2g}, but Holm over {tests} tests needs <= {needed:.2g}: no single "
            f"benchmark can be flagged, only the suite-wide test can gate; use >= {reps} "
            "repetitions per side (e.g. more --rounds with --ab)"]


def same_machine_check(baseline, candidate, any_machine):
    a, b = baseline.machine_id, candidate.machine_id
    if a and b and a != b and not any_machine:
        raise UsageError(f"baseline ran on {a} but candidate on {b}: regress compares one "
                         "machine with itself (use scripts/compare, or --any-machine)")


# ---- output ---------------------------------------------------------------

SECTIONS = [(NEW_ERROR, "New errors (gating)"), (REGRESSION, "Regressions"),
            (IMPROVEMENT, "Improvements"), (SLOWER_NS, "Slower, not significant"),
            (ERROR_BOTH, "Errors in both"), (ERROR_FIXED, "Errors fixed"),
            (ONLY_BASELINE, "Only in baseline"), (ONLY_CANDIDATE, "Only in candidate")]
HEADER = ["family", "benchmark", "params", "impl", "mode", "roles", "placement", "workers",
          "baseline/s", "candidate/s", "ratio", "change", "limit", "p (Holm)", "n b/c", "note"]


def table_rows(df):
    rows = []
    for r in df.itertuples(index=False):
        roles = f"{r.producers}p{r.consumers}c" if (r.producers or r.consumers) else ""
        note = "oversubscribed, not gating" if r.oversubscribed else ""
        if r.error:
            note = (note + "; " if note else "") + f"error: {r.error}"
        rows.append([r.family, r.benchmark, r.params, r.impl, r.mode, roles, r.placement,
                     str(r.threads), tables.si(r.baseline), tables.si(r.candidate),
                     tables.ratio(r.ratio), tables.percent_change(r.ratio),
                     f"{r.limit:.1%}", tables.p_value(_holm_for(r)),
                     f"{r.n_baseline}/{r.n_candidate}", note])
    return rows


def _holm_for(r):
    return r.p_faster_holm if r.ratio == r.ratio and r.ratio > 1 else r.p_slower_holm


def summary_line(v):
    df = v.instances
    counts = df["verdict"].value_counts()
    gating_n = int((df["ratio"].notna() & ~df["oversubscribed"]).sum())
    state = "REGRESSION" if v.exit_code else "no regression"
    parts = [f"{state}: geometric mean ratio {tables.ratio(v.geomean)} "
             f"({tables.percent_change(v.geomean)}) over {gating_n} gating instances, "
             f"suite p (Holm) {tables.p_value(v.suite_p)}"]
    for verdict, _ in SECTIONS:
        if counts.get(verdict, 0):
            parts.append(f"{counts[verdict]} {verdict}")
    parts.append(f"{int(counts.get(UNCHANGED, 0) + counts.get(FASTER_NS, 0))} unchanged/faster n.s.")
    return "; ".join(parts)


def _ordered(df):
    return df.sort_values(["ratio"] + results.INSTANCE, kind="stable", na_position="last")


def text_report(v):
    lines = [f"regress: baseline {v.baseline_label}  vs  candidate {v.candidate_label}",
             f"threshold {v.threshold:.1%} (or {NOISE_FACTOR:g} x baseline CV), suite threshold "
             f"{v.suite_threshold:.1%}, alpha {v.alpha:g}, one-sided Mann-Whitney U, Holm-corrected"]
    lines += [f"warning: {w}" for w in v.warnings]
    for verdict, title in SECTIONS:
        part = v.instances.loc[v.instances["verdict"] == verdict]
        if len(part):
            lines += ["", f"{title} ({len(part)}):", tables.text_table(HEADER, table_rows(_ordered(part)))]
    if v.suite_regression:
        lines += ["", f"Suite-wide regression: geometric mean {tables.percent_change(v.geomean)} "
                  f"(suite threshold {v.suite_threshold:.1%}), "
                  f"Wilcoxon p (Holm) {tables.p_value(v.suite_p)}"]
    lines += ["", summary_line(v)]
    return "\n".join(lines)


# GitHub refuses comments over 65,536 characters; stay well below.
MARKDOWN_LIMIT = 60000
MARKDOWN_SECTION_ROWS = 40


def markdown_report(v):
    """The PR comment: verdict, summary, one table per kind of finding (the
    worst first, each cut at MARKDOWN_SECTION_ROWS), and every instance
    folded away when that still fits a comment."""
    icon = ":x:" if v.exit_code else ":white_check_mark:"
    failures = len(v.gating_failures)
    head = (f"{failures} gating failure{'s' if failures != 1 else ''}" if failures
            else ("suite-wide slowdown" if v.suite_regression else "no regression"))
    lines = [f"### {icon} contend regress: {head}", "",
             f"Baseline `{v.baseline_label}` vs candidate `{v.candidate_label}`.  ",
             f"Threshold {v.threshold:.1%} (or {NOISE_FACTOR:g} x baseline CV), suite-wide "
             f"{v.suite_threshold:.1%}, alpha {v.alpha:g}, one-sided Mann-Whitney U per benchmark, "
             "Holm-corrected; oversubscribed points never gate.", "", f"**{summary_line(v)}**"]
    lines += [f"> :warning: {w}" for w in v.warnings]
    for verdict, title in SECTIONS:
        part = _ordered(v.instances.loc[v.instances["verdict"] == verdict])
        if len(part):
            lines += ["", f"#### {title} ({len(part)})", "",
                      tables.markdown_table(HEADER, table_rows(part.head(MARKDOWN_SECTION_ROWS)))]
            if len(part) > MARKDOWN_SECTION_ROWS:
                lines.append(f"\n... and {len(part) - MARKDOWN_SECTION_ROWS} more "
                             "(`scripts/regress --verbose` lists all)")
    text = "\n".join(lines) + "\n"
    details = "\n".join(["", "<details><summary>All instances</summary>", "",
                         tables.markdown_table(HEADER + ["verdict"],
                                               [r + [x] for r, x in zip(table_rows(v.instances),
                                                                        v.instances["verdict"])]),
                         "", "</details>", ""])
    return text + details if len(text) + len(details) <= MARKDOWN_LIMIT else text


def label(run):
    sha = f" @ {run.git_sha}" if run.git_sha else ""
    return f"{run.run_id or run.csv_path}{sha} ({run.machine_id or 'unknown machine'})"


def verdict_for_runs(baseline, candidate, threshold, alpha, any_machine=False,
                     suite_threshold=None):
    same_machine_check(baseline, candidate, any_machine)
    v = judge(baseline.df, candidate.df, threshold, alpha, suite_threshold)
    v.baseline_label, v.candidate_label = label(baseline), label(candidate)
    return v


# ---- command line -----------------------------------------------------------

def parse(argv):
    # Everything after "--" goes to bench_all untouched (A/B mode only).
    if "--" in argv:
        cut = argv.index("--")
        argv, bench_args = argv[:cut], argv[cut + 1:]
    else:
        bench_args = []
    parser = OneLineParser(prog="regress", description="Throughput regression gate: exit 0 "
                           "no regression, 1 regression, 2 bad input.")
    parser.add_argument("inputs", nargs="*", metavar="RUN",
                        help="BASELINE CANDIDATE (run folders or results.csv); with --ab: "
                             "REV_A REV_B (git revisions, A = baseline)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help="smallest slowdown that counts, as a fraction (default 0.05)")
    parser.add_argument("--alpha", type=float, default=DEFAULT_ALPHA,
                        help="family-wise significance level after Holm (default 0.05)")
    parser.add_argument("--suite-threshold", type=float, metavar="F",
                        help="geometric-mean slowdown that fails the suite as a whole "
                             "(default: 2 x threshold; = threshold with --ab)")
    parser.add_argument("--markdown", metavar="FILE", help="also write a markdown report")
    parser.add_argument("--record", action="store_true",
                        help="append the candidate to results/history/<machine_id>.csv")
    parser.add_argument("--history-dir", metavar="DIR", help="where --record writes")
    parser.add_argument("--any-machine", action="store_true",
                        help="allow baseline and candidate from different machines")
    parser.add_argument("--ab", action="store_true",
                        help="build REV_A and REV_B and alternate their bench_all runs")
    parser.add_argument("--rounds", type=int, default=3, help="A/B rounds (default 3)")
    parser.add_argument("--keep-worktrees", action="store_true",
                        help="A/B: keep build/ab/worktrees for a faster next run")
    parser.add_argument("--out", metavar="DIR",
                        help="A/B: where pooled runs go (default REPO/build/ab/runs/<time>)")
    parser.add_argument("--repo", metavar="DIR",
                        help="A/B: the git checkout to build (default: the one holding this script)")
    parser.add_argument("--verbose", action="store_true", help="print every instance")
    args = parser.parse_args(argv)
    args.bench_args = bench_args
    if not 0 <= args.threshold < 1:
        raise UsageError(f"--threshold must be in [0, 1), got {args.threshold}")
    if args.suite_threshold is not None and not 0 <= args.suite_threshold < 1:
        raise UsageError(f"--suite-threshold must be in [0, 1), got {args.suite_threshold}")
    if not 0 < args.alpha < 1:
        raise UsageError(f"--alpha must be in (0, 1), got {args.alpha}")
    if args.rounds < 1:
        raise UsageError(f"--rounds must be at least 1, got {args.rounds}")
    if (bench_args or args.repo) and not args.ab:
        raise UsageError("bench_all flags after -- and --repo need --ab")
    return args


def main(argv):
    args = parse(argv)
    if args.record and len(args.inputs) == 1 and not args.ab:
        path, added = history.record(results.load_run(args.inputs[0]), args.history_dir)
        print(f"regress: recorded {added} instances in {path}")
        return EXIT_OK
    if len(args.inputs) != 2:
        raise UsageError("expected BASELINE and CANDIDATE" if not args.ab
                         else "expected two git revisions: --ab REV_A REV_B")
    if args.ab:
        from . import ab
        baseline, candidate = ab.run_ab_from_args(args)
    else:
        baseline, candidate = results.load_run(args.inputs[0]), results.load_run(args.inputs[1])
    # A/B sides ran on this very machine, even if the two revisions name it
    # differently; alternation cancels machine drift, so the suite-wide test
    # can use the per-benchmark threshold.
    suite = args.suite_threshold
    if suite is None:
        suite = args.threshold if args.ab else 2 * args.threshold
    v = verdict_for_runs(baseline, candidate, args.threshold, args.alpha,
                         args.any_machine or args.ab, suite)
    print(text_report(v))
    if args.verbose:
        print(tables.text_table(HEADER + ["verdict"],
                                [r + [x] for r, x in zip(table_rows(v.instances),
                                                         v.instances["verdict"])]))
    if args.markdown:
        Path(args.markdown).write_text(markdown_report(v), encoding="utf-8")
    if args.record:
        path, added = history.record(candidate, args.history_dir)
        print(f"regress: recorded {added} instances in {path}")
    return v.exit_code


if __name__ == "__main__":
    sys.exit(run_main("regress", main))
