"""bench_all's command line: bad input is one line + exit 2; --help; --plan."""
import os

import pytest

from support.fake_build import bench_name
from support.processes import script_env


@pytest.fixture
def counter_build(fake_build):
    fake_build.add("bench_counter", [
        {"name": bench_name(impl, threads, placement)}
        for impl in ("std_mutex", "atomic_relaxed")
        for threads in (1, 2) for placement in ("compact", "scatter")])
    return fake_build


@pytest.mark.parametrize("args,needle", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--threads", "x"], "--threads"),
    (["--threads", "0"], "--threads"),
    (["--threads", "1,,2"], "--threads"),
    (["--families", "counter,nope"], "unknown family 'nope'"),
    (["--placements", "diagonal"], "unknown placement 'diagonal'"),
    (["--modes", "fiber"], "unknown mode 'fiber'"),
    (["--repetitions", "0"], "--repetitions"),
    (["--min-time", "0.05s"], "--min-time"),
    (["--timeout", "-1"], "--timeout"),
    (["--repetitions"], "expected one argument"),
    (["--threads", "7"], "no benchmark has threads 7 (available: 1,2)"),
    (["--impls", "std_mutex,nope"], "no benchmark has impl nope"),
    (["--families", "ipc"], "no benchmark has family ipc (available: counter)"),
    (["positional"], "unrecognized arguments"),
])
def test_bad_input_is_one_line_and_exit_2(counter_build, run_bench_all, tmp_path, args, needle):
    done = run_bench_all(*args)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("bench_all: error: ")
    assert needle in done.stderr
    assert not (tmp_path / "results").exists()   # nothing ran, nothing written


def test_empty_selection_is_one_line(fake_build, run_bench_all):
    fake_build.add("bench_counter", [{"name": bench_name("std_mutex", 1)},
                                     {"name": bench_name("atomic_relaxed", 2)}])
    done = run_bench_all("--impls", "std_mutex", "--threads", "2")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "bench_all: error: no benchmark instance matches the selection"]


def test_no_bench_binaries(fake_build, run_bench_all):
    done = run_bench_all()
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "no bench_* executables" in done.stderr


def test_binary_listing_foreign_names(fake_build, run_bench_all):
    fake_build.add("bench_counter", [{"name": "BM_NotOurs/8"}])
    done = run_bench_all()
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "not a contend benchmark name" in done.stderr


def test_hwloc_override_refused_for_a_run(counter_build, run_bench_all):
    done = run_bench_all(env=script_env(HWLOC_SYNTHETIC="pack:2 core:4 pu:2"))
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "HWLOC_SYNTHETIC" in done.stderr


@pytest.mark.parametrize("args", [["--estimate"], []], ids=["estimate", "run"])
def test_contend_plans_own_error_is_bench_alls_one_line(counter_build, run_bench_all, tmp_path,
                                                        args):
    """A contend_plan that refuses (a bad HWLOC_* override: the real one is
    tested in test_hwloc_overrides.py) stops bench_all before any bench_*
    is listed, with contend_plan's reason as the one line."""
    plan = os.path.join(counter_build.dir, "contend_plan")
    with open(plan, "w") as f:
        f.write("#!/bin/sh\necho 'contend_plan: error: HWLOC_SYNTHETIC=\"x\" is bad' >&2\nexit 2\n")
    done = run_bench_all(*args)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        'bench_all: error: contend_plan: HWLOC_SYNTHETIC="x" is bad']
    assert counter_build.calls("bench_counter") == []
    assert not (tmp_path / "results").exists()


def test_help_documents_every_flag(run_bench_all):
    done = run_bench_all("--help")
    assert done.returncode == 0
    for flag in ("--quick", "--plan", "--families", "--impls", "--threads", "--placements",
                 "--modes", "--repetitions", "--min-time", "--timeout", "--out", "--no-report"):
        assert flag in done.stdout
    assert "--bench-dir" not in done.stdout   # test hook, not for users


def test_plan_runs_contend_plan_with_environment_untouched(counter_build, run_bench_all, tmp_path):
    done = run_bench_all("--plan", env=script_env(HWLOC_SYNTHETIC="pack:2 l3:2 core:8 pu:2",
                                                  HWLOC_XMLFILE="/nowhere.xml"))
    assert done.returncode == 0, done.stderr
    assert "source=synthetic HWLOC_SYNTHETIC=pack:2 l3:2 core:8 pu:2" in done.stdout
    assert "HWLOC_XMLFILE=/nowhere.xml" in done.stdout
    assert counter_build.calls("bench_counter") == []   # nothing listed, nothing run
    assert not (tmp_path / "results").exists()


def test_plan_without_build(fake_build, run_bench_all):
    os.remove(os.path.join(fake_build.dir, "contend_plan"))
    done = run_bench_all("--plan")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
    assert "contend_plan not found" in done.stderr
