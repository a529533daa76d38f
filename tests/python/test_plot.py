"""scripts/plot: a report that opens from disk, from the committed fixture runs."""
import re
import shutil

from contend.core import results
from contend.report import plot
from support import synthetic_runs
from support.tools import run_tool, stderr_lines

RUNS = synthetic_runs.committed_runs()


def copy_run(name, tmp_path):
    """A copy of a committed run, so the default report/ lands in tmp_path."""
    return shutil.copytree(RUNS[name], tmp_path / RUNS[name].parent.name / RUNS[name].name)


def test_plot_writes_a_report_that_opens_from_disk_into_the_run(tmp_path):
    run = copy_run("two_core", tmp_path)
    done = run_tool("plot", run)
    assert done.returncode == 0, done.stderr
    index = run / "report" / "index.html"
    assert done.stdout.strip() == str(index)
    pngs = sorted(p.name for p in (run / "report").glob("*.png"))
    assert pngs == ["counter-increment-thread.png", "fifo-throughput-batch_1-thread.png"]
    page = index.read_text()
    # Opens from disk: the PNGs and plotly.js beside it, linked, not embedded;
    # nothing fetched from anywhere.
    assert 'src="data:image/png;base64,' not in page
    for png in pngs:
        assert f'href="{png}"' in page
    assert '<script src="plotly.js"' in page and (run / "report" / "plotly.js").is_file()
    assert not re.search(r'(src|href)="(https?:)?//', page)
    for expected in ("Xeon", "pc2-1f0e2d3c", 'id="counter"', 'id="fifo"', "sharded_padded",
                     'class="sortable"', "<script>", "count check failed", "Errors (1 rows)",
                     "build.benchmark_version"):
        assert expected in page, expected


def test_plot_of_a_csv_and_out_folder(tmp_path):
    csv = copy_run("sixteen_core", tmp_path) / "results.csv"
    done = run_tool("plot", csv, "--out", tmp_path / "elsewhere")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "elsewhere" / "index.html").is_file()
    assert len(list((tmp_path / "elsewhere").glob("*.png"))) == 2


def test_a_figure_whose_every_row_failed_is_not_drawn_but_tabled(tmp_path):
    rows = synthetic_runs.make_rows(repetitions=2)
    for row in rows:
        if row["family"] == "fifo":
            row.update(items_per_second="", items="", seconds="", ns_per_item="",
                       p50_ns="", p99_ns="", p999_ns="", error="bench_queue crashed (SIGSEGV)")
    run = synthetic_runs.write_run(tmp_path / "run", rows)
    done = run_tool("plot", run)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (run / "report").glob("*.png")] == ["counter-increment-thread.png"]
    assert "bench_queue crashed" in (run / "report" / "index.html").read_text()


def test_plot_bad_input_is_one_line_exit_2(tmp_path):
    for args in ([tmp_path / "missing"], [], ["--history", tmp_path / "none.csv"], ["--bogus"]):
        done = run_tool("plot", *args)
        assert done.returncode == 2, args
        assert len(stderr_lines(done)) == 1 and stderr_lines(done)[0].startswith("plot: error:")


# ---- rounds: intervals, unstable marks, ties, partial runs ---------------------------

def _rounds_run(tmp_path, **machine_extra):
    rows = synthetic_runs.make_rows(seed=61, rounds=3, round_noise=0.1, repetitions=3)
    for r in rows:            # one instance whose third process ran 2.5x faster
        if r["impl"] == "spin_ttas" and r["threads"] == 1 and r["round"] == 2:
            r["items_per_second"] *= 2.5
    # moodycamel's twin: a true tie at the top of every fifo point.
    again = synthetic_runs.make_rows(seed=62, rounds=3, round_noise=0.1, repetitions=3,
                                     families=("fifo",))
    rows += [dict(r, impl="moodycamel_twin") for r in again if r["impl"] == "moodycamel"]
    machine = synthetic_runs.machine_json(**synthetic_runs.TWO_CORE)
    machine.update(machine_extra)
    return synthetic_runs.write_run(tmp_path / "run", rows, machine)


def test_report_of_a_run_with_rounds(tmp_path):
    noise = {"instances": 30, "rounds": 3, "between_sd_median": 0.09,
             "within_sd_median": 0.02, "unstable_share": 0.05}
    run = _rounds_run(tmp_path, complete=False, processes_measured=40, processes_planned=42,
                      noise=noise)
    done = run_tool("plot", run)
    assert done.returncode == 0, done.stderr
    page = (run / "report" / "index.html").read_text()
    banner = page.index("partial run: 40 of 42 processes")
    assert banner < page.index("<h2>Machine</h2>")           # at the top
    assert "typically differ by ~9%" in page                  # the noise score, in words
    assert "95% CI low" in page and "<th>unstable</th>" in page
    assert 'class="unstable"' in page                         # spin_ttas at 1 worker
    assert "tie: moodycamel" in page or "tie: moodycamel_twin" in page
    assert "95% confidence interval across" in page


def test_band_is_the_interval_with_rounds_and_min_max_without(tmp_path):
    with_rounds = results.load_run(_rounds_run(tmp_path))
    summary = plot.run_summary(with_rounds)
    assert plot.band_columns(summary) == ("ci_low", "ci_high")
    one_round = plot.run_summary(results.load_run(RUNS["two_core"]))
    assert plot.band_columns(one_round) == ("min", "max")
    assert (one_round["rep_min"] <= one_round["median"]).all()
    assert (one_round["rep_max"] >= one_round["median"]).all()
    assert "1 round" in plot.BAND_LABEL[("min", "max")]


def test_figures_keep_both_placement_lines_for_a_shared_map(tmp_path):
    rows = synthetic_runs.make_rows(seed=71, rounds=2, repetitions=2, families=("counter",))
    rows = [dict(r, placements="compact+scatter") for r in rows if r["placement"] == "compact"]
    run = results.load_run(synthetic_runs.write_run(tmp_path / "shared", rows))
    summary = plot.run_summary(run)
    assert set(summary["placement"]) == {"compact", "scatter"}
    lines = {key["placement"]: len(line) for key, line in plot.scaling.line_groups(summary)}
    assert lines["compact"] == lines["scatter"]
