"""scripts/regress's and scripts/ab's output: the terminal report, the
pull-request markdown, the A/A summary. Verdicts in (verdict.Verdict), text out."""
from pathlib import Path

from ..core import formatting, scaling, schema, tables
from .verdict import (ERROR_BOTH, ERROR_FIXED, EXPECTED_TIMEOUT, FASTER_NS, IMPROVEMENT, INVALID,
                      MISSING, NEW_ERROR, NOT_CONFIRMED, ONLY_BASELINE, ONLY_CANDIDATE, OPEN_LOOP,
                      REGRESSION, SLOWER_NS, UNCHANGED)

SECTIONS = [(NEW_ERROR, "New errors (gating)"), (INVALID, "Invalid throughput (gating)"),
            (MISSING, "Missing from the candidate (gating)"), (REGRESSION, "Regressions"),
            (NOT_CONFIRMED, "Flagged, then not confirmed"), (IMPROVEMENT, "Improvements"),
            (SLOWER_NS, "Slower, not significant"),
            (EXPECTED_TIMEOUT, "Expected timeouts (spinning lock, oversubscribed)"),
            (ERROR_BOTH, "Errors in both"), (ERROR_FIXED, "Errors fixed"),
            (ONLY_BASELINE, "Only in baseline"), (ONLY_CANDIDATE, "Only in candidate")]
HEADER = ["family", "benchmark", "params", "impl", "mode", "roles", "placement", "workers",
          "baseline/s", "candidate/s", "ratio", "change", "vs suite", "q (BH)", "samples b/c",
          "detectable", "note"]
IMPL_HEADER = ["impl", "instances", "ratio", "change", "vs suite", "q (BH)", "verdict"]


def table_rows(df):
    rows = []
    for x in df.itertuples(index=False):
        notes = [n for n in (("oversubscribed, not gating" if x.oversubscribed and not x.gating
                               else ""), x.note, f"error: {x.error}" if x.error else "") if n]
        rows.append([x.family, x.benchmark, x.params, x.impl, x.mode,
                     scaling.role_split(x.producers, x.consumers), x.placement,
                     str(x.threads), formatting.si(x.baseline), formatting.si(x.candidate),
                     formatting.ratio(x.ratio), formatting.percent_change(x.ratio),
                     formatting.percent_change(x.rel_ratio), formatting.p_value(_q_for(x)),
                     f"{x.rounds_baseline}/{x.rounds_candidate}", formatting.percent(x.mde),
                     "; ".join(notes)])
    return rows


def impl_rows(impls):
    return [[x.impl, str(x.instances), formatting.ratio(x.ratio), formatting.percent_change(x.ratio),
             formatting.percent_change(x.rel_ratio), formatting.p_value(x.q_slower), x.verdict]
            for x in impls.itertuples(index=False)]


def _q_for(x):
    return x.q_faster if x.ratio == x.ratio and x.ratio > 1 else x.q_slower


def _ordered(df):
    return df.sort_values(["ratio"] + schema.INSTANCE, kind="stable", na_position="last")


def method_line(v):
    if v.baseline_kind == "pairs":
        return (f"samples: A/B pairs measured back to back (one per alternated run); threshold "
                f"{formatting.percent(v.threshold, 1)} (absolute and vs the suite's shift), suite "
                f"threshold {formatting.percent(v.suite_threshold, 1)}, Benjamini-Hochberg at "
                f"{v.alpha:g} over instances, impls and the suite; Wilcoxon signed-rank on the "
                "pairs' log ratios, Hodges-Lehmann ratios")
    samples = ("recorded runs (one median each) vs the candidate's median"
               if v.baseline_kind == "runs" else "round medians (one per process)")
    return (f"samples: {samples}; threshold {formatting.percent(v.threshold, 1)} (absolute and vs the suite's "
            f"shift), suite threshold {formatting.percent(v.suite_threshold, 1)}, Benjamini-Hochberg at "
            f"{v.alpha:g} over instances, impls and the suite; moderated t on log samples "
            f"(prior {v.prior_df:g} df)")


def detect_line(v):
    """What a green verdict is worth: the slowdown a lone instance needs."""
    return (f"this gate could detect slowdowns of {formatting.percent(v.detectable)} (median over "
            f"instances; {formatting.percent(v.power)} power at alpha / tests)")


def summary_line(v):
    df = v.instances
    counts = df["verdict"].value_counts()
    gating_n = int((df["p_slower"].notna() & ~df["oversubscribed"]).sum())
    state = "REGRESSION" if v.exit_code else "no regression"
    parts = [f"{state}: geometric mean ratio {formatting.ratio(v.geomean)} "
             f"({formatting.percent_change(v.geomean)}) over {gating_n} gating instances, "
             f"suite shift {formatting.percent_change(v.shift)}, suite q {formatting.p_value(v.suite_p)}"]
    impls = len(v.impl_failures)
    if impls:
        parts.append(f"{impls} impl{'s' if impls != 1 else ''} slower as a whole "
                     f"({', '.join(v.impl_failures['impl'])})")
    for verdict, _ in SECTIONS:
        if counts.get(verdict, 0):
            parts.append(f"{counts[verdict]} {verdict}")
    parts.append(f"{int(counts.get(UNCHANGED, 0) + counts.get(FASTER_NS, 0))} "
                 "unchanged/faster n.s.")
    # Not a section: a run has dozens of them, and none says anything about speed.
    if counts.get(OPEN_LOOP, 0):
        parts.append(f"{counts[OPEN_LOOP]} open-loop latency instances not judged "
                     "(items/s is their offered schedule)")
    return "; ".join(parts)


