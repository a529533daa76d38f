"""The fleet's parts without Slurm: the node-outlier check on real runs of
one build (the committed A/A runs as nodes), the job's own record, node
selection, machine.json's slurm entry. (test_fleet_slurm.py runs the
whole on a real cluster.)"""
import glob
import math
import os
import re

import pytest

from support.paths import REPO

from contend.fleet import false_alarms, outliers, status, submit
from contend.core.cli import UsageError
from contend.run import machine

CALM = sorted(glob.glob(os.path.join(REPO, "results", "aa", "epyc-2c-a32200d9", "calm", "*")))


@pytest.fixture(scope="module")
def calm_nodes():
    """Three nodes of one build on one machine: 3 consecutive 1-round A/A runs each."""
    return false_alarms.pooled_nodes(CALM[:9], 3)


def test_nodes_of_one_build_have_no_outlier(calm_nodes):
    check = outliers.check("epyc", calm_nodes)
    assert check.instances > 100 and len(check.nodes) == 3
    assert check.outliers() == []


def test_a_slowed_node_is_named_with_its_evidence(calm_nodes):
    slow = sorted(calm_nodes)[1]
    nodes = {n: (false_alarms.slowed(s, 0.25) if n == slow else s) for n, s in calm_nodes.items()}
    check = outliers.check("epyc", nodes)
    assert [v.node for v in check.outliers()] == [slow]
    (named,) = check.outliers()
    assert named.level_outlier and math.exp(named.shift) < 0.8
    assert len(named.evidence) == outliers.EVIDENCE
    assert all(ratio < 0.9 for _, ratio, _ in named.evidence)


def test_two_nodes_name_nobody(calm_nodes):
    two = dict(list(calm_nodes.items())[:2])
    check = outliers.check("epyc", two)
    assert check.outliers() == [] and "3 or more" in check.note


@pytest.mark.parametrize("lines,state", [
    (["t started node=a", "t built x", "t ended 0"], "done"),
    (["t started node=a", "t built x", "t ended 1"], "done"),   # error rows: a finished run
    (["t started node=a", "t built x", "t signalled TERM", "t ended 130"], "cancelled"),
    (["t started node=a", "t failed the build failed"], "failed"),
    (["t started node=a", "t built x"], "failed"),               # killed without a word
    ([], "failed"),
])
def test_the_jobs_own_record(tmp_path, lines, state):
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "a-7.state").write_text("".join(f"{l}\n" for l in lines))
    assert status.from_record(status.job_record(tmp_path, "a", "7"))[0] == state


@pytest.mark.parametrize("features,constraint,ok", [
    (("avx512", "big"), "avx512", True), (("big",), "avx512", False),
    (("a", "b"), "a&b", True), (("a",), "a&b", False), (("c",), "a|c", True),
    (("a",), "", True)])
def test_constraints(features, constraint, ok):
    assert submit.matches(features, constraint) is ok


def test_an_unknown_constraint_form_is_refused():
    with pytest.raises(UsageError, match="& and |"):
        submit.matches(("a",), "a*2")


def test_sbatch_args_pass_through_but_not_the_fleets_own():
    assert submit.sbatch_args("--account lab -L machine:1") == ["--account", "lab", "-L", "machine:1"]
    for own in ("-w n1", "--output=x", "--export NONE", "-J x"):
        with pytest.raises(UsageError, match="the fleet's to set"):
            submit.sbatch_args(own)


def test_machine_json_names_the_job_and_a_partial_cpuset():
    env = {"SLURM_JOB_ID": "42", "SLURMD_NODENAME": "n7", "CONTEND_FLEET_ID": "f"}
    whole = machine.slurm_job(env, allowed=[0, 1, 2, 3], node_cpus=4)
    assert whole["job_id"] == "42" and whole["node"] == "n7" and whole["whole_node"]
    assert machine.partial_node_text(whole) == ""
    part = machine.slurm_job(env, allowed=[0, 1, 4], node_cpus=8)
    assert part["cpuset"] == "0-1,4" and part["cpus"] == 3 and not part["whole_node"]
    assert "given 3 of the node's 8 CPUs" in machine.partial_node_text(part)
    assert machine.slurm_job({}) is None


