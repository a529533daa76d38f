"""bench_all --only FILE: measure exactly the instances a file names.

The file holds instance names as a bench binary lists them
(--benchmark_list_tests), one per line; blank lines and lines starting with
'#' are ignored. Names are compared by the identity they parse to
(instance_name.parse), so Google Benchmark's own suffixes (/manual_time) and
the order of parameter segments do not matter. scripts/ab writes
such a file for its confirm stage, to re-measure only the flagged instances.
"""
from pathlib import Path

from ..core import instance_name, schema
from ..core.cli import UsageError


def key_of(identity):
    return tuple(identity[c] for c in schema.INSTANCE)


def read_names(path):
    """[(line number, name)] of the file; UsageError when it cannot be read."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"--only {path}: cannot read ({getattr(e, 'strerror', None) or e})")
    return [(n, line.strip()) for n, line in enumerate(lines, 1)
            if line.strip() and not line.lstrip().startswith("#")]


def restrict(found, chosen, path):
    """`chosen` (the other flags' selection) cut down to the instances the
    file names. A name that is not an instance of this build is a mistake:
    one line naming it."""
    listed = {key_of(i.identity) for i in found}
    wanted = set()
    for number, name in read_names(path):
        try:
            key = key_of(instance_name.parse(name))
        except instance_name.InstanceNameError:
            key = None
        if key not in listed:
            raise UsageError(f"--only {path}: line {number}: {name} is not a benchmark "
                             "instance of this build (see --benchmark_list_tests)")
        wanted.add(key)
    kept = [i for i in chosen if key_of(i.identity) in wanted]
    if not kept:
        raise UsageError("no benchmark instance matches the selection")
    return kept
