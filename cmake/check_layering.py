#!/usr/bin/python3
"""Fails when a file of impl/contend/<concept>/ includes a concept its library
does not link.

usage: check_layering.py ROOT CONCEPT=DEP,DEP ...

ROOT is the include root (impl/). Each CONCEPT=DEPS declares the library of
ROOT/contend/CONCEPT/ and the concept libraries it links directly, as
cmake/ContendLayering.cmake reads them from target_link_libraries. A file may
include its own concept and its library's direct dependencies; a concept
reached only through another must be linked too, so that the links stay the
real graph. Prints one line per violation on stderr and exits 1; prints
nothing and exits 0 when every include is allowed.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"(contend/([^/"]+)/[^"]*)"')
SOURCES = (".h", ".cc")


def parse_graph(args):
    """{concept: set of concepts it links} from CONCEPT=DEP,DEP arguments."""
    graph = {}
    for arg in args:
        concept, sep, deps = arg.partition("=")
        if not sep or not concept:
            raise ValueError(f"expected CONCEPT=DEP,DEP..., got {arg!r}")
        graph[concept] = {d for d in deps.split(",") if d}
    return graph


def find_cycle(graph):
    """One dependency cycle as a list of concepts (first == last), or None."""
    done, path = set(), []

    def visit(concept):
        if concept in path:
            return path[path.index(concept):] + [concept]
        if concept in done:
            return None
        path.append(concept)
        for dep in sorted(graph.get(concept, ())):
            cycle = visit(dep)
            if cycle:
                return cycle
        path.pop()
        done.add(concept)
        return None

    for concept in sorted(graph):
        cycle = visit(concept)
        if cycle:
            return cycle
    return None


def violations(root, graph):
    """One message per file outside a declared concept or disallowed include."""
    top = os.path.join(root, "contend")
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(SOURCES):
                continue
            path = os.path.join(folder, name)
            parts = os.path.relpath(path, top).split(os.sep)
            if len(parts) != 2 or parts[0] not in graph:
                yield f"{path}: not in the folder of a concept library ({', '.join(sorted(graph))})"
                continue
            concept = parts[0]
            allowed = graph[concept] | {concept}
            with open(path, encoding="utf-8") as source:
                for line in source:
                    match = INCLUDE.match(line)
                    if match and match.group(2) not in allowed:
                        yield (f"{path} includes {match.group(1)}: "
                               f"{concept} may not depend on {match.group(2)}")


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        graph = parse_graph(argv[1:])
    except ValueError as e:
        print(f"check_layering: {e}", file=sys.stderr)
        return 2
    problems = []
    cycle = find_cycle(graph)
    if cycle:
        problems.append("the concept libraries link in a cycle: " + " -> ".join(cycle))
    problems.extend(violations(argv[0], graph))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