def failure_lines(v):
    """One line per reason the gate fails: what a reader must see first."""
    df = v.instances
    lines = []
    for verdict, what in ((NEW_ERROR, "new error(s)"), (INVALID, "instance(s) with a 0, "
                          "negative, NaN or infinite throughput"),
                          (MISSING, "instance(s) of the baseline missing from the candidate "
                           "(--allow-missing if intended)"), (REGRESSION, "instance regression(s)")):
        n = int((df["gating"] & (df["verdict"] == verdict)).sum())
        if n:
            lines.append(f"FAIL: {n} {what}")
    for x in v.impl_failures.itertuples(index=False):
        lines.append(f"FAIL: impl {x.impl} slower across its {x.instances} instances: "
                     f"{formatting.percent_change(x.ratio)} (q {formatting.p_value(x.q_slower)})")
    if v.suite_regression:
        lines.append(f"FAIL: suite-wide slowdown: geometric mean {formatting.percent_change(v.geomean)}"
                     f" (suite threshold {formatting.percent(v.suite_threshold, 1)}), suite q "
                     f"{formatting.p_value(v.suite_p)}")
    return lines


def text_report(v):
    lines = [f"regress: baseline {v.baseline_label}  vs  candidate {v.candidate_label}",
             method_line(v)]
    lines += [f"warning: {w}" for w in v.warnings] + [f"note: {n}" for n in v.notes]
    for verdict, title in SECTIONS:
        part = v.instances.loc[v.instances["verdict"] == verdict]
        if len(part):
            lines += ["", f"{title} ({len(part)}):", tables.text_table(HEADER, table_rows(_ordered(part)))]
    if len(v.impls):
        lines += ["", "Impls (all gating instances of one impl together):",
                  tables.text_table(IMPL_HEADER, impl_rows(v.impls))]
    lines += [""] + failure_lines(v) + [detect_line(v), summary_line(v)]
    return "\n".join(lines)


# GitHub refuses comments over 65,536 characters; stay well below.
MARKDOWN_LIMIT = 60000
MARKDOWN_SECTION_ROWS = 40


def markdown_report(v):
    """The PR comment: verdict, reasons, summary, one table per kind of
    finding (the worst first, each cut at MARKDOWN_SECTION_ROWS), and every
    instance folded away when that still fits a comment."""
    icon = ":x:" if v.exit_code else ":white_check_mark:"
    reasons = failure_lines(v)
    head = f"{len(reasons)} gating failure{'s' if len(reasons) != 1 else ''}" if reasons \
        else "no regression"
    lines = [f"### {icon} contend regress: {head}", "",
             f"Baseline `{v.baseline_label}` vs candidate `{v.candidate_label}`.  ",
             method_line(v) + "; oversubscribed slowdowns never gate.", ""]
    lines += [f"- {x}" for x in reasons]
    lines += ["", f"**{summary_line(v)}**", "", f"_{detect_line(v)}: a green gate is not "
              "proof of no change._"]
    lines += [f"> :warning: {w}" for w in v.warnings] + [f"> {n}" for n in v.notes]
    for verdict, title in SECTIONS:
        part = _ordered(v.instances.loc[v.instances["verdict"] == verdict])
        if len(part):
            lines += ["", f"#### {title} ({len(part)})", "",
                      tables.markdown_table(HEADER, table_rows(part.head(MARKDOWN_SECTION_ROWS)))]
            if len(part) > MARKDOWN_SECTION_ROWS:
                lines.append(f"\n... and {len(part) - MARKDOWN_SECTION_ROWS} more "
                             "(`scripts/regress --verbose` lists all)")
    if len(v.impls):
        lines += ["", "#### Impls", "", tables.markdown_table(IMPL_HEADER, impl_rows(v.impls))]
    text = "\n".join(lines) + "\n"
    details = "\n".join(["", "<details><summary>All instances</summary>", "",
                         tables.markdown_table(HEADER + ["verdict"], all_rows(v)),
                         "", "</details>", ""])
    return text + details if len(text) + len(details) <= MARKDOWN_LIMIT else text


def all_rows(v):
    return [row + [x] for row, x in zip(table_rows(v.instances), v.instances["verdict"])]


def emit(v, args):
    print(text_report(v))
    if args.verbose:
        print(tables.text_table(HEADER + ["verdict"], all_rows(v)))
    if args.markdown:
        Path(args.markdown).write_text(markdown_report(v), encoding="utf-8")


def aa_report(judged, design):
    """[(label, verdict)] of runs of one build: each failure is a false alarm."""
    lines = [f"{label}: geometric mean {formatting.percent_change(v.geomean)}, {detect_line(v)}: "
             f"{'; '.join(failure_lines(v)) or 'ok'}" for label, v in judged]
    failed = sum(v.exit_code != 0 for _, v in judged)
    share = f" ({formatting.percent(failed / len(judged), 1)})" if judged else ""
    lines.append(f"A/A ({design}): {failed} false alarm(s) in {len(judged)}{share}")
    return "\n".join(lines)


def print_recorded(prog, path, added):
    print(f"{prog}: recorded {added} instances in {path}")
