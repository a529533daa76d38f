"""child.wait_exit: woken by the child's exit (a pidfd), a timeout when it
does not exit in time, and the same behaviour where pidfd_open is refused."""
import os
import subprocess
import sys

import pytest

from contend.run import child


def start(seconds):
    return subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])


@pytest.fixture(params=["pidfd", "polling"])
def wait_exit(request, monkeypatch):
    if request.param == "polling":
        def refused(pid):
            raise OSError("pidfd_open refused")
        monkeypatch.setattr(os, "pidfd_open", refused)
    return child.wait_exit


def test_returns_once_the_child_has_exited(wait_exit):
    proc = start(0)
    wait_exit(proc, timeout=60)
    assert proc.wait(timeout=0) == 0


def test_a_child_still_running_at_the_timeout_raises_and_keeps_running(wait_exit):
    proc = start(60)
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            wait_exit(proc, timeout=0.05)
        assert proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
