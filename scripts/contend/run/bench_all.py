"""bench_all: run every benchmark instance of the build and write tidy results.

Flow: contend_plan --json (topology) -> bench_* --benchmark_list_tests
(instances) -> the user's selection -> rounds: every instance once per round,
each round shuffled (schedule.py), one child process per instance and round
-> its GB JSON converted and appended to results.csv at once -> per-instance
summary (estimate, interval, stability) and the end-of-run table.

Output: <out>/<machine_id>/<run_id>/ with results.csv, summary.csv,
machine.json, raw/ (each process's GB JSON, gzip-compressed, as
raw/gbench.jsonl.gz, one line per process NNNN; its console log raw/NNNN.log
is kept only when it failed) and hgrm/ (per instance that records latencies
and round, its latency histogram as HdrHistogram .hgrm text in microseconds,
instance_name.hgrm_path: <stem>.r<round>.hgrm, every timed repetition of
that process merged; only for processes whose rows have no error).
Each process also gets a scratch folder for temporary files,
scratch/<process>, removed when it ends, however it ends.
Exit 0 when every instance produced a number, 1 when some had errors (all
else is still written), 2 on bad input, 130 when interrupted.
"""
import argparse
import datetime
import gzip
import json
import os
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import (budget, calibration, child, emulation, gbench, instances, machine, only_list,
               paired_run, plan, schedule, state_probe)
from ..core import formatting, instance_name, repo, schema, slowdown
from ..core.args import (Parser, choice_list, count_list, duration, name_list, non_negative_int,
                         positive_int, positive_seconds)
from ..core.cli import EXIT_FAILURE, EXIT_OK, UsageError, run_main
from .results_csv import ResultsFile

PROG = "bench_all"
REPO = repo.ROOT
DEFAULT_BENCH_DIR = REPO / "build" / "release" / "bench"
DEFAULT_OUT = REPO / "results"
DEFAULT_PLOT = REPO / "scripts" / "plot"
EXIT_INTERRUPTED = 130
# The bench binaries' own flag for untimed warm-up episodes (harness/bench_main.h).
WARMUP_FLAG = "--contend_warmup_episodes"
EPISODES_FLAG = "--contend_episodes"
# Where a bench binary writes the process's latency histogram (bench_main.h),
# and its exit status when it ran every benchmark but could not write that
# file (kExitHistogramNotWritten): the rows in its JSON are whole, only the
# file is missing.
HGRM_FLAG = "--contend_hgrm"
HGRM_NOT_WRITTEN = 4
# Where a bench binary writes temporary files (bench_main.h, scratch_dir.h):
# <run_dir>/scratch/<process>, made before the process and removed after it
# however it ended (success, failure, timeout, Ctrl-C).
SCRATCH_FLAG = "--contend_scratch"
SCRATCH_DIR = "scratch"

# (full, quick) defaults. Quick must finish in about a minute of benchmark
# time on 2 cores, the full run in 15 minutes; rounds are the evidence, so
# both keep 3 of them and pay with repetitions and min-time instead.
# A repetition measures episodes until --min-time has been measured (Google
# Benchmark's own growth): a fast instance gets many episodes, a slow one a
# single one. Measured on the 2-core VM (README, "Less variance"), that halves
# the spread between rounds against a fixed count of 3 episodes, at the same
# wall time; --episodes N fixes the count instead.
DEFAULTS = {"rounds": (3, 3), "repetitions": (2, 2), "min_time": (0.05, 0.01),
            "timeout": (300.0, 60.0), "warmup": (1, 1)}

# An emulated run is a functional check, not a measurement (docs/emulation.md):
# every planned instance runs once, through its own checks, in one process
# with one repetition. Rounds and repetitions are evidence about a number,
# and its numbers measure neither machine; 3 x 2 of them made a 128-PU quick
# plan take about 50 minutes here. --rounds / --repetitions still apply, and
# --plan / --estimate keep the real machine's defaults (--estimate of an
# emulated topology is that machine's full or quick run).
EMULATED_DEFAULTS = {"rounds": 1, "repetitions": 1}


