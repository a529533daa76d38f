"""How often the node-outlier check (outliers.py) names a node that is not
off, and how often it names one that is: a tool run on purpose, not a test.

    PYTHONPATH=scripts python3 -m contend.fleet.false_alarms RUN... [--rounds-per-node K]
        [--fleets N] [--sizes 3,4,6]

RUN: runs of one build on one machine (the A/A runs, results/aa/...). Every
K consecutive runs are pooled into one "node" (their rounds become its
rounds; K = 3 makes 3-round nodes of 1-round runs). Fleets of each size are
drawn from those nodes (every combination, or N of them at random, seeded):
the share of fleets with any node named is the false-alarm rate. Then the
same fleets with one node made slower by 10, 15, 20 and 30% (every one of
its numbers divided): the share where that node is named is the power.
"""
import itertools
import math
import random
import sys

from . import classes, outliers
from ..core import instance_summary, results
from ..core.args import Parser, count_list, positive_int
from ..core.cli import run_main

SLOWDOWNS = (0.10, 0.15, 0.20, 0.30)


def pooled_nodes(run_dirs, per_node):
    """{node name: summary} from every per_node consecutive runs."""
    runs = [results.load_run(d) for d in run_dirs]
    nodes = {}
    for start in range(0, len(runs) - per_node + 1, per_node):
        group = runs[start:start + per_node]
        pooled = classes.pool(group, group[0].run_id)
        nodes[group[0].run_id] = instance_summary.summarise(pooled.df)
    return nodes


def slowed(summary, by):
    out = summary.copy()
    out["median"] = out["median"] * (1 - by)
    return out


def fleets(names, size, count, rng):
    """`count` distinct fleets of `size` nodes (all of them when there are fewer)."""
    if math.comb(len(names), size) <= 4 * count:
        combos = list(itertools.combinations(names, size))
        rng.shuffle(combos)
        return combos[:count]
    drawn = set()
    while len(drawn) < count:   # never lists C(40, 10) combinations
        drawn.add(tuple(sorted(rng.sample(names, size))))
    return sorted(drawn)


def measure(nodes, sizes, count, seed=1):
    """Rows: (size, fleets, false alarms, largest |shift|, {slowdown: detected})."""
    rng = random.Random(seed)
    logs, sds = outliers.matrices(nodes)   # once: each fleet is a choice of columns
    rows = []
    for size in sizes:
        if size > len(nodes):
            continue
        drawn = fleets(list(nodes), size, count, rng)
        alarms, shifts = 0, []
        power = {by: 0 for by in SLOWDOWNS}
        for fleet in drawn:
            cols = list(fleet)
            check = outliers.judge("aa", logs[cols], sds[cols])
            alarms += bool(check.outliers())
            shifts += [abs(v.shift) for v in check.nodes]
            for by in SLOWDOWNS:
                slow = logs[cols].copy()
                slow[cols[0]] += math.log(1 - by)
                named = [v.node for v in outliers.judge("aa", slow, sds[cols]).outliers()]
                power[by] += named == [cols[0]]
        rows.append((size, len(drawn), alarms, max(shifts), power))
    return rows


def main(argv):
    p = Parser(prog="false_alarms", description="The node-outlier check's false-alarm "
                                                "rate and power on runs of one build.")
    p.add_argument("runs", nargs="+", metavar="RUN")
    p.add_argument("--rounds-per-node", type=positive_int, default=1, metavar="K")
    p.add_argument("--fleets", type=positive_int, default=200, metavar="N")
    p.add_argument("--sizes", type=count_list, default=[3, 4, 6], metavar="A,B")
    args = p.parse_args(argv)
    nodes = pooled_nodes(args.runs, args.rounds_per_node)
    print(f"{len(nodes)} nodes of {args.rounds_per_node} run(s) each")
    for size, n, alarms, top, power in measure(nodes, args.sizes, args.fleets):
        found = ", ".join(f"-{by:.0%}: {hits}/{n}" for by, hits in power.items())
        print(f"{size} nodes: {alarms}/{n} fleets with a node named (largest |shift| "
              f"{math.exp(top) - 1:.1%}); one node slowed, named: {found}")
    return 0


if __name__ == "__main__":
    sys.exit(run_main("false_alarms", main))
