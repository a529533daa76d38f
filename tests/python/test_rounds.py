"""Rounds: the schedule, round-level statistics, --budget and the noise tool."""
import math
import random

import numpy as np
import pytest

from contend.core import args, instance_summary, results, stats
from contend.core.cli import UsageError
from contend.run import budget, noise, schedule
from support import synthetic_runs
from support.fake_build import bench_name
from support.paths import PYTHON
from support.processes import script_env


def test_every_instance_once_per_round_and_each_round_shuffled():
    slots = schedule.interleaved(list("abcdefgh"), rounds=3, seed="run-1")
    assert [s.index for s in slots] == list(range(1, 25))
    for r in range(3):
        assert sorted(s.instance for s in slots if s.round == r) == list("abcdefgh")
    assert [s.round for s in slots] == sorted(s.round for s in slots)
    orders = [[s.instance for s in slots if s.round == r] for r in range(3)]
    assert len({tuple(o) for o in orders}) > 1
    assert schedule.interleaved(list("abcdefgh"), 3, "run-1") == slots   # reproducible


def test_log_t_interval_widens_with_fewer_rounds_and_covers_the_truth():
    rng = random.Random(4)
    covered, trials = 0, 400
    for _ in range(trials):
        samples = [100 * math.exp(rng.gauss(0, 0.1)) for _ in range(5)]
        low, high = stats.log_t_interval(samples)
        covered += low <= 100 <= high
    assert 0.9 <= covered / trials <= 0.99
    assert all(math.isnan(v) for v in stats.log_t_interval([5.0]))
    three = stats.log_t_interval([90, 100, 110])
    seven = stats.log_t_interval([90, 95, 100, 100, 100, 105, 110])
    assert three[1] / three[0] > seven[1] / seven[0]


def test_compare_rounds_sees_a_real_gap_and_not_noise():
    slow, fast = [70, 72, 68], [100, 103, 98]
    verdict = stats.compare_rounds(slow, fast)
    assert verdict["ratio"] == pytest.approx(70 / 100)
    assert verdict["p_less"] < 0.01 and verdict["high"] < 1
    same = stats.compare_rounds([99, 101, 100], [100, 98, 102])
    assert same["p_less"] > 0.2 and same["low"] < 1 < same["high"]
    assert math.isnan(stats.compare_rounds([1.0], [2.0])["p_less"])    # no spread to judge by


def test_a_prior_stops_three_lucky_rounds_from_claiming_significance():
    tight = stats.compare_rounds([95.0, 95.1, 95.05], [100.0, 100.1, 100.05])
    moderated = stats.compare_rounds([95.0, 95.1, 95.05], [100.0, 100.1, 100.05],
                                     prior_var=0.1 ** 2, prior_df=4)
    assert tight["p_less"] < 1e-4 and moderated["p_less"] > 0.1


def test_benjamini_hochberg_by_hand():
    adjusted = stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.5, math.nan])
    # m = 4, sorted 0.01 0.03 0.04 0.5 -> x4, x2, x4/3, x1, then running minimum from the top.
    assert adjusted[:4] == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    assert math.isnan(adjusted[4])
    assert (stats.benjamini_hochberg([0.2, 0.1]) <= 1).all()


def test_minimal_detectable_effect_shrinks_with_rounds():
    three = stats.minimal_detectable_effect(0.1, 3, 3, 0.05, df=4)
    ten = stats.minimal_detectable_effect(0.1, 10, 10, 0.05, df=18)
    assert 0 < ten < three < 1


def _rounds_run(**kwargs):
    rows = synthetic_runs.make_rows(families=("counter",), placements=("compact",),
                                    repetitions=3, **kwargs)
    return results.validate(__import__("pandas").DataFrame(rows).astype(str), "test")


def test_instance_estimate_is_the_median_of_round_medians():
    df = _rounds_run(rounds=5, round_noise=0.1, noise=0.01, outlier_rate=0, seed=3)
    summary = instance_summary.summarise(df)
    per_round = instance_summary.round_medians(df)
    first = summary.iloc[0]
    mine = per_round.loc[(per_round["impl"] == first["impl"]) &
                         (per_round["threads"] == first["threads"])]
    assert first["median"] == pytest.approx(np.median(mine["value"]))
    assert first["rounds"] == 5 and first["n"] == 15
    assert first["ci_low"] < first["median"] < first["ci_high"]


def test_unstable_means_rounds_disagree_beyond_their_own_noise():
    calm = instance_summary.summarise(_rounds_run(rounds=5, round_noise=0.01, noise=0.01,
                                                outlier_rate=0, seed=1))
    wild = instance_summary.summarise(_rounds_run(rounds=5, round_noise=0.4, noise=0.01,
                                                outlier_rate=0, seed=1))
    assert not calm["unstable"].any()
    assert wild["unstable"].mean() > 0.8
    assert not instance_summary.is_unstable([100, 160, 70], within_sd=0.5, reps_per_round=3)


def test_version_1_runs_read_as_one_round():
    run = results.load_run(synthetic_runs.committed_runs()["two_core"])
    assert set(run.df["round"].dropna()) == {0}
    summary = instance_summary.summarise(run.df)
    assert (summary["rounds"].isin([0, 1])).all() and summary["ci_low"].isna().all()


def test_budget_buys_rounds_before_longer_repetitions():
    roomy = budget.fit(900, instances=100, repetitions=3)
    assert roomy.rounds == budget.MAX_ROUNDS and roomy.seconds(100) <= 900
    assert roomy.min_time > budget.MIN_MIN_TIME        # the rest went to min-time
    tight = budget.fit(90, instances=100, repetitions=2)
    assert tight.rounds >= budget.MIN_ROUNDS and tight.seconds(100) <= 90
    assert tight.min_time < 0.05          # rounds came first, repetitions stayed short
    with pytest.raises(UsageError, match="too small"):
        budget.fit(5, instances=100, repetitions=3)
    assert 0 < budget.expected_precision(5, 0.1) < budget.expected_precision(3, 0.1)


@pytest.mark.parametrize("text, seconds", [("15m", 900), ("90s", 90), ("1h30m", 5400),
                                           ("1:30:00", 5400), ("900", 900)])
def test_durations(text, seconds):
    assert args.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "0", "-5m", "5x"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        args.parse_duration(text)


def test_noise_score_and_detectable_effect():
    summary = instance_summary.summarise(_rounds_run(rounds=4, round_noise=0.1, noise=0.02, seed=2))
    score = noise.score(summary)
    assert 0.02 < score["between_sd_median"] < 0.3 and score["rounds"] == 4
    assert noise.detectable(0.1)["quick"] > noise.detectable(0.02)["quick"]


def test_noise_tool_measures_rounds_and_prints_the_spread(fake_build, tmp_path):
    import subprocess
    fake_build.add("bench_counter", [{"name": bench_name("std_mutex", 1), "rate": 1e6},
                                     {"name": bench_name("atomic_relaxed", 1), "rate": 3e6}])
    done = subprocess.run(
        [PYTHON, "-m", "contend.run.noise", "--rounds", "2", "--settings", "quick",
         "--out", str(tmp_path / "noise"), "--bench-dir", fake_build.dir],
        capture_output=True, text=True, env=script_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "counter" in done.stdout and "between_sd" in done.stdout
    bad = subprocess.run([PYTHON, "-m", "contend.run.noise", "--rounds", "1"],
                         capture_output=True, text=True, env=script_env(), timeout=60)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