def build_parser():
    p = Parser(prog=PROG, allow_abbrev=False,
               description="Run the contend benchmarks over this machine's plan and "
                           "write results/<machine_id>/<run_id>/ (results.csv, "
                           "machine.json, raw Google Benchmark JSON).")
    p.add_argument("--quick", action="store_true",
                   help="short episodes, fewer variants, --min-time 0.01 and --timeout 60 "
                        "(3 rounds, about a minute on 2 cores)")
    p.add_argument("--plan", action="store_true",
                   help="print the ladder of worker counts and each worker's placement, "
                        "run nothing; honours HWLOC_SYNTHETIC / HWLOC_XMLFILE")
    p.add_argument("--estimate", action="store_true",
                   help="print how many instances and processes the run would measure and "
                        "about how long it would take, run nothing; honours HWLOC_SYNTHETIC / "
                        "HWLOC_XMLFILE like --plan")
    p.add_argument("--emulate", metavar="TOPOLOGY",
                   help="plan for another machine (an hwloc XML file, or a synthetic "
                        "description such as 'pack:2 l3:4 core:8 pu:2') and run every planned "
                        "instance here, each worker on this machine's PU (its logical index "
                        "modulo the PUs this process may use): a functional check, not a "
                        "measurement (docs/emulation.md); with --plan or --estimate, plans only")
    p.add_argument("--families", type=choice_list(schema.FAMILIES, "family"), metavar="A,B",
                   help=f"only these families ({', '.join(schema.FAMILIES)})")
    p.add_argument("--impls", type=name_list, metavar="A,B",
                   help="only these impl ids (e.g. std_mutex,atomic_relaxed)")
    p.add_argument("--threads", type=count_list, metavar="N,M",
                   help="only these worker counts (must be points of the ladder)")
    p.add_argument("--placements", type=choice_list(schema.PLACEMENTS, "placement"),
                   metavar="A,B", help="only these placements (compact, scatter)")
    p.add_argument("--modes", type=choice_list(schema.MODES, "mode"), metavar="A,B",
                   help="only these modes (thread, process)")
    p.add_argument("--rounds", type=positive_int, metavar="N",
                   help="separate processes per instance, interleaved through the run in a "
                        "shuffled order (default 3); an instance's number is the median of "
                        "its round medians, its interval comes from their spread")
    p.add_argument("--repetitions", type=positive_int, metavar="N",
                   help="repetitions per round (default 2)")
    p.add_argument("--min-time", type=positive_seconds, metavar="S",
                   help="episodes per repetition until S seconds are measured (Google "
                        "Benchmark's --benchmark_min_time; default 0.05, 0.01 with --quick)")
    p.add_argument("--episodes", type=positive_int, metavar="N",
                   help="instead of --min-time: exactly N timed episodes per repetition")
    p.add_argument("--budget", type=duration, metavar="DURATION",
                   help="fit the run into DURATION (15m, 1h, 900s) by choosing --rounds and "
                        "--min-time; prints the precision to expect")
    p.add_argument("--warmup", type=non_negative_int, metavar="N",
                   help="untimed warm-up episodes before each repetition's timed ones "
                        "(default 1): they pay first touch of fresh memory")
    p.add_argument("--keep-aslr", action="store_true",
                   help="leave address-space layout randomisation on (by default each "
                        "benchmark process runs with it off, as setarch -R does)")
    p.add_argument("--timeout", type=positive_seconds, metavar="S",
                   help="kill an instance after S seconds and record a timeout error "
                        "(default 300; 60 with --quick)")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                   help="results root (default: the repository's results/)")
    p.add_argument("--no-report", action="store_true",
                   help="do not run scripts/plot on the finished run")
    # For tests: a folder of (fake) bench_* binaries and contend_plan, and the
    # report command to run at the end.
    p.add_argument("--bench-dir", default=DEFAULT_BENCH_DIR, help=argparse.SUPPRESS)
    p.add_argument("--plot-command", default=DEFAULT_PLOT, help=argparse.SUPPRESS)
    # For scripts/ab's confirm stage: a file of exact instance names.
    p.add_argument("--only", metavar="FILE", help=argparse.SUPPRESS)
    # For scripts/ab's paired design (paired_run.py): the baseline's bench
    # binaries, its checkout (for its git sha) and its results root; each
    # instance's process of that build runs back to back with this one's.
    p.add_argument("--pair-bench-dir", metavar="DIR", help=argparse.SUPPRESS)
    p.add_argument("--pair-repo", metavar="DIR", help=argparse.SUPPRESS)
    p.add_argument("--pair-out", metavar="DIR", help=argparse.SUPPRESS)
    return p


