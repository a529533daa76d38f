"""Open-loop latency rows in the tools: their items/s is the load they were
offered (achieved of it), not a capacity, so no throughput claim uses it
(ranking, compare's winners, the gate, the noise score), while the
end-of-run table and summary.csv still show what they measured. Also: v2
files, without the v3 columns, still load."""
import math
from pathlib import Path

import pandas as pd

from contend.compare import align
from contend.core import instance_summary, ranking, results, schema
from contend.gate import evidence, judge, regress, verdict, verdict_text
from contend.history import store
from contend.run import fastest_table, noise
from support import synthetic_runs


OPEN_LOOP = instance_summary.INELIGIBLE_OPEN_LOOP


def row(impl, benchmark="throughput", rate=1e6, *, rnd=0, rep=0, family="fifo", params="",
        threads=2, error="", **counters):
    """One results.csv row of a 1p1c queue instance (latency columns as given)."""
    out = {"schema_version": schema.SCHEMA_VERSION, "run_id": "r", "machine_id": "m", "family": family,
           "benchmark": benchmark, "params": params, "impl": impl, "mode": "thread",
           "threads": threads, "producers": 1, "consumers": 1, "placement": "compact",
           "placements": "compact", "oversubscribed": False,
           "round": "" if error else rnd, "repetition": "" if error else rep,
           "items_per_second": "" if error else rate, "error": error}
    out.update(counters)
    return out


def latency_rows(impl, load_pct, offered, achieved, p99, kept_up=(1, 1, 1), rounds=3, **more):
    """One row per round of an open-loop instance: offered and achieved
    load, p99 only where it kept up (as the benchmark reports it)."""
    out = []
    for r in range(rounds):
        kept = kept_up[r]
        counters = {"offered_per_second": offered, "kept_up": "true" if kept else "false",
                    "latency_of": "since_intended_send" if kept else ""}
        if kept:
            counters.update(p50_ns=p99 / 4, p99_ns=p99, max_ns=p99 * 3, latency_samples=20000)
        out.append(row(impl, "latency", achieved * (1 + 0.01 * r), rnd=r,
                       params=f"load_pct={load_pct};payload=8", **counters, **more))
    return out


def throughput_rows(impl, rates, **more):
    return [row(impl, "throughput", rate, rnd=r, params="payload=8", **more)
            for r, rate in enumerate(rates)]


def mixed_run():
    """Two queues measured for throughput and at 50% offered load; the
    latency rows' items/s are far above every throughput (they must still
    never win), and one queue fell behind in a round."""
    return (throughput_rows("moodycamel", [20e6, 21e6, 19.5e6])
            + throughput_rows("mutex_deque", [5e6, 5.2e6, 4.9e6])
            + latency_rows("moodycamel", 50, 90e6, 90e6, 1500.0)
            + latency_rows("mutex_deque", 50, 90e6, 60e6, 48000.0, kept_up=(1, 0, 1)))


def frame(rows):
    """A validated results frame; a column a row does not have is empty there."""
    return results.validate(pd.DataFrame(rows).fillna("").astype(str), "synthetic")


def run_of(rows):
    return results.Run(df=frame(rows), machine={"cores": 2})


def by_impl(summary_frame, benchmark):
    part = summary_frame.loc[summary_frame["benchmark"] == benchmark]
    return {r["impl"]: r for _, r in part.iterrows()}


# ---- reading ----------------------------------------------------------------

def test_a_v2_file_loads_with_the_v3_columns_empty():
    run = results.load_run(synthetic_runs.committed_runs()["two_core"])
    df = run.df
    assert set(df["schema_version"]) == {2}
    assert list(df.columns[:len(schema.COLUMNS)]) == schema.COLUMNS
    for column in ("p90_ns", "p9999_ns", "max_ns", "offered_per_second", "handover_p50_ns",
                   "handover_p99_ns", "handover_samples"):
        assert df[column].isna().all(), column
    assert (df["latency_of"] == "").all() and not df["kept_up"].any()
    per_instance = instance_summary.summarise(df)
    assert per_instance["kept_up_share"].isna().all()
    assert not results.open_loop(per_instance).any()
    assert OPEN_LOOP not in set(per_instance["ineligible"])


def test_kept_up_false_is_a_finding_not_an_error():
    df = frame(mixed_run())
    behind = df.loc[(df["benchmark"] == "latency") & ~df["kept_up"]]
    assert len(behind) == 1 and (behind["error"] == "").all()
    assert len(results.valid_rows(df)) == len(df)
    lat = by_impl(instance_summary.summarise(df), "latency")
    assert lat["mutex_deque"]["errors"] == 0 and lat["mutex_deque"]["n"] == 3
    assert math.isclose(lat["mutex_deque"]["kept_up_share"], 2 / 3)
    assert lat["moodycamel"]["kept_up_share"] == 1.0


# ---- eligibility: the one rule ------------------------------------------------

