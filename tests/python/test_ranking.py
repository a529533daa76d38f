"""ranking.py: winners only with significant, large enough leads; ties
otherwise; never a broken impl; and A/A pairs that do not "change winner"."""
import math
import random

import numpy as np

from contend.compare import align
from contend.core import formatting, instance_summary, ranking, results
from support import synthetic_runs
from support.tools import frame

POINT = ["family", "benchmark", "params", "mode", "producers", "consumers", "placement",
         "threads"]


def run_of(rows, cores=2):
    return results.Run(df=frame(rows), machine={"cores": cores})


def ranked(rows, point=POINT):
    run = run_of(rows)
    summary = instance_summary.summarise(run.df)
    return ranking.rank(summary, ranking.RoundSamples.of(run), point)


def counter_rows(seed=0, rounds=5, round_noise=0.10, slowdown=None, noise=0.03, **kwargs):
    return synthetic_runs.make_rows(families=("counter",), placements=("compact",), seed=seed,
                                    rounds=rounds, round_noise=round_noise, repetitions=3,
                                    noise=noise, slowdown=slowdown, **kwargs)


def twin(rows, impl, seed, rename, **kwargs):
    """An independent measurement of the same model under another name: a
    true tie with `impl` (its own process effects, its own noise)."""
    other = counter_rows(seed=seed, **kwargs)
    return [dict(r, impl=rename) for r in other if r["impl"] == impl]


def test_a_real_30_percent_gap_is_named_with_its_interval():
    # sharded_padded's twin, 30% slower: the winner must be named at every point.
    rows = counter_rows(seed=3)
    rows = [r for r in rows if r["impl"] == "sharded_padded"]
    slower = twin(counter_rows(seed=3), "sharded_padded", 103, "sharded_slow",
                  slowdown={"sharded_padded": 0.7})
    table = ranked(rows + slower)
    assert list(table["status"]) == ["winner"] * len(table)
    assert set(table["winner"]) == {"sharded_padded"} and set(table["runner_up"]) == {"sharded_slow"}
    for r in table.itertuples():
        assert r.margin_low < r.margin < r.margin_high
        assert 1.1 < r.margin < 1.7 and r.q <= ranking.ALPHA
        assert "[" in formatting.margin(r.margin, r.margin_low, r.margin_high)


def test_equal_impls_are_a_tie_listing_both():
    rows = counter_rows(seed=4)
    rows += twin(rows, "sharded_padded", 104, "sharded_twin")
    table = ranked(rows)
    assert (table["status"] == "tie").all()
    for r in table.itertuples():
        assert set(r.tied.split(" ~ ")) == {"sharded_padded", "sharded_twin"}
        assert r.verdict.startswith("tie: ") and r.runner_up in ("sharded_padded", "sharded_twin")


def test_a_significant_lead_under_the_floor_is_a_tie():
    # 3% faster with almost no noise: significant, but under the 5% floor.
    quiet = dict(round_noise=0.002, noise=0.002, outlier_rate=0.0)
    rows = counter_rows(seed=5, **quiet)
    rows = [r for r in rows if r["impl"] == "sharded_padded"]
    rows += twin(rows, "sharded_padded", 105, "close", slowdown={"sharded_padded": 0.97}, **quiet)
    table = ranked(rows)
    assert (table["p"] < 0.01).all() and (table["status"] == "tie").all()


def test_impls_with_errors_or_lost_updates_never_win():
    rows = counter_rows(seed=6)
    fast = [dict(r, impl="unsync", lost=5.0) for r in rows if r["impl"] == "sharded_padded"]
    broken = [dict(r, impl="broken") for r in rows if r["impl"] == "sharded_padded"]
    for r in broken:
        if r["repetition"] == 0 and r["round"] == 1:
            r.update(items_per_second="", items="", seconds="", ns_per_item="", error="boom")
    for r in fast + broken:           # both 10x faster than anything else
        if r["items_per_second"] != "":
            r["items_per_second"] *= 10
    rows = [r for r in rows if r["impl"] != "sharded_padded"] + fast + broken
    table = ranked(rows)
    assert not (table["winner"].isin(["unsync", "broken"])).any()
    assert not (table["tied"].str.contains("unsync|broken")).any()
    assert table["excluded"].str.contains("unsync \\(lost updates\\)").all()
    assert table["excluded"].str.contains("broken \\(errors\\)").all()