def parse_args(argv):
    args = build_parser().parse_args(argv)
    if args.budget and (args.rounds or args.episodes or args.min_time):
        raise UsageError("--budget chooses --rounds and --min-time; give either, not both")
    if bool(args.pair_bench_dir) != bool(args.pair_out):
        raise UsageError("--pair-bench-dir and --pair-out go together")
    if args.min_time and args.episodes:
        raise UsageError("--episodes and --min-time both say how long a repetition is; give one")
    if args.emulate is not None and not (args.plan or args.estimate):
        for name, value in EMULATED_DEFAULTS.items():
            if getattr(args, name) is None:
                setattr(args, name, value)
    for name, (full, quick) in DEFAULTS.items():
        if name == "min_time" and args.episodes:
            continue
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    return args


def apply_budget(args, count, between_sd, source):
    """--budget: choose rounds and min-time for `count` instances; say what to expect."""
    fitted = budget.fit(args.budget, count, args.repetitions)
    args.rounds, args.min_time = fitted.rounds, fitted.min_time
    precision = budget.expected_precision(fitted.rounds, between_sd)
    print(f"{PROG}: budget {formatting.duration(args.budget)}: {fitted.rounds} rounds x "
          f"{fitted.repetitions} repetitions x --min-time {fitted.min_time:g} over {count} "
          f"instances, about {formatting.duration(fitted.seconds(count))}; expect 95% intervals "
          f"of about +-{formatting.percent(precision)} per instance (between-round spread "
          f"{formatting.percent(between_sd)}, {source})", file=sys.stderr)


def show_path(path):
    """Path relative to cwd when inside it, absolute otherwise."""
    try:
        return Path(path).relative_to(Path.cwd())
    except ValueError:
        return path


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def new_run_id():
    # The random suffix keeps two runs started in the same second apart.
    return utc_now().strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def exec_plan(bench_dir):
    """--plan: hand the terminal to contend_plan (environment untouched)."""
    contend_plan = str(bench_dir / "contend_plan")
    if not os.access(contend_plan, os.X_OK):
        raise UsageError(f"{contend_plan} not found; build first (cmake --build --preset release)")
    sys.stdout.flush()
    os.execv(contend_plan, [contend_plan])


def instance_argv(inst, args, json_path, hgrm_path, scratch_dir):
    argv = [inst.binary]
    if args.quick:
        argv.append(instances.QUICK_FLAG)
    argv.append(f"{WARMUP_FLAG}={args.warmup}")
    return argv + [
        "--benchmark_filter=" + instance_name.exact_filter(inst.name, args.episodes),
        f"--benchmark_repetitions={args.repetitions}",
        (f"--benchmark_min_time={args.min_time:g}" if args.min_time  # GB 1.7.1: bare seconds
         else f"{EPISODES_FLAG}={args.episodes}"),
        f"--benchmark_out={json_path}",
        "--benchmark_out_format=json",
        f"{HGRM_FLAG}={hgrm_path}",
        f"{SCRATCH_FLAG}={scratch_dir}",
    ]


class Stop:
    """Ctrl-C / SIGTERM, handled so that nothing measured is lost.

    The handler only records the request and kills the running child's
    group. The child then ends, the runner sees `killed_child` and drops that
    one unfinished instance, and stops before the next. An instance whose
    child had already exited when the signal came is converted and written
    like any other: it finished."""

    def __init__(self):
        self.requested = False
        self.killed_child = False
        self._proc = None

    def handle(self, signum, frame):
        self.requested = True
        proc = self._proc
        if proc is not None and child.still_running(proc.pid):
            self.killed_child = True
            child.kill_group(proc.pid)

    def watch(self, proc):
        self._proc = proc
        if self.requested:           # the signal came while it was starting
            self.handle(None, None)

    def done(self):
        self._proc = None


