"""scripts/regress and scripts/ab: the gate's error rates, its verdicts, its inputs,
A/B runs.

The false-alarm and power numbers the README quotes are measured here on
synthetic runs with realistic per-process noise; run with `-s` to see them.
"""
import json
import math
import random
import shlex
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from contend.core import results, schema
from contend.core.cli import UsageError
from contend.gate import aa, ab, evidence, judge, regress, verdict, verdict_text
from contend.history import store
from support import synthetic_runs as synth
from support.paths import SCRIPTS, TESTS
from support.tools import frame, run_tool, stderr_lines

AA_TRIALS = 200
POWER_TRIALS = 20
IMPLS = list(synth.COUNTER_IMPLS) + list(synth.FIFO_IMPLS)
QUICK = dict(rounds=3, repetitions=2)        # bench_all --quick


def condition(trial):
    """Per-trial noise as the 2-core VM shows it: 8-12% between processes,
    2-4% inside one, 0-15% of repetitions a 10-40% slow outlier, and the
    candidate's whole run drifting by -5%..+2% (separate runs)."""
    rng = random.Random(10_000 + trial)
    noise = dict(round_noise=rng.uniform(0.08, 0.12), noise=rng.uniform(0.02, 0.04),
                 outlier_rate=rng.uniform(0.0, 0.15))
    return noise, rng.uniform(0.95, 1.02)


def typed(rows):
    """make_rows' dicts are typed already: skip CSV validation in the trials."""
    return pd.DataFrame(rows)


def trial_pair(trial, slow=None):
    """(baseline, candidate) frames; slow: {impl or (impl, threads): factor}."""
    noise, drift = condition(trial)
    factors = {impl: drift for impl in IMPLS}
    for key, factor in (slow or {}).items():
        factors[key] = drift * factor
    a = typed(synth.make_rows(seed=2 * trial, **QUICK, **noise))
    b = typed(synth.make_rows(seed=2 * trial + 1, slowdown=factors, **QUICK, **noise))
    return a, b


def named(v, impl):
    return impl in set(v.impl_failures["impl"]) | set(v.gating_failures["impl"])


def test_aa_false_alarms_stay_at_or_below_one_percent():
    alarms = sum(judge.judge(*trial_pair(t)).exit_code != 0 for t in range(AA_TRIALS))
    print(f"\nA/A false alarms: {alarms} of {AA_TRIALS} ({alarms / AA_TRIALS:.1%})")
    assert alarms <= AA_TRIALS // 100


def test_one_impl_slowed_by_25_percent_is_caught_and_named():
    # Counter impls: 4 gating instances each on 2 cores (1 and 2 workers x 2
    # placements); the fifo impls' 2 are measured in the notes, not here.
    counter = list(synth.COUNTER_IMPLS)
    caught = 0
    for t in range(POWER_TRIALS):
        impl = counter[t % len(counter)]
        v = judge.judge(*trial_pair(5000 + t, {impl: 0.75}))
        caught += v.exit_code == 1 and named(v, impl)
        blamed = set(v.impl_failures["impl"]) | set(v.gating_failures["impl"])
        assert blamed <= {impl}, blamed
    print(f"\n25% impl slowdown caught and named: {caught} of {POWER_TRIALS}")
    assert caught >= 0.95 * POWER_TRIALS


def test_one_instance_slowed_by_50_percent_is_caught():
    caught = 0
    for t in range(POWER_TRIALS):
        impl = IMPLS[t % len(IMPLS)]
        v = judge.judge(*trial_pair(7000 + t, {(impl, 2): 0.5}))
        flagged = v.gating_failures
        caught += v.exit_code == 1 and ((flagged["impl"] == impl) & (flagged["threads"] == 2)).any()
    print(f"\n50% single-instance slowdown caught: {caught} of {POWER_TRIALS}")
    assert caught >= 0.95 * POWER_TRIALS


