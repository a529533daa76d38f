"""bench_all --emulate: what an emulated run records, and who refuses it.

An emulated run ran another machine's plan here: machine.json says so, its
machine_id and folder name say so, the report carries a banner, and compare,
regress, ab (pooled runs) and history refuse it in one line, writing nothing.
The run itself on real binaries is test_emulated_run.py.
"""
import json
from pathlib import Path

import pytest

from contend.core import results
from contend.core.cli import UsageError
from contend.gate import pooled_run
from contend.history import store
from contend.report import machine_card
from contend.run import emulation, machine
from support import synthetic_runs as synth
from support.paths import REPO
from support.tools import run_tool, stderr_lines

TOPOLOGIES = Path(REPO) / "tests" / "data" / "topologies"
EPYC = TOPOLOGIES / "AMD-19h-Zen3-2xEpyc-7763.xml"

EMULATED = {"topology": EPYC.name, "kind": "xml", "source": str(EPYC),
            "real_machine": {"cpu_model": "Some 2-PU VM", "hostname": "vm", "pus": 2,
                             "host_pus": [0, 1]}}


def emulated_run(tmp_path, name="emu"):
    run_dir = synth.make_run(tmp_path / name)
    info = json.loads((run_dir / "machine.json").read_text())
    info["emulated"] = EMULATED
    (run_dir / "machine.json").write_text(json.dumps(info))
    return run_dir


def plan_of_emulated(source):
    return {"source": "emulated", "cpu_model": "AMD EPYC 7763 64-Core Processor", "packages": 2,
            "numa_nodes": 1, "l3_caches": 16, "cores": 128, "pus": 128, "smt": False,
            "allowed_cpuset": "0-127", "hwloc_version": "2.9.0",
            "emulated": {"from": source, "host_pus": [0, 1]}}


def test_machine_json_records_the_topology_its_source_and_the_real_machine():
    info = machine.describe(plan_of_emulated(str(EPYC)), run_id="r", quick=True,
                            command="bench_all", repo=Path(REPO))
    record = info["emulated"]
    assert record["topology"] == EPYC.name and record["kind"] == "xml"
    assert "hwloc" in record["source"]          # the provenance line of the README beside it
    assert len(record["sha256"]) == 64
    assert record["real_machine"]["pus"] == 2
    assert info["machine_id"].startswith("emulated-")
    assert info["cpu_model"].startswith("AMD EPYC 7763")   # the emulated machine's, not ours


def test_an_emulated_machine_never_shares_a_real_machines_id():
    plan = plan_of_emulated("pack:2 core:2 pu:1")
    real = dict(plan, source="this_system")
    real.pop("emulated")
    assert (machine.machine_id(machine.hardware_description("x", plan))
            != machine.machine_id(machine.hardware_description("x", real)))


def test_a_synthetic_description_is_recorded_as_given():
    record = emulation.record(plan_of_emulated("pack:2 core:2 pu:1"), "vm cpu")
    assert record["kind"] == "synthetic" and record["topology"] == "pack:2 core:2 pu:1"


@pytest.mark.parametrize("text", ["", "   ", "missing/dir/x.xml"])
def test_a_bad_emulate_argument_is_one_usage_error(text):
    with pytest.raises(UsageError):
        emulation.describe_argument(text)


def test_the_report_page_carries_the_banner():
    banner = machine_card.emulated_banner({"emulated": EMULATED})
    assert "Emulated run" in banner and EPYC.name in banner and "Some 2-PU VM" in banner
    assert machine_card.emulated_banner({}) == ""


def test_loading_for_a_measurement_refuses_an_emulated_run(tmp_path):
    run_dir = emulated_run(tmp_path)
    assert results.load_run(run_dir).machine["emulated"]   # plot still reads it
    with pytest.raises(UsageError, match="emulated run .* regress refuses it"):
        results.load_measured_run(run_dir, "regress")


def test_history_and_ab_pooling_refuse_an_emulated_run(tmp_path):
    run_dir = emulated_run(tmp_path)
    with pytest.raises(UsageError, match="history refuses it"):
        store.record(results.load_run(run_dir), tmp_path / "history")
    assert not (tmp_path / "history").exists()
    with pytest.raises(UsageError, match="ab refuses it"):
        pooled_run.pool([run_dir], tmp_path / "pooled", "ab-a")
    assert not (tmp_path / "pooled").exists()


@pytest.mark.parametrize("tool,args", [
    ("compare", ["{real}", "{emu}"]),
    ("regress", ["{real}", "{emu}"]),
    ("regress", ["--record", "{emu}", "--history-dir", "{tmp}/history"]),
])
def test_the_tools_refuse_it_in_one_line(tmp_path, tool, args):
    real, emu = synth.make_run(tmp_path / "real"), emulated_run(tmp_path)
    done = run_tool(tool, *[a.format(real=real, emu=emu, tmp=tmp_path) for a in args])
    assert done.returncode == 2, done.stderr
    assert len(stderr_lines(done)) == 1, done.stderr
    assert "emulated run" in done.stderr and "measures nothing" in done.stderr
    assert not (tmp_path / "history").exists()


def test_an_emulated_timeout_says_whether_slow_is_expected():
    shared = emulation.timeout_note({"threads": "64"}, 2)
    assert "64 workers time-share this machine's 2 PUs (32 per PU)" in shared
    assert "hang" in emulation.timeout_note({"threads": "2"}, 2)


def test_an_emulated_run_runs_each_instance_once_unless_told_otherwise():
    """A functional check: one round of one repetition by default; the flags
    still win; --estimate keeps the real machine's 3 x 2 (it estimates that
    machine's run)."""
    from contend.run import bench_all
    topo = "pack:2 core:2 pu:1"
    args = bench_all.parse_args(["--emulate", topo, "--quick"])
    assert (args.rounds, args.repetitions) == (1, 1)
    args = bench_all.parse_args(["--emulate", topo, "--rounds", "2", "--repetitions", "3"])
    assert (args.rounds, args.repetitions) == (2, 3)
    args = bench_all.parse_args(["--emulate", topo, "--estimate"])
    assert (args.rounds, args.repetitions) == (3, 2)
    args = bench_all.parse_args(["--quick"])
    assert (args.rounds, args.repetitions) == (3, 2)