def measure(inst, args, run_dir, slot, stop):
    """Runs one process of one instance (its round `slot.round`); returns a
    Measured, or None when a stop request killed it before it finished."""
    stem = f"raw/{slot.index:04d}"
    json_path, log_path = run_dir / f"{stem}.json", run_dir / f"{stem}.log"
    hgrm_path = instance_name.hgrm_path(run_dir, inst.identity, slot.round)
    scratch = run_dir / SCRATCH_DIR / f"{slot.index:04d}"
    try:
        scratch.mkdir(parents=True, exist_ok=True)
        outcome = child.run(instance_argv(inst, args, json_path, hgrm_path, scratch),
                            log_path=log_path, timeout=args.timeout, cwd=run_dir,
                            on_start=stop.watch)
    except OSError as e:   # e.g. the binary vanished under a rebuild
        return Measured([gbench.error_row(inst.identity, f"could not start: {e.strerror or e}")])
    finally:
        stop.done()
        _remove_scratch(scratch)
    if stop.killed_child:
        _remove(json_path, log_path, *_hgrm_files(hgrm_path))
        return None
    hgrm_failed = outcome.returncode == HGRM_NOT_WRITTEN and not outcome.timed_out
    if hgrm_failed:   # the rows are whole: only the file is missing
        outcome = child.Outcome(0, False, outcome.timeout)
    rows = _rows_of(inst, outcome, json_path, log_path, stem)
    probe = state_probe.read_probe(json_path)
    if outcome.timed_out and getattr(args, "host_pus", None):
        rows[0]["error"] += emulation.timeout_note(inst.identity, args.host_pus)
    failed = any(r.get("error") for r in rows)
    if failed:
        # A histogram beside error rows would stand for numbers the CSV does not have.
        _remove(*_hgrm_files(hgrm_path))
    else:
        _remove(_hgrm_partial(hgrm_path))
    _keep_raw(json_path, log_path, failed=failed or hgrm_failed)
    note = ""
    if hgrm_failed:   # the binary's one line, naming the file relative to the run
        why = child.last_line(log_path, limit=1000).replace(str(run_dir) + "/", "")
        note = f"no .hgrm: {why[:200]} ({stem}.log)"
    return Measured(rows, note, probe)


@dataclass
class Measured:
    """One process's rows (one error row if it gave none), when its
    latency histogram could not be written, why (its rows are kept), and
    the machine state it found (state_probe.py; None if none)."""
    rows: list
    hgrm_note: str = ""
    probe: float = None


def _hgrm_partial(hgrm_path):
    """The temporary file a bench binary writes before renaming it to hgrm_path."""
    return hgrm_path.with_name(hgrm_path.name + ".tmp")


def _hgrm_files(hgrm_path):
    return hgrm_path, _hgrm_partial(hgrm_path)


def _rows_of(inst, outcome, json_path, log_path, stem):
    failure = outcome.failure()
    if failure and outcome.returncode > 0 and not outcome.timed_out:
        last = child.last_line(log_path)
        failure += f": {last}" if last else ""
    if failure:
        return [gbench.error_row(inst.identity, failure)]
    try:
        rows = gbench.rows_from_report(gbench.load_report(json_path))
    except gbench.GbenchError as e:
        # Name the file relative to the run so the CSV does not carry local paths.
        return [gbench.error_row(inst.identity, str(e).replace(str(json_path), stem + ".json"))]
    if not rows:
        return [gbench.error_row(inst.identity, "no result in the JSON (filter matched nothing)")]
    return rows


def _keep_raw(json_path, log_path, failed):
    """The log only when it tells why something failed (the JSON holds
    everything a success printed); the JSON waits for pack_raw."""
    if not failed:
        _remove(log_path)


RAW_PACK = "gbench.jsonl.gz"


def pack_raw(run_dir):
    """Every process's Google Benchmark JSON into one raw/gbench.jsonl.gz, one
    line per process: {"file": "0001.json", "report": ...}. One stream
    compresses the context every file repeats: a full run's raw output is
    under 1 MB instead of 7 MB of separately gzipped files. Runs at the end,
    interrupted or not; until then the plain files are what a crash leaves."""
    files = sorted((run_dir / "raw").glob("*.json"))
    if not files:
        return
    with gzip.open(run_dir / "raw" / RAW_PACK, "at", encoding="utf-8") as pack:
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                report = json.loads(text)
            except ValueError:
                report = text          # kept as it was written: it explains an error row
            pack.write(json.dumps({"file": path.name, "report": report},
                                  separators=(",", ":")) + "\n")
    _remove(*files)


def _remove_scratch(scratch):
    """The process's scratch folder, and scratch/ itself once empty."""
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        scratch.parent.rmdir()
    except OSError:
        pass


