"""contend.history (store, steps): recording runs per machine, finding steps, plotting them."""
import math
import random

import pandas as pd
import pytest

from contend.core import results
from contend.core.cli import UsageError
from contend.history import steps, store
from support import synthetic_runs as synth
from support.tools import run_tool, stderr_lines


def noisy_series(levels, noise=0.02, seed=0):
    rng = random.Random(seed)
    return [level * math.exp(rng.gauss(0, noise)) for level in levels]


def test_a_step_is_found_where_it_happens():
    values = noisy_series([100.0] * 8 + [75.0] * 6)
    found = steps.detect_steps(values)
    assert len(found) == 1 and found[0][0] == 8 and found[0][1] == pytest.approx(0.75, abs=0.03)


def test_two_steps_and_no_false_steps_in_noise():
    assert [k for k, _ in steps.detect_steps(noisy_series([10] * 5 + [13] * 5 + [9] * 5))] == [5, 10]
    for seed in range(50):
        assert steps.detect_steps(noisy_series([100.0] * 20, noise=0.03, seed=seed)) == []


def test_one_outlier_run_is_not_a_step():
    values = noisy_series([100.0] * 12)
    values[6] = 60.0
    assert steps.detect_steps(values) == []


def test_too_short_series_has_no_steps():
    assert steps.detect_steps([1.0, 2.0, 3.0]) == []


def test_record_and_rerecord(tmp_path):
    path = synth.record_history(tmp_path, count=2)
    df = store.load_history(path)
    assert list(df.columns) == store.HISTORY_COLUMNS
    assert df["run_id"].nunique() == 2 and len(df) == 2 * 24
    run = results.load_run(tmp_path / "runs" / "1")
    store.record(run, path.parent)                      # same run again: replaced
    assert len(store.load_history(path)) == 2 * 24


def test_history_steps_are_reported_and_plotted(recorded_history):
    path = recorded_history
    found = steps.all_steps(store.load_history(path))
    assert {s["impl"] for s in found} == {"std_mutex"}
    assert {s["sha"] for s in found} == {f"{6:07x}"}
    done = run_tool("plot", "--history", path)
    assert done.returncode == 0, done.stderr
    report = path.parent / "pc2-1f0e2d3c" / "report"
    assert done.stdout.strip().endswith(str(report / "index.html"))
    assert "step(s) detected" in done.stdout and "std_mutex" in done.stdout
    assert [p.name for p in report.glob("*.png")] == ["history-counter-increment-thread.png"]
    page = (report / "index.html").read_text()
    # The PNG stays, linked; the page's figure is interactive.
    assert 'href="history-counter-increment-thread.png"' in page
    assert 'id="hist-counter-increment-thread"' in page and (report / "plotly.js").is_file()


def test_bad_history_files(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(UsageError, match="not a contend history file"):
        store.load_history(bad)
    done = run_tool("plot", "--history", bad)
    assert done.returncode == 2 and len(stderr_lines(done)) == 1
    header_only = tmp_path / "h.csv"
    pd.DataFrame(columns=store.HISTORY_COLUMNS).to_csv(header_only, index=False)
    with pytest.raises(UsageError, match="no rows"):
        store.load_history(header_only)
