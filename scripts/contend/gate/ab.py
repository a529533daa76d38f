"""scripts/ab: two revisions, one machine, paired processes, regress's verdict.

    scripts/ab REV_A REV_B [--runs 12] [--confirm-runs 6] [--keep-worktrees] [--out DIR]
               [--repo DIR] [--threshold 0.05] [--markdown FILE] [...] -- [bench_all flags]

Two runs made one after the other differ by more than the code: the machine
warms up, a neighbour's CI job starts, the governor changes its mind. On the
shared 2-core VM it switches between machine states for seconds to tens of
seconds, and an instance reads 2-5x apart between them (issue 21). Samples
of whole runs are then a mixture of modes, and no test on them has power.

The paired design (issue 21): B's bench_all runs A's process and B's
process of every instance back to back (bench_all --pair-bench-dir,
run/paired_run.py: A B on even slots, B A on odd ones), --runs rounds of
them in one run. Both halves of a pair almost always share the machine's
state, which cancels in their ratio; judge.py tests the pairs' log ratios
with Wilcoxon signed-rank tests (paired.py), per instance, per impl (all its
pairs) and for the suite. Where B's bench_all cannot pair (a revision from
before this design), whole one-round runs alternate instead (A B, B A, ...),
--runs a side, and run i of A pairs with run i of B.

Confirm stage: instances the first verdict flags are measured again, and
only they, in --confirm-runs more pairs (bench_all --only FILE); the gate
fails only if the pooled evidence still says regression, as Chromium's
Pinpoint and Mozilla's retriggers do before blaming a commit.

Each revision is checked out as a git worktree under build/ab/worktrees/ and
built with its own presets; B's bench_all drives both builds' binaries (a
change to the C++ harness is measured as part of the change; a change to
bench_all's Python is B's on both sides). The worktrees are removed
afterwards unless --keep-worktrees. The test-only --slow-candidate IMPL=F
(hidden; scripts/power) runs B under CONTEND_SLOWDOWN.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


from ..core import repo, schema, slowdown
from ..core.args import Parser, non_negative_int, positive_int
from ..core.cli import UsageError, run_main
from ..history import store
from . import evidence, judge, pooled_run, regress, verdict_text

PROG = "ab"
SIDES = ("A", "B")
DEFAULT_RUNS = 12
DEFAULT_CONFIRM_RUNS = 6
# bench_all rounds per alternated run, unless the flags after "--" say otherwise.
ROUNDS_PER_RUN = 1


def alternation(runs):
    """[(side, round)]: A B, B A, A B, ... (the first side swaps every round)."""
    order = []
    for r in range(runs):
        pair = SIDES if r % 2 == 0 else SIDES[::-1]
        order += [(side, r) for side in pair]
    return order


def _log(message):
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


class GitWorktreeRunner:
    """Checks out, builds and benchmarks revisions of the repository `repo`."""

    def __init__(self, repo, workdir, log=_log):
        self.repo, self.workdir, self.log = Path(repo), Path(workdir), log

    def git(self, *args, check=True):
        return subprocess.run(["git", "-C", str(self.repo), *args], check=check,
                              capture_output=True, text=True)

    def resolve(self, rev):
        done = self.git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        if done.returncode != 0:
            raise UsageError(f"{rev}: not a git revision of {self.repo}")
        return done.stdout.strip()

    def prepare(self, side, sha):
        path = self.workdir / "worktrees" / f"{side}-{sha[:12]}"
        self.git("worktree", "prune", check=False)
        if path.exists():
            self.cleanup(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        done = self.git("worktree", "add", "--detach", str(path), sha, check=False)
        if done.returncode != 0:
            raise UsageError(f"git worktree add {path} failed: {_first_line(done.stderr)}")
        return path

    def build(self, worktree):
        """cmake --preset release and a build, when the revision has presets;
        otherwise its bench_all configures and builds on its own."""
        presets = _read_presets(worktree)
        configure = {p.get("name") for p in presets.get("configurePresets", [])}
        if "release" not in configure:
            self.log(f"{worktree.name}: no 'release' configure preset; bench_all will build")
            return
        # The log lives outside the worktree: a stray file there would mark
        # the revision's git sha "-dirty" in its results.
        log = self.workdir / "logs" / f"{worktree.name}-build.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        launcher, env = compiler_cache(self.workdir)
        with open(log, "w") as out:
            steps = [["cmake", "--preset", "release", *launcher]]
            builds = {p.get("name") for p in presets.get("buildPresets", [])}
            # The benchmarks alone where the revision can say so: its tests are not run here.
            build = "benchmarks" if "benchmarks" in builds else "release"
            if build in builds:
                steps.append(["cmake", "--build", "--preset", build, "-j", str(os.cpu_count() or 2)])
            for step in steps:
                self.log(f"{worktree.name}: {' '.join(step)}")
                if subprocess.run(step, cwd=worktree, stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, **env}).returncode:
                    raise UsageError(f"building {worktree.name} failed: see {log}")

    def bench(self, worktree, bench_args, extra_env=None):
        """Runs that revision's bench_all; returns the run folder it wrote
        (found as the results.csv that was not there before). extra_env:
        variables for that run alone (the power tool's CONTEND_SLOWDOWN)."""
        roots = [Path(worktree) / "results"] + [Path(worktree) / o for o in _out_flags(bench_args)]
        before = _result_csvs(roots)
        command = [*self.bench_command(worktree), *bench_args]
        self.log(f"{Path(worktree).name}: {' '.join(bench_args) or '(no flags)'}")
        # bench_all's progress goes to our stderr: stdout is the verdict's.
        # CONTEND_GIT_SHA would label both sides with one sha: each worktree
        # is a real checkout and names its own commit.
        env = {k: v for k, v in os.environ.items() if k != "CONTEND_GIT_SHA"}
        env.update(extra_env or {})
        code = subprocess.run(command, cwd=worktree, stdout=sys.stderr, env=env).returncode
        new = sorted(_result_csvs(roots) - before, key=lambda p: p.stat().st_mtime)
        if not new:
            raise UsageError(f"bench_all of {worktree.name} wrote no results.csv (exit {code})")
        if code:
            self.log(f"{worktree.name}: bench_all exited {code}; using what it recorded")
        return new[-1].parent

    def bench_pair(self, tree_a, tree_b, bench_args, extra_env=None):
        """B's bench_all runs every process of A's build (tree_a's bench
        binaries) back to back with its own (bench_all --pair-bench-dir,
        run/paired_run.py); returns (A's run folder, B's run folder)."""
        results_a = self.pair_root(tree_a)
        before = _result_csvs([results_a])
        pair = ["--pair-bench-dir", str(self.pair_bench_dir(tree_a)),
                "--pair-repo", str(self.pair_repo(tree_a)), "--pair-out", str(results_a)]
        produced_b = self.bench(tree_b, [*bench_args, *pair], extra_env)
        new = sorted(_result_csvs([results_a]) - before, key=lambda p: p.stat().st_mtime)
        if not new:
            raise UsageError(f"bench_all of {Path(tree_b).name} wrote no results.csv for {Path(tree_a).name}")
        return new[-1].parent, produced_b

    def bench_command(self, worktree):
        """That revision's bench_all (the flags follow)."""
        return [str(Path(worktree) / "scripts" / "bench_all")]

    def pair_bench_dir(self, tree_a):
        """A's bench binaries, as A's build made them."""
        return Path(tree_a) / "build" / "release" / "bench"

    def pair_repo(self, tree_a):
        """A's checkout, whose git sha A's runs record."""
        return Path(tree_a)

    def pair_root(self, tree_a):
        """Where B's paired bench_all writes A's runs: apart from B's own
        (results/<machine>/<run>), inside the worktree, removed with it."""
        return Path(tree_a) / "results" / "paired-A"

    def supports_pairs(self, worktree):
        """Whether that revision's bench_all can pair processes (--pair-bench-dir)."""
        return '"--pair-bench-dir"' in _bench_all_source(worktree)

    def supports_only(self, worktree):
        """Whether that revision's bench_all has --only (older ones do not).
        Its code is scripts/contend/run/bench_all.py, or scripts/contend/
        bench_all.py in revisions from before the package had layers."""
        return '"--only"' in _bench_all_source(worktree)

    def cleanup(self, worktree):
        self.git("worktree", "remove", "--force", str(worktree), check=False)
        if Path(worktree).exists():
            shutil.rmtree(worktree, ignore_errors=True)
        self.git("worktree", "prune", check=False)


def compiler_cache(workdir):
    """The two builds share a compiler cache when ccache is installed: the
    (cmake configure flags, build environment) that make B's build reuse A's
    object file for every source the change does not touch. Both worktrees
    sit under one base directory, so their sources' absolute paths cache as
    the same relative ones. The cache stays under the ab folder for the next
    gate. ([], {}) without ccache: each build compiles everything."""
    if shutil.which("ccache") is None:
        return [], {}
    workdir = Path(workdir).absolute()
    return (["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache", "-DCMAKE_C_COMPILER_LAUNCHER=ccache"],
            {"CCACHE_DIR": str(workdir / "ccache"), "CCACHE_BASEDIR": str(workdir / "worktrees"),
             "CCACHE_NOHASHDIR": "1"})


def _bench_all_source(worktree):
    """The text of that revision's bench_all module ('' if none)."""
    package = Path(worktree) / "scripts" / "contend"
    for path in (package / "run" / "bench_all.py", package / "bench_all.py"):
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            continue
    return ""


def _first_line(text):
    return (text.strip().splitlines() or [""])[0]


def _read_presets(worktree):
    path = Path(worktree) / "CMakePresets.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}


def _out_flags(bench_args):
    """Values of bench_all's --out (results root) among the pass-through flags."""
    outs = []
    for i, arg in enumerate(bench_args):
        if arg == "--out" and i + 1 < len(bench_args):
            outs.append(bench_args[i + 1])
        elif arg.startswith("--out="):
            outs.append(arg.split("=", 1)[1])
    return outs


def _result_csvs(roots):
    found = set()
    for root in roots:
        if root.is_dir():
            found |= set(root.glob("*/*/results.csv"))
    return found


class Session:
    """Both revisions checked out and built; runs them alternately as often
    as asked (the runs, then the confirm stage); removes the worktrees on
    exit unless keep_worktrees."""

    def __init__(self, runner, rev_a, rev_b, out_dir, keep_worktrees=False, slow_candidate=""):
        self.runner, self.out_dir, self.keep = runner, Path(out_dir), keep_worktrees
        # Test-only (core/slowdown.py): B's runs alone get CONTEND_SLOWDOWN.
        self.env_of = {"A": {}, "B": {slowdown.VARIABLE: slow_candidate} if slow_candidate else {}}
        self.revs = {"A": rev_a, "B": rev_b}
        self.sha, self.trees = {}, {}
        self.runs_of = {side: [] for side in SIDES}

    def __enter__(self):
        self.sha = {side: self.runner.resolve(self.revs[side]) for side in SIDES}
        try:
            for side in SIDES:
                self.trees[side] = self.runner.prepare(side, self.sha[side])
            for side in SIDES:
                self.runner.build(self.trees[side])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if not self.keep:
            for tree in self.trees.values():
                self.runner.cleanup(tree)
        return False

    def measure(self, runs, args_of, stage="runs"):
        """`runs` alternated runs; args_of: side -> bench_all flags. Returns
        (A, B): each side's every run so far pooled (out_dir/A, out_dir/B for
        the first stage, out_dir/<stage>/A, /B after later ones). Where B's
        bench_all can pair processes, each run is one paired bench_all call
        (both builds' processes of an instance back to back); else whole
        runs alternate, A B, B A, ..."""
        supports = getattr(self.runner, "supports_pairs", lambda tree: False)
        if supports(self.trees["B"]):
            # One paired bench_all run of `runs` rounds: each round is one pair
            # of processes per instance (a later --rounds wins over the flags').
            env = self.env_of["B"]
            produced = self.runner.bench_pair(self.trees["A"], self.trees["B"],
                                              [*args_of["B"], "--rounds", str(runs)],
                                              **({"extra_env": env} if env else {}))
            for side, run_dir in zip(SIDES, produced):
                self._keep(side, len(self.runs_of[side]), run_dir, stage)
        else:
            for side, r in alternation(runs):
                env = self.env_of[side]
                produced = self.runner.bench(self.trees[side], args_of[side],
                                             **({"extra_env": env} if env else {}))
                self._keep(side, r, produced, stage)
        where = self.out_dir if stage == "runs" else self.out_dir / stage
        return tuple(pooled_run.pool(self.runs_of[side], where / side, f"ab-{side}-{self.sha[side][:12]}")
                     for side in SIDES)

    def _keep(self, side, r, produced, stage):
        kept = self.out_dir / stage / f"{side}-{r}"
        if kept.exists():
            shutil.rmtree(kept)
        shutil.copytree(Path(produced), kept)
        self.runs_of[side].append(kept)

    def only_args(self, side, names_file, keys):
        """bench_all flags that measure exactly `keys`: --only where that
        revision has it, else the narrowest --families/--impls/... cover
        (the verdict then looks at the flagged instances only anyway)."""
        supports = getattr(self.runner, "supports_only", lambda tree: True)
        if supports(self.trees[side]):
            return ["--only", str(names_file)]
        cover = {flag: sorted({str(k[schema.INSTANCE.index(col)]) for k in keys})
                 for flag, col in (("--families", "family"), ("--impls", "impl"),
                                   ("--modes", "mode"), ("--placements", "placement"),
                                   ("--threads", "threads"))}
        return [x for flag, values in cover.items() for x in (flag, ",".join(values))]


def run_ab(runner, rev_a, rev_b, runs, bench_args, out_dir, keep_worktrees=False):
    """Builds both revisions, alternates their runs, pools each side.

    Returns (baseline run, candidate run). Every run's folder is kept under
    out_dir/runs/<side>-<n>/; the pooled ones are out_dir/A and out_dir/B.
    """
    with Session(runner, rev_a, rev_b, out_dir, keep_worktrees) as session:
        return session.measure(runs, {side: bench_args for side in SIDES})


def gate(runner, rev_a, rev_b, runs, bench_args, out_dir, confirm_runs=0,
         keep_worktrees=False, slow_candidate="", **judging):
    """The whole A/B gate: runs, verdict, then the confirm stage for what
    it flagged. Returns (candidate run, verdict). `judging`: threshold,
    alpha, suite_threshold, allow_missing (regress.verdict_for_runs)."""
    with Session(runner, rev_a, rev_b, out_dir, keep_worktrees, slow_candidate) as session:
        baseline, candidate = session.measure(runs, {side: bench_args for side in SIDES})
        v = _verdict(baseline, candidate, judging)
        flagged = judge.flagged_for_confirm(v)
        if not flagged or not confirm_runs:
            return candidate, v
        names = write_names(out_dir / "confirm" / "only.txt", flagged, candidate)
        _log(f"confirm stage: {len(flagged)} flagged instance(s), {confirm_runs} more "
             "alternated run(s) of only those")
        args_of = {side: bench_args + session.only_args(side, names, flagged) for side in SIDES}
        baseline, candidate = session.measure(confirm_runs, args_of, "confirm")
        return candidate, judge.confirm(v, _verdict(baseline, candidate, judging), flagged)


def _verdict(baseline, candidate, judging):
    return regress.verdict_for_runs(baseline, candidate,
                                    judging.get("threshold", judge.DEFAULT_THRESHOLD),
                                    judging.get("alpha", judge.DEFAULT_ALPHA), True,
                                    judging.get("suite_threshold"),
                                    judging.get("allow_missing", False))


def write_names(path, keys, run):
    """The instance names bench_all --only reads, one per line."""
    side = evidence.side_from_results(run.df)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(evidence.instance_name(k, side[k]) + "\n" for k in keys))
    return path


