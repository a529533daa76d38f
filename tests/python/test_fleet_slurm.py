"""scripts/fleet on a real Slurm cluster: the one-machine cluster of
contend.fleet.local_cluster (munged, slurmctld and two slurmd, node1 and
node2, in a temporary folder), started once for this file.

The jobs run the release build's benchmarks (submit --prebuilt: scripts/test
builds build/release before pytest) instead of building per node, and a
tiny selection (one counter impl at one thread count): the fleet's
mechanics are under test, not the numbers. Both nodes share this machine's
CPUs. Measured on the 2-core VM at load 13: about 20 CPU-s for the file.
"""
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from support.paths import PYTHON, REPO
from support.processes import process_gone, run_bounded, script_env, wait_for

from contend.fleet import local_cluster

BENCH = Path(REPO, "build", "release", "bench")
# One counter instance: a process takes well under a second.
TINY = ["--quick", "--families", "counter", "--impls", "std_mutex", "--threads", "1",
        "--placements", "compact", "--modes", "thread"]
# Hang guards only: a tiny fleet is done in about 10 s at load 13.
WAIT_S = 180


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    assert (BENCH / "contend_plan").is_file(), \
        "needs the release build (scripts/test builds it before pytest)"
    root = tmp_path_factory.mktemp("slurm")
    with local_cluster.LocalCluster(root / "cluster", nodes=2) as c:
        yield c
    assert local_cluster.leftovers(c.root) == []


def fleet_env(cluster):
    # The commit pinned: a job refuses to run when the checkout's commit is
    # not the fleet's, and another test (or an editor) may make the shared
    # tree "-dirty" between a submit and its job's start.
    return cluster.env(script_env(CONTEND_GIT_SHA="fleet-test"))


def fleet(cluster, *args, timeout=WAIT_S):
    return run_bounded([PYTHON, "-m", "contend.fleet.main", *args], timeout,
                       env=fleet_env(cluster), cwd=REPO)


def submit(cluster, results, *flags, nodes="all"):
    done = fleet(cluster, "submit", "--results", str(results), "--prebuilt", str(BENCH),
                 "--nodes", nodes, "--", *TINY, *flags)
    assert done.returncode == 0, done.stderr
    (folder,) = [p for p in Path(results).iterdir()]
    return folder, json.loads((folder / "fleet.json").read_text())


def rows(run_dir):
    path = Path(run_dir) / "results.csv"
    return path.read_text().count("\n") - 1 if path.exists() else 0


def runs_of(folder):
    return {json.loads(p.read_text())["slurm"]["job_id"]: p.parent
            for p in folder.glob("runs/*/*/machine.json")}


def test_a_fleet_lands_with_its_job_ids_and_compare_reads_it(cluster, tmp_path):
    folder, mf = submit(cluster, tmp_path / "fleets", "--rounds", "1")
    assert sorted(mf["nodes"]) == ["node1", "node2"]
    assert fleet(cluster, "wait", str(folder), "--poll", "0.2").returncode == 0
    status = fleet(cluster, "status", str(folder))
    assert status.returncode == 0 and "2 done" in status.stdout
    runs = runs_of(folder)
    for node, entry in mf["nodes"].items():
        job = entry["attempts"][0]["job_id"]
        slurm = json.loads((runs[job] / "machine.json").read_text())["slurm"]
        assert slurm["node"] == node and slurm["fleet_id"] == mf["fleet_id"]
        assert slurm["cpus"] == len(os.sched_getaffinity(0)) and slurm["whole_node"]
        assert rows(runs[job]) >= 1
    page = fleet(cluster, "compare", str(folder), "--format", "md")
    assert page.returncode == 0, page.stderr
    assert "2 nodes: node1, node2" in page.stdout
    assert "an outlier needs 3 or more" in page.stdout
    assert "Failed and missing nodes (0)" in page.stdout
    assert (folder / "report" / "compare.md").is_file()


def test_a_cancelled_job_is_failed_its_finished_neighbour_stays_and_retry_completes(cluster, tmp_path):
    # 8 rounds: long enough to be cancelled after its first row, short enough to finish.
    folder, mf = submit(cluster, tmp_path / "fleets", "--rounds", "8")
    job1, job2 = (mf["nodes"][n]["attempts"][0]["job_id"] for n in ("node1", "node2"))
    wait_for(lambda: any(rows(r) >= 1 for j, r in runs_of(folder).items() if j == job2),
             "node2's first row", limit=WAIT_S)
    cluster.run(["scancel", job2])
    assert fleet(cluster, "wait", str(folder), "--poll", "0.2").returncode == 1
    status = fleet(cluster, "status", str(folder))
    assert status.returncode == 1
    lines = {line.split()[0]: line for line in status.stdout.splitlines()[3:]}
    assert " done " in lines["node1"] and " cancelled " in lines["node2"]
    page = fleet(cluster, "compare", str(folder))
    assert page.returncode == 1
    assert "1 node: node1" in page.stdout and "Failed and missing nodes (1)" in page.stdout
    partial = runs_of(folder)[job2]
    assert f"runs/{partial.parent.name}/{partial.name}" in page.stdout   # kept, named
    finished = runs_of(folder)[job1]

    again = fleet(cluster, "retry", str(folder))
    assert again.returncode == 0 and "node2: job" in again.stdout and "node1" not in again.stdout
    assert fleet(cluster, "wait", str(folder), "--poll", "0.2").returncode == 0
    mf = json.loads((folder / "fleet.json").read_text())
    assert [len(mf["nodes"][n]["attempts"]) for n in ("node1", "node2")] == [1, 2]
    runs = runs_of(folder)
    assert runs[job1] == finished and len(runs) == 3       # nothing lost, nothing twice
    page = fleet(cluster, "compare", str(folder))
    assert page.returncode == 0 and "2 nodes: node1, node2" in page.stdout


