"""scripts/plot's latency pictures: hockey sticks, percentile distributions,
lock figures; present for runs with such rows, absent otherwise."""
import math
import shutil

import numpy as np
import pytest

from contend.core import instance_name, instance_summary, latency, results
from contend.report import distribution, hockey, latency_figures, latency_style, locks
from support import synthetic_runs
from support.tools import frame, run_tool, stderr_lines

# mutex_deque sustains 3.6M items/s: at 95% of 4M it falls behind in every
# repetition. moodycamel falls behind in one repetition there (PARTLY_BEHIND):
# its other repetitions have latencies, which must not be drawn either.
LOADS = (50, 95)
LATENCY_COLUMNS = ["p50_ns", "p90_ns", "p99_ns", "p999_ns", "p9999_ns", "max_ns",
                   "latency_samples", "latency_of"]


def latency_rows():
    rows = synthetic_runs.make_open_loop_rows(families=("fifo",), loads=LOADS, seed=11)
    for r in rows:
        if (r["impl"], r["params"], r["round"], r["repetition"]) == PARTLY_BEHIND:
            r.update(kept_up=False, **dict.fromkeys(LATENCY_COLUMNS, ""))
        if (r["impl"], r["params"], r["round"]) == FAILED_ROUND:
            _fail(r)
    rows += synthetic_runs.make_lock_rows(cs_ns=(100, 1000), think_ns=(0, 1000), seed=12)
    rows += pingpong_rows()
    return rows


PARTLY_BEHIND = ("moodycamel", "capacity=0;load_pct=95;payload=8;wait=spin", 0, 1)
# A round whose process failed (3 error rows): the instance is drawn from the other.
FAILED_ROUND = ("boost_lockfree_queue", "capacity=65536;load_pct=50;payload=8;wait=spin", 1)


def _fail(row):
    row.update(dict.fromkeys(["items", "seconds", "items_per_second", "ns_per_item",
                              "offered_per_second", "kept_up"] + LATENCY_COLUMNS, ""),
               error="lost items: 3 of 200000 never arrived")


def pingpong_rows():
    """Round trips: the fifo rows of the classic fixture at 2 workers, relabelled."""
    rows = synthetic_runs.make_rows(families=("fifo",), placements=("compact",), rounds=2,
                                    repetitions=2, seed=13)
    rows = [dict(r) for r in rows if r["threads"] == 2]
    for r in rows:
        r.update(benchmark="pingpong", params="payload=8;wait=spin", producers=1, consumers=1,
                 latency_of="round_trip")
    return rows


@pytest.fixture(scope="module")
def plotted(tmp_path_factory):
    """One synthetic run with latency rows and .hgrm files, plotted once."""
    run = tmp_path_factory.mktemp("latency") / "run"
    rows = latency_rows()
    synthetic_runs.write_run(run, rows, synthetic_runs.machine_json(**synthetic_runs.TWO_CORE))
    synthetic_runs.write_hgrm_files(run, rows, samples=800)
    done = run_tool("plot", run)
    assert done.returncode == 0, done.stderr
    return run


EXPECTED_LATENCY_PNGS = {
    "fifo-latency-load-payload_8_wait_spin-p1c1-t2-compact-thread.png",
    "fifo-latency-load-payload_8_wait_block-p1c1-t2-compact-thread.png",
    "fifo-latency-percentiles-payload_8_wait_spin-p1c1-t2-compact-thread.png",
    "fifo-latency-percentiles-payload_8_wait_block-p1c1-t2-compact-thread.png",
    "fifo-pingpong-percentiles-compact-thread.png",
    "counter-critical_section-locks-t2-compact-thread.png",
}


def test_a_run_with_latency_rows_gets_the_latency_figures(plotted):
    pngs = {p.name for p in (plotted / "report").glob("*.png")}
    assert EXPECTED_LATENCY_PNGS <= pngs
    # Open-loop rows get no throughput-against-workers figure (throughput
    # there is the offered load); pingpong and critical sections keep theirs.
    assert not [p for p in pngs if p.startswith("fifo-latency-capacity")]
    assert "fifo-pingpong-payload_8_wait_spin-thread.png" in pngs
    assert "counter-critical_section-cs_ns_100_think_ns_0-thread.png" in pngs
    page = (plotted / "report" / "index.html").read_text()
    # Latency pictures shown from the files beside the page, the rest linked.
    for png in EXPECTED_LATENCY_PNGS:
        assert f'src="{png}"' in page, png
    for png in pngs - EXPECTED_LATENCY_PNGS:
        assert f'href="{png}"' in page, png
    assert 'src="data:image/png;base64,' not in page
    for text in (">fifo: Latency under offered load</h3>",
                 ">counter: Locks against critical-section length</h3>",
                 ">fifo: Latency distributions</h3>",
                 "How to read the latency figures", "1/(1-percentile)"):
        assert text in page, text


