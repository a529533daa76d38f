"""The paired design's statistics: A and B measured back to back, tested by ranks.

scripts/ab runs A's and B's processes of the same instances back to back in
alternating order (A B, B A, ...). Pair i of an instance is A's sample i and
B's sample i (evidence.side_of_run numbers them by run, and both sides'
runs are made in the same order), so its log ratio r_i = log B_i - log A_i
was measured in one machine state, whatever that state was.

Why ranks: the shared 2-core VM switches between machine states for tens of
seconds at a time and moves an instance by 2-5x (issue 21: tbb_queue read
2.4-4.7 M/s in one state and 9.9-12.8 M/s in another, predicted every time
by the core-to-core round trip). Unpaired log samples are then a mixture of
two or three modes and a t-test on them has no power; a state shared by both
halves of a pair cancels in r_i, but a pair that straddles a change of state
is an outlier of r. The Wilcoxon signed-rank test (exact for small n, as
scipy computes it) does not let one such pair decide, and needs no normality.

Guaranteed: under "A and B are the same code" each r_i is symmetric about 0
when the order within pairs alternates, so the one-sided p is valid whatever
the states. Not guaranteed: pairs are independent (pairs of one run share a
slow stretch); the false-alarm rate is measured, not proven (docs/gate.md).

The smallest one-sided p of n pairs is 2^-n: with ~130 tests in the gate's
Benjamini-Hochberg family a lone instance needs p <= 0.05/130, which takes
n >= 12 pairs; mde() says so (an undetectable instance states 100%).
"""
import math

import numpy as np
from scipy import special as _special
from scipy import stats as _scipy_stats

# Asymptotic relative efficiency of the signed-rank test against the t-test
# under normal noise is 3/pi: it needs pi/3 as many pairs for the same power.
ARE = 3 / math.pi
CONFIDENCE = 0.95
# The fewest pairs the probe filter may leave an instance (log_ratios).
MIN_KEPT = 8


def log_ratios(base, cand, probe_ratio=None):
    """The paired log ratios of two Evidence: r_i = log cand_i - log base_i
    over the run indices both have (an errored process leaves its pair out).

    probe_ratio: leave out the pairs whose halves found machine states
    (state probes) more than this factor apart, a pair straddling a change
    of state, unless fewer than MIN_KEPT pairs would be left (then all stay:
    a machine that never holds still is judged on everything it gave)."""
    at_b = dict(zip(base.rounds.tolist(), np.log(base.samples)))
    at_c = dict(zip(cand.rounds.tolist(), np.log(cand.samples)))
    common = sorted(set(at_b) & set(at_c))
    if probe_ratio and len(base.probes) == len(base.samples) and len(cand.probes) == len(cand.samples):
        pb = dict(zip(base.rounds.tolist(), base.probes))
        pc = dict(zip(cand.rounds.tolist(), cand.probes))
        same = [i for i in common if _same_state(pb[i], pc[i], probe_ratio)]
        if len(same) >= MIN_KEPT:
            common = same
    return np.array([at_c[i] - at_b[i] for i in common], dtype=float), common


def _same_state(a, b, ratio):
    """Both probes there and within `ratio` of each other (a missing probe: unknown, kept)."""
    if not (a > 0 and b > 0):
        return True
    return max(a, b) / min(a, b) <= ratio


def signed_rank_less(r):
    """One-sided p that the r sit below 0 (Wilcoxon signed-rank; exact for n
    <= 50 without ties or zeros, normal approximation otherwise). NaN with
    no nonzero pair; 1.0 when they are all exactly 0."""
    r = np.asarray(r, dtype=float)
    r = r[np.isfinite(r)]
    if not len(r):
        return math.nan
    if not np.any(r != 0):
        return 1.0
    return float(_scipy_stats.wilcoxon(r, alternative="less").pvalue)


def walsh_averages(r):
    r = np.asarray(r, dtype=float)
    i, j = np.triu_indices(len(r))
    return np.sort((r[i] + r[j]) / 2)


