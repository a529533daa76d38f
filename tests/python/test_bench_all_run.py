"""bench_all end to end against fake bench binaries (support.fake_build)."""
import glob
import gzip
import json
import os
import re
import signal
import subprocess
import time

import pytest

from contend.core import instance_name, instance_summary, results, schema
from contend.run.bench_all import Stop
from support.fake_build import bench_name, read_csv, run_dir_of
from support.paths import PYTHON, REPO
from support.processes import process_gone, script_env


def healthy(fake_build):
    fake_build.add("bench_counter", [
        {"name": bench_name("std_mutex", 1), "rate": 1e6},
        {"name": bench_name("std_mutex", 2), "rate": 2e6},
        {"name": bench_name("atomic_relaxed", 2), "rate": 5e6},
        {"name": bench_name("atomic_relaxed", 3, oversub=1), "rate": 9e6},
        {"name": bench_name("unsync", 2), "rate": 50e6, "lost": 321},
        {"name": bench_name("sharded_padded", 2), "rate": 7e6, "quick": False},
    ])
    fake_build.add("bench_queue", [
        {"name": bench_name("moodycamel", 2, "scatter", family="fifo", benchmark="throughput",
                            mode="process", producers=1, consumers=1,
                            extra="/payload:8/capacity:64"), "rate": 3e6},
    ])


def test_healthy_quick_run(fake_build, run_bench_all, tmp_path, monkeypatch):
    healthy(fake_build)
    done = run_bench_all("--quick", "--no-report")
    assert done.returncode == 0, done.stderr
    run_dir = run_dir_of(tmp_path)
    machine_id, run_id = run_dir.split(os.sep)[-2:]

    rows = read_csv(os.path.join(run_dir, "results.csv"))
    with open(os.path.join(run_dir, "results.csv")) as f:
        assert f.readline().rstrip("\n").split(",") == schema.COLUMNS
    # 6 quick instances x 3 rounds x 2 repetitions; sharded_padded is a
    # full-run-only variant.
    assert len(rows) == 36
    per_instance = {}
    for r in rows:
        per_instance.setdefault((r["impl"], r["threads"]), []).append((r["round"], r["repetition"]))
    assert all(sorted(v) == [(str(a), str(b)) for a in range(3) for b in range(2)]
               for v in per_instance.values())
    # Round by round: every instance once before any instance a second time.
    rounds_in_file_order = [int(r["round"]) for r in rows]
    assert rounds_in_file_order == sorted(rounds_in_file_order)
    assert {r["impl"] for r in rows} == {"std_mutex", "atomic_relaxed", "unsync", "moodycamel"}
    for r in rows:
        assert r["schema_version"] == str(schema.SCHEMA_VERSION)
        assert (r["run_id"], r["machine_id"]) == (run_id, machine_id)
        assert r["timestamp_utc"].endswith("Z") and r["git_sha"]
        assert r["error"] == ""
    fifo = [r for r in rows if r["family"] == "fifo"]
    assert {(r["params"], r["mode"], r["producers"], r["consumers"]) for r in fifo} == {
        ("capacity=64;payload=8", "process", "1", "1")}
    assert {r["oversubscribed"] for r in rows if r["threads"] == "3"} == {"true"}

    # Quick mode reaches the binaries, with bare-seconds min time and an exact filter.
    calls = fake_build.calls("bench_counter")
    assert calls[0] == ["--benchmark_list_tests=true", "--contend_quick"]
    run_call = calls[1]
    assert "--contend_quick" in run_call
    assert "--benchmark_repetitions=2" in run_call
    assert "--benchmark_min_time=0.01" in run_call
    assert "--benchmark_out_format=json" in run_call
    assert "--contend_warmup_episodes=1" in run_call
    filters = {c[2] for c in calls[1:]}
    assert "--benchmark_filter=^" + bench_name("std_mutex", 1) + "$" in filters
    # Raw JSON is packed into one compressed stream; logs of processes that
    # succeeded are not kept.
    with gzip.open(os.path.join(run_dir, "raw", "gbench.jsonl.gz"), "rt") as f:
        packed = [json.loads(line) for line in f]
    assert [p["file"] for p in packed] == [f"{i:04d}.json" for i in range(1, 19)]
    assert all(p["report"]["benchmarks"] for p in packed)
    assert not glob.glob(os.path.join(run_dir, "raw", "*.log"))
    assert not glob.glob(os.path.join(run_dir, "raw", "*.json"))
    summary = read_csv(os.path.join(run_dir, "summary.csv"))
    assert len(summary) == 6 and {s["rounds"] for s in summary} == {"3"}

    with open(os.path.join(run_dir, "machine.json")) as f:
        info = json.load(f)
    assert info["machine_id"] == machine_id and info["run_id"] == run_id
    assert info["quick"] is True
    assert info["complete"] is True and info["rounds"] == 3 and info["repetitions"] == 2
    assert info["aslr"] == "disabled" and info["warmup_episodes"] == 1
    assert set(info["noise"]) >= {"between_sd_median", "within_sd_median", "unstable_share"}
    # summary.csv is the run's one summary: machine.json names the results.csv
    # it summarises, and the tools read it back instead of summarising again.
    assert info["summary"] == {"file": "summary.csv", "results_sha256":
                               instance_summary.fingerprint(os.path.join(run_dir, "results.csv"))}
    computed = instance_summary.summarise(results.load_run(run_dir).df)
    monkeypatch.setattr(instance_summary, "summarise", None)    # a second computation would fail
    stored = instance_summary.of(results.load_run(run_dir))
    assert stored.equals(computed)
    assert info["build"]["benchmark_version"] == "1.7.1"
    for key in ("cpu_model", "packages", "numa_nodes", "l3_caches", "cores", "pus", "smt",
                "allowed_cpuset", "kernel", "governor", "virtualization", "hostname",
                "git_sha", "command", "schema_version"):
        assert key in info
    assert "--quick" in info["command"]

    # Progress on stderr, table and path on stdout. Best counter impl at 2 threads
    # (not the oversubscribed 3, not unsync which lost updates).
    assert re.search(r"\[ ?\d+/18\] r0 counter/increment/std_mutex threads=1 compact", done.stderr)
    best = [line.split() for line in done.stdout.splitlines() if line.strip().startswith("counter")]
    assert "atomic_relaxed" in best[0]
    assert f"Results: {os.path.relpath(run_dir, tmp_path)}/results.csv" in done.stdout


