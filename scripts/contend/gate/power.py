"""scripts/power: how often does scripts/ab catch and name a known slowdown here?

    scripts/power [--impls ring_mpmc:fifo,std_mutex:counter] [--factors 0.9,0.8,0.7]
                  [--trials 10] [--aa-trials 20] [--runs 12] [--confirm-runs 6]
                  [--out DIR] [--markdown FILE] -- [bench_all flags]
    scripts/power --replay DIR [--probe-ratio R] [--unpaired] [--markdown FILE]

A tool run on purpose (an hour or more), never a test. Each trial is one
whole scripts/ab gate (ab.gate: the paired runs, the verdict, the confirm
stage) of this checkout's build against itself, B slowed by the test-only
CONTEND_SLOWDOWN=IMPL=F (core/slowdown.py, ab --slow-candidate): for every
IMPL:FAMILY in --impls and every factor, --trials trials measuring that
family only (bench_all --families FAMILY, plus the flags after "--"); then
--aa-trials A/A trials (no slowdown) over the same families, one family per
trial in turn. A trial counts as caught when the gate fails and names the
impl (an impl failure, or a gating instance of it); an A/A trial is a false
alarm when the gate fails at all.

Every trial's runs are kept (<out>/<cell>/<trial>/: runs/, A, B, confirm/)
with trials.csv, so `--replay DIR` judges them again with the gate as it is
now, without measuring: the confirm stage replays from the confirm runs that
were measured (which the first verdict of that time chose).
"""
import argparse
import csv
import datetime
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core import repo, results
from ..core.args import Parser, non_negative_int, positive_int
from ..core.cli import EXIT_OK, UsageError, run_main
from . import ab, judge, regress

PROG = "power"
DEFAULT_IMPLS = "ring_mpmc:fifo,std_mutex:counter"
DEFAULT_FACTORS = "0.9,0.8,0.7"
FIELDS = ["cell", "impl", "family", "factor", "trial", "exit", "named", "detectable", "seconds"]


class ThisBuild(ab.GitWorktreeRunner):
    """Both sides are one snapshot of this checkout as built (its bench
    binaries and scripts copied under <out>/snapshot, so that editing or
    rebuilding the checkout during an hour of trials changes nothing they
    measure): no worktree, no build, nothing removed; B's slowdown comes
    from ab's slow_candidate."""

    def __init__(self, repo_root, workdir):
        super().__init__(repo_root, workdir)
        self.snapshot = Path(workdir) / "snapshot"

    def take_snapshot(self):
        bench = self.repo / "build" / "release" / "bench"
        if not (bench / "contend_plan").is_file():
            raise UsageError(f"{bench}: not built (cmake --build --preset benchmarks)")
        (self.snapshot / "bench").mkdir(parents=True, exist_ok=True)
        for f in bench.iterdir():
            if f.is_file() and os.access(f, os.X_OK):
                shutil.copy2(f, self.snapshot / "bench" / f.name)
        shutil.copytree(self.repo / "scripts", self.snapshot / "scripts", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))

    def bench_command(self, worktree):
        return [sys.executable, "-m", "contend.run.bench_all",
                "--bench-dir", str(self.snapshot / "bench")]

    def pair_bench_dir(self, tree_a):
        return self.snapshot / "bench"

    def pair_repo(self, tree_a):
        # The snapshot names its sha the same way for both sides: A's and
        # B's processes then get environments of one size (paired_run.py).
        return self.snapshot

    def resolve(self, rev):
        return "0" * 40

    def prepare(self, side, sha):
        return self.repo

    def build(self, worktree):
        return None

    def cleanup(self, worktree):
        return None

    def bench(self, worktree, bench_args, extra_env=None):
        # Out of the checkout's results/: these runs are the power tool's.
        env = {**(extra_env or {}), "PYTHONPATH": str(self.snapshot / "scripts")}
        return super().bench(worktree, [*bench_args, "--out", str(self.workdir / "produced" / "B")],
                             env)

    def pair_root(self, tree_a):
        return self.workdir / "produced" / "A"