def hodges_lehmann(r):
    """The signed-rank test's estimate of the shift: the median of the Walsh
    averages (r_i + r_j) / 2, i <= j. One straddling pair barely moves it."""
    return float(np.median(walsh_averages(r))) if len(r) else math.nan


def interval(r, confidence=CONFIDENCE):
    """(low, high) of the shift, on the log scale: the Walsh averages at the
    signed-rank test's critical ranks (normal approximation); nan under 3 pairs."""
    n = len(r)
    if n < 3:
        return math.nan, math.nan
    w = walsh_averages(r)
    z = _special.ndtri(1 - (1 - confidence) / 2)
    k = int(math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
    k = min(max(k, 0), len(w) - 1)
    return float(w[k]), float(w[len(w) - 1 - k])


def instance_test(base, cand, probe_ratio=None):
    """d (Hodges-Lehmann shift of the log ratios), its interval as ratios,
    and the ratios themselves (for the impl and suite tests)."""
    r, pairs = log_ratios(base, cand, probe_ratio)
    d = hodges_lehmann(r)
    low, high = interval(r)
    return {"ratio": math.exp(d) if d == d else math.nan, "low": math.exp(low), "high": math.exp(high),
            "d": d, "r": r, "pairs": pairs, "n": len(r)}


def slower_p(r, shift):
    """max(p absolute, p relative to the suite's shift): significant only if both are."""
    r = np.asarray(r, dtype=float)
    return max(signed_rank_less(r), signed_rank_less(r - shift))


def faster_p(r):
    return signed_rank_less(-np.asarray(r, dtype=float))


def mde(r, tests, alpha, threshold, power):
    """The slowdown found with `power` probability when it is the only finding
    (BH then needs p <= alpha / tests): the t-test's shift for this spread,
    inflated by 1/ARE for ranks; 1.0 (undetectable) when n pairs cannot reach
    that level at all (2^-n > alpha / tests); never below the threshold.

    The spread is robust (1.4826 x the median absolute deviation): a pair that
    straddles a change of machine state is one outlying rank to the test but
    would dominate a standard deviation. Checked on the power run of
    2026-12-08 (docs/gate.md): of the slowed impl's instances whose stated
    detectable slowdown was at most the real one, 15 of 19 (0.8x) and 38 of
    42 (0.7x) were caught, as 80% power says (median over every gating
    instance 15.9%); with the standard deviation, 9 of 10 and 36 of 37: a
    conservative statement (median 21.2%)."""
    r = np.asarray(r, dtype=float)
    n = len(r)
    level = alpha / max(tests, 1)
    if n < 2 or 2.0 ** -n > level:
        return 1.0
    sd = 1.4826 * float(np.median(np.abs(r - np.median(r))))
    z = _special.ndtri(1 - level) + _special.ndtri(power)
    return max(threshold, float(1 - math.exp(-z * sd / math.sqrt(n * ARE))))


def impl_test(group, shift):
    """One impl over its gating instances: every pair of every instance is
    one witness (a pair's machine state cancels inside it, so pairs of
    different instances are as independent as pairs of one). d = mean of the
    instances' shifts (each instance weighs the same)."""
    r = np.concatenate([t["r"] for t in group])
    d = float(np.mean([t["d"] for t in group]))
    return {"ratio": math.exp(d), "p_slower": slower_p(r, shift), "n": len(r)}


def suite_levels(tests, keys):
    """Per pair index, the mean log ratio over `keys`: one number per A/B
    pass over the suite, the samples of the suite-wide signed-rank test."""
    by_pair = {}
    for k in keys:
        for i, v in zip(tests[k]["pairs"], tests[k]["r"]):
            by_pair.setdefault(i, []).append(v)
    return np.array([np.mean(v) for _, v in sorted(by_pair.items())], dtype=float)


def suite_p(tests, keys):
    return signed_rank_less(suite_levels(tests, keys))
