"""units.py: what an item is, per family and benchmark."""

from contend.core import schema, units


def test_every_family_names_its_item():
    assert set(schema.FAMILIES) <= set(units.FAMILY_ITEMS)


def test_a_benchmark_overrides_its_family():
    assert units.rate("fifo", "throughput") == "items/s"
    assert units.rate("fifo", "pingpong") == "round trips/s"
    assert units.rate("ipc", "pingpong") == "round trips/s"
    assert units.rate("counter", "critical_section") == "acquisitions/s"
    assert units.rate("server", "echo") == "requests/s"


def test_an_unknown_family_counts_items():
    assert units.rate("widgets", "spin") == "items/s"


def test_a_family_header_lists_each_unit_once():
    assert units.family_rate("fifo", ["drain", "pingpong", "throughput"]) == \
        "items/s, round trips/s"
    assert units.family_rate("counter", []) == "increments/s"
