"""stats.py: the numbers behind every verdict."""
import math
import random

import numpy as np
import pytest

from contend.core import stats


def test_holm_matches_the_step_down_procedure_by_hand():
    # m = 4: sorted 0.01, 0.02, 0.03, 0.5 -> x4, x3, x2, x1 with a running max.
    adjusted = stats.holm([0.03, 0.01, 0.5, 0.02])
    assert adjusted == pytest.approx([0.06, 0.04, 0.5, 0.06])


def test_holm_is_monotone_capped_and_skips_nan():
    adjusted = stats.holm([0.9, math.nan, 0.001, 0.4])
    assert math.isnan(adjusted[1])
    assert adjusted[2] == pytest.approx(0.003)       # 3 tests, not 4
    assert adjusted[3] == pytest.approx(0.8) and adjusted[0] == pytest.approx(0.9)
    assert stats.holm([0.5, 0.6])[0] == 1.0                      # capped at 1
    assert len(stats.holm([])) == 0


def test_holm_rejects_no_more_than_bonferroni_allows_and_no_less():
    rng = random.Random(3)
    for _ in range(50):
        p = [rng.random() ** 3 for _ in range(12)]
        holm = stats.holm(p)
        bonferroni = [min(1, x * len(p)) for x in p]
        assert all(h <= b + 1e-12 for h, b in zip(holm, bonferroni))
        assert all(h >= x - 1e-12 for h, x in zip(holm, p))


def test_mann_whitney_is_one_sided_in_the_candidate_slower_direction():
    baseline = [100, 101, 102, 103, 104]
    slower = [70, 71, 72, 73, 74]
    assert stats.mann_whitney_p(slower, baseline, "less") == pytest.approx(1 / 252)
    assert stats.mann_whitney_p(slower, baseline, "greater") > 0.99
    assert stats.mann_whitney_p([5, 5, 5], [5, 5, 5], "less") == 1.0   # no evidence at all
    assert math.isnan(stats.mann_whitney_p([], baseline, "less"))


def test_pooled_ab_samples_get_the_exact_test():
    # 9 vs 9 fully separated: exactly 1 / C(18, 9), not the normal
    # approximation's ten times larger value.
    p = stats.mann_whitney_p(range(9), range(100, 109), "less")
    assert p == pytest.approx(stats.min_one_sided_p(9, 9))


def test_smallest_reachable_p_explains_why_three_repetitions_cannot_gate():
    assert stats.min_one_sided_p(3, 3) == pytest.approx(0.05)    # two-sided would be 0.1
    assert stats.min_one_sided_p(5, 5) == pytest.approx(1 / 252)
    assert stats.repetitions_needed(0.05, 1) == 3
    assert stats.repetitions_needed(0.05, 40) == 6               # 1/924 <= 0.05/40
    assert stats.min_one_sided_p(6, 6) <= 0.05 / 40 < stats.min_one_sided_p(5, 5)


def test_cv_median_geometric_mean():
    assert stats.cv([10]) == 0.0
    assert stats.cv([9, 11]) == pytest.approx(np.std([9, 11], ddof=1) / 10)
    assert stats.median([3, 1, math.nan, 2]) == 2
    assert stats.geometric_mean([0.5, 2.0]) == pytest.approx(1.0)
    assert stats.geometric_mean([0.7] * 5) == pytest.approx(0.7)
    assert math.isnan(stats.geometric_mean([]))


def test_the_suite_test_samples_rounds_not_instances():
    # Three rounds a side: a 30% slowdown over steady rounds is significant;
    # the same 30% where the rounds themselves swing by 25% is not.
    steady_base, steady_cand = [0.0, 0.01, -0.01], [math.log(0.7) + e for e in (0.0, 0.01, -0.01)]
    assert stats.shift_less_p(steady_base, steady_cand) < 0.01
    swinging = [0.25, -0.25, 0.0]
    assert stats.shift_less_p(swinging, [math.log(0.7) + e for e in (0.2, -0.2, 0.1)]) > 0.05
    # One candidate level against a history of runs: a prediction test.
    history = [0.0, 0.02, -0.02, 0.01]
    assert stats.shift_less_p(history, [math.log(0.8)]) < 0.01
    assert stats.shift_less_p(history, [-0.01]) > 0.2
    assert math.isnan(stats.shift_less_p([0.0], [-0.5]))
    assert math.isnan(stats.shift_less_p([], []))
