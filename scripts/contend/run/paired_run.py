"""bench_all --pair-bench-dir DIR --pair-out ROOT: two builds, one instance at a time.

scripts/ab's paired design (issue 21). The shared 2-core VM switches between
machine states that move an instance 2-5x and last seconds to tens of
seconds; two whole runs of the suite, one per build, rarely see one state.
Here every scheduled process is run twice, back to back: with the baseline's
binary (DIR, "A") and with this build's ("B"), in the order A B on even slots
and B A on odd ones (so neither build always goes first after a state
change). The two processes of one instance are a fraction of a second apart,
so they almost always share the machine's state, and the gate tests their
ratio (gate/paired.py).

Each build gets its own run folder: B's under --out as usual, A's under
ROOT, each with its own machine.json (A's git sha from --pair-repo) and its
own rows; a process's environment names its own build's sha. A test-only
CONTEND_SLOWDOWN in this process's environment applies to B's processes only
(and is recorded in B's machine.json alone). An instance only one build has
is measured for that build alone (the gate then reports it as missing or
new). Both builds' processes are driven by this bench_all: the harness flags
it passes must be ones A's binaries accept (the same repository, a few
commits apart); scripts/ab falls back to alternating whole runs where this
bench_all has no --pair-bench-dir.
"""
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

from ..core import slowdown

PAIR_FOLDERS = "pair-folders"
from . import schedule
from .results_csv import ResultsFile

SHA_VARIABLE = "CONTEND_GIT_SHA"
# machine.json's key: the run id of the other build's run made in pairs with this one.
PAIRED_WITH = "paired_with"


def no_op_slowdown(slowed):
    """A's CONTEND_SLOWDOWN beside B's `slowed`: a value of the same length
    that slows nothing (an impl id no binary has, factor 1), or none when B
    has none. The two builds' processes must see environments of one size:
    with ASLR off (bench_all's default) the environment's size moves every
    address on the stack. Before this, A/A pairs on the 2-core VM (B with an
    empty CONTEND_SLOWDOWN and a 6-byte shorter sha) read 2-worker counters
    ~20% slower on B (docs/gate.md); a layout shift is the suspected cause."""
    if not slowed:
        return None
    return "~" * max(1, len(slowed) - 2) + "=1"


