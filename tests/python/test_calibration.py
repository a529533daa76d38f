"""The calibration: machine.json's summary of the calibration rows, and the
floor columns it stamps on pingpong and contended counter rows."""
import csv
import json
import math
import os

import pandas as pd
import pytest

from contend.report import calibration_figures
from contend.run import calibration, schedule
from support.fake_build import bench_name, read_csv, run_dir_of


def pair_row(a, b, p50, round_=0, level="same_l3", error=""):
    return {"family": "calibration", "benchmark": "core_to_core", "impl": "cas_bounce",
            "params": f"level={level};pu_a={a};pu_b={b}", "threads": 2, "round": round_,
            "p50_ns": p50, "error": error}


def floor_row(benchmark, round_, **numbers):
    return {"family": "calibration", "benchmark": benchmark, "params": "", "round": round_,
            "error": "", **numbers}


def calibration_rows():
    rows = []
    for r, (near, far) in enumerate([(100, 400), (110, 420), (90, 380)]):
        rows += [pair_row(0, 1, near, r, "smt_sibling"), pair_row(0, 1, near + 2, r, "smt_sibling"),
                 pair_row(0, 2, far, r, "other_package"), pair_row(1, 2, far + 20, r, "other_package")]
        rows += [floor_row("atomic_rmw", r, ns_per_item=5 + r),
                 floor_row("futex_wake", r, p50_ns=7000 + 100 * r)]
    return rows


def test_summary_has_each_pair_its_levels_and_the_floors():
    summary = calibration.summarise(calibration_rows(), pus=4)
    near, far, other = summary["pairs"]
    # Round medians 101, 111, 91: the pair's number is their median, the spread their range.
    assert near == {"pu_a": 0, "pu_b": 1, "level": "smt_sibling", "round_trip_ns": 101,
                    "one_way_ns": 50.5, "spread_ns": [91, 111], "rounds": 3}
    assert (far["pu_a"], far["pu_b"], far["round_trip_ns"], far["one_way_ns"]) == (0, 2, 400, 200)
    assert other["round_trip_ns"] == 420
    assert summary["levels"] == {
        "smt_sibling": {"pairs": 1, "one_way_ns_median": 50.5, "one_way_ns_min": 50.5,
                        "one_way_ns_max": 50.5},
        "other_package": {"pairs": 2, "one_way_ns_median": 205, "one_way_ns_min": 200,
                          "one_way_ns_max": 210}}
    assert list(summary["levels"]) == ["smt_sibling", "other_package"]  # nearest first
    assert summary["floors"] == {"atomic_rmw_ns": 6, "futex_wake_ns": 7100,
                                 "line_transfer_ns": 200}
    # 3 of the 6 pairs of 4 PUs.
    assert (summary["pairs_measured"], summary["pairs_possible"], summary["sampled"]) == (3, 6, True)
    json.dumps(summary)  # it goes into machine.json as it is


def test_every_pair_measured_is_not_sampled():
    summary = calibration.summarise([pair_row(0, 1, 100)], pus=2)
    assert (summary["pairs_possible"], summary["sampled"]) == (1, False)
    assert summary["floors"]["atomic_rmw_ns"] is None   # not measured: null, not zero


def test_bad_and_failed_rows_are_left_out():
    rows = [pair_row(0, 1, 100), pair_row(0, 1, 5000, error="core_to_core stalled"),
            pair_row(0, 2, ""), pair_row(0, 3, float("nan")), pair_row(0, 4, "fast"),
            {"family": "calibration", "benchmark": "core_to_core", "params": "pu_a=x", "p50_ns": 1},
            {"family": "calibration", "benchmark": "core_to_core", "params": None, "p50_ns": 1},
            {"family": "counter", "benchmark": "increment", "ns_per_item": 3}]
    summary = calibration.summarise(rows, pus=5)
    assert [(p["pu_a"], p["pu_b"], p["round_trip_ns"]) for p in summary["pairs"]] == [(0, 1, 100)]


def test_no_calibration_number_is_no_summary():
    assert calibration.summarise([], pus=2) is None
    assert calibration.summarise([pair_row(0, 1, 9, error="stalled")], pus=2) is None


PLACEMENTS = {"compact": [{"worker": w, "pu": pu} for w, pu in enumerate([0, 1, 2, 3])],
              "scatter": [{"worker": w, "pu": pu} for w, pu in enumerate([0, 2, 1, 3])]}


def floors():
    return calibration.Floors(calibration.summarise(calibration_rows(), pus=4), PLACEMENTS)


def pingpong(placement="compact", family="spsc", **extra):
    return {"family": family, "benchmark": "pingpong", "impl": "ring_spsc", "threads": 2,
            "placement": placement, "p50_ns": 150.0, "ns_per_item": 160.0, "error": "", **extra}


def counter(impl="atomic_relaxed", threads=3, **extra):
    return {"family": "counter", "benchmark": "increment", "impl": impl, "threads": threads,
            "placement": "compact", "oversubscribed": False, "ns_per_item": 303.0, "error": "",
            **extra}


