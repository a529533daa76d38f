"""bench_all gives every bench process a scratch folder inside the run
(--contend_scratch, for the chatlog family's chat files) and removes it
however the process ended: finished, failed, timed out or interrupted."""
import glob
import os
import re
import signal

from support.fake_build import bench_name, run_dir_of
from support.processes import process_gone


def scratch_flags(calls):
    return [a.split("=", 1)[1] for c in calls for a in c if a.startswith("--contend_scratch=")]


def test_each_process_gets_its_own_scratch_folder_and_it_is_removed(
        fake_build, run_bench_all, tmp_path):
    fake_build.add("bench_counter", [
        {"name": bench_name("std_mutex", 1), "rate": 1e6},
        {"name": bench_name("spin_mcs", 1), "behaviour": "crash"},
        {"name": bench_name("spin_ticket", 1), "behaviour": "hang"},
    ])
    # --timeout 5: a hang guard 10x a good fake benchmark's whole run (0.5 s
    # wall for its Python to start, measured on the 2-core VM at a load of 15).
    done = run_bench_all("--quick", "--timeout", "5", "--no-report")
    assert done.returncode == 1
    run_dir = run_dir_of(tmp_path)
    flags = scratch_flags(fake_build.calls("bench_counter"))
    assert len(flags) == 9 and len(set(flags)) == 9   # one per process
    for flag in flags:
        assert re.fullmatch(re.escape(os.path.join(run_dir, "scratch")) + r"/\d{4}", flag)
    assert not os.path.exists(os.path.join(run_dir, "scratch"))


def test_an_interrupted_process_leaves_no_scratch_folder(fake_build, hanging_bench_all,
                                                         tmp_path):
    fake_build.add("bench_counter", [{"name": bench_name("spin_ticket", 1), "behaviour": "hang"}])
    proc = hanging_bench_all()
    assert glob.glob(str(tmp_path / "results" / "*" / "*" / "scratch" / "*" / "chat.txt"))
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)   # a hang guard: it stops within a second
    assert proc.returncode == 130
    assert not os.path.exists(os.path.join(run_dir_of(tmp_path), "scratch"))
    assert all(process_gone(pid) for pid in fake_build.pids("bench_counter"))
