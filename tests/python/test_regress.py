"""scripts/regress: the gate's error rates, its verdicts, its inputs, A/B mode.

The A/A trial counts here are what docs/results-tools.md quotes; run with
`-s` to see the measured rates printed.
"""
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
sys.path.insert(0, str(HERE / "fixtures" / "runs"))
import synthetic_runs as synth  # noqa: E402
from contend import ab, regress, results  # noqa: E402
from contend.cli import UsageError  # noqa: E402
from tool_helpers import frame, run_tool, stderr_lines  # noqa: E402

AA_TRIALS = 200


def noise_of(trial):
    """Per-trial noise: 2-6% log-normal plus 0-15% chance of a slow outlier
    repetition, the spread seen on shared 2-core machines."""
    rng = random.Random(trial)
    return dict(noise=rng.uniform(0.02, 0.06), outlier_rate=rng.uniform(0.0, 0.15))


def aa_false_alarm_rate(trials, repetitions):
    alarms = 0
    for t in range(trials):
        a = frame(synth.make_rows(seed=2 * t, repetitions=repetitions, **noise_of(t)))
        b = frame(synth.make_rows(seed=2 * t + 1, repetitions=repetitions, **noise_of(t)))
        alarms += regress.judge(a, b).exit_code != 0
    return alarms / trials


def test_aa_false_alarm_rate_with_ab_sized_samples():
    # 9 per side = bench_all --quick (3 repetitions) x --rounds 3: every
    # per-benchmark test is live, so this is the gate's real false-alarm rate.
    rate = aa_false_alarm_rate(AA_TRIALS, repetitions=9)
    print(f"\nA/A false-alarm rate, 9 vs 9 repetitions: {rate:.3f} over {AA_TRIALS} trials")
    assert rate <= 0.02


