"""The order a run measures its instances in: rounds, interleaved, shuffled.

A process is the unit of evidence: the repetitions inside one process share
its address-space layout, page placement and the machine's mood of that
moment, so every instance is measured in several separate processes (rounds).
Round r measures every instance once before round r + 1 measures any again,
each round in its own shuffled order: slow drift of the machine (a neighbour
VM waking up, thermal state) then lands on different instances in each
round, and shows up as spread between rounds instead of as a fake difference
between two instances measured at different times.
"""
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    round: int       # 0-based round: which process of this instance
    index: int       # 1-based position in the whole run (raw file names, progress)
    instance: object


def interleaved(instances, rounds, seed):
    """Every instance `rounds` times: round by round, each round shuffled.

    Deterministic for a given seed (the run id), so a run's order can be
    reproduced and tests can check it."""
    rng = random.Random(seed)
    slots = []
    for r in range(rounds):
        order = list(instances)
        rng.shuffle(order)
        slots.extend(Slot(r, len(slots) + 1, inst) for inst in order)
    return slots


def first_then_interleaved(instances, rounds, seed, first):
    """The instances `first(instance)` picks, all their rounds, before any
    other: then the rest, each part interleaved as above.

    The calibration family runs first this way: the floors it measures are
    needed to stamp every later row, and are measured before the machine
    has been heated by anything else."""
    head = interleaved([i for i in instances if first(i)], rounds, seed)
    tail = interleaved([i for i in instances if not first(i)], rounds, seed)
    return head + [Slot(s.round, len(head) + s.index, s.instance) for s in tail]