def gate_from_args(args):
    """The gate as the command line asks for it; returns (candidate run, verdict).
    The suite threshold defaults to the threshold itself: alternation cancels
    the drift that separate runs need 2 x threshold of room for."""
    root = Path(args.repo).resolve() if args.repo else repo.ROOT
    if not (root / ".git").exists():
        raise UsageError(f"{root}: not a git checkout")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir = Path(args.out) if args.out else root / "build" / "ab" / "runs" / stamp
    runner = GitWorktreeRunner(root, root / "build" / "ab")
    suite = args.threshold if args.suite_threshold is None else args.suite_threshold
    candidate, v = gate(runner, args.revs[0], args.revs[1], args.runs, args.bench_args,
                        out_dir, args.confirm_runs, args.keep_worktrees, args.slow_candidate,
                        threshold=args.threshold, alpha=args.alpha,
                        suite_threshold=suite, allow_missing=args.allow_missing)
    _log(f"pooled runs: {out_dir / 'A'} (A) and {out_dir / 'B'} (B)")
    return candidate, v


# ---- command line -----------------------------------------------------------

def split_bench_args(argv):
    """(own flags, bench_all flags): everything after "--" goes to bench_all untouched."""
    cut = argv.index("--") if "--" in argv else len(argv)
    return argv[:cut], argv[cut + 1:]