def _remove(*paths):
    for path in paths:
        path.unlink(missing_ok=True)


def headline(rows, log_hint):
    errors = [r["error"] for r in rows if r.get("error")]
    if errors:
        return f"error: {errors[0]} ({log_hint})"
    return formatting.rate(statistics.median(r["items_per_second"] for r in rows))


class Progress:
    """'[ 12/66] label  elapsed 0:14  eta 1:02 -> result' lines on stderr."""

    def __init__(self, total):
        self.total = total
        self.start = time.monotonic()
        self.done = 0
        self._line_open = False

    def begin(self, index, label):
        elapsed = time.monotonic() - self.start
        if self.done:
            eta = formatting.duration(elapsed / self.done * (self.total - self.done))
        else:
            eta = "-:--"
        width = len(str(self.total))
        sys.stderr.write(f"[{index:>{width}}/{self.total}] {label}  "
                         f"elapsed {formatting.duration(elapsed)}  eta {eta} -> ")
        sys.stderr.flush()
        self._line_open = True

    def end(self, result):
        self.done += 1
        sys.stderr.write(result + "\n")
        sys.stderr.flush()
        self._line_open = False

    def close_line(self):
        if self._line_open:
            sys.stderr.write("\n")
            self._line_open = False


def run_report(plot_command, run_dir):
    """Runs scripts/plot on the run; its failure is told, never fatal."""
    if not (Path(plot_command).is_file() and os.access(plot_command, os.X_OK)):
        return
    sys.stdout.flush()
    try:
        status = subprocess.run([str(plot_command), str(run_dir)],
                                stdin=subprocess.DEVNULL).returncode
    except OSError as e:
        status = e.strerror
    if status != 0:
        print(f"{PROG}: report failed ({show_path(plot_command)}: "
              f"{'exit status ' + str(status) if isinstance(status, int) else status}); "
              "the results are complete", file=sys.stderr)


def print_estimate(args, bench_dir):
    """--estimate: the size of the run the flags describe, on the plan's machine."""
    chosen = instances.select(instances.list_all(bench_dir, args.quick), {
        flag: getattr(args, flag) for flag in instances.SELECTORS})
    if args.budget:
        settings = budget.fit(args.budget, len(chosen), args.repetitions)
    else:
        settings = budget.Settings(args.rounds, args.repetitions,
                                   args.min_time or budget.MIN_MIN_TIME)
    print(f"{len(chosen)} instances x {settings.rounds} rounds = "
          f"{len(chosen) * settings.rounds} processes of {settings.repetitions} repetitions "
          f"x --min-time {settings.min_time:g}: about "
          f"{formatting.duration(settings.seconds(len(chosen)))} on this plan")
    if args.emulate is None:   # the plan is this machine's: its load matters
        note = budget.load_note(os.getloadavg()[0], os.cpu_count() or 1)
        if note:
            sys.stdout.flush()   # the estimate's line first
            print(f"{PROG}: {note}", file=sys.stderr)
    return EXIT_OK


def main(argv):
    args = parse_args(argv)
    bench_dir = Path(args.bench_dir).absolute()
    if args.emulate is not None:
        # Read by Topology::discover() in contend_plan and every bench binary.
        os.environ[emulation.VARIABLE] = emulation.describe_argument(args.emulate)
    if args.plan:
        exec_plan(bench_dir)
    # First, before any bench_* is listed or anything written: an HWLOC_*
    # override hwloc cannot use is contend_plan's one-line error.
    the_plan = plan.load(str(bench_dir / "contend_plan"))
    if args.estimate:
        return print_estimate(args, bench_dir)
    # Test-only (core/slowdown.py): a malformed value is refused before anything runs.
    slowed = os.environ.get(slowdown.VARIABLE, "")
    slowdown.parse(slowed)
    for var in plan.HWLOC_OVERRIDES:
        if os.environ.get(var):
            raise UsageError(f"{var} describes another machine; it applies to --plan only, "
                             "unset it to run benchmarks")
    if args.emulate is not None and the_plan["source"] != "emulated":
        raise UsageError(f"contend_plan did not emulate {args.emulate} (it says "
                         f"{the_plan['source']}); rebuild the benchmarks")
    if args.emulate is not None:
        args.host_pus = len(the_plan["emulated"].get("host_pus", [])) or None
    if args.emulate is None and the_plan["source"] != "this_system":
        raise UsageError(f"contend_plan describes a {the_plan['source']} topology, "
                         "not this machine; refusing to run benchmarks on it")
    chosen = choose(args, bench_dir)
    if args.pair_bench_dir:
        return paired_run.execute(args, argv, the_plan, chosen, sys.modules[__name__])
    run = start_run(args, argv, the_plan, chosen, slowed=slowed)
    return run.execute()


