"""scripts/fleet submit and retry: one exclusive job per node.

Each job is scripts/lib/fleet_job.sh under sbatch --exclusive -w NODE: it
builds for its node into build/fleet/<cluster>-<node> and runs bench_all
into the fleet's runs/. The manifest is saved after every sbatch, so a
submit that fails half-way keeps the jobs it made. A node that is down or
drained is not submitted to (its job would wait forever): the manifest
records why, status lists it as unavailable, and retry tries it again.

retry resubmits the nodes whose latest attempt did not finish (failed,
timed out, cancelled, unavailable); a done node keeps its one run, a
pending or running one its job: no node is measured twice.
"""
import re
import shlex
import sys

from . import manifest, slurm, status as status_mod
from ..core import repo
from ..core.cli import UsageError
from ..run import bench_all, machine

JOB_SCRIPT = repo.ROOT / "scripts" / "lib" / "fleet_job.sh"
# bench_all flags the fleet sets itself, or that would run nothing.
RESERVED = ("--out", "--bench-dir", "--plot-command", "--plan", "--estimate", "--no-report",
            "--only")
RETRY_STATES = ("failed", "timed out", "cancelled", "unavailable")


def check_bench_flags(flags):
    for flag in flags:
        if flag.split("=")[0] in RESERVED:
            raise UsageError(f"bench_all flag {flag.split('=')[0]} is the fleet's to set")
    # bench_all's own parser: a bad flag is its one line now, not N failed jobs later.
    bench_all.parse_args(list(flags))


def matches(features, constraint):
    """Slurm's feature expression, its & and | forms: "a&b|c"."""
    if not constraint:
        return True
    if re.search(r"[^\w.&|-]", constraint):
        raise UsageError(f"--constraint {constraint!r}: only feature names joined by & and | "
                         "are understood here")
    return any(all(f in features for f in term.split("&")) for term in constraint.split("|"))


def sbatch_args(text):
    """--sbatch-args as a list; the flags the fleet sets itself are refused."""
    try:
        argv = shlex.split(text)
    except ValueError as e:
        raise UsageError(f"--sbatch-args {text!r}: {e}") from None
    for flag in argv:
        name = flag.split("=")[0]
        if name in ("-w", "--nodelist", "-o", "--output", "-N", "--nodes", "--export", "-J",
                    "--job-name", "--parsable"):
            raise UsageError(f"--sbatch-args: {name} is the fleet's to set")
    return argv


def select_nodes(partition, constraint, node_list, env=None):
    """The nodes a fleet runs on, in sinfo order (all of them, unavailable too)."""
    known = slurm.nodes(partition, env)
    if node_list and node_list != "all":
        wanted = slurm.hostnames(node_list, env)
        names = {n.name for n in known}
        unknown = [w for w in wanted if w not in names]
        if unknown:
            where = f"partition {partition}" if partition else "the cluster"
            raise UsageError(f"no node {', '.join(unknown)} in {where}")
        known = [n for n in known if n.name in wanted]
    chosen = [n for n in known if matches(n.features, constraint)]
    if not chosen:
        raise UsageError("no node matches (partition "
                         f"{partition or 'any'}, constraint {constraint or 'none'}, "
                         f"nodes {node_list or 'all'})")
    return chosen


def sbatch_argv(folder, mf, node):
    exports = {"CONTEND_ROOT": str(repo.ROOT), "CONTEND_FLEET_ID": mf["fleet_id"],
               "CONTEND_FLEET_COMMIT": mf["commit"]}
    argv = ["--exclusive", "-N", "1", "-w", node, "-J", manifest.job_name(mf),
            "-o", str(folder / "jobs" / f"{node}-%j.out"),
            "--export", "ALL," + ",".join(f"{k}={v}" for k, v in exports.items())]
    if mf.get("partition"):
        argv += ["-p", mf["partition"]]
    if mf.get("constraint"):
        argv += ["-C", mf["constraint"]]
    if mf.get("time_limit"):
        argv += ["--time", mf["time_limit"]]
    argv += mf.get("sbatch_args", [])
    return argv + [str(JOB_SCRIPT), str(folder), mf.get("prebuilt") or "-", *mf["bench_all_flags"]]


def submit_node(folder, mf, node, env=None):
    """One attempt at one node, saved in the manifest at once; returns its line."""
    if not node.available():
        manifest.add_attempt(mf, node.name, unavailable=node.why_unavailable())
        manifest.save(folder, mf)
        return f"{node.name}: not submitted, {node.why_unavailable()}"
    job_id = slurm.submit(sbatch_argv(folder, mf, node.name), env)
    manifest.add_attempt(mf, node.name, job_id=job_id)
    manifest.save(folder, mf)
    return f"{node.name}: job {job_id}"


def submit(args, command, env=None):
    """A new fleet; returns (folder, lines said)."""
    check_bench_flags(args.bench_flags)
    if args.prebuilt and not (args.prebuilt / "contend_plan").is_file():
        raise UsageError(f"--prebuilt {args.prebuilt}: no contend_plan there (a bench folder, "
                         "e.g. build/release/bench)")
    nodes = select_nodes(args.partition, args.constraint, args.nodes, env)
    folder, mf = manifest.create(args.results, {
        "commit": machine.git_sha(repo.ROOT), "command": command,
        "partition": args.partition or "", "constraint": args.constraint or "",
        "node_list": args.nodes or "all", "time_limit": args.time or "",
        "sbatch_args": sbatch_args(args.sbatch_args),
        "bench_all_flags": list(args.bench_flags),
        "prebuilt": str(args.prebuilt.absolute()) if args.prebuilt else "",
        "results": str(args.results.absolute())})
    if mf["commit"].endswith("-dirty"):
        print(f"fleet: warning: the checkout has uncommitted changes ({mf['commit']}); every "
              "node builds the tree as it is when its job starts", file=sys.stderr)
    lines = [submit_node(folder, mf, node, env) for node in nodes]
    return folder, mf, lines


def retry(folder, env=None):
    """Resubmits the unfinished nodes; returns the lines said."""
    mf, statuses = status_mod.of_fleet(folder, env)
    again = [s.node for s in statuses if s.state in RETRY_STATES]
    if not again:
        return mf, [f"nothing to retry: {status_mod.counts(statuses)}"]
    # A job Slurm holds (or that waits on a drained node) would run one day
    # beside its replacement: it goes first, so no node is measured twice.
    slurm.cancel([s.job_id for s in statuses if s.state in RETRY_STATES and s.job_id
                  and s.detail.startswith(("held by Slurm", "job pending on"))], env)
    nodes = {n.name: n for n in slurm.nodes(mf.get("partition") or None, env)}
    lines = []
    for name in again:
        if name not in nodes:
            manifest.add_attempt(mf, name, unavailable="no longer in the partition")
            manifest.save(folder, mf)
            lines.append(f"{name}: not submitted, no longer in the partition")
            continue
        lines.append(submit_node(folder, mf, nodes[name], env))
    return mf, lines