def test_a_machine_drift_is_not_blamed_on_the_impls():
    # Every instance 6% slower (two separate runs): judged only absolutely,
    # every impl would be "slower"; relative to the suite's shift none is.
    # At this drift only the relative test protects, so a rare lone false
    # finding remains (measured ~2%; see the notes).
    blamed_trials = 0
    for t in range(20):
        noise, _ = condition(t)
        a = typed(synth.make_rows(seed=2 * t, **QUICK, **noise))
        b = typed(synth.make_rows(seed=2 * t + 1, slowdown=0.94, **QUICK, **noise))
        v = judge.judge(a, b)
        blamed = set(v.impl_failures["impl"]) | set(v.gating_failures["impl"])
        assert len(blamed) <= 1
        blamed_trials += bool(blamed)
        assert v.shift == pytest.approx(0.94, abs=0.05)
    assert blamed_trials <= 1


def test_a_real_suite_wide_slowdown_is_caught_by_the_suite_test():
    a, b = trial_pair(3, {impl: 0.8 for impl in IMPLS})
    v = judge.judge(a, b)
    assert v.suite_regression and v.exit_code == 1
    assert not len(v.impl_failures)        # the suite, not every impl, is named
    # A/B runs (scripts/ab): alternation cancels drift, so the suite threshold is 1 x.
    a, b = (typed(synth.make_rows(seed=s, slowdown=f, **QUICK, round_noise=0.03))
            for s, f in ((1, None), (2, 0.93)))
    assert not judge.judge(a, b).suite_regression
    assert judge.judge(a, b, suite_threshold=0.05).suite_regression


def test_a_slowdown_only_where_oversubscribed_never_gates():
    a = typed(synth.make_rows(seed=1, **QUICK, round_noise=0.03))
    rows = synth.make_rows(seed=2, **QUICK, round_noise=0.03)
    for row in rows:
        if row["oversubscribed"]:
            row["items_per_second"] *= 0.5
    v = judge.judge(a, typed(rows))
    assert v.exit_code == 0
    over = v.instances.loc[v.instances["oversubscribed"]]
    assert (over["verdict"] == verdict.REGRESSION).any() and not over["gating"].any()


def error_rows(rows, impl, threads, message, crash=False, placement="compact"):
    """Turns the instance's round-0 rows into one error row (a crash: no
    round, no repetition) or marks its repetitions failed."""
    out = []
    for row in rows:
        if (row["impl"], row["threads"], row["placement"], row["round"]) == (impl, threads,
                                                                          placement, 0):
            if crash and row["repetition"] > 0:
                continue
            row = dict(row, items_per_second="", error=message)
            if crash:
                row.update(round="", repetition="")
        out.append(row)
    return out


def test_new_errors_gate_at_every_point_but_a_spinning_timeout_when_oversubscribed():
    base = frame(synth.make_rows(seed=1, **QUICK))
    over = judge.judge(base, frame(error_rows(synth.make_rows(seed=2, **QUICK), "std_mutex", 3,
                                                "count check failed"))).gating_failures
    assert list(over["verdict"]) == [verdict.NEW_ERROR] and over["oversubscribed"].all()
    spin = judge.judge(base, frame(error_rows(synth.make_rows(seed=2, **QUICK), "spin_ttas", 3,
                                                "timeout after 60 s", crash=True)))
    assert spin.exit_code == 0
    assert (spin.instances["verdict"] == verdict.EXPECTED_TIMEOUT).sum() == 1
    inside = frame(error_rows(synth.make_rows(seed=2, **QUICK), "spin_ttas", 2,
                              "timeout after 60 s", crash=True))
    assert judge.judge(base, inside).exit_code == 1          # not oversubscribed: gating
    assert judge.judge(inside, inside).exit_code == 0        # error in both
    fixed = judge.judge(inside, base).instances
    assert (fixed["verdict"] == verdict.ERROR_FIXED).sum() == 1


@pytest.mark.parametrize("bad", [0.0, -5.0, math.inf])
def test_an_unusable_candidate_throughput_fails(bad):
    rows = synth.make_rows(seed=2, **QUICK)
    rows[0]["items_per_second"] = bad
    v = judge.judge(typed(synth.make_rows(seed=1, **QUICK)), typed(rows))
    assert v.exit_code == 1 and list(v.gating_failures["verdict"]) == [verdict.INVALID]