def fleet_folder(tmp_path, slow_node=None):
    """A fleet read where Slurm has forgotten it: four nodes of one class (each
    a calm A/A run with its job in machine.json and its own record), a fifth
    node whose build failed. slow_node's numbers are made 30% lower."""
    import json
    import shutil
    import pandas as pd
    from contend.fleet import manifest
    folder, mf = manifest.create(tmp_path, {"commit": "abc", "command": "x", "bench_all_flags": []})
    (folder / "jobs").mkdir(exist_ok=True)
    for i, src in enumerate(CALM[:4] + [None]):
        node, job = f"n{i + 1}", str(100 + i)
        manifest.add_attempt(mf, node, job_id=job)
        steps = ["started", "built"] + (["ended 0"] if src else ["failed the build failed"])
        (folder / "jobs" / f"{node}-{job}.state").write_text(
            "".join(f"2026-12-07T00:00:00Z {s}\n" for s in steps))
        if src is None:
            continue
        run = folder / "runs" / "epyc-2c-a32200d9" / f"run-{node}"
        shutil.copytree(src, run)
        info = json.loads((run / "machine.json").read_text())
        info.pop("summary", None)
        info["slurm"] = {"job_id": job, "node": node, "cpuset": "0-1", "cpus": 2,
                         "node_cpus": 2, "whole_node": True}
        (run / "machine.json").write_text(json.dumps(info))
        if node == slow_node:
            df = pd.read_csv(run / "results.csv", keep_default_na=False)
            df["items_per_second"] = pd.to_numeric(df["items_per_second"], errors="coerce") * 0.7
            df.to_csv(run / "results.csv", index=False)
    manifest.save(folder, mf)
    return folder


def test_compare_reads_a_fleet_slurm_has_forgotten(tmp_path, capsys):
    from contend.fleet import report
    folder = fleet_folder(tmp_path, slow_node="n3")
    env_conf = os.environ.pop("SLURM_CONF", None)   # no cluster answers: the records do
    try:
        status = report.main(folder, "html", None)
    finally:
        if env_conf is not None:
            os.environ["SLURM_CONF"] = env_conf
    out = capsys.readouterr().out
    assert status == 1                                   # n5 is not done
    assert "4 done, 1 failed" in out and "4 nodes: n1, n2, n3, n4" in out
    assert "OUTLIER n3: slower than its class by -" in out
    assert "OUTLIER n1" not in out and "OUTLIER n2" not in out and "OUTLIER n4" not in out
    assert re.search(r"n5 +failed +104 +the build failed", out)
    page = (folder / "report" / "index.html").read_text()
    assert "OUTLIER n3" in page and "Failed and missing nodes" in page


def test_a_job_refuses_a_checkout_that_moved_since_submit(tmp_path):
    import subprocess
    from support.processes import script_env
    (tmp_path / "jobs").mkdir()
    env = script_env(CONTEND_ROOT=REPO, SLURM_JOB_ID="7", SLURMD_NODENAME="n1",
                     CONTEND_FLEET_COMMIT="0000000", CONTEND_GIT_SHA="1111111")
    done = subprocess.run([os.path.join(REPO, "scripts", "lib", "fleet_job.sh"), str(tmp_path),
                           "-", "--quick"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr.strip() == ("fleet job: the checkout is at 1111111, the fleet was "
                                   "submitted at 0000000")
    record = status.job_record(tmp_path, "n1", "7")
    assert "started" in record and "built" not in record
    assert status.from_record(record) == ("failed", "the checkout is at 1111111, the fleet was "
                                                    "submitted at 0000000")
    assert not (tmp_path / "runs").exists()


def test_a_job_slurm_holds_is_failed_not_waited_on(tmp_path):
    from contend.fleet import slurm
    mf = {"nodes": {"n1": {"attempts": [{"job_id": "5"}]}}}
    jobs = {"5": slurm.Job("5", "PENDING", "launch failed requeued held", "n1")}
    nodes = {"n1": slurm.Node("n1", "idle", (), "none")}
    judged = status.judge(tmp_path, mf, "n1", jobs, {}, nodes, {})
    assert (judged.state, judged.detail) == ("failed", "held by Slurm: launch failed requeued held")
    jobs["5"].reason = "Priority"
    assert status.judge(tmp_path, mf, "n1", jobs, {}, nodes, {}).state == "pending"
    nodes["n1"] = slurm.Node("n1", "idle*", (), "none")       # a missed ping: still pending
    assert status.judge(tmp_path, mf, "n1", jobs, {}, nodes, {}).state == "pending"
    nodes["n1"] = slurm.Node("n1", "down*", (), "Not responding")
    assert status.judge(tmp_path, mf, "n1", jobs, {}, nodes, {}).state == "unavailable"