def test_machine_id_is_the_same_across_runs(fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_counter", [{"name": bench_name("std_mutex", 1)}])
    assert run_bench_all("--quick", "--no-report").returncode == 0
    assert run_bench_all("--quick", "--no-report").returncode == 0
    runs = glob.glob(str(tmp_path / "results" / "*" / "*"))
    assert len(runs) == 2
    assert len({os.path.dirname(r) for r in runs}) == 1   # one machine_id folder
    assert len({os.path.basename(r) for r in runs}) == 2  # two run ids


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 allowed CPUs")
def test_machine_id_changes_under_taskset(fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_counter", [{"name": bench_name("std_mutex", 1)}])
    assert run_bench_all("--no-report", "--repetitions", "1").returncode == 0
    cpu = min(os.sched_getaffinity(0))
    narrow = subprocess.run(
        ["taskset", "-c", str(cpu), PYTHON, "-m", "contend.run.bench_all",
         "--bench-dir", fake_build.dir, "--out", str(tmp_path / "results"),
         "--no-report", "--repetitions", "1"],
        capture_output=True, text=True, env=script_env(), timeout=120)
    assert narrow.returncode == 0, narrow.stderr
    assert len(os.listdir(tmp_path / "results")) == 2


def test_failures_become_error_rows_and_the_run_goes_on(fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_counter", [
        {"name": bench_name("std_mutex", 1), "rate": 1e6},
        {"name": bench_name("spin_tas", 1), "behaviour": "error", "message": "count 3 != 4"},
        {"name": bench_name("spin_mcs", 1), "behaviour": "crash"},
        {"name": bench_name("spin_ticket", 1), "behaviour": "hang"},
        {"name": bench_name("cas_loop", 1), "behaviour": "exit3"},
        {"name": bench_name("spin_ttas", 1), "behaviour": "nojson"},
        {"name": bench_name("atomic_seq_cst", 1), "behaviour": "garbage"},
        {"name": bench_name("atomic_relaxed", 1), "rate": 2e6},
    ])
    # --timeout 5: a hang guard 10x a good fake benchmark's whole run (0.5 s
    # wall for its Python to start, measured on the 2-core VM at a load of 15).
    done = run_bench_all("--quick", "--timeout", "5", "--no-report")
    assert done.returncode == 1
    rows = read_csv(os.path.join(run_dir_of(tmp_path), "results.csv"))
    by_impl = {}
    for r in rows:
        by_impl.setdefault(r["impl"], []).append(r)

    assert [r["error"] for r in by_impl["std_mutex"]] == [""] * 6
    assert [r["error"] for r in by_impl["atomic_relaxed"]] == [""] * 6
    assert [r["error"] for r in by_impl["spin_tas"]] == ["count 3 != 4"] * 6
    assert [r["error"] for r in by_impl["spin_mcs"]] == ["crashed: SIGSEGV"] * 3
    assert [r["error"] for r in by_impl["spin_ticket"]] == ["timeout after 5s"] * 3
    assert [r["error"] for r in by_impl["cas_loop"]] == [
        "exited with status 3: fake_bench: cannot pin worker 1"] * 3
    assert re.fullmatch(r"no JSON output: raw/\d{4}\.json does not exist",
                        by_impl["spin_ttas"][0]["error"])
    assert re.match(r"malformed JSON in raw/\d{4}\.json: ", by_impl["atomic_seq_cst"][0]["error"])
    for impl in ("spin_mcs", "spin_ticket", "cas_loop", "spin_ttas", "atomic_seq_cst"):
        assert [r["round"] for r in by_impl[impl]] == ["0", "1", "2"]
        for row in by_impl[impl]:
            # Identity comes from the name; there is no measurement.
            assert (row["family"], row["threads"], row["placement"]) == ("counter", "1", "compact")
            assert row["items_per_second"] == "" and row["repetition"] == ""

    assert "6 of 8 instances had errors" in done.stdout
    crash_log = re.search(r"error: crashed: SIGSEGV \((raw/\d{4}\.log)\)", done.stderr)
    assert crash_log and os.path.exists(os.path.join(run_dir_of(tmp_path), crash_log.group(1)))
    # The summary and the tools read a run with crashes and timeouts.
    summary = {s["impl"]: s for s in read_csv(os.path.join(run_dir_of(tmp_path), "summary.csv"))}
    assert summary["spin_mcs"]["median"] == "" and summary["spin_mcs"]["errors"] == "3"
    assert summary["std_mutex"]["errors"] == "0" and summary["std_mutex"]["median"] != ""

    # Each hanging benchmark and the worker it forked were both killed.
    pids = fake_build.pids("bench_counter")
    assert len(pids) == 6
    assert all(process_gone(pid) for pid in pids)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_keeps_results_and_kills_the_child_group(fake_build, hanging_bench_all,
                                                           tmp_path, signum):
    fake_build.add("bench_counter", [
        {"name": bench_name("std_mutex", 1), "rate": 1e6},
        # It writes its latency histogram, then hangs: killed, it is not kept.
        {"name": bench_name("spin_ticket", 1), "behaviour": "hang", "hgrm": True},
        {"name": bench_name("atomic_relaxed", 1), "rate": 2e6},
    ])
    proc = hanging_bench_all()
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)   # a hang guard: it stops within a second
    assert proc.returncode == 130
    done = re.search(r"interrupted after (\d) of 9 processes; results so far", err)
    assert done, err
    rows = read_csv(os.path.join(run_dir_of(tmp_path), "results.csv"))
    # Every process that finished is there, whole; the killed one is not.
    assert len(rows) == 2 * int(done.group(1))
    assert "spin_ticket" not in {r["impl"] for r in rows}
    assert os.listdir(os.path.join(run_dir_of(tmp_path), "hgrm")) == []
    assert all(process_gone(pid) for pid in fake_build.pids("bench_counter"))
    with open(os.path.join(run_dir_of(tmp_path), "machine.json")) as f:
        assert json.load(f)["complete"] is False