def choose(args, bench_dir):
    """The instances of bench_dir's binaries the flags select."""
    found = instances.list_all(bench_dir, args.quick)
    chosen = instances.select(found, {flag: getattr(args, flag) for flag in instances.SELECTORS})
    if args.only:
        chosen = only_list.restrict(found, chosen, args.only)
    return chosen


class BenchRun:
    """One bench_all run: its folder, its schedule, its results so far."""

    def __init__(self, args, info, run_dir, chosen):
        self.args, self.info, self.run_dir, self.chosen = args, info, run_dir, chosen
        self.csv_path = run_dir / "results.csv"
        # The calibration family first, every round of it: its floors stamp
        # every later row (calibration.py).
        self.slots = schedule.first_then_interleaved(chosen, args.rounds, info["run_id"],
                                                     first=is_calibration)
        self.calibration_slots = sum(1 for s in self.slots if is_calibration(s.instance))
        self.floors = None   # calibration.Floors once the calibration is known
        self.rows, self.errored, self.hgrm_notes = [], set(), []
        self.probes = None   # state_probe.ProbeFile once a process finished
        self.stop = Stop()
        self.started = time.monotonic()

    def execute(self):
        # A kill (SIGTERM) stops the run like Ctrl-C does. SIGINT is set
        # explicitly too: a shell without job control starts background
        # commands with SIGINT ignored, and Python then leaves it ignored.
        signal.signal(signal.SIGTERM, self.stop.handle)
        signal.signal(signal.SIGINT, self.stop.handle)
        print(f"{PROG}: {len(self.chosen)} instances x {self.args.rounds} rounds on "
              f"{self.info['machine_id']} -> {show_path(self.run_dir)}", file=sys.stderr)
        progress = Progress(len(self.slots))
        measured = 0
        with ResultsFile(self.csv_path) as out:
            for slot in self.slots:
                if self.stop.requested:
                    break
                progress.begin(slot.index, f"r{slot.round} {slot.instance.label()}")
                done = measure(slot.instance, self.args, self.run_dir, slot, self.stop)
                if done is None:
                    progress.end("interrupted")
                    break
                self._record(out, slot, done.rows)
                self.record_probe(slot, done.probe)
                measured += 1
                result = headline(done.rows, f"raw/{slot.index:04d}.log")
                if done.hgrm_note:
                    self.hgrm_notes.append(done.hgrm_note)
                    result += f"; {done.hgrm_note}"
                progress.end(result)
                if slot.index == self.calibration_slots:
                    self._calibrate()
        return self.finish(measured)

    def _calibrate(self):
        """machine.json's "calibration" from the rows so far (the calibration
        family's, all rounds); every row recorded from now on gets its floor."""
        summary = calibration.summarise(self.rows, self.info.get("pus"))
        if summary is None:
            print(f"{PROG}: no calibration number (every calibration row failed); "
                  "floor columns stay empty", file=sys.stderr)
            return
        self.info["calibration"] = summary
        machine.write(self.run_dir / "machine.json", self.info)
        self.floors = calibration.Floors(summary, self.info.get("placements"))

    def record_probe(self, slot, probe):
        """The process's machine state, into state_probe.csv (opened on first use)."""
        if self.probes is None:
            self.probes = state_probe.ProbeFile(self.run_dir / state_probe.FILE)
        self.probes.append(slot.index, slot.round, slot.instance.identity, probe)

    def _record(self, out, slot, rows):
        finished = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
        stamp = {"schema_version": schema.SCHEMA_VERSION, "run_id": self.info["run_id"],
                 "machine_id": self.info["machine_id"], "git_sha": self.info["git_sha"],
                 "timestamp_utc": finished, "round": slot.round}
        for row in rows:
            row.update(stamp)
            if not row.get("placements"):
                row["placements"] = row.get("placement")
            if self.floors is not None:
                self.floors.stamp(row)
        out.append(rows)
        self.rows.extend(rows)
        if any(r.get("error") for r in rows):
            self.errored.add(slot.instance.name)

    def finish(self, done):
        if self.probes is not None:
            self.probes.close()
        complete = done == len(self.slots) and not self.stop.requested
        pack_raw(self.run_dir)
        table = self._write_summary()
        self.info.update(complete=complete, processes_measured=done,
                         processes_planned=len(self.slots),
                         duration_s=round(time.monotonic() - self.started, 1))
        machine.write(self.run_dir / "machine.json", self.info)
        if not complete:
            print(f"{PROG}: interrupted after {done} of {len(self.slots)} processes; results "
                  f"so far (kept, marked incomplete): {show_path(self.csv_path)}", file=sys.stderr)
            return EXIT_INTERRUPTED
        if table:
            print("\n".join(table))
        if self.errored:
            print(f"{len(self.errored)} of {len(self.chosen)} instances had errors "
                  "(see the error column).")
        if self.hgrm_notes:
            print(f"{len(self.hgrm_notes)} processes could not write their latency histogram "
                  f"(rows kept); first: {self.hgrm_notes[0]}")
        print(f"Results: {show_path(self.csv_path)}")
        if not self.args.no_report:
            run_report(self.args.plot_command, self.run_dir)
        return EXIT_FAILURE if self.errored else EXIT_OK

    def _write_summary(self):
        """summary.csv (one row per instance) and machine.json's noise score;
        returns the end-of-run table's lines."""
        if not self.rows:
            return []
        # pandas only now: loaded at start it would make every child's
        # start slower (a bigger process to spawn from) for the whole run.
        from ..core import instance_summary, results
        from . import fastest_table, noise
        run = results.load_run(self.run_dir)
        per_instance = instance_summary.of(run)
        self.info["summary"] = instance_summary.write(per_instance, self.csv_path)
        self.info["noise"] = noise.score(per_instance)
        return fastest_table.render(run)