@dataclass
class Cell:
    impl: str          # "" for A/A
    family: str
    factor: float      # 1.0 for A/A

    @property
    def name(self):
        return f"{self.impl}-{self.factor:g}" if self.impl else f"aa-{self.family}"


def cells(impls, factors):
    return [Cell(impl, family, f) for impl, family in impls for f in factors]


def named(v, impl):
    return bool(impl) and impl in (set(v.impl_failures["impl"]) | set(v.gating_failures["impl"]))


def trial(runner, cell, k, out, args):
    """One scripts/ab gate; returns the trials.csv row."""
    where = out / cell.name / f"{k:02d}"
    started = datetime.datetime.now()
    slow = f"{cell.impl}={cell.factor:g}" if cell.impl else ""
    bench = [*args.bench_args, "--families", cell.family]
    _, v = ab.gate(runner, "A", "B", args.runs, bench, where, args.confirm_runs, False, slow,
                   threshold=args.threshold, alpha=args.alpha, suite_threshold=args.threshold)
    seconds = (datetime.datetime.now() - started).total_seconds()
    row = {"cell": cell.name, "impl": cell.impl, "family": cell.family, "factor": cell.factor,
           "trial": k, "exit": v.exit_code, "named": int(named(v, cell.impl)),
           "detectable": round(v.detectable, 4), "seconds": round(seconds, 1)}
    print(f"{PROG}: {cell.name} trial {k}: exit {v.exit_code}, named {row['named']}, "
          f"{seconds:.0f} s", file=sys.stderr, flush=True)
    return row


def replay_trial(where, cell_impl, threshold, alpha, probe_ratio=None, paired=None):
    """The verdict of one kept trial, judged again as the gate judges now
    (probe_ratio, paired: regress.verdict_for_runs's, to compare designs)."""
    first = _judge(where / "A", where / "B", threshold, alpha, probe_ratio, paired)
    confirm = where / "confirm"
    if not (confirm / "A").is_dir():
        return first
    flagged = judge.flagged_for_confirm(first)
    if not flagged:
        return first
    return judge.confirm(first, _judge(confirm / "A", confirm / "B", threshold, alpha, probe_ratio,
                                       paired), flagged)


def _judge(a, b, threshold, alpha, probe_ratio=None, paired=None):
    return regress.verdict_for_runs(results.load_run(a), results.load_run(b), threshold, alpha,
                                    suite_threshold=threshold, probe_ratio=probe_ratio,
                                    paired=paired)