def test_open_loop_rows_are_never_eligible_and_say_why():
    rows = mixed_run() + [
        row("mutex_deque", "pingpong", 2e5, p50_ns=900.0, p99_ns=2000.0, latency_samples=5e4,
            latency_of="round_trip"),
        row("std_mutex", "critical_section", 3e6, family="counter", p99_ns=700.0,
            latency_samples=5e4, handover_p50_ns=80.0, handover_samples=4e4,
            latency_of="acquire_wait")]
    per_instance = instance_summary.summarise(frame(rows))
    reasons = dict(zip(zip(per_instance["benchmark"], per_instance["impl"]),
                       per_instance["ineligible"]))
    assert reasons[("latency", "moodycamel")] == OPEN_LOOP
    assert reasons[("latency", "mutex_deque")] == OPEN_LOOP
    # Closed-loop rows with latencies are throughputs like any other.
    assert reasons[("pingpong", "mutex_deque")] == ""
    assert reasons[("critical_section", "std_mutex")] == ""
    assert reasons[("throughput", "moodycamel")] == ""
    assert list(instance_summary.eligible(per_instance)) == [r == "" for r in per_instance["ineligible"]]


def test_an_offered_load_marks_a_row_open_loop_whatever_its_benchmark_is_called():
    frame_ = pd.DataFrame({"benchmark": ["burst", "burst"], "offered_per_second": [1e6, math.nan],
                           "median": [1.0, 1.0]})
    assert list(results.open_loop(frame_)) == [True, False]
    # History rows have no offered load: the benchmark name decides.
    assert list(results.open_loop(pd.DataFrame({"benchmark": ["latency", "throughput"]}))) == [
        True, False]


def test_the_ranking_never_ranks_open_loop_rows():
    table = fastest_table.best_per_benchmark(run_of(mixed_run()))
    latency = table.loc[table["benchmark"] == "latency"].iloc[0]
    assert latency["status"] == "none" and latency["winner"] == ""
    assert latency["excluded"] == f"moodycamel ({OPEN_LOOP}), mutex_deque ({OPEN_LOOP})"
    throughput = table.loc[table["benchmark"] == "throughput"].iloc[0]
    assert throughput["top"] == "moodycamel" and throughput["status"] in ("winner", "tie")


def test_open_loop_instances_do_not_set_their_familys_prior():
    rows = throughput_rows("a", [10e6, 12e6, 8e6]) + throughput_rows("b", [6e6, 5e6, 7e6])
    alone = ranking.family_priors(instance_summary.summarise(frame(rows)))["fifo"]
    # Many open-loop instances whose rounds agree to 1%: the prior must not shrink.
    for i in range(6):
        rows += latency_rows(f"q{i}", 50, 1e6, 1e6, 1000.0)
    with_latency = ranking.family_priors(instance_summary.summarise(frame(rows)))["fifo"]
    assert with_latency == alone


def test_compare_crowns_no_open_loop_winner():
    runs = [run_of(mixed_run()), run_of(mixed_run())]
    points = [align.machine_points(r) for r in runs]
    evidence_ = [ranking.RoundSamples.of(r) for r in runs]
    wins = align.winners(points, evidence_, "load")
    assert "latency" not in set(wins["benchmark"])       # nothing competes there
    assert "throughput" in set(wins["benchmark"])


def test_the_noise_score_leaves_open_loop_rows_out():
    rows = throughput_rows("a", [10e6, 12e6, 8e6]) + throughput_rows("b", [6e6, 5e6, 7e6])
    alone = noise.score(instance_summary.summarise(frame(rows)))
    for i in range(6):
        rows += latency_rows(f"q{i}", 50, 1e6, 1e6, 1000.0)
    with_latency = noise.score(instance_summary.summarise(frame(rows)))
    assert with_latency == alone and alone["instances"] == 2


# ---- the gate -----------------------------------------------------------------

def gate_rows(seed, achieved=90e6, error_impl=None):
    """A synthetic quick run plus open-loop instances achieving `achieved`."""
    rows = synthetic_runs.make_rows(seed=seed, rounds=3, repetitions=2)
    for impl in ("moodycamel", "mutex_deque"):
        extra = latency_rows(impl, 50, 90e6, achieved, 1500.0)
        if impl == error_impl:
            extra = [row(impl, "latency", error="lost 3 items", params="load_pct=50;payload=8")]
        rows += extra
    return rows


def test_the_gate_never_judges_open_loop_speed():
    base = frame(gate_rows(1))
    halved = frame(gate_rows(2, achieved=45e6))     # "50% slower" if it were a throughput
    v = judge.judge(base, halved)
    assert v.exit_code == 0
    latency = v.instances.loc[v.instances["benchmark"] == "latency"]
    assert list(latency["verdict"]) == [verdict.OPEN_LOOP] * 2
    assert not latency["gating"].any() and latency["p_slower"].isna().all()
    assert "2 open-loop latency instances not judged" in verdict_text.summary_line(v)
    # Their items/s never enters the suite's geometric mean or shift.
    plain = judge.judge(frame(synthetic_runs.make_rows(seed=1, rounds=3, repetitions=2)),
                          frame(synthetic_runs.make_rows(seed=2, rounds=3, repetitions=2)))
    assert v.geomean == plain.geomean and v.shift == plain.shift