def is_calibration(inst):
    return inst.identity["family"] == "calibration"


def start_run(args, argv, the_plan, chosen, slowed="", repo=REPO, out=None):
    """Creates the run folder and machine.json (complete: false until the end).
    slowed: the CONTEND_SLOWDOWN its children run under (recorded); repo:
    the checkout whose git sha it records; out: results root (--out)."""
    run_id = new_run_id() + ("-emulated" if the_plan.get("emulated") else "")
    # The wrapper script tells us how the user called it; else we were run by hand.
    invoked_as = ([os.environ["CONTEND_ARGV0"]] if os.environ.get("CONTEND_ARGV0")
                  else [sys.executable, "-m", "contend.run.bench_all"])
    info = machine.describe(the_plan, run_id=run_id, quick=args.quick,
                            command=shlex.join(invoked_as + list(argv)), repo=repo)
    if args.budget:
        from . import noise
        between_sd, source = noise.typical_between_sd(Path(args.out).absolute(),
                                                      info["machine_id"])
        apply_budget(args, len(chosen), between_sd, source)
    slurm = machine.slurm_job()
    if slurm:
        info["slurm"] = slurm
        if machine.partial_node_text(slurm):
            print(f"{PROG}: {machine.partial_node_text(slurm)}", file=sys.stderr)
    info.update(complete=False, rounds=args.rounds, repetitions=args.repetitions,
                episodes=args.episodes, min_time=args.min_time, warmup_episodes=args.warmup,
                aslr="kept" if args.keep_aslr else "disabled",
                aslr_effective=args.keep_aslr or child.disable_aslr_for_children())
    if slowed:   # test-only: such a run is never a baseline
        info[slowdown.MACHINE_KEY] = slowed
    # The binaries record the sha in their own context; give them this one.
    os.environ["CONTEND_GIT_SHA"] = info["git_sha"]
    run_dir = Path(out or args.out).absolute() / info["machine_id"] / run_id
    (run_dir / "raw").mkdir(parents=True)
    (run_dir / instance_name.HGRM_DIR).mkdir()
    machine.write(run_dir / "machine.json", info)
    return BenchRun(args, info, run_dir, chosen)


if __name__ == "__main__":
    sys.exit(run_main(PROG, main))
