"""Shared pytest set-up: scripts/ on sys.path, and fake bench builds.

A fake build is a folder holding copies of fixtures/fake_bench.py named
bench_<group> (each configured with its own instance list) and
fixtures/fake_contend_plan.py as contend_plan; bench_all is pointed at it
with its hidden --bench-dir flag.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(REPO, "scripts")
FIXTURES = os.path.join(HERE, "fixtures")
PYTHON = "/usr/bin/python3"  # Debian's, the one the entry points use

if SCRIPTS not in sys.path:
    sys.path.insert(0, SCRIPTS)


def bench_name(impl, threads=1, placement="compact", oversub=0, family="counter",
               benchmark="increment", mode="thread", producers=0, consumers=0, extra="",
               placements=None):
    """A full instance name as a bench binary lists it (GB suffix included).

    placements: the policies this instance stands for ("compact+scatter");
    by default just `placement`, as the binaries name a map no other policy gives.
    """
    return (f"{family}/{benchmark}/{impl}/mode:{mode}/threads:{threads}"
            f"/producers:{producers}/consumers:{consumers}/placement:{placement}"
            f"/placements:{placements or placement}"
            f"/oversub:{oversub}{extra}/manual_time")


def script_env(**extra):
    """Environment for running an entry point: scripts/ importable, no hwloc
    overrides leaking in from the caller's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HWLOC_")}
    env["PYTHONPATH"] = SCRIPTS
    env.update(extra)
    return env


class FakeBuild:
    def __init__(self, root):
        self.dir = str(root)
        os.makedirs(self.dir, exist_ok=True)
        plan = os.path.join(self.dir, "contend_plan")
        shutil.copy(os.path.join(FIXTURES, "fake_contend_plan.py"), plan)
        os.chmod(plan, 0o755)

    def add(self, binary, instances):
        """instances: list of dicts for fake_bench.py (name, behaviour, ...)."""
        path = os.path.join(self.dir, binary)
        shutil.copy(os.path.join(FIXTURES, "fake_bench.py"), path)
        os.chmod(path, 0o755)
        with open(path + ".config.json", "w") as f:
            json.dump({"instances": instances}, f)
        return path

    def calls(self, binary):
        path = os.path.join(self.dir, binary + ".calls")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f]

    def pids(self, binary):
        path = os.path.join(self.dir, binary + ".pids")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [int(line) for line in f if line.strip()]


@pytest.fixture
def fake_build(tmp_path):
    return FakeBuild(tmp_path / "bench")


@pytest.fixture
def run_bench_all(tmp_path, fake_build):
    """Runs bench_all as a subprocess against the fake build, output in tmp_path."""
    def run(*args, env=None, timeout=120):
        argv = [PYTHON, "-m", "contend.bench_all", "--bench-dir", fake_build.dir,
                "--out", str(tmp_path / "results"), *args]
        return run_bounded(argv, timeout, env=env or script_env(), cwd=str(tmp_path))
    return run


def run_bounded(argv, timeout, **popen_args):
    """subprocess.run for a runner that leads its own children: on timeout it
    gets SIGTERM (bench_all then kills its benchmark's process group) before
    the test fails, instead of subprocess.run's SIGKILL, which would orphan a
    benchmark still spinning on the cores the next test needs."""
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          stdin=subprocess.DEVNULL, **popen_args) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.communicate(timeout=30)
            finally:
                proc.kill()
            pytest.fail(f"{argv[:3]} did not finish in {timeout}s (stopped with SIGTERM)")
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def process_gone(pid):
    """True when pid no longer runs (absent, or a zombie awaiting its reaper)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in ("Z", "X")
