"""What one item is, per family and benchmark: the word every y axis and
table header uses instead of a bare "items/s".

A family names its usual item; a benchmark whose item differs from its
family's (a pingpong counts round trips in every queue family) overrides it.
A family or benchmark not named here is counted in "items", so a new family
gets a correct, if vague, label until it adds a line below.
"""

DEFAULT_ITEM = "items"

# family -> what its items_per_second counts.
FAMILY_ITEMS = {
    "calibration": "round trips",
    "counter": "increments",
    "fifo": "items",
    "lifo": "items",
    "priority": "items",
    "spsc": "items",
    "spawn": "tasks",
    "fanout": "items",
    "pool": "tasks",
    "ipc": "messages",
    "server": "requests",
    "chatlog": "messages",
}

# benchmark -> its item, wherever it runs (wins over the family's).
BENCHMARK_ITEMS = {
    "pingpong": "round trips",
    "core_to_core": "round trips",
    "critical_section": "acquisitions",
    "echo": "requests",
    "connect_per_request": "requests",
}


def item(family, benchmark=""):
    """'round trips' for ('fifo', 'pingpong'), 'increments' for ('counter', ...)."""
    return BENCHMARK_ITEMS.get(benchmark) or FAMILY_ITEMS.get(family, DEFAULT_ITEM)


def rate(family, benchmark=""):
    """The throughput unit: 'round trips/s'."""
    return f"{item(family, benchmark)}/s"


def family_rate(family, benchmarks):
    """One unit for a family section's header: the family's own, or
    'round trips/s, items/s' when its benchmarks count different things."""
    seen = []
    for benchmark in benchmarks:
        unit = rate(family, benchmark)
        if unit not in seen:
            seen.append(unit)
    return ", ".join(seen) or rate(family)
