"""Issue 21: the test-only slowdown knob (CONTEND_SLOWDOWN) and the paired
design's statistics (gate/paired.py) on synthetic machine states.

The states are what the shared 2-core VM shows (issue 21): for whole
processes the machine sits in one of three modes that move an instance by
2-5x, the mode holding for tens of seconds. A and B of one pair are measured
back to back, so both halves usually share a mode; now and then a pair
straddles a change of mode. No test here measures real speed.
"""
import json
import math
import sys

import numpy as np
import pytest

from contend.core import slowdown
from contend.run import paired_run
from contend.core.cli import UsageError
from contend.gate import ab, evidence, judge, paired, power
from support import synthetic_runs as synth
from support.tools import run_tool, stderr_lines

# (throughput multiplier, probability): issue 21's table, 30 triples.
MODES = ((1.0, 0.63), (0.3, 0.3), (2.0, 0.07))
STRADDLE = 0.1        # share of pairs whose halves see different modes
NOISE = 0.04          # log-normal noise of one process within a mode
PAIRS = 12            # scripts/ab's default
# 3 counter-like impls x 4 shapes + 5 fifo-like impls x 2 shapes: 22 gating instances.
IMPLS = {f"c{i}": 4 for i in range(3)} | {f"q{i}": 2 for i in range(5)}


def _key(impl, shape):
    return ("counter" if impl.startswith("c") else "fifo", "b", "", impl, "thread", 0, 0,
            "compact", shape + 1)


def _mode(rng, size):
    values, weights = zip(*MODES)
    return rng.choice(values, size=size, p=weights)


def bimodal_sides(seed, slow=None, pairs=PAIRS):
    """(A, B) {key: Evidence}: per pair one mode shared by both halves (or,
    for STRADDLE of them, a fresh mode for B), B slower by slow[impl]."""
    rng = np.random.default_rng(seed)
    base, cand = {}, {}
    for impl, shapes in IMPLS.items():
        for shape in range(shapes):
            level = rng.uniform(1e6, 1e7)
            mode_a = _mode(rng, pairs)
            mode_b = np.where(rng.random(pairs) < STRADDLE, _mode(rng, pairs), mode_a)
            factor = (slow or {}).get(impl, 1.0)
            a = level * mode_a * np.exp(rng.normal(0, NOISE, pairs))
            b = level * factor * mode_b * np.exp(rng.normal(0, NOISE, pairs))
            rounds = np.arange(pairs)
            base[_key(impl, shape)] = evidence.Evidence(samples=a, rounds=rounds)
            cand[_key(impl, shape)] = evidence.Evidence(samples=b, rounds=rounds.copy())
    return base, cand


def verdict(seed, slow=None, is_paired=True):
    base, cand = bimodal_sides(seed, slow)
    return judge.judge_sides(base, cand, suite_threshold=0.05, paired=is_paired)


def named(v, impl):
    return impl in set(v.impl_failures["impl"]) | set(v.gating_failures["impl"])


# ---- the statistics --------------------------------------------------------------

def test_signed_rank_is_exact_for_few_pairs():
    # All 8 pairs negative: the exact one-sided p is 2^-8.
    assert paired.signed_rank_less(-np.arange(1, 9) / 100) == pytest.approx(2 ** -8)
    assert paired.signed_rank_less(np.arange(1, 9) / 100) == pytest.approx(1.0)
    assert math.isnan(paired.signed_rank_less([]))
    assert paired.signed_rank_less([0.0, 0.0]) == 1.0


def test_hodges_lehmann_resists_one_straddling_pair():
    r = np.log([0.7] * 11 + [5.0])      # one pair straddled a change of mode
    assert paired.hodges_lehmann(r) == pytest.approx(math.log(0.7), abs=0.02)
    low, high = paired.interval(r)
    assert low <= math.log(0.7) <= high


def test_pairs_are_matched_by_run_and_unmatched_runs_left_out():
    a = evidence.Evidence(samples=np.array([1.0, 2.0, 4.0]), rounds=np.array([0, 1, 2]))
    b = evidence.Evidence(samples=np.array([2.0, 8.0]), rounds=np.array([0, 2]))
    r, common = paired.log_ratios(a, b)
    assert common == [0, 2] and np.allclose(r, np.log([2.0, 2.0]))


def test_mde_says_when_too_few_pairs_can_never_reach_the_level():
    r = np.full(9, 0.01) + np.linspace(-0.02, 0.02, 9)
    # 9 pairs: smallest p 2^-9 = 0.002 > 0.05 / 130: nothing is detectable.
    assert paired.mde(r, 130, 0.05, 0.05, 0.8) == 1.0
    assert paired.mde(np.concatenate([r, r]), 130, 0.05, 0.05, 0.8) < 0.2


# ---- the gate on bimodal machine states ------------------------------------------

def test_modes_shared_by_both_halves_of_a_pair_do_not_fool_it():
    """A/A under three machine modes and straddling pairs: the paired gate
    stays quiet (at most 1 false alarm in 40 trials)."""
    alarms = sum(verdict(1000 + t).exit_code for t in range(40))
    assert alarms <= 1, alarms


