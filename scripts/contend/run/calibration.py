"""The machine's calibration: machine.json's "calibration" and the floor columns.

bench_all runs the `calibration` family first (every round of it), then
`summarise` turns its rows into machine.json's "calibration":

  pairs    per measured pair of PUs {pu_a, pu_b, level}: the median round
           trip of the bounced line (the median of the rounds' medians of
           p50_ns), one_way_ns = round_trip_ns / 2, and spread_ns = [min,
           max] of the rounds' medians (how much the cell moved between
           separate processes)
  levels   per topology level (smt_sibling, same_l3, other_l3,
           other_package): how many pairs, and the median, min and max of
           their one_way_ns
  floors   atomic_rmw_ns (ns_per_item of one uncontended fetch_add),
           futex_wake_ns (p50 of wake call to the woken thread running) and
           line_transfer_ns (the median one_way_ns over the measured pairs:
           one cache line moved between two PUs of this machine); a floor
           whose rows all failed is null
  pairs_measured, pairs_possible, sampled
           how many of the allowed PUs' pairs the matrix has, and whether
           the plan sampled them (a big machine, calibration_plan.h)

Every later row is then stamped by `stamp` (schema FLOOR_OF):

  pingpong rows (queues, ipc; two workers): floor_of core_to_core_round_trip,
    floor_ns = the matrix's round trip between the two PUs the row ran on
    (its placement's first two PUs, machine.json "placements"),
    floor_ratio = p50_ns / floor_ns.
  contended counter rows (counter/increment, two workers or more, not
    oversubscribed, an impl with one shared line: not sharded, not unsync):
    floor_of line_transfer, floor_ns = the median one-way transfer between
    the row's PUs (the machine's line_transfer_ns when the matrix has none
    of their pairs), floor_ratio = ns_per_item / floor_ns: nanoseconds per
    increment over the cost of moving the counter's line once.
Anything else, error rows, and every row of a run without a calibration
stay empty.
"""
import math
import statistics

ROUND_TRIP = "core_to_core_round_trip"
LINE_TRANSFER = "line_transfer"
LEVELS = ["smt_sibling", "same_l3", "other_l3", "other_package"]
FLOOR_COLUMNS = ("floor_of", "floor_ns", "floor_ratio")
# Counter impls that do not bounce one shared line on every increment: the
# sharded counter writes its own line, unsync is a plain racing add (and
# wrong). Their rows get no floor.
UNCONTENDED_COUNTERS = ("unsync",)
UNCONTENDED_PREFIXES = ("sharded",)