def test_missing_instances_fail_unless_allowed():
    base = typed(synth.make_rows(seed=1, **QUICK))
    rows = [r for r in synth.make_rows(seed=2, **QUICK) if r["impl"] == "std_mutex"]
    v = judge.judge(base, typed(rows))
    assert v.exit_code == 1 and set(v.gating_failures["verdict"]) == {verdict.MISSING}
    assert len(v.gating_failures) == 30
    assert judge.judge(base, typed(rows), allow_missing=True).exit_code == 0


def test_every_gating_instance_states_what_it_could_detect():
    v = judge.judge(*trial_pair(1))
    gating = v.instances.loc[~v.instances["oversubscribed"]]
    assert gating["mde"].between(v.threshold, 1).all()
    assert 0.1 < v.detectable < 0.6
    text = verdict_text.text_report(v)
    assert f"this gate could detect slowdowns of {v.detectable:.0%} (median over instances" in text
    assert "detectable" in text.splitlines()[4] or "detectable" in text


def test_markdown_stays_within_a_pull_request_comment(monkeypatch):
    v = judge.judge(*trial_pair(1, {impl: 0.6 for impl in IMPLS}))
    full = verdict_text.markdown_report(v)
    assert "<details>" in full and "more (`scripts/regress --verbose`" not in full
    assert "this gate could detect slowdowns of" in full
    monkeypatch.setattr(verdict_text, "MARKDOWN_SECTION_ROWS", 5)
    monkeypatch.setattr(verdict_text, "MARKDOWN_LIMIT", 4000)
    short = verdict_text.markdown_report(v)
    assert "<details>" not in short and "more (`scripts/regress --verbose` lists all)" in short
    assert len(short) < len(full) and short.startswith("### :x: contend regress")


# ---- the entry point ----------------------------------------------------------

def make_pair(tmp_path, slowdown=None, **kwargs):
    a = synth.make_run(tmp_path / "base", run_id="base", seed=1, **QUICK, round_noise=0.05)
    b = synth.make_run(tmp_path / "cand", run_id="cand", seed=2, slowdown=slowdown, **QUICK,
                       round_noise=0.05, **kwargs)
    return a, b


@pytest.fixture(scope="module")
def aa_pair(tmp_path_factory):
    """make_pair's two runs of one build, made once for every test that only
    reads them (a test that edits a run makes its own)."""
    return make_pair(tmp_path_factory.mktemp("aa_pair"))


def test_cli_exit_codes_and_markdown(tmp_path, aa_pair):
    a, b = aa_pair
    done = run_tool("regress", a, b)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no regression: geometric mean ratio" in done.stdout
    assert "this gate could detect slowdowns of" in done.stdout
    slow = synth.make_run(tmp_path / "slow", run_id="slow", seed=3, **QUICK, round_noise=0.05,
                          slowdown={"std_mutex": 0.6})
    md = tmp_path / "report.md"
    done = run_tool("regress", a, slow, "--markdown", md, "--threshold", "0.1", "--alpha", "0.01")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL: impl std_mutex slower across its 4 instances" in done.stdout
    assert "REGRESSION" in done.stdout and "threshold 10.0%" in done.stdout
    text = md.read_text()
    assert text.startswith("### :x: contend regress") and "<details>" in text
    assert "| family | benchmark |" in text


def test_record_appends_to_the_machine_history(tmp_path, aa_pair):
    a, b = aa_pair
    history_dir = tmp_path / "history"
    done = run_tool("regress", a, b, "--record", "--history-dir", history_dir)
    assert done.returncode == 0, done.stderr
    path = history_dir / "pc2-1f0e2d3c.csv"
    assert f"recorded 36 instances in {path}" in done.stdout
    done = run_tool("regress", "--record", a, "--history-dir", history_dir)
    assert done.returncode == 0, done.stderr
    done = run_tool("regress", "--record", a, "--history-dir", history_dir)   # idempotent
    lines = path.read_text().splitlines()
    assert len(lines) == 1 + 2 * 36 and lines[0].startswith("schema_version,machine_id,git_sha")
    assert lines[0].endswith(",rounds,between_sd,errors,error")


