"""scripts/plot: a report that opens from disk, from the committed fixture runs."""
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "scripts"))
sys.path.insert(0, str(HERE / "fixtures" / "runs"))
import synthetic_runs  # noqa: E402
from tool_helpers import run_tool, stderr_lines  # noqa: E402

RUNS = synthetic_runs.committed_runs()


def copy_run(name, tmp_path):
    """A copy of a committed run, so the default report/ lands in tmp_path."""
    return shutil.copytree(RUNS[name], tmp_path / RUNS[name].parent.name / RUNS[name].name)


def test_plot_writes_a_self_contained_report_into_the_run(tmp_path):
    run = copy_run("two_core", tmp_path)
    done = run_tool("plot", run)
    assert done.returncode == 0, done.stderr
    index = run / "report" / "index.html"
    assert done.stdout.strip() == str(index)
    pngs = sorted(p.name for p in (run / "report").glob("*.png"))
    assert pngs == ["counter-increment-thread.png", "fifo-throughput-batch_1-thread.png"]
    page = index.read_text()
    # Opens from disk: every image inline, nothing fetched from anywhere.
    assert page.count('src="data:image/png;base64,') == 2
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