@pytest.mark.parametrize("impl", ["c1", "q3"])
def test_a_real_thirty_percent_slowdown_is_caught_and_named(impl):
    caught = sum(named(verdict(2000 + t, {impl: 0.7}), impl) for t in range(10))
    assert caught >= 9, caught


def test_on_a_narrowed_run_a_slowed_impl_is_not_measured_against_itself(monkeypatch):
    """Three impls, most gating instances one impl's (a run narrowed with
    --impls): a 20% slowdown of that impl must be named, not taken for the
    suite's shift. (Judged against the median over every instance, its own
    slowdown was the yardstick: on scripts/power's narrowed runs, where it
    held half the instances, 2 of the first 8 trials blamed the suite.)"""
    monkeypatch.setattr(sys.modules[__name__], "IMPLS", {"c0": 6, "q0": 2, "q1": 2})
    caught = sum(named(verdict(4000 + t, {"c0": 0.8}), "c0") for t in range(10))
    assert caught >= 9, caught
    alarms = sum(verdict(4100 + t).exit_code for t in range(20))
    assert alarms <= 1, alarms


def test_the_unpaired_test_has_no_power_on_the_same_modes():
    """Why pairing: the moderated t-test on the same samples, unpaired,
    misses most of the 0.7x slowdowns the paired test catches."""
    caught = sum(named(verdict(2000 + t, {"c1": 0.7}, is_paired=False), "c1") for t in range(10))
    assert caught <= 5, caught


def test_paired_verdict_states_a_detectable_slowdown_per_instance():
    v = verdict(3000)
    gating = v.instances.loc[~v.instances["oversubscribed"]]
    assert gating["mde"].between(0.05, 1.0).all() and v.baseline_kind == "pairs"
    assert math.isnan(v.prior_df)


# ---- the slowdown knob -----------------------------------------------------------

def test_slowdown_parses_and_refuses_malformed_values():
    assert slowdown.parse("") is None and slowdown.parse(None) is None
    assert slowdown.parse("ring_mpmc=0.8") == ("ring_mpmc", 0.8)
    for bad in ("ring_mpmc", "=0.8", "ring_mpmc=", "ring_mpmc=0", "ring_mpmc=1.5", "x=nan", "x=y"):
        with pytest.raises(UsageError, match="CONTEND_SLOWDOWN"):
            slowdown.parse(bad)


def _slowed(run_dir, value="std_mutex=0.7"):
    machine = json.loads((run_dir / "machine.json").read_text())
    (run_dir / "machine.json").write_text(json.dumps(dict(machine, slowdown=value)))
    return run_dir


def test_a_slowed_run_is_refused_as_a_baseline_and_from_the_history(tmp_path):
    a = synth.make_run(tmp_path / "a", run_id="a", seed=1, rounds=3, repetitions=2)
    b = _slowed(synth.make_run(tmp_path / "b", run_id="b", seed=2, rounds=3, repetitions=2,
                               slowdown={"std_mutex": 0.7}))
    # As the candidate it is judged (that is what it is for) ...
    assert run_tool("regress", a, b).returncode == 1
    # ... as the baseline, or into a history, it is refused in one line.
    for done in (run_tool("regress", b, a),
                 run_tool("regress", "--record", b, "--history-dir", tmp_path / "h")):
        assert done.returncode == 2, done.stdout + done.stderr
        lines = stderr_lines(done)
        assert len(lines) == 1 and "CONTEND_SLOWDOWN=std_mutex=0.7" in lines[0], lines
    assert not (tmp_path / "h").exists() or not any((tmp_path / "h").iterdir())


# ---- scripts/ab with a bench_all that pairs processes ----------------------------

class PairingRunner:
    """Stands in for git + cmake + a bench_all with --pair-bench-dir: each
    bench_pair call writes A's and B's paired runs (one round per pair, the
    rounds' states shared: a per-round factor on both sides)."""

    def __init__(self, tmp_path, slow):
        self.tmp, self.slow, self.calls = tmp_path, slow, []

    def resolve(self, rev):
        return f"{rev:0<40}"

    def prepare(self, side, sha):
        return self.tmp / "trees" / side

    def build(self, tree):
        pass

    def cleanup(self, tree):
        self.calls.append(("cleanup", tree.name))

    def supports_pairs(self, tree):
        return True

    def bench(self, tree, bench_args, extra_env=None):
        raise AssertionError("a pairing bench_all is never run alone")

    def bench_pair(self, tree_a, tree_b, bench_args, extra_env=None):
        n = len(self.calls)
        self.calls.append(("pair", tree_a.name, tree_b.name, tuple(bench_args), dict(extra_env or {})))
        rounds = int(bench_args[len(bench_args) - 1 - bench_args[::-1].index("--rounds") + 1])
        slowed = (extra_env or {}).get(slowdown.VARIABLE)
        impl, factor = slowdown.parse(slowed) if slowed else ("", 1.0)
        out = []
        for side in "AB":
            rows = synth.make_rows(run_id=f"{side}{n}", seed=7 * n + (side == "B"), rounds=rounds,
                                   repetitions=2, round_noise=0.02,
                                   slowdown={impl: factor} if side == "B" and impl else None)
            machine = dict(synth.machine_json(**dict(synth.TWO_CORE, run_id=f"{side}{n}")),
                           paired_with=f"{'BA'[side == 'B']}{n}")
            out.append(synth.write_run(self.tmp / "produced" / f"{side}{n}", rows, machine))
        return tuple(out)