def test_a_drained_node_is_reported_not_waited_on(cluster, tmp_path):
    cluster.run(["scontrol", "update", "nodename=node2", "state=drain", "reason=broken-fan"])
    try:
        folder, _ = submit(cluster, tmp_path / "fleets", "--rounds", "1")
        done = fleet(cluster, "wait", str(folder), "--poll", "0.2")
        assert done.returncode == 1, done.stdout + done.stderr
        assert "node2: unavailable (not submitted: node drain" in done.stdout, done.stdout
        assert "broken-fan" in done.stdout and "1 done, 1 unavailable" in done.stdout
    finally:
        cluster.run(["scontrol", "update", "nodename=node2", "state=resume"])


def test_a_node_drained_under_a_pending_job_is_not_waited_on(cluster, tmp_path):
    # The job may not start for ten minutes: it is pending on an available node.
    done = fleet(cluster, "submit", "--results", str(tmp_path), "--prebuilt", str(BENCH),
                 "--nodes", "node2", "--sbatch-args=--begin=now+600", "--", *TINY)
    assert done.returncode == 0, done.stderr
    (folder,) = list(tmp_path.iterdir())
    status = fleet(cluster, "status", str(folder))
    assert " pending " in status.stdout, status.stdout
    cluster.run(["scontrol", "update", "nodename=node2", "state=drain", "reason=no-power"])
    try:
        done = fleet(cluster, "wait", str(folder), "--poll", "0.2")
        assert done.returncode == 1, done.stdout + done.stderr
        # "drained", or "draining" while an earlier job of node2 still completes
        assert "node2: unavailable (job pending on a node drain" in done.stdout, done.stdout
        assert "no-power" in done.stdout
    finally:
        cluster.run(["scancel", "--partition", local_cluster.PARTITION])
        cluster.run(["scontrol", "update", "nodename=node2", "state=resume"])


def test_bad_input_is_one_line(cluster, tmp_path):
    for args, says in [(["submit", "--nodes", "node9"], "no node node9"),
                       (["submit", "--", "--rounds", "0"], "--rounds"),
                       (["submit", "--", "--out", "x"], "--out is the fleet's to set"),
                       (["status", str(tmp_path)], "no fleet")]:
        done = fleet(cluster, *args)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.startswith("fleet: error: ") and says in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_node_that_is_a_host_of_its_own(tmp_path):
    """node2 in its own network and UTS namespaces, a veth pair to the
    controller's: a two-host fleet on one machine."""
    with local_cluster.LocalCluster(tmp_path / "cluster", hosts=True) as own:
        def run(*args):
            return run_bounded(own.wrap([PYTHON, "-m", "contend.fleet.main", *args]), WAIT_S,
                               env=fleet_env(own), cwd=REPO)
        done = run("submit", "--results", str(tmp_path / "fleets"), "--prebuilt", str(BENCH),
                   "--", *TINY, "--rounds", "1")
        assert done.returncode == 0, done.stderr
        (folder,) = list((tmp_path / "fleets").iterdir())
        assert run("wait", str(folder), "--poll", "0.2").returncode == 0
        hosts = {}
        for path in folder.glob("runs/*/*/machine.json"):
            info = json.loads(path.read_text())
            hosts[info["slurm"]["node"]] = info["hostname"]
        assert hosts == {"node1": socket.gethostname(), "node2": "node2"}
        assert run("compare", str(folder)).returncode == 0
    assert local_cluster.leftovers(own.root) == []


def test_local_cluster_stops_everything_on_ctrl_c(tmp_path):
    # As from a terminal: SIGINT at its default, whatever this test inherited
    # (a runner started in the background ignores SIGINT, and so would the
    # tool, which Python then never turns into KeyboardInterrupt).
    proc = subprocess.Popen([PYTHON, "-m", "contend.fleet.main", "local-cluster",
                             "--dir", str(tmp_path / "c")], env=script_env(), cwd=REPO,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert "local cluster up" in proc.stderr.readline()
        env = {**script_env(), "SLURM_CONF": str(tmp_path / "c" / "etc" / "slurm.conf")}
        subprocess.run(["sbatch", "-w", "node1", "-o", str(tmp_path / "job.out"),
                        "--wrap", "sleep 300"], env=env, check=True, capture_output=True,
                       timeout=30)
        wait_for(lambda: "R" in subprocess.run(["squeue", "-h", "-o", "%t"], env=env,
                                               capture_output=True, text=True).stdout,
                 "the job to run")
        daemons = local_cluster.leftovers(tmp_path / "c")
        assert len(daemons) >= 4   # munged, slurmctld, slurmd, the job
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
    finally:
        if proc.poll() is None:   # it failed the test: still, leave nothing running
            proc.kill()
            proc.wait()
            for pid in local_cluster.leftovers(tmp_path / "c"):
                os.kill(pid, signal.SIGKILL)
    assert all(process_gone(pid) for pid in daemons)
    assert local_cluster.leftovers(tmp_path / "c") == []