def parse(argv):
    argv, bench_args = split_bench_args(argv)
    parser = Parser(prog=PROG, description="A/B throughput gate: builds REV_A and REV_B, "
                    "runs their processes in back-to-back pairs on this machine and judges B against A "
                    "like scripts/regress: exit 0 no regression, 1 regression, 2 bad input.")
    parser.add_argument("revs", nargs="*", metavar="REV",
                        help="REV_A REV_B: git revisions, A = baseline")
    parser.add_argument("--runs", type=positive_int, default=DEFAULT_RUNS,
                        help=f"A/B pairs per instance (default {DEFAULT_RUNS}): rounds of one paired "
                             "bench_all run (where B's bench_all cannot pair: alternated one-round "
                             "runs per side)")
    parser.add_argument("--confirm-runs", type=non_negative_int, default=DEFAULT_CONFIRM_RUNS,
                        help="extra pairs of only the flagged instances before "
                             f"failing (default {DEFAULT_CONFIRM_RUNS}; 0 = no confirm stage)")
    parser.add_argument("--keep-worktrees", action="store_true",
                        help="keep build/ab/worktrees for a faster next run")
    parser.add_argument("--out", metavar="DIR",
                        help="where pooled runs go (default REPO/build/ab/runs/<time>)")
    parser.add_argument("--repo", metavar="DIR",
                        help="the git checkout to build (default: the one holding this script)")
    # Test-only (the power tool, scripts/contend/gate/power.py): B's runs get
    # CONTEND_SLOWDOWN=IMPL=F; hidden, as no real gate wants it.
    parser.add_argument("--slow-candidate", metavar="IMPL=F", default="", help=argparse.SUPPRESS)
    regress.add_judging_arguments(parser, "the threshold itself")
    args = parser.parse_args(argv)
    if len(args.revs) != 2:
        raise UsageError("expected two git revisions: REV_A REV_B")
    if os.environ.get(slowdown.VARIABLE):
        raise UsageError(f"{slowdown.VARIABLE} is set: it would slow the baseline (A) too; "
                         "unset it (it is a test-only knob)")
    slowdown.parse(args.slow_candidate)
    args.bench_args = ["--rounds", str(ROUNDS_PER_RUN), *bench_args]   # a later --rounds wins
    return args


def main(argv):
    args = parse(argv)
    candidate, v = gate_from_args(args)
    verdict_text.emit(v, args)
    if args.record:
        verdict_text.print_recorded(PROG, *store.record(candidate, args.history_dir))
    return v.exit_code


if __name__ == "__main__":
    sys.exit(run_main(PROG, main))