def test_ab_pairs_processes_in_one_bench_all_run_and_slows_only_b(tmp_path):
    runner = PairingRunner(tmp_path, slow=True)
    candidate, v = ab.gate(runner, "main", "topic", 12, ["--rounds", "1", "--quick"],
                           tmp_path / "out", confirm_runs=4, slow_candidate="std_mutex=0.7")
    pairs = [c for c in runner.calls if c[0] == "pair"]
    # One paired run of 12 rounds, then one confirm run of 4 rounds of the flagged.
    assert [c[3][-1] for c in pairs] == ["12", "4"] and "--only" in pairs[1][3]
    assert all(c[4] == {slowdown.VARIABLE: "std_mutex=0.7"} for c in pairs)
    assert v.baseline_kind == "pairs" and v.exit_code == 1, v.notes
    assert named(v, "std_mutex") and set(v.impl_failures["impl"]) <= {"std_mutex"}
    # Each round of a paired run is one sample (one pair), not one per run.
    assert int(v.instances["rounds_baseline"].max()) == 16
    assert runner.calls[-2:] == [("cleanup", "A"), ("cleanup", "B")]


def test_ab_refuses_a_slowdown_in_its_own_environment(monkeypatch):
    monkeypatch.setenv(slowdown.VARIABLE, "std_mutex=0.7")
    with pytest.raises(UsageError, match="baseline"):
        ab.parse(["main", "topic"])
    monkeypatch.delenv(slowdown.VARIABLE)
    with pytest.raises(UsageError, match="CONTEND_SLOWDOWN"):
        ab.parse(["main", "topic", "--slow-candidate", "std_mutex"])


def test_the_two_builds_share_a_compiler_cache_only_where_ccache_is(tmp_path, monkeypatch):
    monkeypatch.setattr(ab.shutil, "which", lambda name: "/usr/bin/ccache")
    flags, env = ab.compiler_cache(tmp_path)
    assert "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache" in flags
    # One base directory over both worktrees: their sources cache as one.
    assert env["CCACHE_BASEDIR"] == str(tmp_path / "worktrees")
    assert env["CCACHE_DIR"].startswith(str(tmp_path))
    monkeypatch.setattr(ab.shutil, "which", lambda name: None)
    assert ab.compiler_cache(tmp_path) == ([], {})


# ---- scripts/power (the tool itself runs for an hour; its parts here) -------------

def test_power_parses_its_cells_and_refuses_bad_ones():
    args = power.parse(["--impls", "ring_mpmc:fifo,std_mutex:counter", "--factors", "0.8,0.7",
                        "--", "--quick"])
    assert args.impls == [("ring_mpmc", "fifo"), ("std_mutex", "counter")]
    assert args.factors == [0.8, 0.7] and args.bench_args[-1] == "--quick"
    assert [c.name for c in power.cells(args.impls, args.factors)] == [
        "ring_mpmc-0.8", "ring_mpmc-0.7", "std_mutex-0.8", "std_mutex-0.7"]
    for bad in (["--impls", "ring_mpmc"], ["--factors", "1.2"], ["--factors", "x"]):
        with pytest.raises(UsageError):
            power.parse(bad)


def test_power_table_counts_caught_and_false_alarms():
    rows = [dict(cell="ring_mpmc-0.7", impl="ring_mpmc", family="fifo", factor=0.7, trial=k,
                 exit=1, named=int(k != 2), detectable=0.3, seconds=100) for k in range(4)]
    rows += [dict(cell="aa-fifo", impl="", family="fifo", factor=1.0, trial=k, exit=int(k == 0),
                  named=0, detectable=0.4, seconds=90) for k in range(5)]
    text = power.table(rows)
    assert "| ring_mpmc (fifo) | 0.7 | 4 | 3 | 4 | 30% | 100 |" in text
    assert "| A/A (fifo) | 1 | 5 | - | 1 | 40% | 90 |" in text


def test_paired_runs_give_both_builds_environments_of_one_size():
    """A's no-op CONTEND_SLOWDOWN matches B's value in length, and slows nothing."""
    for slowed in ("ring_mpmc=0.7", "a=0.5", "std_mutex=0.85"):
        no_op = paired_run.no_op_slowdown(slowed)
        assert len(no_op) == len(slowed)
        impl, factor = slowdown.parse(no_op)
        assert factor == 1.0 and impl not in slowed
    assert paired_run.no_op_slowdown("") is None