def record_drifting_history(tmp_path, count, drift_sd=0.03):
    """`count` recorded runs of one machine, each drifting as a whole."""
    rng = random.Random(4)
    directory = tmp_path / "history"
    for i in range(count):
        run = synth.make_run(tmp_path / "runs" / str(i), run_id=f"2025010{i}T000000Z-0000",
                             seed=100 + i, **QUICK, round_noise=0.08,
                             slowdown=math.exp(rng.gauss(0, drift_sd)))
        store.record(results.load_run(run), directory)
    return directory


def test_baseline_from_history(tmp_path):
    directory = record_drifting_history(tmp_path, 6)
    same = synth.make_run(tmp_path / "same", run_id="same", seed=7, **QUICK, round_noise=0.08)
    done = run_tool("regress", "--baseline-history", "5", same, "--history-dir", directory)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "last 5 recorded runs" in done.stdout and "samples b/c" in done.stdout
    slow = synth.make_run(tmp_path / "slow", run_id="slow", seed=8, **QUICK, round_noise=0.08,
                          slowdown={"std_mutex": 0.6})
    done = run_tool("regress", "--baseline-history", "5", slow, "--history-dir", directory)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "impl std_mutex slower" in done.stdout
    # The candidate itself recorded already: it is never its own baseline.
    store.record(results.load_run(slow), directory)
    done = run_tool("regress", "--baseline-history", "5", slow, "--history-dir", directory)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "no such history file" in _one_line_exit_2(run_tool(
        "regress", "--baseline-history", "3", same, "--history-dir", tmp_path / "none"))
    one = record_drifting_history(tmp_path / "one", 1)
    assert "needs at least 2" in _one_line_exit_2(run_tool(
        "regress", "--baseline-history", "3", same, "--history-dir", one))


def test_history_baseline_reads_old_history_files(tmp_path):
    directory = record_drifting_history(tmp_path, 4)
    path = directory / "pc2-1f0e2d3c.csv"
    old = pd.read_csv(path, dtype=str, keep_default_na=False)[store.BASE_COLUMNS]
    old.to_csv(path, index=False)
    same = synth.make_run(tmp_path / "same", run_id="same", seed=7, **QUICK, round_noise=0.08)
    done = run_tool("regress", "--baseline-history", "4", same, "--history-dir", directory)
    assert done.returncode == 0, done.stdout + done.stderr


def test_aa_mode_counts_false_alarms_over_every_pair(tmp_path):
    runs = [synth.make_run(tmp_path / str(i), run_id=f"r{i}", seed=i, **QUICK, round_noise=0.05)
            for i in range(3)]
    done = run_tool("regress", "--aa", *runs)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "A/A (separate runs, every pair): 0 false alarm(s) in 3 (0.0%)"


def test_aa_alternated_judges_windows_as_ab_pools_them(tmp_path):
    # Six runs of one build in time order (run ids start with the time).
    # Windows of 2 a side: runs 1-4, 2-5, 3-6, each A B B A, pooled per side.
    runs = [synth.make_run(tmp_path / str(i), run_id=f"20260101T00000{i}Z-r", seed=i, **QUICK,
                           round_noise=0.05) for i in range(6)]
    done = run_tool("regress", "--aa", "--alternated", "2", *runs)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["runs 1-4", "runs 2-5", "runs 3-6"]
    assert lines[-1] == ("A/A (alternated, 2 run(s) a side, paired, overlapping windows): "
                         "0 false alarm(s) in 3 (0.0%)")
    assert "needs at least 8 runs" in _one_line_exit_2(
        run_tool("regress", "--aa", "--alternated", "4", *runs))
    assert "goes with --aa" in _one_line_exit_2(run_tool("regress", "--alternated", "2", *runs[:2]))


