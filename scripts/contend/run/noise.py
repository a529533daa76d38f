"""How much a number moves from one process to the next, and what that lets
a verdict see.

    scripts/noise [--rounds 5] [--settings quick,full] [--verbose] [bench_all flags]
    scripts/noise --from RUN [RUN...]

`score` condenses a run's per-instance summary into the noise score every
run records in machine.json; `scripts/noise` runs chosen instances for many
rounds and reports, per instance, the spread inside a process, the spread
between processes, and the smallest slowdown the gate could detect with the
rounds of a quick and of a full run.
"""
import json
import math
import shlex
import subprocess
import sys
from pathlib import Path

from ..core import formatting, instance_summary, repo, results, scaling, stats, tables
from ..core.args import Parser, choice_list
from ..core.cli import UsageError, run_main

# Rounds per side the gate judges with: two quick runs, two full runs.
GATE_ROUNDS = {"quick": 3, "full": 3}
GATE_ALPHA = 0.05


def score(summary):
    """The machine.json noise score of one run (None-free, JSON-ready).

    between_sd_median: median over instances of the sd of log round medians
    (0.08 = rounds of one instance typically differ by about 8%);
    within_sd_median: the same inside a round; unstable_share: the fraction
    of measured instances flagged unstable. Open-loop latency instances are
    left out (results.open_loop): their items/s is the offered schedule,
    which barely moves, and would make the machine look quieter than it is."""
    measured = _throughput(summary)
    between = measured["between_sd"].dropna()
    within = measured["cv"].dropna()
    return {
        "instances": int(len(measured)),
        "rounds": int(measured["rounds"].max()) if len(measured) else 0,
        "between_sd_median": _rounded(between.median() if len(between) else math.nan),
        "between_sd_p90": _rounded(between.quantile(0.9) if len(between) else math.nan),
        "within_sd_median": _rounded(within.median() if len(within) else math.nan),
        "unstable_share": _rounded(float(measured["unstable"].mean()) if len(measured) else math.nan),
    }


def _throughput(summary):
    """The instances whose number is a measured throughput."""
    return summary.loc[summary["median"].notna() & ~results.open_loop(summary)]


def _rounded(value):
    value = float(value)
    return round(value, 4) if math.isfinite(value) else None


def typical_between_sd(results_root, machine_id, default=0.10):
    """The between-round spread this machine showed in its latest recorded
    run (machine.json noise score), for --budget's precision promise."""
    best = None
    for path in sorted(Path(results_root, machine_id).glob("*/machine.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8")).get("noise", {}).get("between_sd_median")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, (int, float)) and value > 0:
            best = (float(value), f"as measured in run {path.parent.name}")
    return best if best else (default, "assumed: no earlier run of this machine has a noise score")


def detectable(between_sd, rounds=None):
    """{setting: minimal detectable slowdown} for one instance's spread."""
    rounds = rounds or GATE_ROUNDS
    return {name: stats.minimal_detectable_effect(between_sd, r, r, GATE_ALPHA, df=2 * r - 2)
            for name, r in rounds.items()}


# ---- scripts/noise -------------------------------------------------------------

SETTINGS = {"quick": ["--quick"], "full": []}
DEFAULT_NOISE_ROUNDS = 5
DEFAULT_OUT = repo.ROOT / "build" / "noise"
FAMILY_COLUMNS = ["family", "instances", "within_sd", "between_sd", "between/within",
                  "unstable", "detectable (3 vs 3 rounds)"]


def measure(setting, rounds, passthrough, out):
    """Runs bench_all at one setting for `rounds` rounds; returns its run folder."""
    before = set(out.glob("*/*"))
    argv = [sys.executable, "-m", "contend.run.bench_all", *SETTINGS[setting], *passthrough,
            "--rounds", str(rounds), "--no-report", "--out", str(out)]
    print(f"noise: {setting} settings, {rounds} rounds: {shlex.join(argv[3:])}", file=sys.stderr)
    status = subprocess.run(argv, stdin=subprocess.DEVNULL).returncode
    made = sorted(set(out.glob("*/*")) - before)
    if status not in (0, 1) or not made:
        raise UsageError(f"bench_all at {setting} settings failed (exit status {status})")
    return made[-1]


def per_instance(run):
    """Instance summary of one run plus the detectable slowdowns."""
    summary = _throughput(instance_summary.of(run)).copy()
    summary["detectable"] = [detectable(sd)["quick"] for sd in summary["between_sd"]]
    return summary


def family_rows(summary):
    rows = []
    for family, part in summary.groupby("family", sort=False):
        within, between = part["cv"].median(), part["between_sd"].median()
        rows.append([family, str(len(part)), _spread(within), _spread(between),
                     f"{between / within:.1f}x" if within and math.isfinite(between / within) else "-",
                     formatting.percent(part["unstable"].mean()),
                     _spread(part["detectable"].median())])
    return rows


def instance_rows(summary):
    rows = []
    for r in summary.itertuples(index=False):
        split = scaling.role_split(r.producers, r.consumers)
        roles = f" {split}" if split else ""
        name = (f"{r.family}/{r.benchmark}/{r.impl}{' [' + r.params + ']' if r.params else ''}"
                f" {r.mode} {r.threads}w{roles} {r.placements}")
        rows.append([name, str(r.rounds), _spread(r.cv), _spread(r.between_sd),
                     "UNSTABLE" if r.unstable else "", _spread(r.detectable)])
    return rows


def _spread(fraction):
    return formatting.percent(fraction, 1)


def report(runs_by_setting, verbose):
    lines = []
    for setting, run in runs_by_setting.items():
        summary = per_instance(run)
        lines += [f"{setting}: {run.run_dir}  (noise score: "
                  f"{json.dumps(score(instance_summary.of(run)))})",
                  "spread of log throughput: within = between repetitions of one process, "
                  "between = between the round medians of separate processes",
                  tables.text_table(FAMILY_COLUMNS, family_rows(summary)), ""]
        if verbose:
            lines += [tables.text_table(["instance", "rounds", "within_sd", "between_sd", "",
                                         "detectable"], instance_rows(summary)), ""]
    return "\n".join(lines)


def main(argv):
    parser = Parser(prog="noise", description=(
        "Measures how much each instance moves between processes: runs the selection for "
        "K rounds at quick and full settings (or reads --from runs) and prints the spread "
        "within and between processes and the smallest slowdown the gate can detect. "
        "Other flags (--families, --impls, --threads, --keep-aslr, --warmup, ...) go to "
        "bench_all."))
    parser.add_argument("--rounds", type=int, default=DEFAULT_NOISE_ROUNDS, metavar="K",
                        help=f"rounds per setting (default {DEFAULT_NOISE_ROUNDS})")
    parser.add_argument("--settings", type=choice_list(list(SETTINGS), "setting"),
                        default="quick,full", metavar="A,B",
                        help="quick, full or both (default quick,full)")
    parser.add_argument("--from", dest="runs", nargs="+", metavar="RUN",
                        help="analyse these existing runs instead of measuring")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where the runs go (default build/noise, not committed)")
    parser.add_argument("--verbose", action="store_true", help="also list every instance")
    args, passthrough = parser.parse_known_args(argv)
    if args.rounds < 2:
        raise UsageError("--rounds must be at least 2: one process cannot show the spread between processes")
    if args.runs:
        runs = {str(Path(p)): results.load_run(p) for p in args.runs}
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        runs = {s: results.load_run(measure(s, args.rounds, passthrough, args.out)) for s in args.settings}
    print(report(runs, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(run_main("noise", main))
