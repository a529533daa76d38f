"""The gate's judgement: is the candidate slower than the baseline?

regress.py (scripts/regress) and ab.py (scripts/ab) hand this module two
sides of evidence (evidence.py) and show the Verdict it returns with
verdict_text.py.

The method (a gate with power and no false alarms):

1. Samples are processes. Each instance's samples are its round medians (one
   per process; evidence.py); with --baseline-history each recorded run's
   instance median is one baseline sample and the candidate is one more run.
2. Per instance: the mean difference d of log samples (candidate - baseline)
   and its standard error from a moderated variance (stats.compare_rounds): the
   instance's pooled log variance shrunk toward a prior, the median pooled
   variance of the instances of its family (oversubscribed points apart, they
   are noisier), worth PRIOR_DF degrees of freedom. Three rounds a side give an
   instance 4 degrees of freedom of its own: alone, its t-test is both weak and
   fooled by a lucky tight pair; the prior fixes both.
3. Relative to the suite: between two separate runs the whole machine drifts
   (an A/A pair of quick runs here differed by 5.9% across the board). The
   suite shift s is the median d over the gating instances of the *other*
   impls (shift_without_impl: an impl's own slowdown must not move the
   yardstick it is measured against); a test rejects
   only if the slowdown is significant both absolutely (d < 0) and relative
   to the suite (d - s < 0): the larger of the two one-sided p-values is the
   p-value of that intersection-union test. A drift therefore never names an
   instance or an impl; a real suite-wide slowdown is the suite test's job.
4. Per impl: the instances of one impl id (all its shapes) are pooled: the
   mean of their d, with the standard error of that mean and Welch-
   Satterthwaite degrees of freedom. One impl slowed by 25% across its shapes
   is caught and named even when no single shape of it is.
5. Suite: geometric mean of the ratios over the gating instances, and a
   one-sided Welch test over *rounds*: each round's mean log throughput over
   the suite is one sample (evidence.round_levels). A drifting machine moves
   every instance of a round together, so instances are not independent
   witnesses of a suite-wide change; a test over instances (the Wilcoxon this
   gate used first) failed 4 of 15 real A/A pairs here on drift alone. A
   regression when below 1 - suite threshold (default 2 x threshold for
   separate runs, the threshold itself in scripts/ab, where alternation cancels
   drift) and significant.
6. False discoveries: Benjamini-Hochberg at --alpha over every specific
   gating test (instances, impls) together: it controls the share of false
   findings and, under the global null of an A/A pair, the chance of any.
   Holm over ~200 instances needs p <= 0.00025 from 3 rounds a side: no
   instance could ever fail, which is a gate that always says yes. The suite
   test is asked apart, at alpha / 2.
7. Effect floor: a finding must also be slower than --threshold, absolutely
   and relative to the suite. (The floor is a condition on the estimate, not a
   shifted null: at 3 rounds the estimate's noise is larger than 5%, so a
   shifted null would cost power exactly where the gate needs it.)
8. Every gating instance states its minimal detectable effect (80% power at
   the level BH gives a lone finding, alpha / tests, with its degrees of
   freedom): a green gate is not proof of no change.

Always gating: a new error (at every point; only a spinning lock's timeout at
an oversubscribed point is expected), a throughput that is 0, negative, NaN or
infinite, an instance missing from the candidate (unless --allow-missing).
Never judged for speed: open-loop latency rows (results.open_loop), whose
items/s is the load they were offered; their errors and absence still gate.
Refused (exit 2): baseline and candidate the same run, an interrupted run.
Never gating: slowdowns at oversubscribed points (they measure the scheduler).

"""
import math
import re

import numpy as np
import pandas as pd
from scipy import special as _special

from ..core import schema, stats
from ..core.cli import UsageError
from . import evidence
from . import paired as paired_stats
from .verdict import (ALWAYS_GATING, ERROR_BOTH, ERROR_FIXED, EXPECTED_TIMEOUT, FASTER_NS,
                      IMPROVEMENT, INVALID, MISSING, NEW_ERROR, NOT_CONFIRMED, ONLY_BASELINE,
                      ONLY_CANDIDATE, OPEN_LOOP, REGRESSION, SLOWER_NS, UNCHANGED, Verdict)

