"""cmake/check_layering.py, the build's layering check, on small fixture trees."""
import os
import subprocess

from support.paths import PYTHON, REPO

CHECKER = os.path.join(REPO, "cmake", "check_layering.py")

# The shape of the real graph, small: queue above harness above sync.
GRAPH = ["sync=", "harness=sync", "queue=harness,sync"]


def tree(root, files):
    """Writes {path under impl/: text} below root."""
    for path, text in files.items():
        full = os.path.join(root, "impl", path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)


def check(root, graph=GRAPH):
    # Run from root with a relative include root, as the build does, so the
    # messages name paths the way the build prints them.
    return subprocess.run([PYTHON, CHECKER, "impl", *graph], cwd=root,
                          capture_output=True, text=True, timeout=60)


CLEAN = {
    "contend/sync/backoff.h": "#pragma once\n#include <atomic>\n",
    "contend/harness/worker_group.h": '#pragma once\n#include "contend/sync/backoff.h"\n',
    "contend/harness/worker_group.cc": '#include "contend/harness/worker_group.h"\n',
    "contend/harness/CMakeLists.txt": "contend_library(harness worker_group.cc)\n",
    "contend/queue/queue_list.h": ('#pragma once\n#include "contend/harness/worker_group.h"\n'
                                   '  #  include "contend/sync/backoff.h"\n'),
}


def test_allowed_includes_pass_silently(tmp_path):
    tree(tmp_path, CLEAN)
    done = check(tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_an_include_up_the_graph_fails_with_one_line(tmp_path):
    tree(tmp_path, {**CLEAN, "contend/sync/x.h": '#pragma once\n#include "contend/queue/queue_list.h"\n'})
    done = check(tmp_path)
    assert done.returncode == 1
    assert done.stderr == ("impl/contend/sync/x.h includes contend/queue/queue_list.h: "
                           "sync may not depend on queue\n")


def test_a_concept_reached_only_through_another_must_be_linked(tmp_path):
    # queue links harness and sync; harness does not link queue, and sync is
    # no direct link of a concept that only reaches it through harness.
    tree(tmp_path, {**CLEAN, "contend/harness/bad.cc": '#include "contend/queue/queue_list.h"\n'})
    graph = ["sync=", "harness=sync", "queue=harness"]
    done = check(tmp_path, graph)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "impl/contend/harness/bad.cc includes contend/queue/queue_list.h: "
        "harness may not depend on queue",
        "impl/contend/queue/queue_list.h includes contend/sync/backoff.h: "
        "queue may not depend on sync",
    ]


def test_a_file_outside_a_declared_concept_fails(tmp_path):
    tree(tmp_path, {**CLEAN, "contend/extra/thing.h": "#pragma once\n"})
    done = check(tmp_path)
    assert done.returncode == 1
    assert done.stderr == ("impl/contend/extra/thing.h: not in the folder of a concept "
                           "library (harness, queue, sync)\n")


def test_a_cycle_in_the_links_fails(tmp_path):
    tree(tmp_path, CLEAN)
    done = check(tmp_path, ["sync=queue", "harness=sync", "queue=harness,sync"])
    assert done.returncode == 1
    assert done.stderr == ("the concept libraries link in a cycle: "
                           "harness -> sync -> queue -> harness\n")


def test_a_malformed_graph_is_a_usage_error(tmp_path):
    tree(tmp_path, CLEAN)
    done = check(tmp_path, ["sync"])
    assert done.returncode == 2
    assert done.stderr == "check_layering: expected CONCEPT=DEP,DEP..., got 'sync'\n"
