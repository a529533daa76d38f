"""Google Benchmark 1.7.1 JSON -> tidy rows, against a recorded real report.

fixtures/gbench_1.7.1_counter.json was written by Debian's libbenchmark 1.7.1
(--benchmark_repetitions=3, JSON out) from a probe program registering names
in our format: std_mutex (us), spin_tas failing every repetition via
SkipWithError, a fifo pingpong in process mode with params and latency
counters (ms), and unsync with lost updates (s).
"""
import csv
import io
import json
import os
import subprocess

import pytest

from contend.core import schema
from contend.run import gbench
from support.paths import FIXTURES, PYTHON
from support.processes import script_env

FIXTURE = os.path.join(FIXTURES, "gbench_1.7.1_counter.json")
STD_MUTEX = "counter/increment/std_mutex"


@pytest.fixture(scope="module")
def rows():
    return gbench.rows_from_report(gbench.load_report(FIXTURE))


def pick(rows, family, benchmark, impl):
    return [r for r in rows if (r["family"], r["benchmark"], r["impl"]) == (family, benchmark, impl)]


def test_one_row_per_repetition_and_aggregates_skipped(rows):
    # 4 instances x 3 repetitions; the file also holds 12 aggregate entries.
    assert len(rows) == 12
    with open(FIXTURE) as f:
        report = json.load(f)
    assert sum(b["run_type"] == "aggregate" for b in report["benchmarks"]) == 12
    assert [r["repetition"] for r in pick(rows, "counter", "increment", "std_mutex")] == [0, 1, 2]


def test_rows_have_exactly_the_schema_columns(rows):
    for row in rows:
        assert list(row) == schema.COLUMNS


def test_identity_from_name_with_manual_time_suffix_dropped(rows):
    row = pick(rows, "counter", "increment", "std_mutex")[0]
    assert row["mode"] == "thread"
    assert row["threads"] == 2
    assert (row["producers"], row["consumers"]) == (0, 0)
    assert row["placement"] == "compact"
    assert row["oversubscribed"] is False
    assert row["params"] == ""
    assert row["schema_version"] == schema.SCHEMA_VERSION


def test_placements_column_comes_from_the_name(rows):
    # The 1.7.1 fixture predates the placements segment: a map of its own.
    assert pick(rows, "counter", "increment", "std_mutex")[0]["placements"] == "compact"
    run = {"name": "counter/increment/x/mode:thread/threads:2/producers:0/consumers:0"
                   "/placement:compact/placements:compact+scatter/oversub:0/manual_time",
           "run_type": "iteration", "real_time": 1.0, "time_unit": "s", "items_per_second": 5.0}
    row = gbench.row_from_run(run)
    assert (row["placement"], row["placements"]) == ("compact", "compact+scatter")
    assert row["params"] == ""


def test_exact_values_microseconds(rows):
    row = pick(rows, "counter", "increment", "std_mutex")[0]
    assert row["seconds"] == pytest.approx(5.7105108259823760e+00 * 1e-6, rel=1e-12)
    assert row["items_per_second"] == 3.5023136474939456e+09
    assert row["ns_per_item"] == pytest.approx(1e9 / 3.5023136474939456e+09, rel=1e-12)
    assert row["items"] == 20000.0
    assert row["fairness"] == 0.99
    assert row["lost"] == 0.0
    assert row["p50_ns"] is None and row["p99_ns"] is None and row["p999_ns"] is None
    assert row["error"] == ""


def test_time_units_milliseconds_and_seconds(rows):
    fifo = pick(rows, "fifo", "pingpong", "moodycamel")[0]
    assert fifo["seconds"] == pytest.approx(5.7487913669064814e-03 * 1e-3, rel=1e-12)
    unsync = pick(rows, "counter", "increment", "unsync")[0]
    assert unsync["seconds"] == pytest.approx(5.8382621564482109e-06, rel=1e-12)