DEFAULT_THRESHOLD = 0.05
DEFAULT_ALPHA = 0.05
# The prior's weight in degrees of freedom. 4 = what one instance's own
# rounds give at 3 vs 3: the prior never outweighs an instance that has
# rounds of its own (a truly noisy instance keeps most of its variance), yet
# doubles the degrees of freedom of a 3-round t-test (t quantile at 99%: 3.75
# with 4, 2.90 with 8), which is where the power comes from. Larger values
# trust one family-wide variance too much: the 2-core VM's instances differ
# in between-process spread by several times.
PRIOR_DF = 4.0
POWER = 0.8
# Fewer gating instances than this: no suite shift is estimated (s = 0); a
# median over a handful of instances would be one of them.
MIN_FOR_SHIFT = 8

# ---- the tests ------------------------------------------------------------

def pooled_log_var(b, c):
    """(sum of squares about each side's log mean, degrees of freedom)."""
    lb, lc = np.log(b), np.log(c)
    return (float(((lb - lb.mean()) ** 2).sum() + ((lc - lc.mean()) ** 2).sum()),
            len(b) + len(c) - 2)


def family_priors(tested, base, cand):
    """Prior variance per (family, oversubscribed): the median over those
    instances of their pooled log variance, divided by the median of a
    chi-square over its degrees of freedom (0.84 at 4 df). The median of
    sample variances sits below the variance they estimate, and a prior that
    is too small makes every tight instance look significant; the correction
    makes the median an estimate of the typical variance itself (it halved
    the A/A false alarms in test_regress.py). Groups with no estimate borrow
    the correction over every instance."""
    by_group, every = {}, []
    for key in tested:
        ss, df = pooled_log_var(base[key].samples, cand[key].samples)
        if df > 0:
            group = (key[0], base[key].oversubscribed or cand[key].oversubscribed)
            by_group.setdefault(group, []).append((ss / df, df))
            every.append((ss / df, df))
    return {g: _median_variance(v) for g, v in by_group.items()}, _median_variance(every)


def _median_variance(pairs):
    if not pairs:
        return math.nan
    variances, dfs = zip(*pairs)
    nu = float(np.median(dfs))
    return float(np.median(variances)) * nu / float(_special.chdtri(nu, 0.5))


def t_less(t, df):
    """One-sided p of a t statistic ("slower"): nan without a test."""
    if not (t == t) or not df > 0:
        return math.nan
    return float(_special.stdtr(df, t))


def instance_test(b, c, prior_var, prior_df):
    """d (mean log difference), se and df of one instance (candidate vs baseline)."""
    r = stats.compare_rounds(c, b, prior_var, prior_df)
    d = float(np.log(c).mean() - np.log(b).mean())
    return {"ratio": r["ratio"], "low": r["low"], "high": r["high"], "d": d,
            "se": r["se"], "df": r["df"]}


def slower_p(d, se, df, shift):
    """max(p absolute, p relative to the suite shift): significant only if both are."""
    if not (se == se) or se <= 0:
        if se == 0:
            return 0.0 if d < min(0.0, shift) else 1.0
        return math.nan
    return max(t_less(d / se, df), t_less((d - shift) / se, df))


def faster_p(d, se, df):
    if not (se == se) or se <= 0:
        return (0.0 if d > 0 else 1.0) if se == 0 else math.nan
    return t_less(-d / se, df)


def mde_of(se, df, tests, alpha, threshold):
    """The slowdown this test finds with POWER probability when it is the only
    finding (BH then needs p <= alpha / tests), and never below the floor."""
    if not (se == se) or not df > 0:
        return math.nan
    level = alpha / max(tests, 1)
    z = _special.stdtrit(df, 1 - level) + _special.stdtrit(df, POWER)
    return max(threshold, float(1 - math.exp(-z * se)))