def test_pingpong_rows_get_the_round_trip_of_their_two_pus():
    near = floors().stamp(pingpong("compact"))            # PUs 0 and 1
    assert (near["floor_of"], near["floor_ns"]) == ("core_to_core_round_trip", 101)
    assert near["floor_ratio"] == pytest.approx(150 / 101)
    far = floors().stamp(pingpong("scatter", family="ipc"))   # PUs 0 and 2
    assert (far["floor_ns"], far["floor_ratio"]) == (400, pytest.approx(150 / 400))


def test_contended_counter_rows_get_the_line_transfer_between_their_pus():
    # PUs 0, 1, 2: one-way 50.5, 200, 210 -> median 200.
    row = floors().stamp(counter())
    assert (row["floor_of"], row["floor_ns"]) == ("line_transfer", 200)
    assert row["floor_ratio"] == pytest.approx(303 / 200)
    # PUs 0..3: pairs with 3 are not in the matrix; the others' median stays.
    assert floors().stamp(counter(threads=4))["floor_ns"] == 200
    assert floors().stamp(counter(threads=2))["floor_ns"] == 50.5


def test_rows_without_a_floor_stay_empty():
    f = floors()
    untouched = [counter("unsync"), counter("sharded_padded"), counter(threads=1),
                 counter(oversubscribed=True), counter(oversubscribed="true"),
                 pingpong(threads=3), pingpong(error="stalled"), pingpong("unknown_policy"),
                 {**counter(), "benchmark": "critical_section"},
                 {"family": "fifo", "benchmark": "throughput", "threads": 2, "placement": "compact"}]
    for row in untouched:
        assert not set(calibration.FLOOR_COLUMNS) & set(f.stamp(dict(row))), row


def test_a_missing_or_broken_calibration_stamps_nothing():
    for broken in (None, {}, {"pairs": "x"}, {"pairs": [{"pu_a": 0}], "floors": []},
                   {"pairs": [{"pu_a": 0, "pu_b": 1, "round_trip_ns": "nan"}]}):
        f = calibration.Floors(broken, PLACEMENTS)
        assert "floor_ns" not in f.stamp(pingpong()), broken
        assert "floor_ns" not in f.stamp(counter()), broken
    # A pingpong pair the matrix lacks, and placements that do not name PUs.
    assert "floor_ns" not in calibration.Floors(
        {"pairs": [{"pu_a": 2, "pu_b": 3, "round_trip_ns": 9}]}, PLACEMENTS).stamp(pingpong())
    assert "floor_ns" not in floors().__class__(
        calibration.summarise(calibration_rows(), pus=4), {"compact": [{"core": 0}]}).stamp(pingpong())


def test_a_counter_without_matrix_pairs_falls_back_to_the_machine_line_transfer():
    f = calibration.Floors({"pairs": [], "floors": {"line_transfer_ns": 40}}, PLACEMENTS)
    assert f.stamp(counter())["floor_ns"] == 40


def test_calibration_instances_run_first_every_round():
    slots = schedule.first_then_interleaved(list("abcXY"), 3, "seed", first=str.isupper)
    assert [s.index for s in slots] == list(range(1, 16))
    assert {s.instance for s in slots[:6]} == {"X", "Y"}
    assert [s.round for s in slots[:6]] == [0, 0, 1, 1, 2, 2]
    assert [s.round for s in slots[6:]] == [0] * 3 + [1] * 3 + [2] * 3


def test_bench_all_runs_calibration_first_and_stamps_later_rows(fake_build, run_bench_all,
                                                                tmp_path):
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        pytest.skip("one allowed CPU: no pair of PUs")
    a, b = allowed[:2]
    fake_build.add("bench_calibration", [
        {"name": bench_name("cas_bounce", 2, family="calibration", benchmark="core_to_core",
                            extra=f"/pu_a:{a}/pu_b:{b}/level:same_l3"),
         "counters": {"p50_ns": 120.0, "latency_samples": 1000}},
        {"name": bench_name("fetch_add", 1, family="calibration", benchmark="atomic_rmw"),
         "rate": 2e8},
    ])
    fake_build.add("bench_queue", [
        {"name": bench_name("ring_spsc", 2, family="spsc", benchmark="pingpong",
                            producers=1, consumers=1, extra="/payload:8/wait:spin"),
         "counters": {"p50_ns": 150.0, "latency_samples": 256}},
    ])
    fake_build.add("bench_counter", [{"name": bench_name("atomic_relaxed", 2), "rate": 1e7}])
    done = run_bench_all("--quick", "--no-report")
    assert done.returncode == 0, done.stderr
    run_dir = run_dir_of(tmp_path)
    rows = read_csv(os.path.join(run_dir, "results.csv"))
    families = [r["family"] for r in rows]
    assert families[:12] == ["calibration"] * 12    # 2 instances x 3 rounds x 2 repetitions
    assert "calibration" not in families[12:]
    with open(os.path.join(run_dir, "machine.json")) as f:
        summary = json.load(f)["calibration"]
    assert [(p["pu_a"], p["pu_b"], p["round_trip_ns"]) for p in summary["pairs"]] == [(a, b, 120)]
    assert summary["floors"]["atomic_rmw_ns"] == pytest.approx(5, rel=0.05)  # the fake jitters
    spsc = [r for r in rows if r["family"] == "spsc"]
    assert {(r["floor_of"], float(r["floor_ns"]), float(r["floor_ratio"])) for r in spsc} == {
        ("core_to_core_round_trip", 120, 1.25)}
    count = [r for r in rows if r["family"] == "counter"]
    assert {(r["floor_of"], float(r["floor_ns"])) for r in count} == {("line_transfer", 60)}
    assert all(float(r["floor_ratio"]) == pytest.approx(float(r["ns_per_item"]) / 60)
               for r in count)
    assert all(r["floor_of"] == "" for r in rows if r["family"] == "calibration")
    with open(os.path.join(run_dir, "summary.csv"), newline="") as f:
        by_family = {r["family"]: r for r in csv.DictReader(f)}
    assert float(by_family["spsc"]["floor_ratio"]) == pytest.approx(1.25)


