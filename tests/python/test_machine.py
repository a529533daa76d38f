"""machine_id stability and the pieces of machine.json."""
import json
import subprocess

import pytest

from contend.run import machine, plan
from support.paths import REPO

HW = {"cpu_model": "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "packages": 1,
      "numa_nodes": 1, "l3_caches": 1, "cores": 2, "pus": 2, "smt": False,
      "allowed_cpuset": "0-1"}


def test_machine_id_is_stable_and_readable():
    assert machine.machine_id(dict(HW)) == machine.machine_id(dict(reversed(list(HW.items()))))
    ident = machine.machine_id(HW)
    assert ident.startswith("xeon-8375c-2c-")
    assert len(ident.rsplit("-", 1)[1]) == 8


@pytest.mark.parametrize("field,value", [("allowed_cpuset", "0"), ("cores", 1),
                                         ("smt", True), ("cpu_model", "AMD EPYC 7R13 Processor")])
def test_machine_id_changes_with_the_hardware(field, value):
    assert machine.machine_id({**HW, field: value}) != machine.machine_id(HW)


@pytest.mark.parametrize("model,cores,expected", [
    ("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 2, "xeon-8375c-2c"),
    ("AMD EPYC 7R13 Processor", 48, "epyc-7r13-48c"),
    ("AMD Ryzen 9 5950X 16-Core Processor", 16, "ryzen-9-5950x-16c"),
    ("Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", 6, "i7-8700k-6c"),
    ("Intel(R) Xeon(R) Processor", 2, "xeon-2c"),
    ("", 4, "cpu-4c"),
])
def test_slug(model, cores, expected):
    assert machine.slug(model, cores) == expected


def test_cpu_model_from_cpuinfo():
    text = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n"
    assert machine.cpu_model_from_cpuinfo(text) == "Intel(R) Xeon(R) Processor"
    assert machine.cpu_model_from_cpuinfo("processor : 0\n") is None


def test_hardware_description_prefers_cpuinfo_then_plan():
    the_plan = {**HW, "cpu_model": "hwloc name"}
    assert machine.hardware_description("cpuinfo name", the_plan)["cpu_model"] == "cpuinfo name"
    assert machine.hardware_description(None, the_plan)["cpu_model"] == "hwloc name"
    assert set(machine.hardware_description(None, the_plan)) == set(machine.HARDWARE_FIELDS)


def test_git_sha_outside_git_is_unknown(tmp_path):
    assert machine.git_sha(str(tmp_path)) == "unknown"


def test_git_sha_in_repo_matches_git():
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except subprocess.CalledProcessError:
        assert machine.git_sha(REPO) == "unknown"   # a repository without commits
        return
    assert machine.git_sha(REPO) in (head, head + "-dirty")


def test_virtualization_and_governor_always_answer():
    assert machine.virtualization("flags\t: fpu hypervisor sse\n")
    assert machine.governor()


def test_plan_parse_checks_fields():
    from contend.core.cli import UsageError
    with pytest.raises(UsageError, match="lacks"):
        plan.parse(json.dumps({"source": "this_system"}))
    with pytest.raises(UsageError, match="malformed"):
        plan.parse("{")
    good = {**HW, "source": "this_system", "hwloc_version": "2.9.0"}
    assert plan.parse(json.dumps(good))["ladder"] == []