def welch_df(se, df):
    """Welch-Satterthwaite degrees of freedom of a mean of independent estimates."""
    v = np.asarray(se, dtype=float) ** 2
    denominator = float(np.sum(v ** 2 / np.asarray(df, dtype=float)))
    return float(v.sum() ** 2 / denominator) if denominator > 0 else math.nan


def is_expected_timeout(impl, error, oversubscribed):
    """A spinning lock may time out when a preempted holder leaves its waiters
    spinning on a core: expected where workers outnumber PUs, nowhere else."""
    return bool(oversubscribed and re.search(r"spin", impl) and "timeout" in error.lower())


# ---- judging ----------------------------------------------------------------

def judge(baseline_df, candidate_df, threshold=DEFAULT_THRESHOLD, alpha=DEFAULT_ALPHA,
          suite_threshold=None, allow_missing=False, prior_df=None):
    """The verdict for two validated results tables (rounds as samples)."""
    return judge_sides(evidence.side_from_results(baseline_df),
                       evidence.side_from_results(candidate_df), threshold, alpha,
                       suite_threshold, allow_missing, prior_df)


def judge_sides(base, cand, threshold=DEFAULT_THRESHOLD, alpha=DEFAULT_ALPHA,
                suite_threshold=None, allow_missing=False, prior_df=None,
                baseline_kind="rounds", paired=False, probe_ratio=None):
    """The verdict for two {instance key: Evidence} maps; see the module doc.
    paired: A's and B's samples i were measured back to back (scripts/ab):
    signed-rank tests on the paired log ratios (paired.py) replace the
    moderated t-tests; the rest (suite shift, BH, floor, verdicts) is shared."""
    if suite_threshold is None:
        suite_threshold = 2 * threshold
    if prior_df is None:
        prior_df = PRIOR_DF
    if not any(k in cand for k in base):
        raise UsageError("baseline and candidate have no benchmark instance in common")
    keys = sorted(set(base) | set(cand))
    tested = [k for k in keys if k in base and k in cand and len(base[k].samples)
              and len(cand[k].samples) and not cand[k].errors and not cand[k].invalid]
    tests = (_paired_tests(tested, base, cand, probe_ratio) if paired
             else _moderated_tests(tested, base, cand, prior_df))
    over = {k: base.get(k, cand.get(k)).oversubscribed or (k in cand and cand[k].oversubscribed)
            for k in keys}
    gating = [k for k in tested if not over[k]]
    shift = suite_shift(gating, tests)
    shift_of = shift_without_impl(gating, tests)

    for k in tested:
        t = tests[k]
        t["shift"] = shift_of(k[3])
        if paired:
            t["p_slower"], t["p_faster"] = (paired_stats.slower_p(t["r"], t["shift"]),
                                            paired_stats.faster_p(t["r"]))
        else:
            t["p_slower"] = slower_p(t["d"], t["se"], t["df"], t["shift"])
            t["p_faster"] = faster_p(t["d"], t["se"], t["df"])
    df = instance_frame(keys, base, cand, tests, over)
    position = {k: i for i, k in enumerate(keys)}
    gating_at = [position[k] for k in gating]
    over_at = [position[k] for k in tested if over[k]]
    impls = (paired_impl_frame(gating, tests, shift_of) if paired
             else impl_frame(gating, tests, shift_of))
    if len(gating) < MIN_FOR_SHIFT:
        suite_raw = math.nan
    elif paired:
        suite_raw = paired_stats.suite_p(tests, gating)
    else:
        suite_raw = stats.shift_less_p(*evidence.round_levels((base, cand), gating))

    # One BH family for every specific test (instances, impls); oversubscribed
    # points get their own, so their (never gating) verdicts still mean
    # something. The suite test is the one global question, asked apart at
    # alpha / 2 (Bonferroni over the two families): inside BH, one p among
    # ~100 needs p <= alpha / 100, which 3 rounds a side (4 df) can hardly give.
    family = list(df["p_slower"].to_numpy()[gating_at]) + list(impls["p_slower"])
    q = stats.benjamini_hochberg(family)
    df["q_slower"] = _adjusted(len(df), (gating_at, q[:len(gating)]), (over_at, stats.benjamini_hochberg(
        df["p_slower"].to_numpy()[over_at])))
    impls["q_slower"] = q[len(gating):]
    suite_p = min(1.0, 2 * suite_raw) if suite_raw == suite_raw else math.nan
    p_faster = df["p_faster"].to_numpy()
    df["q_faster"] = _adjusted(len(df), (gating_at, stats.benjamini_hochberg(p_faster[gating_at])),
                               (over_at, stats.benjamini_hochberg(p_faster[over_at])))

    n_tests = len([p for p in family if p == p]) + 1
    df["mde"] = [_mde(tests.get(k), paired, n_tests, alpha, threshold) for k in keys]
    shift_ratio = math.exp(shift)
    df["rel_ratio"] = df["ratio"] / np.exp([tests[k]["shift"] if k in tests else shift for k in keys])
    df["verdict"] = [_verdict(r, alpha, threshold, allow_missing) for r in df.itertuples(index=False)]
    df["gating"] = (df["verdict"].isin(ALWAYS_GATING)
                    | ((df["verdict"] == REGRESSION) & ~df["oversubscribed"]))
    impls["verdict"] = [REGRESSION if _slower(r.q_slower, r.ratio, r.rel_ratio,
                                               alpha, threshold) else
                        (SLOWER_NS if r.ratio < 1 - threshold else UNCHANGED)
                        for r in impls.itertuples(index=False)]
    impls["gating"] = impls["verdict"] == REGRESSION

    ratios = df["ratio"].to_numpy()[gating_at]
    geomean = stats.geometric_mean(ratios)
    v = Verdict(instances=df, impls=impls, threshold=threshold,
                alpha=alpha, geomean=geomean, shift=shift_ratio, suite_p=suite_p,
                suite_threshold=suite_threshold, baseline_kind="pairs" if paired else baseline_kind,
                suite_regression=bool(geomean < 1 - suite_threshold and suite_p <= alpha),
                prior_df=math.nan if paired else prior_df, power=POWER)
    v.warnings = power_warnings(v, gating)
    return v


