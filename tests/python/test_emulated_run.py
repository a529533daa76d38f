"""An emulated 16-PU machine runs a small selection of every family, for real.

bench_all --emulate plans for two packages of two L3s of two SMT cores
(16 PUs) and runs, on this machine's PUs, one instance per family at its
largest planned worker count (the core-to-core calibration pair and the
server at theirs): every one gives a row, a number or an error naming its
cause; machine.json, the folder name and the rows say the run is emulated;
nothing is left behind. One round, one repetition, one episode: a
functional check, priced for CI (about 30 CPU-seconds on the 2-core VM).
"""
import json
import os
from pathlib import Path

import pytest

from contend.run import instances
from support.paths import PYTHON, REPO
from support.processes import run_bounded, script_env

BENCH_DIR = Path(REPO) / "build" / "release" / "bench"
MACHINE = "pack:2 l3:2 core:2 pu:2"
PUS = 16

pytestmark = pytest.mark.skipif(not os.access(BENCH_DIR / "contend_plan", os.X_OK),
                                reason="needs the release build (scripts/test builds it first)")


def selection():
    """Per family, the instance of the most workers (ties: the first listed)."""
    os.environ["CONTEND_EMULATE"] = MACHINE
    try:
        found = instances.list_all(BENCH_DIR, quick=True)
    finally:
        del os.environ["CONTEND_EMULATE"]
    best = {}
    for inst in found:
        family, threads = inst.identity["family"], int(inst.identity["threads"])
        if family not in best or threads > int(best[family].identity["threads"]):
            best[family] = inst
    return best


def leftovers():
    return {p for p in os.listdir("/dev/shm") if "contend" in p}


def test_every_family_runs_on_an_emulated_16_pu_machine(tmp_path):
    chosen = selection()
    assert len(chosen) >= 10, sorted(chosen)   # every family has a plan here
    assert max(int(i.identity["threads"]) for i in chosen.values()) > PUS
    only = tmp_path / "only.txt"
    only.write_text("".join(i.name + "\n" for i in chosen.values()))
    before = leftovers()
    out = tmp_path / "results"
    # A hang is caught by the per-instance timeout (60 s, far above the ~2 s
    # an instance takes here) and by run_bounded's limit, well above both.
    done = run_bounded([PYTHON, "-m", "contend.run.bench_all", "--bench-dir", str(BENCH_DIR),
                        "--out", str(out), "--emulate", MACHINE, "--quick", "--only", str(only),
                        "--rounds", "1", "--repetitions", "1", "--episodes", "1",
                        "--warmup", "0", "--timeout", "60", "--no-report"],
                       900, env=script_env(), cwd=str(tmp_path))
    assert done.returncode in (0, 1), done.stderr
    [run_dir] = list(out.glob("*/*"))
    assert run_dir.name.endswith("-emulated") and run_dir.parent.name.startswith("emulated-")
    machine = json.loads((run_dir / "machine.json").read_text())
    assert machine["emulated"]["topology"] == MACHINE and machine["complete"]
    assert machine["pus"] == PUS
    import csv
    rows = list(csv.DictReader((run_dir / "results.csv").open()))
    assert {r["family"] for r in rows} == set(chosen)
    for row in rows:   # a number, or an error that names its cause
        assert row["items_per_second"] or row["error"], row
    errors = [r["error"] for r in rows if r["error"]]
    assert all(e.startswith("emulated:") for e in errors), errors
    assert not (run_dir / "scratch").exists()
    assert leftovers() <= before