def test_report_tables_show_the_v3_latency_columns(plotted):
    page = (plotted / "report" / "index.html").read_text()
    fifo = page[page.index('<section id="fifo">'):]
    header = fifo[fifo.index("<thead>"):fifo.index("</thead>")]
    for column in ("latency of", "offered/s", "kept up", "p50 ns", "p90 ns", "p99 ns",
                   "p99.9 ns", "max ns"):
        assert f"<th>{column}</th>" in header, column
    assert "<td>since_intended_send</td>" in fifo
    assert '<td class="behind">no</td>' in fifo            # mutex_deque at 95%
    assert '<td class="behind">5/6</td>' in fifo           # moodycamel at 95%
    counter = page[page.index('<section id="counter">'):page.index('<section id="fifo">')]
    assert "<th>hand-over p50 ns</th>" in counter and "<th>kept up</th>" not in counter
    assert "open-loop latency benchmarks are not ranked" in page


def test_a_run_without_latency_rows_gets_none(tmp_path):
    run = shutil.copytree(synthetic_runs.committed_runs()["two_core"], tmp_path / "run")
    done = run_tool("plot", run)
    assert done.returncode == 0, done.stderr
    pngs = sorted(p.name for p in (run / "report").glob("*.png"))
    assert pngs == ["counter-increment-thread.png", "fifo-throughput-batch_1-thread.png"]
    page = (run / "report" / "index.html").read_text()
    for heading in ("Latency under offered load", "Latency distributions",
                    "Locks against critical-section length", "How to read the latency figures"):
        assert heading not in page, heading
    assert "<th>kept up</th>" not in page and "<th>p90 ns</th>" not in page


def latency_summary(run):
    """The run's summary with latency medians over rounds, as plot draws it."""
    return latency.with_latency(instance_summary.of(run), run.df)


def draw_latency(run_dir, out):
    """latency_figures.draw on a run folder: [(key, png)]."""
    run = results.load_run(run_dir)
    return latency_figures.draw(run, latency_summary(run), out)


def test_without_hgrm_files_there_is_no_distribution_figure(tmp_path):
    """No empty figures: the hockey stick needs only the CSV, the
    distribution needs at least one histogram."""
    rows = synthetic_runs.make_open_loop_rows(families=("spsc",), loads=(50,), seed=14)
    drawn = draw_latency(synthetic_runs.write_run(tmp_path / "run", rows), tmp_path)
    assert [png.name for _, png in drawn] == [
        "spsc-latency-load-payload_8_wait_spin-p1c1-t2-compact-thread.png"]


# ---- what is drawn ------------------------------------------------------------------

def _open_loop_group(run_dir, wait="spin"):
    run = results.load_run(run_dir)
    per_instance = latency_summary(run)
    rows = latency_style.with_line_labels(hockey.open_loop_rows(per_instance))
    for key, group in hockey.groups(rows):
        if f"wait={wait}" in key["scenario"]:
            return run, key, group, latency_style.line_styles(rows["line"])
    raise AssertionError(f"no wait={wait} group")


def test_did_not_keep_up_is_marked_not_drawn_as_a_latency(plotted):
    run, key, group, styles = _open_loop_group(plotted)
    behind = group.loc[group["did_not_keep_up"]]
    assert sorted(zip(behind["impl"], behind["load"])) == [("moodycamel", 95.0),
                                                           ("mutex_deque", 95.0)]
    partly = behind.loc[behind["impl"] == "moodycamel"].iloc[0]
    assert partly["p50_ns"] > 0 and partly["p99_ns"] > 0        # numbers exist, yet...
    fig = hockey.hockey_figure(group, styles, key, run.label)
    ax = fig.axes[0]
    for impl in ("mutex_deque", "moodycamel"):
        colour = styles[impl]["color"]
        curves = [line for line in ax.lines
                  if line.get_color() == colour and line.get_ls() != "None"]
        assert len(curves) == 2                                  # p50 and p99
        for line in curves:
            y = dict(zip(line.get_xdata(), np.asarray(line.get_ydata(), dtype=float)))
            assert math.isfinite(y[50.0]) and math.isnan(y[95.0])
    marks = [line for line in ax.lines if line.get_marker() == "x"]
    assert sorted(m.get_color() for m in marks) == sorted(
        styles[impl]["color"] for impl in ("mutex_deque", "moodycamel"))
    for mark in marks:                      # side by side around 95%, on the top edge
        assert mark.get_xdata()[0] == pytest.approx(95.0, abs=2.0)
        assert mark.get_ydata()[0] == 1.0                        # axes fraction
    assert marks[0].get_xdata()[0] != marks[1].get_xdata()[0]
    assert "did not keep up" in " ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "3 error rows not drawn" in " ".join(t.get_text() for t in fig.texts)   # the title
    colour = styles["boost_lockfree_queue"]["color"]
    p50 = next(line for line in ax.lines if line.get_color() == colour and line.get_ls() == "-")
    assert math.isfinite(dict(zip(p50.get_xdata(), p50.get_ydata()))[50.0])   # round 0