def suite_shift(gating, tests):
    """The suite's shift (log scale), as the verdict reports it: the median d
    over the gating instances; 0 with fewer than MIN_FOR_SHIFT of them."""
    d = [tests[k]["d"] for k in gating if tests[k]["d"] == tests[k]["d"]]
    return float(np.median(d)) if len(d) >= MIN_FOR_SHIFT else 0.0


def shift_without_impl(gating, tests):
    """impl -> the shift that impl's tests are measured against: the suite
    shift over the *other* impls' gating instances (0 with fewer than
    MIN_FOR_SHIFT of them). The rest of the suite, not the whole: on a
    narrowed run (three impls, half of the eight gating instances one
    impl's) a 20% slowdown of that impl moved the median with it, was then
    judged against itself, and the gate blamed the suite instead of the impl
    (scripts/power, 2026-12-08). On a whole suite the two differ by a hair."""
    d_of = [(k[3], tests[k]["d"]) for k in gating if tests[k]["d"] == tests[k]["d"]]
    memo = {}

    def shift_of(impl):
        if impl not in memo:
            others = [d for i, d in d_of if i != impl]
            memo[impl] = float(np.median(others)) if len(others) >= MIN_FOR_SHIFT else 0.0
        return memo[impl]
    return shift_of


def _moderated_tests(tested, base, cand, prior_df):
    priors, fallback = family_priors(tested, base, cand)
    tests = {}
    for k in tested:
        group = (k[0], base[k].oversubscribed or cand[k].oversubscribed)
        tests[k] = instance_test(base[k].samples, cand[k].samples,
                                 priors.get(group, fallback), prior_df)
    return tests


