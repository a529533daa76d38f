"""Starting the entry points as subprocesses, and waiting on processes."""
import os
import subprocess
import time

import pytest

from .paths import SCRIPTS


def script_env(**extra):
    """Environment for running an entry point: scripts/ importable, no hwloc
    overrides leaking in from the caller's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HWLOC_")}
    env["PYTHONPATH"] = SCRIPTS
    env.update(extra)
    return env


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


def wait_for(predicate, what, limit=60):
    """Polls predicate until it holds; fails the test after `limit` seconds
    (a hang guard, far beyond what any wait here takes)."""
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