def test_the_gate_still_fails_a_new_error_or_a_missing_open_loop_instance():
    base = frame(gate_rows(1))
    broken = judge.judge(base, frame(gate_rows(2, error_impl="mutex_deque")))
    assert broken.exit_code == 1
    assert list(broken.gating_failures["verdict"]) == [verdict.NEW_ERROR]
    gone = frame([r for r in gate_rows(2) if r["benchmark"] != "latency"])
    missing = judge.judge(base, gone)
    assert set(missing.gating_failures["verdict"]) == {verdict.MISSING}
    fixed = judge.judge(frame(gate_rows(1, error_impl="mutex_deque")), frame(gate_rows(2)))
    assert verdict.ERROR_FIXED in set(fixed.instances["verdict"]) and fixed.exit_code == 0


def test_an_open_loop_baseline_that_achieved_nothing_is_still_a_baseline():
    rows = gate_rows(1, achieved=0.0)
    baseline = results.Run(df=frame(rows), machine={}, csv_path=Path("base/results.csv"))
    regress.check_baseline_numbers(baseline)           # no UsageError
    side = evidence.side_from_results(baseline.df)
    latency = [e for k, e in side.items() if k[1] == "latency"]
    assert latency and all(e.open_loop and not len(e.samples) and not e.invalid for e in latency)


def test_a_history_baseline_has_no_open_loop_samples(tmp_path):
    for i, seed in enumerate((1, 2, 3)):
        rows = gate_rows(seed)
        for r in rows:
            r.update(run_id=f"run{i}", machine_id="m", timestamp_utc=f"2025-01-0{i + 1}T00:00:00Z")
        store.record(results.Run(df=frame(rows), machine={"machine_id": "m"},
                                   csv_path=tmp_path / f"run{i}" / "results.csv"), tmp_path)
    recorded = store.typed(store.read_history_text(tmp_path / "m.csv"), "m.csv")
    side = evidence.side_from_history(recorded, ["run0", "run1", "run2"])
    latency = {k: e for k, e in side.items() if k[1] == "latency"}
    assert len(latency) == 2 and all(e.open_loop and not len(e.samples) for e in latency.values())
    throughput = [e for k, e in side.items() if k[1] != "latency"]
    assert all(len(e.samples) == 3 for e in throughput if not e.errors)


# ---- what the end of a run shows ----------------------------------------------

def test_the_end_of_run_table_shows_latency_points_apart():
    lines = fastest_table.render(run_of(mixed_run()))
    title = next(i for i, line in enumerate(lines) if "Open-loop latency" in line)
    assert "not ranked: items/s is the offered schedule" in lines[title]
    # The throughput table above never mentions the latency rows.
    assert not any("latency [" in line for line in lines[:title])
    assert lines[title + 1].split() == ["family", "benchmark", "mode", "threads", "offered/s",
                                        "kept", "up", "lowest", "p99", "highest", "p99"]
    point = lines[title + 2]
    assert lines[title + 3].startswith("  kept up = ") and len(lines) == title + 4
    assert "latency [load_pct=50;payload=8]" in point and "90.0M/s" in point
    assert "1 of 2" in point                            # mutex_deque fell behind once
    assert "1.5us moodycamel" in point and "48us mutex_deque" in point


def test_a_run_of_only_latency_rows_still_gets_its_table():
    lines = fastest_table.render(run_of(latency_rows("moodycamel", 95, 1e6, 0.7e6, 3e6,
                                               kept_up=(0, 0, 0))))
    assert "Open-loop latency" in lines[0]
    assert lines[2].split()[-6:] == ["1.00M/s", "0", "of", "1", "-", "-"]


def test_summary_csv_carries_the_latency_columns(tmp_path):
    per_instance = instance_summary.summarise(frame(mixed_run()))
    (tmp_path / "results.csv").write_text("")       # what the summary names as its source
    instance_summary.write(per_instance, tmp_path / "results.csv")
    written = pd.read_csv(tmp_path / "summary.csv", keep_default_na=False, dtype=str)
    assert list(written.columns) == instance_summary.SUMMARY_COLUMNS
    lat = {r["impl"]: r for _, r in written.loc[written["benchmark"] == "latency"].iterrows()}
    assert lat["moodycamel"]["ineligible"] == OPEN_LOOP
    assert lat["moodycamel"]["latency_of"] == "since_intended_send"
    assert float(lat["moodycamel"]["p99_ns"]) == 1500.0
    assert float(lat["moodycamel"]["offered_per_second"]) == 90e6
    assert float(lat["moodycamel"]["kept_up_share"]) == 1.0
    assert round(float(lat["mutex_deque"]["kept_up_share"]), 3) == 0.667
    thr = written.loc[written["benchmark"] == "throughput"].iloc[0]
    assert thr["ineligible"] == "" and thr["kept_up_share"] == "" and thr["p99_ns"] == ""
