"""One summary per run (contend.core.instance_summary): summary.csv reads back
exactly what summarise computes, every tool gets it from of(run), which
reads it when it summarises this very results.csv and summarises afresh
otherwise, once per run."""
import json
import shutil

import pandas as pd
import pytest

from contend.core import instance_summary, results
from contend.gate import pooled_run
from support import synthetic_runs


@pytest.fixture
def run_dir(tmp_path):
    """A run with rounds, an error row, open-loop latency rows and one that
    fell behind: every kind of column summary.csv carries."""
    rows = synthetic_runs.make_rows(seed=3, rounds=3, repetitions=2, round_noise=0.05,
                                    error_at=("spin_ttas", 2, "compact", 1))
    rows += synthetic_runs.make_open_loop_rows(seed=3, behind={("mutex_deque", 50)})
    return synthetic_runs.write_run(tmp_path / "run", rows,
                                    synthetic_runs.machine_json(**synthetic_runs.TWO_CORE))


def summarised(run_dir):
    """Writes summary.csv as bench_all does; returns the computed summary."""
    run = results.load_run(run_dir)
    computed = instance_summary.summarise(run.df)
    machine = dict(run.machine, summary=instance_summary.write(computed, run.csv_path))
    (run_dir / "machine.json").write_text(json.dumps(machine))
    return computed


def forbid_summarising(monkeypatch):
    def fail(df):
        raise AssertionError("summarised again")
    monkeypatch.setattr(instance_summary, "summarise", fail)


def test_summary_csv_reads_back_exactly_what_was_computed(run_dir):
    computed = summarised(run_dir)
    assert computed["error"].ne("").any() and computed["ineligible"].ne("").any()
    assert (computed["kept_up_share"] == 0).any() and (computed["kept_up_share"] == 1).any()
    back = instance_summary.read(run_dir / "summary.csv")
    pd.testing.assert_frame_equal(back, computed, check_exact=True)
    assert list(back.columns) == instance_summary.SUMMARY_COLUMNS


def test_a_run_with_its_summary_is_not_summarised_again(run_dir, monkeypatch):
    computed = summarised(run_dir)
    forbid_summarising(monkeypatch)
    pd.testing.assert_frame_equal(instance_summary.of(results.load_run(run_dir)), computed,
                                  check_exact=True)


def test_a_run_without_one_is_summarised_once(run_dir, monkeypatch):
    calls = []
    summarise = instance_summary.summarise
    monkeypatch.setattr(instance_summary, "summarise", lambda df: calls.append(1) or summarise(df))
    run = results.load_run(run_dir)
    first = instance_summary.of(run)
    first["scratch"] = 1                       # a caller's column stays its own
    second = instance_summary.of(run)
    assert len(calls) == 1 and "scratch" not in second
    assert not (run_dir / "summary.csv").exists()   # a reading tool writes nothing


def test_a_results_csv_changed_after_its_summary_is_summarised_afresh(run_dir):
    summarised(run_dir)
    csv = run_dir / "results.csv"
    rows = pd.read_csv(csv, dtype=str, keep_default_na=False)
    rows = rows.loc[rows["impl"] != "std_mutex"]           # trimmed by hand
    rows.to_csv(csv, index=False)
    fresh = instance_summary.of(results.load_run(run_dir))
    assert "std_mutex" not in set(fresh["impl"])
    pd.testing.assert_frame_equal(fresh, instance_summary.summarise(results.load_run(run_dir).df))


def test_an_older_summary_csv_is_summarised_afresh(run_dir, tmp_path):
    computed = summarised(run_dir)
    older = pd.read_csv(run_dir / "summary.csv", dtype=str, keep_default_na=False)
    older.drop(columns=["q1", "q3"]).to_csv(run_dir / "summary.csv", index=False)
    assert instance_summary.read(run_dir / "summary.csv") is None
    pd.testing.assert_frame_equal(instance_summary.of(results.load_run(run_dir)), computed)


def test_a_pooled_run_does_not_inherit_a_summary(run_dir, tmp_path, monkeypatch):
    summarised(run_dir)
    again = shutil.copytree(run_dir, tmp_path / "again")
    pooled = pooled_run.pool([run_dir, again], tmp_path / "pooled", "pooled")
    assert "summary" not in pooled.machine
    calls = []
    summarise = instance_summary.summarise
    monkeypatch.setattr(instance_summary, "summarise", lambda df: calls.append(1) or summarise(df))
    assert (instance_summary.of(pooled)["rounds"] == 6).any() and calls == [1]
