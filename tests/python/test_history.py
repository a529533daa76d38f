"""history.py: recording runs per machine, finding steps, plotting them."""
import math
import random
import sys
from pathlib import Path

import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
sys.path.insert(0, str(HERE / "fixtures" / "runs"))
import synthetic_runs as synth  # noqa: E402
from contend import history, results  # noqa: E402
from contend.cli import UsageError  # noqa: E402
from tool_helpers import run_tool, stderr_lines  # noqa: E402


def noisy_series(levels, noise=0.02, seed=0):
    rng = random.Random(seed)
    return [level * math.exp(rng.gauss(0, noise)) for level in levels]


def test_a_step_is_found_where_it_happens():
    values = noisy_series([100.0] * 8 + [75.0] * 6)
    steps = history.detect_steps(values)
    assert len(steps) == 1 and steps[0][0] == 8 and steps[0][1] == pytest.approx(0.75, abs=0.03)


def test_two_steps_and_no_false_steps_in_noise():
    assert [k for k, _ in history.detect_steps(noisy_series([10] * 5 + [13] * 5 + [9] * 5))] == [5, 10]
    for seed in range(50):
        assert history.detect_steps(noisy_series([100.0] * 20, noise=0.03, seed=seed)) == []


def test_one_outlier_run_is_not_a_step():
    values = noisy_series([100.0] * 12)
    values[6] = 60.0
    assert history.detect_steps(values) == []


def test_too_short_series_has_no_steps():
    assert history.detect_steps([1.0, 2.0, 3.0]) == []


def record_runs(tmp_path, count=10, step_at=6):
    """`count` runs of one machine, std_mutex 25% slower from run `step_at` on."""
    directory = tmp_path / "history"
    for i in range(count):
        rows = synth.make_rows(seed=i, repetitions=3, families=("counter",),
                               git_sha=f"{i:07x}", run_id=f"2025010{i}T000000Z",
                               slowdown={"std_mutex": 0.75} if i >= step_at else None)
        for row in rows:
            row["timestamp_utc"] = f"2025-01-{i + 1:02d}T00:00:00Z"
        run = synth.write_run(tmp_path / "runs" / str(i), rows, synth.machine_json(**synth.TWO_CORE))
        history.record(results.load_run(run), directory)
    return directory / "pc2-1f0e2d3c.csv"


def test_record_and_rerecord(tmp_path):
    path = record_runs(tmp_path, count=2)
    df = history.load_history(path)
    assert list(df.columns) == history.HISTORY_COLUMNS
    assert df["run_id"].nunique() == 2 and len(df) == 2 * 24
    run = results.load_run(tmp_path / "runs" / "1")
    history.record(run, path.parent)                      # same run again: replaced
    assert len(history.load_history(path)) == 2 * 24


def test_history_steps_are_reported_and_plotted(tmp_path):
    path = record_runs(tmp_path)
    steps = history.all_steps(history.load_history(path))
    assert {s["impl"] for s in steps} == {"std_mutex"}
    assert {s["sha"] for s in steps} == {f"{6:07x}"}
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
        history.load_history(bad)
    done = run_tool("plot", "--history", bad)
    assert done.returncode == 2 and len(stderr_lines(done)) == 1
    header_only = tmp_path / "h.csv"
    pd.DataFrame(columns=history.HISTORY_COLUMNS).to_csv(header_only, index=False)
    with pytest.raises(UsageError, match="no rows"):
        history.load_history(header_only)
