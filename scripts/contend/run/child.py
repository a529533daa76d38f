"""Running one benchmark binary as a child in its own process group.

A benchmark in process mode forks workers; killing only the direct child on a
timeout or Ctrl-C would leave them spinning on the cores the next instance
needs. So each child leads a new session/process group, and every way out
(normal exit, crash, timeout, interrupt) ends with the whole group killed and
the child reaped.
"""
import ctypes
import os
import select
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

# personality(2) flag: no address-space layout randomisation for this process
# and what it execs (what `setarch -R` sets; will-it-scale runs under it).
ADDR_NO_RANDOMIZE = 0x0040000
_QUERY_PERSONALITY = 0xFFFFFFFF


@dataclass
class Outcome:
    returncode: int
    timed_out: bool
    timeout: float

    def failure(self):
        """Why this child gave no trustworthy output, or None if it exited 0."""
        if self.timed_out:
            return f"timeout after {self.timeout:g}s"
        if self.returncode < 0:
            try:
                name = signal.Signals(-self.returncode).name
            except ValueError:
                name = f"signal {-self.returncode}"
            return f"crashed: {name}"
        if self.returncode > 0:
            return f"exited with status {self.returncode}"
        return None


def kill_group(pgid):
    """SIGKILL every process left in the group; a group already gone is fine.

    Safe after the leader is reaped: Linux does not reuse a pid while it still
    names a live process group, so pgid can only be ours or empty."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def disable_aslr_for_children():
    """Turns address-space randomisation off for every process this one
    starts from now on: the personality flag is inherited across fork and
    exec. Set once in the runner itself, not in a pre-exec hook, so that
    Python can keep starting children with vfork (a pre-exec hook forces a
    full fork of the runner, ~90 ms a child on a VM). Returns whether it took
    effect (a seccomp profile may refuse it); machine.json records both."""
    libc = ctypes.CDLL(None, use_errno=True)
    current = libc.personality(_QUERY_PERSONALITY)
    if current == -1:
        return False
    libc.personality(current | ADDR_NO_RANDOMIZE)
    return bool(libc.personality(_QUERY_PERSONALITY) & ADDR_NO_RANDOMIZE)


def still_running(pid):
    """True while pid has not exited (does not reap it)."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return False
    return info is None


def run(argv, *, log_path, timeout, cwd, on_start=None):
    """Runs argv with stdout+stderr into log_path; returns its Outcome.

    on_start(proc) is called once the child runs (so an interrupt handler can
    kill its group); the whole group is killed and the child reaped on every
    way out. KeyboardInterrupt propagates after that clean-up."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=cwd,
                                start_new_session=True)
        timed_out = False
        try:
            if on_start:
                on_start(proc)
            wait_exit(proc, timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            # Kill before reaping when the leader is still running (timeout,
            # interrupt), and after a normal exit to sweep stray workers.
            kill_group(proc.pid)
            proc.wait()
    return Outcome(proc.returncode, timed_out, timeout)


def wait_exit(proc, timeout):
    """Waits until proc exits (without reaping it) or raises
    subprocess.TimeoutExpired after `timeout` seconds.

    Woken by the exit itself, through a pidfd: Popen.wait(timeout) polls with
    sleeps that double up to 50 ms, which overshot each exit by about 13 ms
    on the 2-core VM, 7 s of a quick run's 531 processes. Falls back to it
    where pidfd_open is refused (kernels before 5.3, seccomp)."""
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        proc.wait(timeout=timeout)
        return
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        if not poller.poll(None if timeout is None else timeout * 1000):   # retried across signals
            raise subprocess.TimeoutExpired(proc.args, timeout)
    finally:
        os.close(pidfd)


def last_line(log_path, limit=200):
    """The last non-empty line of a log, shortened, for one-line error text."""
    try:
        with open(log_path, "rb") as f:
            f.seek(max(0, Path(log_path).stat().st_size - 4096))
            tail = f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    return lines[-1][:limit] if lines else ""
