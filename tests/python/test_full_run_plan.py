"""The full run's plan on real machines' topologies: its size and its time.

`bench_all --estimate --emulate` on each topology in tests/data/topologies
(and a 16-core single-L3 plan) lists the instances the real bench binaries
register for that machine and prices them with the budget model
(run/budget.py). The limits are the plan's promise (docs/emulation.md): a
full run within 30 minutes on every one of these machines, within 15 on the
16-core plan, a quick run within 5 on 128 PUs. Listing only: about
15 CPU-seconds on the 2-core VM.
"""
import os
import re
from pathlib import Path

import pytest

from support.paths import PYTHON, REPO
from support.processes import run_bounded, script_env

BENCH_DIR = Path(REPO) / "build" / "release" / "bench"
TOPOLOGIES = Path(REPO) / "tests" / "data" / "topologies"

pytestmark = pytest.mark.skipif(not os.access(BENCH_DIR / "contend_plan", os.X_OK),
                                reason="needs the release build (scripts/test builds it first)")

# (topology, full-run limit in minutes)
MACHINES = [
    (str(TOPOLOGIES / "AMD-19h-Zen3-2xEpyc-7763.xml"), 30),
    (str(TOPOLOGIES / "Intel-CascadeLake-2xXeon6230.xml"), 30),
    (str(TOPOLOGIES / "ARM-128-2pa2n8cluster4co.xml"), 30),
    (str(TOPOLOGIES / "Intel-ArrowLake-CoreUltra5-225U.xml"), 30),
    ("pack:1 l3:1 core:16 pu:1", 15),
]
LINE = re.compile(r"^(\d+) instances x (\d+) rounds = \d+ processes .*: about ([\d:]+) on this plan$")


def estimate(topology, *flags):
    """(instances, minutes) that --estimate prints for the emulated machine."""
    done = run_bounded([PYTHON, "-m", "contend.run.bench_all", "--bench-dir", str(BENCH_DIR),
                        "--emulate", topology, "--estimate", *flags], 300, env=script_env())
    assert done.returncode == 0, done.stderr
    match = LINE.match(done.stdout.strip())
    assert match, done.stdout
    seconds = 0
    for part in match.group(3).split(":"):
        seconds = seconds * 60 + int(part)
    return int(match.group(1)), seconds / 60


@pytest.mark.parametrize("topology,limit", MACHINES, ids=lambda v: Path(str(v)).stem)
def test_the_full_run_fits(topology, limit):
    instances, minutes = estimate(topology)
    assert minutes <= limit, f"{instances} instances, {minutes:.1f} min"
    assert instances >= 500   # every family still planned, not an empty run


def test_the_quick_run_on_128_pus_fits_five_minutes():
    instances, minutes = estimate(MACHINES[0][0], "--quick")
    assert minutes <= 5, f"{instances} instances, {minutes:.1f} min"


def test_a_busy_machine_is_told_the_estimate_assumes_an_idle_one():
    from contend.run import budget
    assert budget.load_note(0.5, 2) == ""
    note = budget.load_note(18.0, 2)
    assert "idle machine" in note and "18.0 on 2 PUs" in note