def table(rows):
    """Markdown: per cell, caught-and-named (slowdowns) or false alarms (A/A)."""
    by_cell = {}
    for r in rows:
        by_cell.setdefault(r["cell"], []).append(r)
    lines = ["| impl (family) | factor | trials | caught and named | gate failed | "
             "detectable (median) | s/trial |", "|---|---|---|---|---|---|---|"]
    for name, group in by_cell.items():
        first = group[0]
        n = len(group)
        failed = sum(int(r["exit"]) == 1 for r in group)
        caught = sum(int(r["named"]) for r in group)
        detect = sorted(float(r["detectable"]) for r in group)[n // 2]
        secs = sorted(float(r["seconds"]) for r in group)[n // 2]
        what = f"{first['impl']} ({first['family']})" if first["impl"] else f"A/A ({first['family']})"
        lines.append(f"| {what} | {float(first['factor']):g} | {n} | "
                     f"{caught if first['impl'] else '-'} | {failed} | {detect:.0%} | {secs:.0f} |")
    return "\n".join(lines)


def write_rows(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        w.writerows(rows)


def read_rows(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        raise UsageError(f"{path}: cannot read ({e.strerror or e})")


def measure(args):
    out = Path(args.out) if args.out else repo.ROOT / "build" / "power" / \
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    runner = ThisBuild(repo.ROOT, out)
    runner.take_snapshot()
    rows = []
    # Round k: every slowed cell's trial k, then A/A trials in turn over the
    # families: a slow stretch of the machine hits every cell, and stopping
    # the tool at any time leaves the cells balanced.
    families = sorted({family for _, family in args.impls})
    plan, aa_done = [], 0
    per_round = -(-args.aa_trials // max(args.trials, 1)) if args.aa_trials else 0
    for k in range(max(args.trials, 1 if args.aa_trials else 0)):
        plan += [(c, k) for c in cells(args.impls, args.factors)] if k < args.trials else []
        for _ in range(per_round):
            if aa_done < args.aa_trials:
                plan.append((Cell("", families[aa_done % len(families)], 1.0), aa_done))
                aa_done += 1
    while aa_done < args.aa_trials:
        plan.append((Cell("", families[aa_done % len(families)], 1.0), aa_done))
        aa_done += 1
    for cell, k in plan:
        rows.append(trial(runner, cell, k, out, args))
        write_rows(out / "trials.csv", rows)
    return out, rows


def replay(args):
    out = Path(args.replay)
    rows = read_rows(out / "trials.csv")
    for r in rows:
        v = replay_trial(out / r["cell"] / f"{int(r['trial']):02d}", r["impl"], args.threshold,
                         args.alpha, args.probe_ratio, False if args.unpaired else None)
        r.update(exit=v.exit_code, named=int(named(v, r["impl"])), detectable=round(v.detectable, 4))
    return out, rows


# ---- command line -----------------------------------------------------------

def impl_families(text):
    pairs = []
    for part in (p for p in text.split(",") if p):
        impl, sep, family = part.partition(":")
        if not sep or not impl or not family:
            raise UsageError(f"--impls {text}: expected IMPL:FAMILY[,IMPL:FAMILY...]")
        pairs.append((impl, family))
    return pairs


def factors(text):
    try:
        values = [float(x) for x in text.split(",") if x]
    except ValueError:
        values = []
    if not values or not all(0 < v < 1 for v in values):
        raise UsageError(f"--factors {text}: expected factors in (0, 1), e.g. 0.9,0.8,0.7")
    return values


def parse(argv):
    argv, bench_args = ab.split_bench_args(argv)
    p = Parser(prog=PROG, description="The A/B gate's power on this machine: scripts/ab of this "
               "build against itself with one impl slowed by known factors (test-only "
               "CONTEND_SLOWDOWN), and its A/A false alarms. Runs for an hour or more.")
    p.add_argument("--impls", default=DEFAULT_IMPLS, metavar="IMPL:FAMILY,...",
                   help=f"impls to slow, each with the family its trials measure (default {DEFAULT_IMPLS})")
    p.add_argument("--factors", default=DEFAULT_FACTORS, metavar="F,...",
                   help=f"throughput factors (default {DEFAULT_FACTORS})")
    p.add_argument("--trials", type=non_negative_int, default=10, help="trials per impl and factor")
    p.add_argument("--aa-trials", type=non_negative_int, default=20, help="A/A trials (no slowdown)")
    p.add_argument("--runs", type=positive_int, default=ab.DEFAULT_RUNS, help="scripts/ab --runs")
    p.add_argument("--confirm-runs", type=non_negative_int, default=ab.DEFAULT_CONFIRM_RUNS,
                   help="scripts/ab --confirm-runs")
    p.add_argument("--out", metavar="DIR", help="where trials go (default build/power/<time>)")
    p.add_argument("--replay", metavar="DIR", help="judge a finished --out again; measure nothing")
    p.add_argument("--markdown", metavar="FILE", help="also write the table here")
    p.add_argument("--probe-ratio", type=float, metavar="R",
                   help="with --replay: leave out pairs whose halves' state probes differ "
                        "more than R-fold (gate/paired.py), to compare with the default")
    p.add_argument("--unpaired", action="store_true",
                   help="with --replay: judge the same runs unpaired (moderated t on the "
                        "processes), the design before issue 21")
    p.add_argument("--threshold", type=float, default=judge.DEFAULT_THRESHOLD, help=argparse.SUPPRESS)
    p.add_argument("--alpha", type=float, default=judge.DEFAULT_ALPHA, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.impls, args.factors = impl_families(args.impls), factors(args.factors)
    args.bench_args = ["--rounds", str(ab.ROUNDS_PER_RUN), "--no-report", *bench_args]
    return args


def main(argv):
    args = parse(argv)
    out, rows = replay(args) if args.replay else measure(args)
    text = table(rows)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    print(f"{PROG}: trials in {out}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(run_main(PROG, main))
