"""bench_all --only FILE (scripts/ab's confirm stage): exactly the
named instances, intersected with the other flags; an unknown name is one line."""
import csv
import glob
import shutil

from support.fake_build import FakeBuild, bench_name


def build(fake_build):
    fake_build.add("bench_counter", [
        {"name": bench_name(impl, threads), "rate": 1e6 * threads}
        for impl in ("std_mutex", "atomic_relaxed") for threads in (1, 2)])
    fake_build.add("bench_queue", [
        {"name": bench_name("moodycamel", 2, family="fifo", benchmark="throughput",
                            producers=1, consumers=1, extra="/payload:8/capacity:64"),
         "rate": 3e6}])


def measured(tmp_path):
    [csv_path] = glob.glob(str(tmp_path / "results" / "*" / "*" / "results.csv"))
    with open(csv_path, newline="") as f:
        return {(r["impl"], r["threads"]) for r in csv.DictReader(f)}


def test_only_measures_the_named_instances(fake_build, run_bench_all, tmp_path):
    build(fake_build)
    names = tmp_path / "only.txt"
    # As regress writes them: no GB suffix, parameters in any order.
    names.write_text("# flagged\n"
                     + bench_name("std_mutex", 2).replace("/manual_time", "") + "\n\n"
                     + bench_name("moodycamel", 2, family="fifo", benchmark="throughput",
                                  producers=1, consumers=1,
                                  extra="/capacity:64/payload:8") + "\n")
    done = run_bench_all("--quick", "--no-report", "--rounds", "1", "--only", str(names))
    assert done.returncode == 0, done.stderr
    assert measured(tmp_path) == {("std_mutex", "2"), ("moodycamel", "2")}


def test_only_intersects_with_the_other_flags(fake_build, run_bench_all, tmp_path):
    build(fake_build)
    names = tmp_path / "only.txt"
    names.write_text(bench_name("std_mutex", 2) + "\n" + bench_name("atomic_relaxed", 1) + "\n")
    done = run_bench_all("--quick", "--no-report", "--rounds", "1", "--impls", "std_mutex",
                         "--only", str(names))
    assert done.returncode == 0, done.stderr
    assert measured(tmp_path) == {("std_mutex", "2")}
    done = run_bench_all("--quick", "--no-report", "--threads", "2", "--impls", "atomic_relaxed",
                         "--only", str(names))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "bench_all: error: no benchmark instance matches the selection"]


def test_an_unknown_name_is_one_line(fake_build, run_bench_all, tmp_path):
    build(fake_build)
    names = tmp_path / "only.txt"
    names.write_text(bench_name("std_mutex", 2) + "\n" + bench_name("spin_tas", 2) + "\n")
    done = run_bench_all("--quick", "--only", str(names))
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("bench_all: error: --only ") and "line 2: counter/increment/spin_tas" in line
    assert not (tmp_path / "results").exists()
    names.write_text("not a name\n")
    [line] = run_bench_all("--quick", "--only", str(names)).stderr.splitlines()
    assert "line 1: not a name is not a benchmark instance" in line
    [line] = run_bench_all("--quick", "--only", str(tmp_path / "absent.txt")).stderr.splitlines()
    assert "cannot read" in line


def test_paired_processes_get_arguments_of_one_length(fake_build, run_bench_all, tmp_path):
    """With ASLR off the arguments' size moves the stack: both builds'
    processes must name their files with paths of one length, however
    differently long their run folders are (paired_run.equal_length_folders);
    the links are gone afterwards."""
    build(fake_build)
    baseline = FakeBuild(tmp_path / "benchA")
    baseline.add("bench_counter", [{"name": bench_name("std_mutex", 1), "rate": 1e6}])
    b_build = FakeBuild(tmp_path / "benchB")
    b_build.add("bench_counter", [{"name": bench_name("std_mutex", 1), "rate": 1e6}])
    shutil.copy(str(tmp_path / "bench" / "contend_plan"), b_build.dir)
    a_out = tmp_path / "a-much-longer-folder-for-the-baseline" / "results"
    done = run_bench_all("--quick", "--no-report", "--rounds", "2", "--bench-dir", b_build.dir,
                         "--pair-bench-dir", baseline.dir, "--pair-out", str(a_out))
    assert done.returncode == 0, done.stderr
    sizes = {side: sorted(len(" ".join(call)) for call in build_.calls("bench_counter")
                          if any(a.startswith("--benchmark_out=") for a in call))
             for side, build_ in (("A", baseline), ("B", b_build))}
    assert len(sizes["A"]) == 2 and sizes["A"] == sizes["B"]
    assert not glob.glob(str(tmp_path / "results" / "*" / "*" / "pair-folders"))