def test_aa_false_alarm_rate_with_quick_run_pairs():
    # 3 per side: only the suite-wide test can fire; it must stay quiet too.
    rate = aa_false_alarm_rate(AA_TRIALS // 2, repetitions=3)
    print(f"\nA/A false-alarm rate, 3 vs 3 repetitions: {rate:.3f} over {AA_TRIALS // 2} trials")
    assert rate <= 0.02


@pytest.mark.parametrize("repetitions", [3, 9])
def test_a_30_percent_slowdown_is_caught(repetitions):
    caught = 0
    for t in range(20):
        a = frame(synth.make_rows(seed=500 + t, repetitions=repetitions, **noise_of(t)))
        c = frame(synth.make_rows(seed=900 + t, repetitions=repetitions, slowdown=0.7,
                                  **noise_of(t)))
        v = regress.judge(a, c)
        caught += v.exit_code == 1
        assert v.geomean == pytest.approx(0.7, abs=0.05)
    assert caught == 20


def test_with_enough_samples_single_benchmarks_are_named():
    a = frame(synth.make_rows(seed=1, repetitions=9))
    c = frame(synth.make_rows(seed=2, repetitions=9, slowdown={"std_mutex": 0.7}))
    v = regress.judge(a, c)
    assert v.exit_code == 1 and not v.suite_regression
    flagged = v.gating_failures
    assert set(flagged["impl"]) == {"std_mutex"} and not flagged["oversubscribed"].any()
    assert len(flagged) >= 3          # of its 4 instances that have a PU per worker
    assert not v.warnings


def test_a_slowdown_only_where_oversubscribed_never_gates():
    a = frame(synth.make_rows(seed=1, repetitions=9))
    rows = synth.make_rows(seed=2, repetitions=9)
    for row in rows:
        if row["oversubscribed"]:
            row["items_per_second"] *= 0.5
    v = regress.judge(a, frame(rows))
    assert v.exit_code == 0
    over = v.instances.loc[v.instances["oversubscribed"]]
    assert (over["verdict"] == regress.REGRESSION).any() and not over["gating"].any()


def test_errors_new_in_the_candidate_gate_old_ones_do_not():
    clean = synth.make_rows(seed=1, repetitions=5)
    broken = synth.make_rows(seed=2, repetitions=5, error_at=("spin_ttas", 2, "compact", 3))
    v = regress.judge(frame(clean), frame(broken))
    assert v.exit_code == 1
    assert list(v.gating_failures["verdict"]) == [regress.NEW_ERROR]
    assert regress.judge(frame(broken), frame(broken)).exit_code == 0
    fixed = regress.judge(frame(broken), frame(clean)).instances
    assert (fixed["verdict"] == regress.ERROR_FIXED).sum() == 1


def test_markdown_stays_within_a_pull_request_comment(monkeypatch):
    v = regress.judge(frame(synth.make_rows(seed=1, repetitions=9)),
                      frame(synth.make_rows(seed=2, repetitions=9, slowdown=0.7)))
    full = regress.markdown_report(v)
    assert "<details>" in full and "more (`scripts/regress --verbose`" not in full
    monkeypatch.setattr(regress, "MARKDOWN_SECTION_ROWS", 5)
    monkeypatch.setattr(regress, "MARKDOWN_LIMIT", 4000)
    short = regress.markdown_report(v)
    assert "<details>" not in short and "more (`scripts/regress --verbose` lists all)" in short
    assert len(short) < len(full) and short.startswith("### :x: contend regress")


def test_too_few_repetitions_are_said_out_loud():
    v = regress.judge(frame(synth.make_rows(seed=1, repetitions=3)),
                      frame(synth.make_rows(seed=2, repetitions=3)))
    assert len(v.warnings) == 1 and "no single benchmark can be flagged" in v.warnings[0]


# ---- the entry point ----------------------------------------------------------

def make_pair(tmp_path, slowdown=None, repetitions=5, **kwargs):
    a = synth.make_run(tmp_path / "base", run_id="base", seed=1, repetitions=repetitions)
    b = synth.make_run(tmp_path / "cand", run_id="cand", seed=2, repetitions=repetitions,
                       slowdown=slowdown, **kwargs)
    return a, b


def test_cli_exit_codes_and_markdown(tmp_path):
    a, b = make_pair(tmp_path)
    done = run_tool("regress", a, b)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no regression: geometric mean ratio" in done.stdout
    slow = synth.make_run(tmp_path / "slow", run_id="slow", seed=3, repetitions=5, slowdown=0.7)
    md = tmp_path / "report.md"
    done = run_tool("regress", a, slow, "--markdown", md, "--threshold", "0.1", "--alpha", "0.01")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "REGRESSION" in done.stdout and "threshold 10.0%" in done.stdout
    text = md.read_text()
    assert text.startswith("### :x: contend regress") and "<details>" in text
    assert "| family | benchmark |" in text


def test_record_appends_to_the_machine_history(tmp_path):
    a, b = make_pair(tmp_path)
    history = tmp_path / "history"
    done = run_tool("regress", a, b, "--record", "--history-dir", history)
    assert done.returncode == 0, done.stderr
    path = history / "pc2-1f0e2d3c.csv"
    assert f"recorded 36 instances in {path}" in done.stdout
    done = run_tool("regress", "--record", a, "--history-dir", history)
    assert done.returncode == 0, done.stderr
    done = run_tool("regress", "--record", a, "--history-dir", history)   # idempotent
    lines = path.read_text().splitlines()
    assert len(lines) == 1 + 2 * 36 and lines[0].startswith("schema_version,machine_id,git_sha")


def _one_line_exit_2(done):
    assert done.returncode == 2, done.stdout + done.stderr
    lines = stderr_lines(done)
    assert len(lines) == 1 and lines[0].startswith("regress: error:"), lines
    return lines[0]


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    a, b = make_pair(tmp_path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in _one_line_exit_2(run_tool("regress", a, empty))
    malformed = tmp_path / "malformed.csv"
    malformed.write_text('schema_version,run_id\n1,"unterminated\n')
    _one_line_exit_2(run_tool("regress", malformed, b))
    mixed = tmp_path / "mixed.csv"
    lines = (a / "results.csv").read_text().splitlines()
    lines[2] = "1" + lines[2][1:]
    mixed.write_text("\n".join(lines) + "\n")
    assert "mixed schema versions" in _one_line_exit_2(run_tool("regress", mixed, b))
    other_machine = synth.make_run(tmp_path / "16", synth.SIXTEEN_CORE, seed=4, repetitions=2)
    assert "compares one machine" in _one_line_exit_2(run_tool("regress", a, other_machine))
    fifo_only = synth.write_run(tmp_path / "fifo", synth.make_rows(families=("fifo",), seed=5))
    counter_only = synth.write_run(tmp_path / "ctr", synth.make_rows(families=("counter",)))
    assert "in common" in _one_line_exit_2(run_tool("regress", counter_only, fifo_only))
    assert "--threshold" in _one_line_exit_2(run_tool("regress", a, b, "--threshold", "2"))
    _one_line_exit_2(run_tool("regress", a))
    _one_line_exit_2(run_tool("regress", a, b, "--", "--quick"))
    _one_line_exit_2(run_tool("regress", a, b, "--frobnicate"))


# ---- A/A smoke check on this machine --------------------------------------------------

BENCH_DIR = HERE.parents[1] / "build" / "release" / "bench"
SMOKE_SELECTION = ["--quick", "--families", "counter", "--modes", "thread", "--impls",
                   "atomic_relaxed,std_mutex,spin_ttas,sharded_padded", "--no-report"]


@pytest.mark.skipif(not (BENCH_DIR / "bench_counter").exists(),
                    reason="needs the release build (scripts/test builds it first)")
def test_aa_smoke_two_real_quick_runs_are_not_a_regression(tmp_path):
    """The gate checked on itself with real measurements: two quick runs of
    the same build, one after the other, must not be called a regression."""
    runs = []
    for i in range(2):
        done = subprocess.run(
            ["/usr/bin/python3", "-m", "contend.bench_all", *SMOKE_SELECTION,
             "--out", str(tmp_path / "results"), "--bench-dir", str(BENCH_DIR)],
            capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(HERE.parents[1] / "scripts")})
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        found = set(tmp_path.glob("results/*/*/results.csv")) - set(r / "results.csv" for r in runs)
        assert len(found) == 1
        runs.append(found.pop().parent)
    done = run_tool("regress", *runs, "--markdown", tmp_path / "aa.md")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no regression" in done.stdout


# ---- A/B mode -------------------------------------------------------------------------

def test_alternation_swaps_who_goes_first_every_round():
    assert ab.alternation(3) == [("A", 0), ("B", 0), ("B", 1), ("A", 1), ("A", 2), ("B", 2)]


class StubRunner:
    """Stands in for git + cmake + bench_all: records the calls, writes
    synthetic runs (B slower by `factor`)."""

    def __init__(self, tmp_path, factor=1.0, fail_at=None):
        self.tmp, self.factor, self.fail_at, self.calls = tmp_path, factor, fail_at, []

    def resolve(self, rev):
        return f"{rev:0<40}"

    def prepare(self, side, sha):
        self.calls.append(("prepare", side))
        return self.tmp / "trees" / side

    def build(self, tree):
        self.calls.append(("build", tree.name))

    def bench(self, tree, bench_args):
        n = sum(1 for c in self.calls if c[0] == "bench")
        self.calls.append(("bench", tree.name, tuple(bench_args)))
        if n == self.fail_at:
            raise UsageError("bench_all of B wrote no results.csv (exit 2)")
        return synth.make_run(self.tmp / "produced" / str(n), run_id=f"r{n}", seed=n,
                              repetitions=3, slowdown=self.factor if tree.name == "B" else None)

    def cleanup(self, tree):
        self.calls.append(("cleanup", tree.name))


def test_ab_pools_rounds_per_side_and_cleans_up(tmp_path):
    runner = StubRunner(tmp_path, factor=0.7)
    a, b = ab.run_ab(runner, "main", "topic", 3, ["--quick"], tmp_path / "out")
    benches = [c for c in runner.calls if c[0] == "bench"]
    assert [c[1] for c in benches] == ["A", "B", "B", "A", "A", "B"]
    assert all(c[2] == ("--quick",) for c in benches)
    assert runner.calls[-2:] == [("cleanup", "A"), ("cleanup", "B")]
    for run, side in ((a, "A"), (b, "B")):
        assert run.run_dir == tmp_path / "out" / side and run.run_id.startswith(f"ab-{side}-")
        reps = run.df.groupby(results.INSTANCE)["repetition"].agg(["nunique", "max"])
        assert (reps["nunique"] == 9).all() and (reps["max"] == 8).all()
        assert json.loads((run.run_dir / "machine.json").read_text())["ab_rounds"]
    assert len(list((tmp_path / "out" / "rounds").iterdir())) == 6
    v = regress.verdict_for_runs(a, b, 0.05, 0.05)
    assert v.exit_code == 1 and not v.warnings          # 9 vs 9: single benchmarks can gate
    assert (v.instances["verdict"] == regress.REGRESSION).sum() > 10


def test_ab_cleans_up_when_a_round_fails(tmp_path):
    runner = StubRunner(tmp_path, fail_at=3)
    with pytest.raises(UsageError):
        ab.run_ab(runner, "main", "topic", 3, [], tmp_path / "out")
    assert runner.calls[-2:] == [("cleanup", "A"), ("cleanup", "B")]


BENCH_ALL = """#!/usr/bin/env bash
# A stand-in bench_all: writes a synthetic run, slower by the factor in speed.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 - "$@" <<'EOF'
import random, sys, time
sys.path.insert(0, {fixtures!r})
import synthetic_runs as synth
factor = float(open("speed.txt").read())
run_id = "run-%d" % time.time_ns()
synth.make_run("results/pc2-1f0e2d3c/" + run_id, run_id=run_id, seed=random.randrange(10**9),
               repetitions=3, slowdown=factor, families=("counter",))
EOF
"""


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t",
                    *args], check=True, capture_output=True)