def test_without_the_calibration_family_floors_stay_empty(fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_counter", [{"name": bench_name("atomic_relaxed", 2), "rate": 1e7}])
    done = run_bench_all("--quick", "--no-report")
    assert done.returncode == 0, done.stderr
    run_dir = run_dir_of(tmp_path)
    assert {r["floor_of"] + r["floor_ns"] for r in read_csv(os.path.join(run_dir, "results.csv"))} == {""}
    with open(os.path.join(run_dir, "machine.json")) as f:
        assert "calibration" not in json.load(f)


def test_the_heatmap_is_symmetric_and_blank_where_unmeasured(tmp_path):
    summary = calibration.summarise(calibration_rows(), pus=4)
    pus, cells = calibration_figures.matrix(summary)
    assert pus == [0, 1, 2]
    assert cells[0, 1] == cells[1, 0] == 50.5 and cells[1, 2] == cells[2, 1] == 210
    assert all(math.isnan(cells[i, i]) for i in range(3))
    [(key, png)] = calibration_figures.draw({"calibration": summary}, tmp_path, "test-machine")
    assert key["family"] == "calibration" and png.exists() and png.stat().st_size > 0
    assert calibration_figures.draw({}, tmp_path) == []
    assert calibration_figures.draw({"calibration": {"pairs": [{"pu_a": 0}]}}, tmp_path) == []
    [(div_id, _, fig, _)] = calibration_figures.interactive({"calibration": summary})
    assert div_id == calibration_figures.INTERACTIVE_DIV_ID
    z = fig.data[0].z
    assert z[0][1] == z[1][0] == 50.5 and z[0][0] is None
    assert calibration_figures.interactive({}) == []
    assert calibration_figures.interactive({"calibration": {"pairs": [{"pu_a": 0}]}}) == []


def test_closeness_names_each_familys_instance_nearest_its_floor():
    base = {"benchmark": "pingpong", "mode": "thread", "threads": 2, "placement": "compact",
            "floor_of": "core_to_core_round_trip", "errors": 0}
    summary = pd.DataFrame([
        {**base, "family": "spsc", "impl": "ring_spsc", "floor_ratio": 1.2},
        {**base, "family": "spsc", "impl": "boost_spsc_queue", "floor_ratio": 1.1},
        {**base, "family": "spsc", "impl": "broken", "floor_ratio": 0.5, "errors": 1},
        {**base, "family": "counter", "impl": "atomic_relaxed", "floor_ratio": 0.9,
         "benchmark": "increment", "floor_of": "line_transfer"},
        {**base, "family": "fifo", "impl": "ring_mpmc", "floor_ratio": float("nan")},
    ])
    best = calibration_figures.closeness(summary)
    assert [(r["family"], r["impl"], r["floor_ratio"]) for r in best] == [
        ("counter", "atomic_relaxed", 0.9), ("spsc", "boost_spsc_queue", 1.1)]
    assert calibration_figures.closeness(summary.drop(columns="floor_ratio")) == []


def test_the_heatmap_orders_pus_by_package_and_l3_and_names_them():
    pairs = [{"pu_a": a, "pu_b": b, "level": level, "round_trip_ns": 2.0 * ns, "one_way_ns": ns}
             for a, b, level, ns in [(0, 64, "other_package", 120), (1, 8, "other_l3", 60),
                                     (0, 1, "same_l3", 25)]]
    machine = {"calibration": {"pairs": pairs, "sampled": True},
               "placements": {"compact": [{"pu": pu, "package": pu // 64, "l3": pu // 8}
                                          for pu in range(128)]}}
    groups = calibration_figures.groups_of(machine)
    pus, _ = calibration_figures.matrix(machine["calibration"], groups)
    assert pus == [0, 1, 8, 64]
    [(_, _, fig, _)] = calibration_figures.interactive(machine)
    assert list(fig.data[0].x) == ["0 (p0 L3 0)", "1 (p0 L3 0)", "8 (p0 L3 1)", "64 (p1 L3 8)"]
    assert "other_package" in fig.data[0].customdata[0][3]
    assert len(fig.layout.shapes) == 4   # an L3 line and a package line, each both ways
