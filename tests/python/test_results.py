"""results.py: loading runs, refusing bad ones in one line; which instances may win."""
import json

import pandas as pd
import pytest

from contend.core import instance_summary, results, schema
from contend.core.cli import UsageError
from support import synthetic_runs

RUNS = synthetic_runs.committed_runs()


def test_committed_fixture_loads_typed():
    run = results.load_run(RUNS["two_core"])
    df = run.df
    assert list(df.columns[:len(schema.COLUMNS)]) == schema.COLUMNS
    assert df["threads"].dtype.kind == "i" and df["oversubscribed"].dtype == bool
    assert df["items_per_second"].dtype.kind == "f"
    assert (df["params"].isin(["", "batch=1"])).all()        # empty stays "", not NaN
    assert df["oversubscribed"].sum() > 0
    assert run.machine["cores"] == 2 and run.cores == 2
    assert run.machine_id == "pc2-1f0e2d3c" and run.git_sha == "1a2b3c4"
    assert len(results.error_rows(df)) == 1


def test_csv_path_works_like_the_folder(tmp_path):
    by_dir = results.load_run(RUNS["two_core"])
    by_csv = results.load_run(RUNS["two_core"] / "results.csv")
    assert len(by_dir.df) == len(by_csv.df) and by_csv.machine == by_dir.machine


def test_machine_json_is_optional_and_cores_inferred(tmp_path):
    rows = synthetic_runs.make_rows(cores=4, repetitions=2)
    synthetic_runs.write_run(tmp_path / "run", rows, machine=None)
    run = results.load_run(tmp_path / "run")
    assert run.machine == {} and run.cores == 4


def test_instance_summary_keeps_error_instances_without_numbers(tmp_path):
    rows = synthetic_runs.make_rows(repetitions=1, families=("counter",),
                                    error_at=("std_mutex", 2, "compact", 0))
    synthetic_runs.write_run(tmp_path / "run", rows)
    summary = instance_summary.summarise(results.load_run(tmp_path / "run").df)
    failed = summary.loc[summary["errors"] > 0]
    assert len(failed) == 1 and failed["median"].isna().all()
    assert "count check failed" in failed["error"].iloc[0]
    ok = summary.loc[summary["errors"] == 0]
    assert ok["median"].notna().all() and (ok["n"] == 1).all()


def _write(tmp_path, text, name="results.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _header():
    return ",".join(schema.COLUMNS)


def _line(**changes):
    row = synthetic_runs.make_rows(repetitions=1, families=("counter",))[0]
    row.update(changes)
    return ",".join(str(row[c]) for c in schema.COLUMNS)


@pytest.mark.parametrize("content, message", [
    ("", "empty file"),
    ("\x00\x01\x02garbage\xff", "not a contend results CSV"),
    ("a,b\n1,2\n", "not a contend results CSV"),
    (_header() + "\n", "no rows"),
    ("schema_version,family\n1,counter\n", "missing columns: run_id"),
    (_header() + "\n" + _line() + "\n" + _line(schema_version=1) + "\n", "mixed schema versions"),
    (_header() + "\n" + _line(schema_version=99) + "\n", "schema version '99'"),
    (_header() + "\n" + _line(threads="two") + "\n", "column threads"),
    (_header() + "\n" + _line(oversubscribed="maybe") + "\n", "column oversubscribed"),
    (_header() + "\n" + _line(items_per_second="") + "\n", "no items_per_second and no error"),
])
def test_bad_csv_is_one_clear_usage_error(tmp_path, content, message):
    path = _write(tmp_path, content)
    with pytest.raises(UsageError) as caught:
        results.load_run(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_binary_file_is_not_a_csv(tmp_path):
    path = tmp_path / "results.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UsageError, match="not a"):
        results.load_run(path)


def test_missing_paths_and_bad_machine_json(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        results.load_run(tmp_path / "nope")
    with pytest.raises(UsageError, match="no results.csv"):
        results.load_run(tmp_path)
    synthetic_runs.write_run(tmp_path / "run", synthetic_runs.make_rows(repetitions=1))
    (tmp_path / "run" / "machine.json").write_text("{not json")
    with pytest.raises(UsageError, match="machine.json: not valid JSON"):
        results.load_run(tmp_path / "run")
    (tmp_path / "run" / "machine.json").write_text(json.dumps([1, 2]))
    with pytest.raises(UsageError, match="expected a JSON object"):
        results.load_run(tmp_path / "run")


def test_error_rows_need_no_numbers(tmp_path):
    path = _write(tmp_path, _header() + "\n" + _line(items_per_second="", items="", seconds="",
                                                     ns_per_item="", error="timeout after 60 s") + "\n")
    df = results.load_run(path).df
    assert df["items_per_second"].isna().all() and len(results.valid_rows(df)) == 0


def test_eligibility_refuses_failures_lost_updates_and_no_number_but_not_unstable():
    nan = float("nan")
    summary = pd.DataFrame({
        "impl": ["fine", "shaky", "failed_once", "racy", "all_failed", "racy_and_failed"],
        "median": [1e6, 2e6, 3e6, 9e6, nan, 9e6],
        "errors": [0, 0, 1, 0, 3, 2],
        "lost": [0.0, nan, 0.0, 5.0, nan, 5.0],
        "unstable": [False, True, False, False, False, False],
    })
    assert list(instance_summary.eligible(summary)) == [True, True, False, False, False, False]
    assert list(instance_summary.ineligibility(summary)) == [
        "", "", "errors", "lost updates", "errors", "errors"]
    # A summary without the counters (a family that has no lost column) is judged on the rest.
    bare = summary[["impl", "median"]]
    assert list(instance_summary.ineligibility(bare)) == ["", "", "", "", "no number", ""]
