"""impl/contend/harness/counter_names.h against scripts/contend/core/schema.py.

The C++ constants name the Google Benchmark counters; schema.COUNTER_COLUMNS
names the CSV columns gbench.py fills from them. A counter the CSV does not
know is dropped on the way, and a column no counter fills stays empty, so
the two lists must agree in both directions.
"""
import os
import re

from contend.core import schema
from contend.run import gbench
from support.paths import REPO

HEADER = os.path.join(REPO, "impl", "contend", "harness", "counter_names.h")
CONSTANT = re.compile(r'^\s*inline\s+constexpr\s+char\s+(k\w+)\[\]\s*=\s*"([^"]*)"\s*;', re.M)

# The columns no counter fills, and who fills them instead: bench_all stamps
# the run's (schema_version, run_id, machine_id, timestamp_utc, git_sha,
# round), the instance name gives the identity, Google Benchmark's own
# fields give repetition, seconds and items_per_second (ns_per_item from
# it), and gbench.py writes error. A new column must be added here or to
# schema.COUNTER_COLUMNS (and then counter_names.h): this test decides.
FILLED_ELSEWHERE = {
    "schema_version", "run_id", "machine_id", "timestamp_utc", "git_sha",
    "family", "benchmark", "params", "impl", "mode", "threads", "producers", "consumers",
    "placement", "placements", "oversubscribed", "round", "repetition",
    "core_kinds",   # the instance name's kinds: segment (hybrid machines)
    "seconds", "items_per_second", "ns_per_item", "error",
    "latency_of",   # gbench.py, from the benchmark (schema.LATENCY_OF)
    "floor_of", "floor_ns", "floor_ratio",   # bench_all, from machine.json's calibration
}


def counter_names():
    """{constant: counter name} as counter_names.h declares them."""
    with open(HEADER, encoding="utf-8") as f:
        return dict(CONSTANT.findall(f.read()))


def test_the_header_declares_constants():
    names = counter_names()
    assert names, f"no `inline constexpr char kName[] = \"...\";` found in {HEADER}"
    assert len(set(names.values())) == len(names), f"a counter named twice: {names}"


def test_every_counter_has_its_column():
    missing = sorted(set(counter_names().values()) - set(schema.COUNTER_COLUMNS))
    assert not missing, f"counters in counter_names.h without a schema.COUNTER_COLUMNS entry: {missing}"


def test_every_counter_column_has_its_counter():
    missing = sorted(set(schema.COUNTER_COLUMNS) - set(counter_names().values()))
    assert not missing, f"schema.COUNTER_COLUMNS without a constant in counter_names.h: {missing}"


def test_every_column_is_a_counter_or_filled_elsewhere():
    columns = set(schema.COLUMNS)
    assert set(schema.COUNTER_COLUMNS) <= columns
    assert not set(schema.COUNTER_COLUMNS) & FILLED_ELSEWHERE
    undecided = sorted(columns - set(schema.COUNTER_COLUMNS) - FILLED_ELSEWHERE)
    assert not undecided, f"columns neither filled by a counter nor elsewhere: {undecided}"
    assert not FILLED_ELSEWHERE - columns, "FILLED_ELSEWHERE names a column the schema dropped"


def test_gbench_copies_each_counter_into_its_column():
    counters = {name: float(i + 1) for i, name in enumerate(counter_names().values())}
    run = {"name": "counter/increment/unsync/mode:thread/threads:1/producers:0/consumers:0"
                   "/placement:compact/placements:compact/oversub:0/manual_time",
           "run_type": "iteration", "real_time": 1.0, "time_unit": "ms",
           "items_per_second": 1e6, **counters}
    row = gbench.row_from_run(run)
    # kept_up is a flag: any non-zero counter reads as true.
    expected = {**counters, "kept_up": True}
    assert {name: row[name] for name in counters} == expected


def test_kept_up_zero_is_false_and_latency_of_names_the_benchmark():
    run = {"name": "fifo/latency/mutex_deque/mode:thread/threads:2/producers:1/consumers:1"
                   "/placement:compact/placements:compact/oversub:0/load_pct:50/manual_time",
           "run_type": "iteration", "real_time": 1.0, "time_unit": "ms",
           "items_per_second": 1e6, "kept_up": 0.0, "latency_samples": 0.0}
    row = gbench.row_from_run(run)
    assert row["kept_up"] is False and row["latency_of"] is None
    row = gbench.row_from_run({**run, "kept_up": 1.0, "latency_samples": 500.0})
    assert row["kept_up"] is True and row["latency_of"] == "since_intended_send"
