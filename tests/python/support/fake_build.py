"""Fake bench builds for bench_all, and reading what bench_all wrote.

A fake build is a folder holding copies of fixtures/fake_bench.py named
bench_<group> (each configured with its own instance list) and
fixtures/fake_contend_plan.py as contend_plan; bench_all is pointed at it
with its hidden --bench-dir flag (conftest's fake_build and run_bench_all
fixtures).
"""
import csv
import glob
import json
import os
import shutil

from .paths import FIXTURES


def bench_name(impl, threads=1, placement="compact", oversub=0, family="counter",
               benchmark="increment", mode="thread", producers=0, consumers=0, extra="",
               placements=None):
    """A full instance name as a bench binary lists it (GB suffix included).

    placements: the policies this instance stands for ("compact+scatter");
    by default just `placement`, as the binaries name a map no other policy gives.
    """
    return (f"{family}/{benchmark}/{impl}/mode:{mode}/threads:{threads}"
            f"/producers:{producers}/consumers:{consumers}/placement:{placement}"
            f"/placements:{placements or placement}"
            f"/oversub:{oversub}{extra}/manual_time")


class FakeBuild:
    def __init__(self, root):
        self.dir = str(root)
        os.makedirs(self.dir, exist_ok=True)
        plan = os.path.join(self.dir, "contend_plan")
        shutil.copy(os.path.join(FIXTURES, "fake_contend_plan.py"), plan)
        os.chmod(plan, 0o755)

    def add(self, binary, instances):
        """instances: list of dicts for fake_bench.py (name, behaviour, ...)."""
        path = os.path.join(self.dir, binary)
        shutil.copy(os.path.join(FIXTURES, "fake_bench.py"), path)
        os.chmod(path, 0o755)
        with open(path + ".config.json", "w") as f:
            json.dump({"instances": instances}, f)
        return path

    def calls(self, binary):
        path = os.path.join(self.dir, binary + ".calls")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f]

    def pids(self, binary):
        path = os.path.join(self.dir, binary + ".pids")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [int(line) for line in f if line.strip()]


def read_csv(path):
    """A CSV file as a list of row dicts, every cell text."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def run_dir_of(tmp_path):
    """The one run folder bench_all wrote under tmp_path/results."""
    [run_dir] = glob.glob(str(tmp_path / "results" / "*" / "*"))
    return run_dir
