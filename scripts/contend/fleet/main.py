"""scripts/fleet: contend on a Slurm cluster, one exclusive job per node.

    scripts/fleet submit [--partition P] [--constraint FEATURE] [--nodes LIST|all]
                         [--results DIR] [--time LIMIT] [--sbatch-args ARGS]
                         [--prebuilt BENCH_DIR]
                         [-- bench_all flags]
    scripts/fleet status FLEET
    scripts/fleet wait FLEET [--poll S] [--timeout S]
    scripts/fleet retry FLEET
    scripts/fleet compare FLEET [--format text|md|html] [--out DIR]
    scripts/fleet local-cluster [--dir DIR] [--nodes N] [--own-host] [-- COMMAND...]

FLEET: the fleet's folder (<results>/<fleet_id>) or its id under the
default results folder. submit.py submits and retries, status.py judges
each node, report.py is compare's page, local_cluster.py the one-machine
cluster. Exit status: 0 when every node is done (status, wait, compare),
1 when some are not, 2 on bad input.
"""
import argparse
import shlex
import sys
import time
from pathlib import Path

from . import local_cluster, manifest, status as status_mod, submit as submit_mod
from ..core import tables
from ..core.args import Parser, positive_int, positive_seconds
from ..core.cli import EXIT_FAILURE, EXIT_OK, UsageError, run_main

PROG = "fleet"
# Every command with its flags, under the top-level --help (each command's
# own --help has the details).
USAGE = """commands:
  submit [--partition P] [--constraint FEATURE] [--nodes LIST|all] [--results DIR]
         [--time LIMIT] [--sbatch-args ARGS] [--prebuilt BENCH_DIR] [-- bench_all flags]
  status FLEET
  wait FLEET [--poll S] [--timeout S]
  retry FLEET
  compare FLEET [--format text|md|html] [--out DIR]
  local-cluster [--dir DIR] [--nodes N] [--own-host] [-- COMMAND...]
FLEET: the fleet's folder (<results>/<fleet_id>) or its id under the default
results folder. Exit status: 0 when every node is done (status, wait,
compare), 1 when some are not, 2 on bad input."""
POLL_S = 5.0


def build_parser():
    p = Parser(prog=PROG, description="contend on a Slurm cluster: one exclusive job per "
                                      "node, results gathered, machines and nodes compared.",
               epilog=USAGE, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    s = sub.add_parser("submit", help="one exclusive job per selected node")
    s.add_argument("--partition", metavar="P", help="the partition (default: every node)")
    s.add_argument("--constraint", metavar="FEATURE",
                   help="only nodes with these features (a&b, a|b), as sbatch --constraint")
    s.add_argument("--nodes", metavar="LIST|all", default="all",
                   help="a Slurm node list (node[1-4],gpu7) or all (default)")
    s.add_argument("--results", metavar="DIR", type=Path, default=manifest.DEFAULT_ROOT,
                   help="where the fleet's folder goes, on a file system every node shares "
                        "(default: the checkout's fleets/)")
    s.add_argument("--time", metavar="LIMIT", help="each job's time limit (sbatch --time)")
    s.add_argument("--sbatch-args", metavar="ARGS", default="",
                   help="more sbatch flags for every job, one string: --sbatch-args='--account A "
                        "--qos Q' (with the =); on the one-machine cluster '-L machine:1' runs "
                        "the jobs one at a time")
    s.add_argument("--prebuilt", metavar="BENCH_DIR", type=Path,
                   help="run this already-built bench folder on every node instead of building "
                        "per node: only for nodes of one architecture that all reach it (the "
                        "one-machine cluster of the tests); recorded in the manifest")
    for name, text in (("status", "each node: pending, running, done, failed, timed out, "
                                  "cancelled, unavailable"),
                       ("wait", "until no node is pending or running"),
                       ("retry", "resubmit the nodes that did not finish")):
        c = sub.add_parser(name, help=text)
        c.add_argument("fleet", metavar="FLEET", help="fleet folder or id")
        if name == "wait":
            c.add_argument("--poll", type=positive_seconds, default=POLL_S, metavar="S",
                           help=f"seconds between looks (default {POLL_S:g})")
            c.add_argument("--timeout", type=positive_seconds, metavar="S",
                           help="give up after S seconds (exit 1)")
    c = sub.add_parser("compare", help="machine classes side by side, node outliers, "
                                       "failed and missing nodes")
    c.add_argument("fleet", metavar="FLEET", help="fleet folder or id")
    c.add_argument("--format", choices=["text", "md", "html"], default="text",
                   help="text on stdout (default), or also compare.md / index.html in --out")
    c.add_argument("--out", metavar="DIR", help="where md/html go (default: FLEET/report)")
    c = sub.add_parser("local-cluster", help="a one-node Slurm cluster on this machine, in a "
                                             "temporary folder (root)")
    c.add_argument("--dir", metavar="DIR", type=Path,
                   help="keep its files here (default: a temporary folder, removed after)")
    c.add_argument("--nodes", type=positive_int, default=1, metavar="N",
                   help="slurmd daemons, node1..nodeN, all on this machine (default 1)")
    c.add_argument("--own-host", action="store_true",
                   help="two nodes, node2 a host of its own: its own network and UTS "
                        "namespaces, a veth pair to the controller's namespace (COMMAND runs "
                        "there); the machine's own network is not touched")
    return p


def split_command(argv):
    """(tool's own argv, what follows the first --)."""
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1:]
    return argv, []