def parse_params(text):
    """'level=same_l3;pu_a=0;pu_b=1' -> dict; malformed parts are skipped."""
    out = {}
    for part in str(text or "").split(";"):
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _number(value):
    """A finite float, or None (empty, NaN, text)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _valid(row):
    return not row.get("error")


def _median_of_rounds(rows, column):
    """{round: median of `column`} over rows with a number, and their overall
    median (the median of the round medians); (None, {}) without any."""
    per_round = {}
    for row in rows:
        value = _number(row.get(column))
        if value is not None:
            per_round.setdefault(row.get("round") or 0, []).append(value)
    medians = {r: statistics.median(v) for r, v in per_round.items()}
    if not medians:
        return None, {}
    return statistics.median(medians.values()), medians


def _pair_key(row):
    params = parse_params(row.get("params"))
    try:
        a, b = int(params["pu_a"]), int(params["pu_b"])
    except (KeyError, ValueError):
        return None
    return (min(a, b), max(a, b)), params.get("level", "")


def summarise(rows, pus):
    """machine.json's "calibration" from the calibration family's rows (dicts
    as results.csv holds them); None when no row of it has a number. `pus`:
    the allowed PU count (for pairs_possible)."""
    rows = [r for r in rows if r.get("family") == "calibration" and _valid(r)]
    by_pair, levels = {}, {}
    for row in rows:
        if row.get("benchmark") != "core_to_core":
            continue
        key = _pair_key(row)
        if key is None:
            continue
        by_pair.setdefault(key[0], []).append(row)
        levels[key[0]] = key[1]
    pairs = []
    for (a, b), pair_rows in sorted(by_pair.items()):
        round_trip, medians = _median_of_rounds(pair_rows, "p50_ns")
        if round_trip is None:
            continue
        pairs.append({"pu_a": a, "pu_b": b, "level": levels[(a, b)],
                      "round_trip_ns": round_trip, "one_way_ns": round_trip / 2,
                      "spread_ns": [min(medians.values()), max(medians.values())],
                      "rounds": len(medians)})
    rmw, _ = _median_of_rounds([r for r in rows if r.get("benchmark") == "atomic_rmw"],
                               "ns_per_item")
    futex, _ = _median_of_rounds([r for r in rows if r.get("benchmark") == "futex_wake"],
                                 "p50_ns")
    if not pairs and rmw is None and futex is None:
        return None
    possible = pus * (pus - 1) // 2 if isinstance(pus, int) and pus > 1 else 0
    return {
        "pairs": pairs,
        "levels": level_summary(pairs),
        "floors": {"atomic_rmw_ns": rmw, "futex_wake_ns": futex,
                   "line_transfer_ns": (statistics.median(p["one_way_ns"] for p in pairs)
                                        if pairs else None)},
        "pairs_measured": len(pairs),
        "pairs_possible": possible,
        "sampled": len(pairs) < possible,
    }


def level_summary(pairs):
    """Per level present, nearest first: pairs, median/min/max one_way_ns."""
    out = {}
    for level in LEVELS + sorted({p["level"] for p in pairs} - set(LEVELS)):
        one_way = [p["one_way_ns"] for p in pairs if p["level"] == level]
        if one_way:
            out[level] = {"pairs": len(one_way), "one_way_ns_median": statistics.median(one_way),
                          "one_way_ns_min": min(one_way), "one_way_ns_max": max(one_way)}
    return out


class Floors:
    """A calibration (machine.json's "calibration") and the run's placements,
    ready to stamp rows; every lookup tolerates missing or malformed data
    (the row then stays empty)."""

    def __init__(self, calibration, placements):
        calibration = calibration if isinstance(calibration, dict) else {}
        self.round_trip = {}
        for pair in calibration.get("pairs") or []:
            try:
                a, b = int(pair["pu_a"]), int(pair["pu_b"])
            except (KeyError, TypeError, ValueError):
                continue
            value = _number(pair.get("round_trip_ns"))
            if value is not None:
                self.round_trip[(min(a, b), max(a, b))] = value
        floors = calibration.get("floors")
        self.line_transfer = _number((floors if isinstance(floors, dict) else {})
                                     .get("line_transfer_ns"))
        self.placements = placements if isinstance(placements, dict) else {}

    def pus(self, placement, workers):
        """The PUs (OS indices) of the first `workers` workers of a policy."""
        try:
            return [int(p["pu"]) for p in self.placements[placement][:workers]]
        except (KeyError, TypeError, ValueError):
            return []

    def floor(self, row):
        """(floor_of, floor_ns, own cost) for a row, or None."""
        if not _valid(row):
            return None
        threads = _int(row.get("threads"))
        if row.get("benchmark") == "pingpong" and threads == 2:
            pus = self.pus(row.get("placement"), 2)
            if len(set(pus)) != 2:
                return None
            floor = self.round_trip.get((min(pus), max(pus)))
            return (ROUND_TRIP, floor, _number(row.get("p50_ns"))) if floor else None
        if is_contended_counter(row):
            pus = sorted(set(self.pus(row.get("placement"), threads)))
            one_way = [self.round_trip[(a, b)] / 2 for i, a in enumerate(pus) for b in pus[i + 1:]
                       if (a, b) in self.round_trip]
            floor = statistics.median(one_way) if one_way else self.line_transfer
            return (LINE_TRANSFER, floor, _number(row.get("ns_per_item"))) if floor else None
        return None

    def stamp(self, row):
        """Sets the row's floor columns where a floor applies; returns the row."""
        found = self.floor(row)
        if found is None:
            return row
        floor_of, floor_ns, own = found
        row.update(floor_of=floor_of, floor_ns=floor_ns,
                   floor_ratio=own / floor_ns if own is not None else None)
        return row


def is_contended_counter(row):
    impl = str(row.get("impl") or "")
    return (row.get("family") == "counter" and row.get("benchmark") == "increment"
            and (_int(row.get("threads")) or 0) >= 2 and not _truthy(row.get("oversubscribed"))
            and impl not in UNCONTENDED_COUNTERS and not impl.startswith(UNCONTENDED_PREFIXES))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _truthy(value):
    return value is True or str(value).lower() in ("true", "1")