def test_alternation_of_a_window_matches_ab():
    sides = aa.alternation_sides(6)
    assert [(s, i // 2) for i, s in enumerate(sides)] == ab.alternation(3)


def test_bad_candidates_never_pass(tmp_path):
    a, b = make_pair(tmp_path)
    assert "same run" in _one_line_exit_2(run_tool("regress", a, a))
    machine = json.loads((b / "machine.json").read_text())
    (b / "machine.json").write_text(json.dumps(dict(machine, complete=False,
                                                    processes_measured=8, processes_planned=285)))
    line = _one_line_exit_2(run_tool("regress", a, b))
    assert "interrupted after 8 of 285 processes" in line
    (b / "machine.json").write_text(json.dumps(dict(machine, complete=True)))
    assert run_tool("regress", a, b).returncode == 0
    partial = synth.write_run(tmp_path / "partial", [r for r in synth.make_rows(
        run_id="partial", seed=5, **QUICK) if r["impl"] == "std_mutex" and r["threads"] == 1])
    done = run_tool("regress", a, partial)
    assert done.returncode == 1 and "FAIL: 34 instance(s) of the baseline missing" in done.stdout
    assert run_tool("regress", a, partial, "--allow-missing").returncode == 0
    zero = synth.make_rows(run_id="zero", seed=6, **QUICK)
    for row in zero:
        if row["impl"] == "moodycamel":
            row["items_per_second"] = 0.0
    done = run_tool("regress", a, synth.write_run(tmp_path / "zero", zero))
    assert done.returncode == 1 and "FAIL: 4 instance(s) with a 0, negative" in done.stdout
    assert "not a usable baseline" in _one_line_exit_2(run_tool("regress", tmp_path / "zero", a))


def test_crash_rows_without_round_or_repetition_never_break_it(tmp_path, aa_pair):
    rows = error_rows(synth.make_rows(run_id="crash", seed=6, **QUICK), "std_mutex", 2,
                      "killed by signal 11 (SIGSEGV)", crash=True)
    crash = synth.write_run(tmp_path / "crash", rows)
    a, _ = aa_pair
    done = run_tool("regress", a, crash)
    assert done.returncode == 1 and "FAIL: 1 new error(s)" in done.stdout
    assert run_tool("regress", crash, a).returncode == 0
    assert run_tool("regress", "--record", crash, "--history-dir", tmp_path / "h").returncode == 0


def _one_line_exit_2(done, tool="regress"):
    assert done.returncode == 2, done.stdout + done.stderr
    lines = stderr_lines(done)
    assert len(lines) == 1 and lines[0].startswith(f"{tool}: error:"), lines
    return lines[0]


def test_bad_input_is_one_line_and_exit_2(tmp_path, aa_pair):
    a, b = aa_pair
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
    other_machine = synth.make_run(tmp_path / "16", synth.SIXTEEN_CORE, seed=4, **QUICK)
    assert "compares one machine" in _one_line_exit_2(run_tool("regress", a, other_machine))
    fifo_only = synth.write_run(tmp_path / "fifo", synth.make_rows(families=("fifo",), seed=5,
                                                                       run_id="fifo"))
    counter_only = synth.write_run(tmp_path / "ctr", synth.make_rows(families=("counter",)))
    assert "in common" in _one_line_exit_2(run_tool("regress", counter_only, fifo_only))
    assert "--threshold" in _one_line_exit_2(run_tool("regress", a, b, "--threshold", "2"))
    _one_line_exit_2(run_tool("regress", a))
    _one_line_exit_2(run_tool("regress", a, b, "--", "--quick"))
    _one_line_exit_2(run_tool("regress", a, b, "--frobnicate"))
    assert "separate modes" in _one_line_exit_2(run_tool("regress", "--aa", "--baseline-history",
                                                         "3", a, b))


def test_ab_runs_are_scripts_ab_not_regress(tmp_path):
    # A reading tool never drives the benchmark runner: one line points to scripts/ab.
    assert _one_line_exit_2(run_tool("regress", "--ab", "main", "topic", "--", "--quick")) == \
        "regress: error: use scripts/ab REV_A REV_B"
    assert "--confirm-runs" in _one_line_exit_2(
        run_tool("ab", "main", "topic", "--confirm-runs", "-1"), "ab")
    assert "--runs" in _one_line_exit_2(run_tool("ab", "main", "topic", "--runs", "0"), "ab")
    assert "two git revisions" in _one_line_exit_2(run_tool("ab", "main"), "ab")


# ---- A/B runs (scripts/ab) ---------------------------------------------------------------

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
        rows = synth.make_rows(run_id=f"r{n}", seed=n, **QUICK, round_noise=0.05,
                               slowdown=self.factor if tree.name == "B" else None)
        if "--only" in bench_args:
            wanted = {line for line in Path(bench_args[bench_args.index("--only") + 1])
                      .read_text().splitlines() if line}
            side = evidence.side_from_results(frame(rows))
            rows = [r for r in rows if evidence.instance_name(
                tuple(r[c] for c in schema.INSTANCE), side[tuple(r[c] for c in schema.INSTANCE)])
                in wanted]
        return synth.write_run(self.tmp / "produced" / str(n), rows,
                               synth.machine_json(**dict(synth.TWO_CORE, run_id=f"r{n}")))

    def cleanup(self, tree):
        self.calls.append(("cleanup", tree.name))


def test_ab_pools_rounds_per_side_and_cleans_up(tmp_path):
    runner = StubRunner(tmp_path, factor=0.7)
    a, b = ab.run_ab(runner, "main", "topic", 8, ["--quick"], tmp_path / "out")
    benches = [c for c in runner.calls if c[0] == "bench"]
    assert [c[1] for c in benches][:6] == ["A", "B", "B", "A", "A", "B"] and len(benches) == 16
    assert all(c[2] == ("--quick",) for c in benches)
    assert runner.calls[-2:] == [("cleanup", "A"), ("cleanup", "B")]
    for run, side in ((a, "A"), (b, "B")):
        assert run.run_dir == tmp_path / "out" / side and run.run_id.startswith(f"ab-{side}-")
        # 8 runs of 3 rounds: 24 processes, renumbered 0..23, per instance.
        rounds = run.df.groupby(schema.INSTANCE)["round"].agg(["nunique", "max"])
        assert (rounds["nunique"] == 24).all() and (rounds["max"] == 23).all()
        assert json.loads((run.run_dir / "machine.json").read_text())["ab_rounds"]
    assert len(list((tmp_path / "out" / "runs").iterdir())) == 16
    v = regress.verdict_for_runs(a, b, 0.05, 0.05)
    # Everything 30% slower: the suite test names it (relative to the
    # suite no single impl stands out). 8 pairs: the suite's signed-rank
    # test can reach p = 2^-8 (3 pairs could not go below 1/8).
    assert v.baseline_kind == "pairs"
    assert v.exit_code == 1 and not v.warnings and v.suite_regression


class TransientRunner(StubRunner):
    """B's std_mutex 40% slower in its first 3 runs; in the confirm runs
    either still slower (`stays`) or as much faster, so that the pooled
    evidence says no change: the confirm stage must follow the evidence."""

    def __init__(self, tmp_path, stays):
        super().__init__(tmp_path)
        self.stays, self.b_runs = stays, 0

    def bench(self, tree, bench_args):
        if tree.name == "B":
            later = 0.6 if self.stays else 1 / 0.6
            self.factor = {"std_mutex": 0.6 if self.b_runs < 3 else later}
            self.b_runs += 1
        return super().bench(tree, bench_args)


@pytest.mark.parametrize("stays,expected", [(False, 0), (True, 1)])
def test_ab_confirm_stage_reruns_only_the_flagged_instances(tmp_path, stays, expected):
    runner = TransientRunner(tmp_path, stays)
    candidate, v = ab.gate(runner, "main", "topic", 3, ["--quick"], tmp_path / "out",
                           confirm_runs=3)
    confirm_calls = [c for c in runner.calls if c[0] == "bench" and "--only" in c[2]]
    assert len(confirm_calls) == 6
    names = (tmp_path / "out" / "confirm" / "only.txt").read_text().splitlines()
    assert names and all("/std_mutex/" in n for n in names)
    assert v.exit_code == expected, verdict_text.text_report(v)
    assert any("confirm stage" in n for n in v.notes)
    if expected:
        assert set(v.impl_failures["impl"]) | set(v.gating_failures["impl"]) == {"std_mutex"}
    else:
        assert (v.instances["verdict"] == verdict.NOT_CONFIRMED).any()


def test_ab_cleans_up_when_a_round_fails(tmp_path):
    runner = StubRunner(tmp_path, fail_at=3)
    with pytest.raises(UsageError):
        ab.run_ab(runner, "main", "topic", 3, [], tmp_path / "out")
    assert runner.calls[-2:] == [("cleanup", "A"), ("cleanup", "B")]


BENCH_ALL = """#!/usr/bin/env bash
# A stand-in bench_all: writes a synthetic run, slower by the factor in speed.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH={pythonpath}
exec /usr/bin/python3 - "$@" <<'EOF'
import random, time
from support import synthetic_runs as synth
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
    script.write_text(BENCH_ALL.replace("{pythonpath}", shlex.quote(f"{TESTS}:{SCRIPTS}")))
    script.chmod(0o755)
    (repo / ".gitignore").write_text("/build/\n")
    (repo / "speed.txt").write_text("1.0\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "fast")
    (repo / "speed.txt").write_text("0.7\n")
    git(repo, "commit", "-q", "-am", "slow")

    out = tmp_path / "ab"
    # A bench_all without --pair-bench-dir: whole runs alternate, run i of A
    # pairs with run i of B; 6 pairs let the signed-rank tests reach 2^-6.
    done = run_tool("ab", "HEAD~1", "HEAD", "--repo", repo, "--runs", "6",
                    "--out", out, "--markdown", tmp_path / "ab.md", "--", "--quick")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "REGRESSION" in done.stdout and "pooled runs" in done.stderr
    assert sorted(p.name for p in (out / "runs").iterdir()) == [f"{s}-{i}" for s in "AB"
                                                                 for i in range(6)]
    assert not (repo / "build" / "ab" / "worktrees").exists() or not any(
        (repo / "build" / "ab" / "worktrees").iterdir())
    listed = subprocess.run(["git", "-C", str(repo), "worktree", "list"], capture_output=True,
                            text=True).stdout.strip().splitlines()
    assert len(listed) == 1                                   # only the main checkout left

    done = run_tool("ab", "HEAD", "HEAD", "--repo", repo, "--runs", "2",
                    "--out", tmp_path / "aa")
    assert done.returncode == 0, done.stdout + done.stderr

    assert "not a git revision" in _one_line_exit_2(
        run_tool("ab", "nope", "HEAD", "--repo", repo), "ab")


@pytest.mark.parametrize("build_presets, built", [(["release", "benchmarks"], "benchmarks"),
                                                  (["release"], "release")])
def test_ab_builds_only_the_benchmarks_where_the_revision_can(tmp_path, monkeypatch,
                                                             build_presets, built):
    tree = tmp_path / "A-0123"
    tree.mkdir()
    (tree / "CMakePresets.json").write_text(json.dumps({
        "configurePresets": [{"name": "release"}],
        "buildPresets": [{"name": name, "configurePreset": "release"} for name in build_presets]}))
    calls = []
    monkeypatch.setattr(ab.subprocess, "run",
                        lambda step, **kw: calls.append(step) or subprocess.CompletedProcess(step, 0))
    ab.GitWorktreeRunner(tmp_path, tmp_path / "work", log=lambda m: None).build(tree)
    assert calls[0][:3] == ["cmake", "--preset", "release"]   # then ccache's launcher, if any
    assert calls[1][:4] == ["cmake", "--build", "--preset", built]
