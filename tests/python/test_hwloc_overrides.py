"""A bad HWLOC_SYNTHETIC / HWLOC_XMLFILE is one line and exit 2, never a plan for this machine.

hwloc falls back to this machine on an override it cannot use; the real
binaries (the release build, which scripts/test builds first) must not.
"""
import glob
import os

import pytest

from support.paths import PYTHON, REPO
from support.processes import run_bounded, script_env

BENCH_DIR = os.path.join(REPO, "build", "release", "bench")
CONTEND_PLAN = os.path.join(BENCH_DIR, "contend_plan")

pytestmark = pytest.mark.skipif(not os.access(CONTEND_PLAN, os.X_OK),
                                reason="needs the release build (scripts/test builds it first)")


def bad_overrides(tmp_path):
    """(environment, the message naming the variable and its value) pairs."""
    missing = str(tmp_path / "missing.xml")
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("<garbage")
    return [
        ({"HWLOC_SYNTHETIC": "bogus 3"},
         'HWLOC_SYNTHETIC="bogus 3" is not a valid hwloc synthetic description'),
        ({"HWLOC_XMLFILE": missing},
         f"HWLOC_XMLFILE={missing}: No such file or directory"),
        ({"HWLOC_XMLFILE": str(garbage)},
         f"HWLOC_XMLFILE={garbage} is not a valid hwloc XML topology"),
    ]


KINDS = ["synthetic", "missing_xml", "garbage_xml"]


@pytest.mark.parametrize("kind", range(len(KINDS)), ids=KINDS)
# --plan hands the terminal to contend_plan; otherwise bench_all passes its line on.
@pytest.mark.parametrize("mode,prefix", [
    (["--plan"], "contend_plan: error: "),
    (["--estimate"], "bench_all: error: contend_plan: "),
    ([], "bench_all: error: contend_plan: "),
], ids=["plan", "estimate", "run"])
def test_bench_all_says_what_is_wrong_in_one_line(tmp_path, kind, mode, prefix):
    env, message = bad_overrides(tmp_path)[kind]
    out = tmp_path / "results"
    done = run_bounded([PYTHON, "-m", "contend.run.bench_all", "--bench-dir", BENCH_DIR,
                        "--out", str(out), *mode],
                       120, env=script_env(**env), cwd=str(tmp_path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr == prefix + message + "\n"
    assert not out.exists()   # nothing ran, nothing written


def topology_binaries():
    return [CONTEND_PLAN] + sorted(glob.glob(os.path.join(BENCH_DIR, "bench_*")))


@pytest.mark.parametrize("kind", range(len(KINDS)), ids=KINDS)
def test_every_binary_that_builds_a_topology_refuses(tmp_path, kind):
    env, message = bad_overrides(tmp_path)[kind]
    binaries = topology_binaries()
    assert len(binaries) > 1
    for binary in binaries:
        name = os.path.basename(binary)
        flag = "--json" if name == "contend_plan" else "--benchmark_list_tests=true"
        done = run_bounded([binary, flag], 60, env=script_env(**env), cwd=str(tmp_path))
        assert done.returncode == 2, name
        assert done.stdout == "", name
        assert done.stderr == f"{name}: error: {message}\n"


def test_a_valid_override_still_plans_for_that_machine(tmp_path):
    done = run_bounded([CONTEND_PLAN], 60, cwd=str(tmp_path),
                       env=script_env(HWLOC_SYNTHETIC="pack:2 core:3 pu:2"))
    assert done.returncode == 0, done.stderr
    assert "topology from synthetic" in done.stdout
    assert "6 core(s), 12 PU(s)" in done.stdout