def test_stop_spares_a_child_that_already_finished():
    finished = subprocess.Popen(["true"])
    while os.waitid(os.P_PID, finished.pid, os.WEXITED | os.WNOWAIT) is None:
        time.sleep(0.01)
    stop = Stop()
    stop.watch(finished)
    stop.handle(signal.SIGINT, None)      # arrives after the child exited, before reaping
    assert stop.requested and not stop.killed_child
    finished.wait()
    running = subprocess.Popen(["sleep", "30"], start_new_session=True)
    stop = Stop()
    stop.watch(running)
    stop.handle(signal.SIGINT, None)
    assert stop.killed_child and running.wait(timeout=10) == -signal.SIGKILL


def write_plot(tmp_path, status):
    plot = tmp_path / "plot"
    plot.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path}/plot.args\nexit {status}\n")
    plot.chmod(0o755)
    return str(plot)


def test_report_runs_plot_on_the_run_dir(fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_counter", [{"name": bench_name("std_mutex", 1)}])
    done = run_bench_all("--quick", "--plot-command", write_plot(tmp_path, 0))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "plot.args").read_text().strip() == run_dir_of(tmp_path)


def test_failing_plot_is_reported_but_results_stand(fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_counter", [{"name": bench_name("std_mutex", 1)}])
    done = run_bench_all("--quick", "--plot-command", write_plot(tmp_path, 4))
    assert done.returncode == 0
    assert "report failed" in done.stderr and "exit status 4" in done.stderr


def test_no_report_skips_plot(fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_counter", [{"name": bench_name("std_mutex", 1)}])
    done = run_bench_all("--quick", "--no-report", "--plot-command", write_plot(tmp_path, 0))
    assert done.returncode == 0
    assert not (tmp_path / "plot.args").exists()


def test_selection_flags_narrow_the_run(fake_build, run_bench_all, tmp_path):
    healthy(fake_build)
    done = run_bench_all("--families", "counter", "--impls", "std_mutex,atomic_relaxed",
                         "--threads", "2", "--placements", "compact", "--modes", "thread",
                         "--repetitions", "2", "--min-time", "0.5", "--no-report")
    assert done.returncode == 0, done.stderr
    rows = read_csv(os.path.join(run_dir_of(tmp_path), "results.csv"))
    assert sorted({(r["impl"], r["threads"]) for r in rows}) == [
        ("atomic_relaxed", "2"), ("std_mutex", "2")]
    assert len(rows) == 2 * 2 * 3     # instances x repetitions x rounds
    run_call = fake_build.calls("bench_counter")[1]
    assert "--contend_quick" not in run_call
    assert "--benchmark_repetitions=2" in run_call and "--benchmark_min_time=0.5" in run_call
    assert fake_build.calls("bench_counter")[0] == ["--benchmark_list_tests=true"]


def test_a_shared_map_is_measured_once_and_selected_by_either_placement(
        fake_build, run_bench_all, tmp_path):
    # One L3, no SMT: the binary lists compact and scatter as one instance.
    fake_build.add("bench_counter", [
        {"name": bench_name("std_mutex", 2, "compact", placements="compact+scatter")}])
    done = run_bench_all("--placements", "scatter", "--no-report")
    assert done.returncode == 0, done.stderr
    rows = read_csv(os.path.join(run_dir_of(tmp_path), "results.csv"))
    assert rows and {(r["placement"], r["placements"]) for r in rows} == {
        ("compact", "compact+scatter")}


def test_fixed_episodes_run_the_name_google_benchmark_gives_them(fake_build, run_bench_all,
                                                                  tmp_path):
    fake_build.add("bench_counter", [{"name": bench_name("std_mutex", 1), "rate": 1e6}])
    done = run_bench_all("--quick", "--episodes", "4", "--rounds", "2", "--no-report")
    assert done.returncode == 0, done.stderr
    run_call = fake_build.calls("bench_counter")[1]
    assert "--contend_episodes=4" in run_call
    assert not any(a.startswith("--benchmark_min_time") for a in run_call)
    assert run_call[2].endswith("/iterations:4/manual_time$")
    rows = read_csv(os.path.join(run_dir_of(tmp_path), "results.csv"))
    assert len(rows) == 2 * 2 and {r["impl"] for r in rows} == {"std_mutex"}


def test_estimate_and_budget(fake_build, run_bench_all):
    healthy(fake_build)
    done = run_bench_all("--estimate")
    assert done.returncode == 0, done.stderr
    assert re.match(r"7 instances x 3 rounds = 21 processes", done.stdout)   # full: 7 listed
    fitted = run_bench_all("--estimate", "--budget", "10m")
    assert fitted.returncode == 0 and "x 7 rounds" in fitted.stdout
    both = run_bench_all("--budget", "10m", "--rounds", "3")
    assert both.returncode == 2 and "either, not both" in both.stderr


# ---- latency histograms (hgrm/) ------------------------------------------------

LATENCY_COUNTERS = {"latency_samples": 5000, "p50_ns": 700, "p90_ns": 900, "p99_ns": 1500,
                    "p999_ns": 4000, "max_ns": 9000, "offered_per_second": 1e6, "kept_up": 1}


def latency_instance(impl, **more):
    return {"name": bench_name(impl, 2, family="fifo", benchmark="latency", producers=1,
                               consumers=1, extra="/load_pct:50/payload:8"),
            "rate": 1e6, "counters": LATENCY_COUNTERS, "hgrm": True, **more}


def hgrm_flags(calls):
    """The --contend_hgrm value of every run (not listing) call."""
    return [a.split("=", 1)[1] for c in calls for a in c if a.startswith("--contend_hgrm=")]


def test_each_process_writes_its_latency_histogram_where_hgrm_path_says(
        fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_queue", [
        latency_instance("mutex_deque"),
        {"name": bench_name("moodycamel", 2, family="fifo", benchmark="throughput",
                            producers=1, consumers=1, extra="/payload:8"), "rate": 3e6},
    ])
    done = run_bench_all("--quick", "--no-report")
    assert done.returncode == 0, done.stderr
    run_dir = run_dir_of(tmp_path)
    latency, throughput = (instance_name.parse(i["name"])
                           for i in json.load(open(fake_build.dir + "/bench_queue.config.json"))
                           ["instances"])
    # Every process is asked for its file, at its instance's and round's path.
    calls = fake_build.calls("bench_queue")[1:]
    assert len(calls) == 6
    expected = {str(instance_name.hgrm_path(run_dir, identity, r))
                for identity in (latency, throughput) for r in range(3)}
    assert set(hgrm_flags(calls)) == expected
    # Files exist for the instance that records latencies, one per round;
    # none for the throughput instance, no temporary file left.
    hgrm_dir = os.path.join(run_dir, "hgrm")
    assert sorted(os.listdir(hgrm_dir)) == sorted(
        instance_name.hgrm_path(run_dir, latency, r).name for r in range(3))
    for r in range(3):
        text = instance_name.hgrm_path(run_dir, latency, r).read_text()
        assert "fifo/latency/mutex_deque/" in text
    rows = read_csv(os.path.join(run_dir, "results.csv"))
    latency_rows = [r for r in rows if r["benchmark"] == "latency"]
    assert {r["latency_of"] for r in latency_rows} == {"since_intended_send"}
    assert {r["kept_up"] for r in latency_rows} == {"true"}


def test_a_process_with_error_rows_keeps_no_histogram(fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_queue", [
        latency_instance("mutex_deque", behaviour="error", message="lost 3 items"),
        latency_instance("boost_lockfree", behaviour="exit3"),
    ])
    done = run_bench_all("--quick", "--no-report")
    assert done.returncode == 1
    run_dir = run_dir_of(tmp_path)
    assert len(hgrm_flags(fake_build.calls("bench_queue"))) == 6
    # The fake wrote the error instance's file, as a binary whose other
    # repetitions had numbers would: bench_all removed it.
    assert os.listdir(os.path.join(run_dir, "hgrm")) == []


