"""bench_all: run every benchmark instance of the build and write tidy results.

Flow: contend_plan --json (topology) -> bench_* --benchmark_list_tests
(instances) -> the user's selection -> one child process per instance ->
its GB JSON converted and appended to results.csv at once -> end-of-run table.

Output: <out>/<machine_id>/<run_id>/ with results.csv, machine.json and raw/
(each instance's GB JSON and console log as raw/NNNN.json, raw/NNNN.log).
Exit 0 when every instance produced a number, 1 when some had errors (all
else is still written), 2 on bad input, 130 when interrupted.
"""
import argparse
import datetime
import os
import secrets
import shlex
import signal
import statistics
import subprocess
import sys
import time

from contend import child, gbench, instance_name, instances, machine, plan, schema, summary
from contend.cli import EXIT_FAILURE, EXIT_OK, UsageError, run_main
from contend.results_csv import ResultsFile
from contend.units import format_duration, format_rate

PROG = "bench_all"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BENCH_DIR = os.path.join(REPO, "build", "release", "bench")
DEFAULT_OUT = os.path.join(REPO, "results")
DEFAULT_PLOT = os.path.join(REPO, "scripts", "plot")
EXIT_INTERRUPTED = 130

# (full, quick) defaults; quick mode must finish in about a minute on 2 cores.
DEFAULTS = {"repetitions": (5, 3), "min_time": (0.2, 0.02), "timeout": (300.0, 60.0)}


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input as one line (UsageError), not usage + error."""

    def error(self, message):
        raise UsageError(message)


def _split(text):
    values = [v.strip() for v in text.split(",")]
    if not text.strip() or any(not v for v in values):
        raise argparse.ArgumentTypeError(f"expected a comma-separated list, got {text!r}")
    return values


def choice_list(choices, what):
    def parse(text):
        values = _split(text)
        for v in values:
            if v not in choices:
                raise argparse.ArgumentTypeError(
                    f"unknown {what} {v!r} (known: {', '.join(choices)})")
        return values
    return parse


def name_list(text):
    return _split(text)


def count_list(text):
    values = []
    for v in _split(text):
        if not v.isdigit() or int(v) < 1:
            raise argparse.ArgumentTypeError(f"{v!r} is not a positive whole number")
        values.append(int(v))
    return values


def positive_int(text):
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def positive_seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def build_parser():
    p = Parser(prog=PROG, allow_abbrev=False,
               description="Run the contend benchmarks over this machine's plan and "
                           "write results/<machine_id>/<run_id>/ (results.csv, "
                           "machine.json, raw Google Benchmark JSON).")
    p.add_argument("--quick", action="store_true",
                   help="short episodes, fewer variants, defaults of 3 repetitions, "
                        "--min-time 0.02 and --timeout 60 (about a minute on 2 cores)")
    p.add_argument("--plan", action="store_true",
                   help="print the ladder of worker counts and each worker's placement, "
                        "run nothing; honours HWLOC_SYNTHETIC / HWLOC_XMLFILE")
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
    p.add_argument("--repetitions", type=positive_int, metavar="N",
                   help="repetitions per instance (default 5; 3 with --quick)")
    p.add_argument("--min-time", type=positive_seconds, metavar="S",
                   help="Google Benchmark minimum measured time per repetition, seconds "
                        "(default 0.2; 0.02 with --quick)")
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
    return p


def parse_args(argv):
    args = build_parser().parse_args(argv)
    for name, (full, quick) in DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    return args


def show_path(path):
    """Path relative to cwd when inside it, absolute otherwise."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def new_run_id():
    # The random suffix keeps two runs started in the same second apart.
    return utc_now().strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def exec_plan(bench_dir):
    """--plan: hand the terminal to contend_plan (environment untouched)."""
    contend_plan = os.path.join(bench_dir, "contend_plan")
    if not os.access(contend_plan, os.X_OK):
        raise UsageError(f"{contend_plan} not found; build first (cmake --build --preset release)")
    sys.stdout.flush()
    os.execv(contend_plan, [contend_plan])


def instance_argv(inst, args, json_path):
    argv = [inst.binary]
    if args.quick:
        argv.append(instances.QUICK_FLAG)
    return argv + [
        "--benchmark_filter=" + instance_name.exact_filter(inst.name),
        f"--benchmark_repetitions={args.repetitions}",
        f"--benchmark_min_time={args.min_time:g}",  # GB 1.7.1 wants bare seconds
        f"--benchmark_out={json_path}",
        "--benchmark_out_format=json",
    ]


def measure(inst, args, run_dir, index):
    """Runs one instance; returns its rows (one error row if it gave none)."""
    stem = os.path.join("raw", f"{index:04d}")
    json_path = os.path.join(run_dir, stem + ".json")
    log_path = os.path.join(run_dir, stem + ".log")
    try:
        outcome = child.run(instance_argv(inst, args, json_path), log_path=log_path,
                            timeout=args.timeout, cwd=run_dir)
    except OSError as e:   # e.g. the binary vanished under a rebuild
        return [gbench.error_row(inst.identity, f"could not start: {e.strerror or e}")]
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
        return [gbench.error_row(inst.identity, str(e).replace(json_path, stem + ".json"))]
    if not rows:
        return [gbench.error_row(inst.identity, "no result in the JSON (filter matched nothing)")]
    return rows