def test_the_distribution_leaves_out_who_did_not_keep_up(plotted):
    run, key, group, styles = _open_loop_group(plotted)
    at_95 = group.loc[group["load"] == 95.0]
    mutex = at_95.loc[at_95["impl"] == "mutex_deque"].iloc[0]
    assert instance_name.hgrm_path(plotted, mutex, 0).is_file()    # it did record a backlog
    rounds = latency_figures.rounds_by_instance(run.df)
    curves, notes = distribution._load(distribution.Panel("95%", at_95), plotted, rounds)
    drawn = {label for label, _, _ in curves}
    assert drawn == set(at_95["impl"]) - {"mutex_deque", "moodycamel"}
    assert notes == ["did not keep up: moodycamel, mutex_deque"]
    # Every round of every other impl is its own line.
    assert len(curves) == 2 * len(drawn)


def test_a_value_is_the_median_over_rounds_not_over_repetitions():
    rows = synthetic_runs.make_open_loop_rows(families=("spsc",), loads=(50,), rounds=3,
                                              repetitions=3, seed=15)
    rows = [r for r in rows if r["impl"] == "boost_spsc_queue"]
    p50 = {0: [100.0] * 3, 1: [150.0] * 3, 2: [1000.0] * 7}      # a round with more repetitions
    extra = [dict(rows[-1], repetition=k) for k in range(3, 7)]
    rows = rows + extra
    for r in rows:
        r["p50_ns"] = p50[r["round"]][r["repetition"]]
    df = frame(rows)
    summary = latency.with_latency(instance_summary.summarise(df), df)
    assert summary["p50_ns"].tolist() == [150.0]                 # rounds: 100, 150, 1000
    assert instance_summary.summarise(df)["p50_ns"].tolist() == [1000.0]   # all 13 repetitions


def test_one_repetition_behind_makes_the_instance_behind():
    rows = synthetic_runs.make_open_loop_rows(families=("spsc",), loads=(50,), rounds=1,
                                              repetitions=3, seed=16)
    rows = [r for r in rows if r["impl"] == "moodycamel_rwqueue"]
    rows[1].update(kept_up=False, **dict.fromkeys(["p50_ns", "p90_ns", "p99_ns", "p999_ns",
                                                    "p9999_ns", "max_ns", "latency_samples",
                                                    "latency_of"], ""))
    df = frame(rows)
    summary = latency.with_latency(instance_summary.summarise(df), df)
    r = summary.iloc[0]
    assert (r["open_loop_reps"], r["kept_up_reps"], bool(r["did_not_keep_up"])) == (3, 2, True)
    assert latency.kept_up_text(r["open_loop_reps"], r["kept_up_reps"]) == "2/3"
    assert math.isnan(latency.drawable(summary, "p50_ns").iloc[0])
    assert r["latency_of"] == "since_intended_send"


def test_lock_figure_rows_and_the_lock_without_hand_over(plotted):
    run = results.load_run(plotted)
    per_instance = latency_summary(run)
    rows = latency_style.with_line_labels(locks.critical_section_rows(per_instance))
    (key, group), = list(locks.groups(rows))
    assert key["threads"] == 2 and set(group["threads"]) == {2}     # full load, no oversub
    styles = latency_style.line_styles(rows["line"])
    fig = locks.lock_figure(group, styles, key, run.label)
    grid = [ax for ax in fig.axes if ax.get_visible()]
    assert len(grid) == 3 * 2                            # (throughput, p99, hand-over) x think
    hand_over = grid[4]                                  # row 3, column 1
    colours = {tuple(line.get_color()) for line in hand_over.lines}
    assert tuple(styles["cas_loop"]["color"]) not in colours      # no waiters to hand to
    assert tuple(styles["spin_mcs"]["color"]) in colours
    assert "p99 acquire wait" in grid[2].get_ylabel()


def test_a_bad_hgrm_file_is_one_line_exit_2(tmp_path):
    rows = synthetic_runs.make_open_loop_rows(families=("spsc",), loads=(50,), seed=17)
    run = synthetic_runs.write_run(tmp_path / "run", rows)
    written = synthetic_runs.write_hgrm_files(run, rows, samples=100)
    written[0].write_text(written[0].read_text().replace("#[Max", "#[Mux"))
    done = run_tool("plot", run)
    assert done.returncode == 2
    assert stderr_lines(done) == [f"plot: error: {written[0]}: line "
                                  f"{len(written[0].read_text().splitlines()) - 1}: not a footer "
                                  "line '#[Mean = ...]', '#[Max = ...]' or '#[Buckets = ...]': "
                                  f"{written[0].read_text().splitlines()[-2]!r}"]


def test_a_group_where_nothing_kept_up_is_still_drawn(tmp_path):
    """Only x marks, no latency: the log axis gets a range of its own
    (a real 2-core run hit this: matplotlib refused an empty log axis)."""
    rows = synthetic_runs.make_open_loop_rows(families=("spsc",), loads=(50,), seed=15)
    for r in rows:
        r.update(kept_up=False, **dict.fromkeys(LATENCY_COLUMNS, ""))
    drawn = draw_latency(synthetic_runs.write_run(tmp_path / "run", rows), tmp_path)
    assert [png.name for _, png in drawn] == [
        "spsc-latency-load-payload_8_wait_spin-p1c1-t2-compact-thread.png"]
    assert drawn[0][1].stat().st_size > 0