def test_a_histogram_that_cannot_be_written_costs_the_file_not_the_rows(
        fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_queue", [latency_instance("mutex_deque", behaviour="hgrm_unwritable")])
    done = run_bench_all("--quick", "--no-report")
    assert done.returncode == 0, done.stderr
    run_dir = run_dir_of(tmp_path)
    rows = read_csv(os.path.join(run_dir, "results.csv"))
    assert len(rows) == 6 and {r["error"] for r in rows} == {""}
    assert os.listdir(os.path.join(run_dir, "hgrm")) == []
    note = re.search(r"no \.hgrm: fake_bench: error: cannot write latency histogram \S+: "
                     r"Permission denied \((raw/\d{4}\.log)\)", done.stderr)
    assert note, done.stderr
    assert os.path.exists(os.path.join(run_dir, note.group(1)))   # the log says why
    assert "3 processes could not write their latency histogram (rows kept)" in done.stdout


def test_the_exit_status_for_an_unwritten_histogram_is_bench_mains():
    from contend.run import bench_all
    header = open(os.path.join(REPO, "impl", "contend", "harness", "bench_main.h")).read()
    declared = re.search(r"kExitHistogramNotWritten = (\d+);", header)
    assert declared and int(declared.group(1)) == bench_all.HGRM_NOT_WRITTEN
    assert f"{bench_all.HGRM_FLAG}=FILE" in header