def headline(rows, log_hint):
    errors = [r["error"] for r in rows if r.get("error")]
    if errors:
        return f"error: {errors[0]} ({log_hint})"
    return format_rate(statistics.median(r["items_per_second"] for r in rows))


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
            eta = format_duration(elapsed / self.done * (self.total - self.done))
        else:
            eta = "-:--"
        width = len(str(self.total))
        sys.stderr.write(f"[{index:>{width}}/{self.total}] {label}  "
                         f"elapsed {format_duration(elapsed)}  eta {eta} -> ")
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
    if not (os.path.isfile(plot_command) and os.access(plot_command, os.X_OK)):
        return
    sys.stdout.flush()
    try:
        status = subprocess.run([plot_command, run_dir], stdin=subprocess.DEVNULL).returncode
    except OSError as e:
        status = e.strerror
    if status != 0:
        print(f"{PROG}: report failed ({show_path(plot_command)}: "
              f"{'exit status ' + str(status) if isinstance(status, int) else status}); "
              "the results are complete", file=sys.stderr)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv):
    args = parse_args(argv)
    bench_dir = os.path.abspath(args.bench_dir)
    if args.plan:
        exec_plan(bench_dir)
    for var in plan.HWLOC_OVERRIDES:
        if os.environ.get(var):
            raise UsageError(f"{var} describes another machine; it applies to --plan only, "
                             "unset it to run benchmarks")
    # A kill (SIGTERM) stops the run like Ctrl-C does: child group killed,
    # results so far kept. SIGINT is set explicitly too: a shell without job
    # control starts background commands with SIGINT ignored, and Python then
    # leaves it ignored, so an interrupt sent to such a run would be lost.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)

    the_plan = plan.load(os.path.join(bench_dir, "contend_plan"))
    if the_plan["source"] != "this_system":
        raise UsageError(f"contend_plan describes a {the_plan['source']} topology, "
                         "not this machine; refusing to run benchmarks on it")
    chosen = instances.select(instances.list_all(bench_dir, args.quick), {
        flag: getattr(args, flag) for flag in instances.SELECTORS})

    run_id = new_run_id()
    # The wrapper script tells us how the user called it; else we were run by hand.
    invoked_as = ([os.environ["CONTEND_ARGV0"]] if os.environ.get("CONTEND_ARGV0")
                  else [sys.executable, "-m", "contend.bench_all"])
    info = machine.describe(the_plan, run_id=run_id, quick=args.quick,
                            command=shlex.join(invoked_as + list(argv)), repo=REPO)
    # The binaries record the sha in their own context; give them this one.
    os.environ["CONTEND_GIT_SHA"] = info["git_sha"]
    run_dir = os.path.join(os.path.abspath(args.out), info["machine_id"], run_id)
    os.makedirs(os.path.join(run_dir, "raw"))
    machine.write(os.path.join(run_dir, "machine.json"), info)
    csv_path = os.path.join(run_dir, "results.csv")
    stamp = {"schema_version": schema.SCHEMA_VERSION, "run_id": run_id,
             "machine_id": info["machine_id"], "git_sha": info["git_sha"]}

    print(f"{PROG}: {len(chosen)} instances on {info['machine_id']} -> {show_path(run_dir)}",
          file=sys.stderr)
    progress = Progress(len(chosen))
    all_rows, errored = [], 0
    with ResultsFile(csv_path) as results:
        try:
            for index, inst in enumerate(chosen, start=1):
                progress.begin(index, inst.label())
                rows = measure(inst, args, run_dir, index)
                finished = utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
                for row in rows:
                    row.update(stamp, timestamp_utc=finished)
                results.append(rows)
                all_rows.extend(rows)
                errored += any(r.get("error") for r in rows)
                progress.end(headline(rows, f"raw/{index:04d}.log"))
        except KeyboardInterrupt:
            progress.close_line()
            print(f"{PROG}: interrupted after {progress.done} of {len(chosen)} instances; "
                  f"results so far: {show_path(csv_path)}", file=sys.stderr)
            return EXIT_INTERRUPTED

    table = summary.render(all_rows)
    if table:
        print("Best impl per family at the highest non-oversubscribed thread count "
              "(median items/s):")
        print("\n".join(table))
    if errored:
        print(f"{errored} of {len(chosen)} instances had errors (see the error column).")
    print(f"Results: {show_path(csv_path)}")
    if not args.no_report:
        run_report(args.plot_command, run_dir)
    return EXIT_FAILURE if errored else EXIT_OK


if __name__ == "__main__":
    sys.exit(run_main(PROG, main))