def main(argv):
    own, rest = split_command(list(argv))
    args = build_parser().parse_args(own)
    if args.command == "submit":
        args.bench_flags = rest
        return do_submit(args, argv)
    if rest and args.command != "local-cluster":
        raise UsageError(f"{args.command} takes no arguments after --")
    if args.command == "local-cluster":
        return local_cluster.serve(args.dir, rest, args.nodes, args.own_host)
    folder = manifest.resolve(args.fleet)
    if args.command == "status":
        return do_status(folder)
    if args.command == "wait":
        return do_wait(folder, args.poll, args.timeout)
    if args.command == "retry":
        _, lines = submit_mod.retry(folder)
        print("\n".join(lines))
        return EXIT_OK
    from . import report   # pandas and the figures: only for compare
    return report.main(folder, args.format, args.out)


def do_submit(args, argv):
    command = shlex.join(["scripts/fleet"] + list(argv))
    folder, mf, lines = submit_mod.submit(args, command)
    print("\n".join(lines))
    print(f"fleet {mf['fleet_id']}: {folder}\n"
          f"next: scripts/fleet wait {folder}; scripts/fleet compare {folder}")
    return EXIT_OK


def do_status(folder):
    mf, statuses = status_mod.of_fleet(folder)
    print(f"fleet {mf['fleet_id']} @ {mf['commit']}: {status_mod.counts(statuses)}")
    print(tables.text_table(*status_mod.table(statuses)))
    return EXIT_OK if all(s.state == "done" for s in statuses) else EXIT_FAILURE


def do_wait(folder, poll, timeout):
    """Until no node is pending or running; an unavailable node is not waited on."""
    deadline = None if timeout is None else time.monotonic() + timeout
    seen = {}
    while True:
        mf, statuses = status_mod.of_fleet(folder)
        for s in statuses:
            if seen.get(s.node) != s.state:
                seen[s.node] = s.state
                print(f"{s.node}: {s.state}" + (f" ({s.detail})" if s.detail else ""), flush=True)
        if not any(s.state in status_mod.STILL_GOING for s in statuses):
            break
        if deadline is not None and time.monotonic() > deadline:
            print(f"fleet: still going after {timeout:g} s: {status_mod.counts(statuses)}",
                  file=sys.stderr)
            return EXIT_FAILURE
        time.sleep(poll)
    print(f"fleet {mf['fleet_id']}: {status_mod.counts(statuses)}")
    return EXIT_OK if all(s.state == "done" for s in statuses) else EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(run_main(PROG, main))