def test_ab_end_to_end_on_a_scratch_repository(tmp_path):
    """Real git worktrees and a real CLI call; only bench_all is a stand-in."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    script = repo / "scripts" / "bench_all"
    script.write_text(BENCH_ALL.replace("{fixtures!r}", repr(str(HERE / "fixtures" / "runs"))))
    script.chmod(0o755)
    (repo / ".gitignore").write_text("/build/\n")
    (repo / "speed.txt").write_text("1.0\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "fast")
    (repo / "speed.txt").write_text("0.7\n")
    git(repo, "commit", "-q", "-am", "slow")

    out = tmp_path / "ab"
    done = run_tool("regress", "--ab", "HEAD~1", "HEAD", "--repo", repo, "--rounds", "2",
                    "--out", out, "--markdown", tmp_path / "ab.md", "--", "--quick")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "REGRESSION" in done.stdout and "pooled runs" in done.stderr
    assert sorted(p.name for p in (out / "rounds").iterdir()) == ["A-0", "A-1", "B-0", "B-1"]
    assert not (repo / "build" / "ab" / "worktrees").exists() or not any(
        (repo / "build" / "ab" / "worktrees").iterdir())
    listed = subprocess.run(["git", "-C", str(repo), "worktree", "list"], capture_output=True,
                            text=True).stdout.strip().splitlines()
    assert len(listed) == 1                                   # only the main checkout left

    done = run_tool("regress", "--ab", "HEAD", "HEAD", "--repo", repo, "--rounds", "2",
                    "--out", tmp_path / "aa")
    assert done.returncode == 0, done.stdout + done.stderr

    assert "not a git revision" in _one_line_exit_2(
        run_tool("regress", "--ab", "nope", "HEAD", "--repo", repo))