def _paired_tests(tested, base, cand, probe_ratio):
    return {k: paired_stats.instance_test(base[k], cand[k], probe_ratio) for k in tested}


def _mde(test, paired, n_tests, alpha, threshold):
    if test is None:
        return math.nan
    if paired:
        return paired_stats.mde(test["r"], n_tests, alpha, threshold, POWER)
    return mde_of(test["se"], test["df"], n_tests, alpha, threshold)


def instance_frame(keys, base, cand, tests, over):
    rows = []
    for k in keys:
        b, c = base.get(k), cand.get(k)
        t = tests.get(k, {})
        both_medians = b is not None and c is not None and len(b.samples) and len(c.samples)
        rows.append({
            **dict(zip(schema.INSTANCE, k)), "oversubscribed": over[k],
            "present": "both" if b and c else ("baseline" if b else "candidate"),
            "rounds_baseline": len(b.samples) if b else 0,
            "rounds_candidate": len(c.samples) if c else 0,
            "baseline": b.median if b else math.nan, "candidate": c.median if c else math.nan,
            "ratio": t.get("ratio", (c.median / b.median) if both_medians else math.nan),
            "low": t.get("low", math.nan), "high": t.get("high", math.nan),
            "p_slower": t.get("p_slower", math.nan), "p_faster": t.get("p_faster", math.nan),
            "errors_baseline": b.errors if b else 0, "errors_candidate": c.errors if c else 0,
            "invalid": c.invalid if c else 0,
            "open_loop": bool((b and b.open_loop) or (c and c.open_loop)),
            "error": (c.error if c and c.error else (b.error if b and b.error else "")),
            "note": "",
        })
    return pd.DataFrame(rows)


def _adjusted(n, *families):
    """A column of n values holding each family's adjusted p-values at its
    positions, NaN elsewhere (untested instances)."""
    column = np.full(n, math.nan)
    for positions, values in families:
        column[positions] = values
    return column


def impl_frame(gating, tests, shift_of):
    """The impl-level tests: every impl with at least two gating instances."""
    by_impl = {}
    for k in gating:
        if tests[k]["se"] == tests[k]["se"] and tests[k]["df"] > 0:
            by_impl.setdefault(k[3], []).append(tests[k])
    rows = []
    for impl, group in sorted(by_impl.items()):
        if len(group) < 2:
            continue
        d = float(np.mean([t["d"] for t in group]))
        se = math.sqrt(sum(t["se"] ** 2 for t in group)) / len(group)
        df = welch_df([t["se"] for t in group], [t["df"] for t in group])
        rows.append({"impl": impl, "instances": len(group), "ratio": math.exp(d),
                     "rel_ratio": math.exp(d - shift_of(impl)),
                     "p_slower": slower_p(d, se, df, shift_of(impl)), "se": se, "df": df})
    return pd.DataFrame(rows, columns=["impl", "instances", "ratio", "rel_ratio", "p_slower", "se", "df"])


def paired_impl_frame(gating, tests, shift_of):
    """impl_frame for the paired design: every impl with at least two gating
    instances, its pairs pooled into one signed-rank test (paired.impl_test)."""
    by_impl = {}
    for k in gating:
        if tests[k]["n"]:
            by_impl.setdefault(k[3], []).append(tests[k])
    rows = []
    for impl, group in sorted(by_impl.items()):
        if len(group) >= 2:
            test = paired_stats.impl_test(group, shift_of(impl))
            rows.append({"impl": impl, "instances": len(group), "ratio": test["ratio"],
                         "rel_ratio": test["ratio"] / math.exp(shift_of(impl)), **test})
    return pd.DataFrame(rows, columns=["impl", "instances", "ratio", "rel_ratio", "p_slower", "n"])


def _slower(q, ratio, rel_ratio, alpha, threshold):
    return q == q and q <= alpha and ratio < 1 - threshold and rel_ratio < 1 - threshold