def test_single_round_runs_name_only_large_gaps():
    # Schema 1 runs: no between-round spread; the assumed one (20%) still lets
    # a 10x lead through and keeps a 10% lead a tie.
    rows = counter_rows(seed=7, rounds=1, round_noise=0.0)
    sharded = [r for r in rows if r["impl"] == "sharded_padded"]
    close = [dict(r, impl="close", items_per_second=r["items_per_second"] * 0.9) for r in sharded]
    far = [dict(r, impl="far", items_per_second=r["items_per_second"] * 0.1) for r in sharded]
    assert (ranked(sharded + far)["status"] == "winner").all()
    assert (ranked(sharded + close)["status"] == "tie").all()


def test_one_measurement_under_two_placements_is_tested_once():
    rows = counter_rows(seed=8)
    for r in rows:
        r["placements"] = "compact+scatter"
    run = run_of(rows)
    summary = instance_summary.summarise(run.df)
    evidence = ranking.RoundSamples.of(run)
    once = ranking.rank(summary, evidence, POINT)
    twice = ranking.rank(ranking.expand(summary), evidence, POINT)
    assert len(twice) == 2 * len(once) and set(twice["placement"]) == {"compact", "scatter"}
    # Same q: the copies added no test to Benjamini-Hochberg's family.
    merged = twice.loc[twice["placement"] == "compact", "q"].to_numpy()
    assert np.allclose(merged, once["q"].to_numpy(), equal_nan=True)


def test_family_prior_is_the_median_between_round_variance():
    rows = counter_rows(seed=9, round_noise=0.1)
    run = run_of(rows)
    summary = instance_summary.summarise(run.df)
    priors = ranking.family_priors(summary)
    assert math.isclose(priors["counter"], float(np.median(summary["between_sd"] ** 2)))
    single = instance_summary.summarise(run_of(counter_rows(seed=9, rounds=1)).df)
    assert ranking.family_priors(single)["counter"] == ranking.ASSUMED_BETWEEN_SD ** 2


# ---- A/A: the same model measured twice --------------------------------------------

def aa_machine(seed, round_noise, rounds=3):
    """One run of the synthetic model, with a true tie at the top of every
    point (each family's best impl measured twice, independently): the
    hardest case for a false "the winner changes"."""
    rows = synthetic_runs.make_rows(seed=seed, rounds=rounds, round_noise=round_noise,
                                    repetitions=3)
    for impl, name in (("sharded_padded", "sharded_twin"), ("moodycamel", "moodycamel_twin")):
        again = synthetic_runs.make_rows(seed=seed + 5000, rounds=rounds, round_noise=round_noise,
                                         repetitions=3)
        rows += [dict(r, impl=name) for r in again if r["impl"] == impl]
    return run_of(rows)


def winners_of(runs):
    points = [align.machine_points(r) for r in runs]
    evidence = [ranking.RoundSamples.of(r) for r in runs]
    return align.winners(points, evidence, "load")


def test_same_model_twice_rarely_changes_winner():
    rng = random.Random(42)
    changed, points, ties = [], 0, 0
    for seed in range(20):
        noise = rng.uniform(0.08, 0.12)
        wins = winners_of([aa_machine(2 * seed + 1, noise), aa_machine(2 * seed + 2, noise)])
        changed.append(int(wins["changes"].sum()))
        points, ties = points + len(wins), ties + int(wins["tie"].sum())
    clean = sum(c == 0 for c in changed)
    print(f"A/A: 0 winner changes in {clean} of 20 seeds; changes per seed {changed}; "
          f"{ties} of {points} points tied")
    assert clean >= 19, changed
    assert ties > 0


def test_a_real_change_between_machines_is_found():
    # On m2 std_mutex is 3x faster than sharded_padded everywhere: a change.
    first = run_of(counter_rows(seed=10, rounds=3))
    second_rows = counter_rows(seed=11, rounds=3, slowdown={"std_mutex": 1e3})
    wins = winners_of([first, run_of(second_rows)])
    assert wins["changes"].all() and set(wins["winner_1"]) == {"std_mutex"}
