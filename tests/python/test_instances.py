"""Selecting instances and labelling them, where one instance can stand for
several placements (compact=scatter on a machine where both give one map)."""
import pytest

from contend.core import instance_name
from contend.core.cli import UsageError
from contend.run.instances import Instance, select
from support.fake_build import bench_name


def instance(threads, placement="compact", placements=None, impl="std_mutex"):
    name = bench_name(impl, threads, placement, placements=placements)
    return Instance("bench_counter", name, instance_name.parse(name))


# 1 worker: both policies give one map; 2 workers: two maps.
FOUND = [instance(1, placements="compact+scatter"),
         instance(2, "compact"), instance(2, "scatter")]


def names(chosen):
    return [(i.identity["threads"], i.identity["placements"]) for i in chosen]


def test_placement_selects_every_instance_that_covers_it():
    assert names(select(FOUND, {"placements": ["scatter"]})) == [
        (1, "compact+scatter"), (2, "scatter")]
    assert names(select(FOUND, {"placements": ["compact"]})) == [
        (1, "compact+scatter"), (2, "compact")]


def test_a_shared_map_is_selected_once_for_both_placements():
    chosen = select(FOUND, {"placements": ["compact", "scatter"], "threads": [1]})
    assert names(chosen) == [(1, "compact+scatter")]


def test_covered_placements_count_as_available():
    only_shared = [instance(1, placements="compact+scatter")]
    assert len(select(only_shared, {"placements": ["scatter"]})) == 1
    with pytest.raises(UsageError, match="available: compact,scatter"):
        select(only_shared, {"placements": ["diagonal"]})


def test_other_selectors_still_match_exactly():
    assert names(select(FOUND, {"threads": [2], "placements": ["scatter"]})) == [(2, "scatter")]
    found = FOUND + [instance(2, impl="atomic_relaxed")]
    with pytest.raises(UsageError, match="no benchmark instance matches"):
        select(found, {"threads": [1], "impls": ["atomic_relaxed"]})


def test_label_shows_every_placement_of_a_shared_map():
    assert instance(1, placements="compact+scatter").label() == (
        "counter/increment/std_mutex threads=1 compact=scatter")
    assert instance(2, "scatter").label() == "counter/increment/std_mutex threads=2 scatter"