def test_params_and_latency_counters(rows):
    fifo = pick(rows, "fifo", "pingpong", "moodycamel")[0]
    assert fifo["params"] == "capacity=64;payload=8"
    assert fifo["mode"] == "process"
    assert (fifo["producers"], fifo["consumers"]) == (1, 1)
    assert fifo["placement"] == "scatter"
    assert (fifo["p50_ns"], fifo["p99_ns"], fifo["p999_ns"]) == (120.0, 800.0, 2500.0)


def test_lost_updates_are_kept(rows):
    assert {r["lost"] for r in pick(rows, "counter", "increment", "unsync")} == {1234.0}


def test_error_rows_have_message_and_no_measurement(rows):
    errors = pick(rows, "counter", "increment", "spin_tas")
    assert [r["repetition"] for r in errors] == [0, 1, 2]
    for row in errors:
        assert row["error"] == "final count 3999 != expected 4000"
        for column in ("items", "seconds", "items_per_second", "ns_per_item", "fairness", "lost"):
            assert row[column] is None
        assert row["threads"] == 2


def test_build_context(rows):
    context = gbench.build_context(gbench.load_report(FIXTURE))
    assert context["benchmark_version"] == "1.7.1"
    assert context["git_sha"] == "abc1234"
    assert "library_build_type" not in context


def run_entry(tmp_path, text, name="report.json"):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    with pytest.raises(gbench.GbenchError) as err:
        gbench.load_report(str(path))
    return str(err.value)


def test_missing_file(tmp_path):
    assert "does not exist" in run_entry(tmp_path, None)


def test_empty_file(tmp_path):
    assert "empty" in run_entry(tmp_path, "")


def test_malformed_json(tmp_path):
    assert "malformed JSON" in run_entry(tmp_path, '{"context": {"date": "2024')


def test_json_that_is_not_gbench(tmp_path):
    assert "benchmarks" in run_entry(tmp_path, '{"hello": 1}')


def test_unknown_time_unit():
    run = {"name": "counter/increment/x/mode:thread/threads:1/producers:0/consumers:0"
                   "/placement:compact/oversub:0", "run_type": "iteration",
           "real_time": 1.0, "time_unit": "fortnights", "items_per_second": 1.0}
    with pytest.raises(gbench.GbenchError, match="time_unit"):
        gbench.row_from_run(run)


def test_foreign_benchmark_name_is_an_error():
    with pytest.raises(gbench.GbenchError, match="not a contend benchmark name"):
        gbench.row_from_run({"name": "BM_Foo/8", "run_type": "iteration"})


def test_missing_rate_is_flagged_not_silently_empty():
    run = {"name": "counter/increment/x/mode:thread/threads:1/producers:0/consumers:0"
                   "/placement:compact/oversub:0/manual_time",
           "run_type": "iteration", "repetition_index": 0, "real_time": 2.0, "time_unit": "ns"}
    row = gbench.row_from_run(run)
    assert row["seconds"] == pytest.approx(2e-9)
    assert row["error"] == "no items_per_second reported"


def test_nan_counter_becomes_empty():
    run = {"name": "counter/increment/x/mode:thread/threads:1/producers:0/consumers:0"
                   "/placement:compact/oversub:0", "run_type": "iteration",
           "real_time": 1.0, "time_unit": "s", "items_per_second": 5.0,
           "fairness": float("nan")}
    assert gbench.row_from_run(run)["fairness"] is None


def converter(*args):
    return subprocess.run([PYTHON, "-m", "contend.run.gbench", *args], capture_output=True,
                          text=True, env=script_env(), timeout=60)


def test_converter_cli_writes_schema_csv():
    done = converter(FIXTURE)
    assert done.returncode == 0, done.stderr
    table = list(csv.reader(io.StringIO(done.stdout)))
    assert table[0] == schema.COLUMNS
    assert len(table) == 13


@pytest.mark.parametrize("content", [None, "{not json"])
def test_converter_cli_bad_input_is_one_line(tmp_path, content):
    path = tmp_path / "x.json"
    if content is not None:
        path.write_text(content)
    done = converter(str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("gbench: error: ")