def _verdict(r, alpha, threshold, allow_missing):
    if r.present != "both":
        if r.present == "candidate":
            return ONLY_CANDIDATE
        return ONLY_BASELINE if allow_missing else MISSING
    if r.invalid:
        return INVALID
    if r.errors_candidate and not r.errors_baseline:
        return EXPECTED_TIMEOUT if is_expected_timeout(r.impl, r.error, r.oversubscribed) else NEW_ERROR
    if r.errors_candidate:
        return ERROR_BOTH
    if r.open_loop:
        return ERROR_FIXED if r.errors_baseline else OPEN_LOOP
    if r.p_slower != r.p_slower:     # no test: a side has no samples
        return ERROR_FIXED if r.errors_baseline else UNCHANGED
    if _slower(r.q_slower, r.ratio, r.rel_ratio, alpha, threshold):
        return REGRESSION
    if r.errors_baseline:
        return ERROR_FIXED
    if r.ratio < 1 - threshold:
        return SLOWER_NS
    if r.ratio > 1 + threshold:
        return IMPROVEMENT if r.q_faster <= alpha else FASTER_NS
    return ERROR_FIXED if r.errors_baseline else UNCHANGED


def power_warnings(v, gating):
    if not gating:
        return ["no gating instance with numbers on both sides: nothing was judged"]
    df = v.instances
    one = df.loc[~df["oversubscribed"] & df["p_slower"].notna()]
    out = []
    if len(one) and (one[["rounds_baseline", "rounds_candidate"]].min(axis=1) < 2).all() \
            and v.baseline_kind == "rounds":
        out.append("one round per instance on a side: each instance's variance comes from "
                   "its family's prior alone; run bench_all with --rounds 3 or more")
    return out


# ---- the confirm stage (scripts/ab) --------------------------------------------------

def flagged_for_confirm(v):
    """Instance keys worth re-measuring: every gating slowdown, and every
    gating instance of an impl flagged as a whole. Errors, invalid numbers and
    missing instances need no second look: they are facts, not estimates."""
    df = v.instances
    slow = df["verdict"] == REGRESSION
    impls = set(v.impl_failures["impl"]) if len(v.impls) else set()
    pick = (slow & ~df["oversubscribed"]) | (df["impl"].isin(impls) & ~df["oversubscribed"]
                                             & df["p_slower"].notna())
    return [tuple(r) for r in df.loc[pick, schema.INSTANCE].itertuples(index=False)]


def confirm(first, pooled, flagged):
    """The final verdict after the confirm stage: `pooled` judged the first
    rounds plus the extra ones. A slowdown fails only if it was flagged first
    and the pooled evidence still says so (Pinpoint / retrigger style)."""
    df = pooled.instances
    keys = [tuple(r) for r in df[schema.INSTANCE].itertuples(index=False)]
    was = set(flagged)
    first_impls = set(first.impl_failures["impl"]) if len(first.impls) else set()
    for i, key in enumerate(keys):
        if df.at[i, "verdict"] == REGRESSION and key not in was:
            df.at[i, "verdict"], df.at[i, "note"] = SLOWER_NS, "not re-measured"
        elif key in was and df.at[i, "verdict"] != REGRESSION:
            df.at[i, "verdict"], df.at[i, "note"] = NOT_CONFIRMED, "flagged, then not confirmed"
        elif key in was:
            df.at[i, "note"] = "confirmed"
    df["gating"] = (df["verdict"].isin(ALWAYS_GATING)
                    | ((df["verdict"] == REGRESSION) & ~df["oversubscribed"]))
    if len(pooled.impls):
        keep = pooled.impls["impl"].isin(first_impls)
        pooled.impls.loc[pooled.impls["gating"] & ~keep, "verdict"] = SLOWER_NS
        pooled.impls["gating"] = pooled.impls["gating"] & keep
    pooled.notes.append(f"confirm stage: {len(was)} flagged instance(s) re-measured; "
                        f"{int((df['note'] == 'confirmed').sum())} still slower")
    return pooled
