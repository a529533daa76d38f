"""Parsing instance names and building exact-match benchmark filters."""
import re

import pytest

from contend.core import instance_name

BASE = ("counter/increment/std_mutex/mode:thread/threads:4/producers:0/consumers:0"
        "/placement:scatter/placements:scatter/oversub:1")
# As the binaries named instances before the placements segment existed.
OLD = BASE.replace("/placements:scatter", "")
BOTH = ("counter/increment/std_mutex/mode:thread/threads:2/producers:0/consumers:0"
        "/placement:compact/placements:compact+scatter/oversub:0/manual_time")


def test_parse_identity():
    ident = instance_name.parse(BASE)
    assert ident == {"family": "counter", "benchmark": "increment", "impl": "std_mutex",
                     "mode": "thread", "threads": 4, "producers": 0, "consumers": 0,
                     "placement": "scatter", "placements": "scatter",
                     "oversubscribed": True, "core_kinds": "", "params": ""}


def test_one_instance_for_several_placements():
    ident = instance_name.parse(BOTH)
    assert (ident["placement"], ident["placements"]) == ("compact", "compact+scatter")
    assert ident["params"] == ""   # an identity key, not a scenario parameter
    assert instance_name.covered(ident) == ["compact", "scatter"]


def test_placements_come_back_in_canonical_order():
    swapped = BOTH.replace("compact+scatter", "scatter+compact")
    assert instance_name.parse(swapped)["placements"] == "compact+scatter"


def test_old_names_stand_for_their_placement_alone():
    assert instance_name.parse(OLD) == instance_name.parse(BASE)
    assert instance_name.covered({"placement": "compact"}) == ["compact"]


@pytest.mark.parametrize("suffix", [
    "/manual_time", "/real_time", "/process_time", "/min_time:0.050",
    "/min_warmup_time:0.100", "/iterations:1000", "/repeats:5",
    "/min_time:0.050/repeats:3/manual_time",
])
def test_gbench_suffixes_are_dropped(suffix):
    assert instance_name.parse(BASE + suffix) == instance_name.parse(BASE)


def test_our_threads_segment_is_kept_even_though_gbench_uses_the_word():
    assert instance_name.parse(BASE + "/manual_time")["threads"] == 4


def test_params_sorted_by_key():
    ident = instance_name.parse(
        "fifo/throughput/moodycamel/mode:process/threads:3/producers:2/consumers:1"
        "/placement:compact/oversub:0/payload:8/capacity:64/manual_time")
    assert ident["params"] == "capacity=64;payload=8"
    assert (ident["producers"], ident["consumers"]) == (2, 1)


def test_a_hybrid_machine_names_the_core_kinds_its_workers_ran_on():
    hybrid = BASE.replace("/oversub:1", "/oversub:1/kinds:P+E/payload:8") + "/manual_time"
    ident = instance_name.parse(hybrid)
    assert ident["core_kinds"] == "P+E"            # worker order, not re-sorted
    assert ident["params"] == "payload=8"          # not a scenario parameter
    assert instance_name.parse(hybrid.replace("kinds:P+E", "kinds:E+P"))["core_kinds"] == "E+P"
    assert instance_name.parse(BASE)["core_kinds"] == ""   # one kind of core: no segment


@pytest.mark.parametrize("name", [
    "BM_Foo",
    "counter/increment",
    "counter/increment/std_mutex/threads:2",                        # missing keys
    BASE.replace("threads:4", "threads:four"),
    BASE.replace("oversub:1", "oversub:yes"),
    BASE + "/whatever",                                              # not key:value
    BASE.replace("placements:scatter", "placements:compact"),        # lacks its placement
    BASE.replace("placements:scatter", "placements:scatter+scatter"),
    BASE.replace("placements:scatter", "placements:scatter+"),
    BASE + "/kinds:P+P",                                             # a kind twice
    BASE + "/kinds:P+",
    BASE + "/kinds:",
])
def test_bad_names(name):
    with pytest.raises(instance_name.InstanceNameError, match="not a contend benchmark name"):
        instance_name.parse(name)


def test_exact_filter_matches_only_that_name():
    name = ("fifo/pingpong/a.b+c/mode:thread/threads:2/producers:1/consumers:1"
            "/placement:compact/oversub:0/ratio:0.5/manual_time")
    pattern = instance_name.exact_filter(name)
    assert re.search(pattern, name)
    assert not re.search(pattern, name.replace("a.b", "aXb"))
    assert not re.search(pattern, name + "_mean")
    assert not re.search(pattern, "x" + name)


def test_exact_filter_escapes_only_ere_specials():
    # '\-' or '\:' are undefined in POSIX ERE (GB's filter), so they stay bare.
    assert instance_name.exact_filter("a-b:c/d.e") == r"^a-b:c/d\.e$"
