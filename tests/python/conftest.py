"""Shared pytest set-up: scripts/ on sys.path (the one place that puts it
there, so every test imports `contend` as the entry points do) and the
fixtures tests share. The helpers themselves live in support/ (its
__init__ lists them)."""
import subprocess
import sys

import pytest

from support.fake_build import FakeBuild
from support.paths import PYTHON, SCRIPTS
from support.processes import run_bounded, script_env, wait_for

if SCRIPTS not in sys.path:
    sys.path.insert(0, SCRIPTS)


@pytest.fixture
def fake_build(tmp_path):
    """An empty fake bench build in tmp_path/bench (support.fake_build)."""
    return FakeBuild(tmp_path / "bench")


def bench_all_argv(fake_build, tmp_path, *args):
    """bench_all against the fake build, results under tmp_path/results."""
    return [PYTHON, "-m", "contend.run.bench_all", "--bench-dir", fake_build.dir,
            "--out", str(tmp_path / "results"), *args]


@pytest.fixture
def run_bench_all(tmp_path, fake_build):
    """Runs bench_all as a subprocess against the fake build, output in tmp_path."""
    def run(*args, env=None, timeout=120):
        return run_bounded(bench_all_argv(fake_build, tmp_path, *args), timeout,
                           env=env or script_env(), cwd=str(tmp_path))
    return run


@pytest.fixture
def hanging_bench_all(tmp_path, fake_build):
    """Starts `bench_all --quick --no-report` against the fake build, whose
    bench_counter the test has given a hanging instance, and returns the
    running process once that benchmark and the worker it forked are both
    up: the test then signals it. Killed at teardown if still running."""
    started = []

    def start():
        proc = subprocess.Popen(bench_all_argv(fake_build, tmp_path, "--quick", "--no-report"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=script_env())
        started.append(proc)
        wait_for(lambda: len(fake_build.pids("bench_counter")) == 2, "the hanging benchmark")
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.fixture(scope="session")
def recorded_history(tmp_path_factory):
    """synthetic_runs.record_history's ten-run history file (std_mutex 25%
    slower from the seventh run on), recorded once for the tests that only
    read it; they write their reports beside it or elsewhere, never into it."""
    from support import synthetic_runs   # imports contend: scripts/ is on sys.path by now
    return synthetic_runs.record_history(tmp_path_factory.mktemp("recorded_history"))