@contextmanager
def side_environment(values):
    """os.environ with `values` set (None: removed) while a side's process runs."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            _set(k, v)
        yield
    finally:
        for k, v in saved.items():
            _set(k, v)


def _set(key, value):
    if value is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = value


def _by_name(chosen):
    return {inst.name: inst for inst in chosen}


def execute(args, argv, the_plan, chosen_b, bench_all):
    """bench_all: the bench_all module's parts this needs (choose, start_run,
    measure, headline, show_path, Progress, REPO, EXIT_INTERRUPTED), handed
    in by bench_all itself, so that no import goes back up to it."""
    chosen_a = bench_all.choose(args, Path(args.pair_bench_dir).absolute())
    slowed = os.environ.pop(slowdown.VARIABLE, "")
    runs, env = {}, {}
    for side, chosen, repo, out in (("B", chosen_b, bench_all.REPO, None),
                                    ("A", chosen_a, Path(args.pair_repo or bench_all.REPO), args.pair_out)):
        os.environ.pop(SHA_VARIABLE, None)   # each side's sha from its own checkout
        runs[side] = bench_all.start_run(args, argv, the_plan, chosen, slowed if side == "B" else "",
                                         repo=repo, out=out)
        env[side] = {SHA_VARIABLE: runs[side].info["git_sha"]}
    env["B"][slowdown.VARIABLE] = slowed or None
    env["A"][slowdown.VARIABLE] = no_op_slowdown(slowed)
    # Each run names its partner: its rounds are pairs, one sample each
    # (gate/evidence.py side_of_run), not rounds of one machine state.
    runs["A"].info[PAIRED_WITH], runs["B"].info[PAIRED_WITH] = (runs["B"].info["run_id"],
                                                                runs["A"].info["run_id"])
    return PairedRun(runs, env, _by_name(chosen_a), _by_name(chosen_b), bench_all).execute()


class PairedRun:
    """Both builds' BenchRuns, driven slot by slot."""

    def __init__(self, runs, env, by_a, by_b, bench_all):
        self.runs, self.env, self.bench_all = runs, env, bench_all
        self.inst = {"A": by_a, "B": by_b}
        # One schedule over every name either build has (B's instance where
        # both do): the same order for both, seeded by B's run id.
        names = list(by_b) + [n for n in by_a if n not in by_b]
        union = [by_b.get(n) or by_a[n] for n in names]
        self.slots = schedule.first_then_interleaved(union, runs["B"].args.rounds,
                                                     runs["B"].info["run_id"],
                                                     first=bench_all_is_calibration)
        for side, run in runs.items():
            run.slots = [s for s in self.slots if s.instance.name in self.inst[side]]
            run.calibration_slots = sum(1 for s in run.slots if bench_all_is_calibration(s.instance))
        self.stop = runs["B"].stop
        self.done = {"A": 0, "B": 0}

    def order(self, slot):
        return ("A", "B") if slot.index % 2 == 0 else ("B", "A")

    def execute(self):
        bench_all = self.bench_all
        signal.signal(signal.SIGTERM, self.stop.handle)
        signal.signal(signal.SIGINT, self.stop.handle)
        for side, run in self.runs.items():
            run.stop = self.stop
        b = self.runs["B"]
        print(f"bench_all: {len(self.slots)} processes x 2 builds, paired (A: "
              f"{bench_all.show_path(self.runs['A'].run_dir)}, B: {bench_all.show_path(b.run_dir)})",
              file=sys.stderr)
        progress = bench_all.Progress(len(self.slots))
        outs = {side: ResultsFile(run.csv_path) for side, run in self.runs.items()}
        try:
            with equal_length_folders(self.runs) as self.folder:
                for slot in self.slots:
                    if self.stop.requested or not self._pair(slot, outs, progress):
                        break
        finally:
            for out in outs.values():
                out.close()
        codes = [self.runs[side].finish(self.done[side]) for side in ("A", "B")]
        return max(codes) if all(c != bench_all.EXIT_INTERRUPTED for c in codes) \
            else bench_all.EXIT_INTERRUPTED

    def _pair(self, slot, outs, progress):
        """Both builds' processes of one slot; False when interrupted."""
        bench_all = self.bench_all
        progress.begin(slot.index, f"r{slot.round} {slot.instance.label()}")
        heads = []
        for side in self.order(slot):
            inst = self.inst[side].get(slot.instance.name)
            if inst is None:
                continue
            run = self.runs[side]
            own = schedule.Slot(slot.round, slot.index, inst)
            with side_environment(self.env[side]):
                done = bench_all.measure(inst, run.args, self.folder[side], own, self.stop)
            if done is None:
                progress.end("interrupted")
                return False
            run._record(outs[side], own, done.rows)
            run.record_probe(own, done.probe)
            self.done[side] += 1
            heads.append(f"{side} {bench_all.headline(done.rows, f'raw/{slot.index:04d}.log')}")
            if self.done[side] == run.calibration_slots:
                run._calibrate()
        progress.end(", ".join(heads))
        return True


@contextmanager
def equal_length_folders(runs):
    """side -> a name of its run folder, the same length for both sides.

    A process's arguments name files in its run folder (its JSON, histogram
    and scratch folder), and the two folders' paths differ in length (A's
    lies under scripts/ab's worktree). With ASLR off the arguments' size
    moves the stack of every thread the process starts, as the environment's
    did (no_op_slowdown): one whole-suite A/A gate of a build against itself
    measured `tbb_priority_queue` pingpong 9% slower on B, and the confirm
    stage agreed (2026-12-08). So both sides reach their folders through
    links of one length, <B's run>/pair-folders/A and .../B, removed after."""
    root = Path(runs["B"].run_dir).absolute() / PAIR_FOLDERS
    root.mkdir(exist_ok=True)
    links = {side: root / side for side in runs}
    try:
        for side, link in links.items():
            link.symlink_to(Path(runs[side].run_dir).absolute(), target_is_directory=True)
        yield links
    finally:
        for link in links.values():
            if link.is_symlink():
                link.unlink()
        root.rmdir()


def bench_all_is_calibration(inst):
    """bench_all.is_calibration (bench_all imports this module, not back)."""
    return inst.identity["family"] == "calibration"
