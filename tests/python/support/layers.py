"""The layer rule of scripts/contend, as a checker.

The package declares its layers once, in its __init__: LAYERS (which
sub-packages each layer may import besides its own) and DRAWS (the only
layers that may import a drawing library). This module reads every module
of a package tree with ast, importing nothing, so it checks the real
package and small fixture trees alike (test_package_layers.py), and tells
which third-party modules a tool's module needs (test_setup_sh.py).
"""
import ast
import sys
from pathlib import Path

DRAWING = ("matplotlib", "plotly")


def declared(package_dir):
    """(LAYERS, DRAWS) as the package's __init__ assigns them."""
    tree = ast.parse(Path(package_dir, "__init__.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = node.value
    return (ast.literal_eval(found["LAYERS"]),
            tuple(ast.literal_eval(found["DRAWS"])) if "DRAWS" in found else ())


def modules(package_dir):
    """{dotted name: path} of every module below package_dir, named from the
    package itself ("contend.core.results"; a package by its folder)."""
    root = Path(package_dir)
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = (root.name,) + path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name, path, known):
    """(internal modules, external top-level names) that one module imports,
    at module level or inside functions alike."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    internal, external = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (internal if alias.name in known else external).add(
                    alias.name if alias.name in known else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if target.split(".")[0] not in {k.split(".")[0] for k in known}:
                external.add(target.split(".")[0])
                continue
            for alias in node.names:
                full = f"{target}.{alias.name}"
                internal.add(full if full in known else target)
    internal.discard(name)
    return internal, external


def graph(package_dir):
    """({module: internal modules it imports}, {module: external names})."""
    known = modules(package_dir)
    internal, external = {}, {}
    for name, path in known.items():
        internal[name], external[name] = _imports(name, path, known)
    return internal, external


def violations(package_dir):
    """Every breach of the layer rule, one line each (empty: none)."""
    root = Path(package_dir)
    layers, draws = declared(root)
    problems = []
    folders = sorted(p.name for p in root.iterdir() if (p / "__init__.py").is_file())
    for folder in folders:
        if folder not in layers:
            problems.append(f"{root.name}/{folder}: a sub-package LAYERS does not declare")
    for layer, allowed in layers.items():
        if layer not in folders:
            problems.append(f"LAYERS declares {layer}, which is no sub-package")
        for other in allowed:
            if other not in layers:
                problems.append(f"LAYERS: {layer} may import {other}, which is no layer")
    problems += [f"LAYERS: the layers depend in a cycle: {' -> '.join(c)}"
                 for c in _cycles({k: set(v) for k, v in layers.items()})]
    internal, external = graph(root)
    for name in sorted(internal):
        where = modules(root)[name].relative_to(root.parent)
        parts = name.split(".")
        if len(parts) == 2 and parts[1] not in folders:
            problems.append(f"{where}: a module outside every layer's sub-package")
            continue
        layer = parts[1] if len(parts) > 1 else None
        for target in sorted(internal[name]):
            other = target.split(".")[1] if len(target.split(".")) > 1 else None
            if layer is None or other is None or other == layer:
                continue
            if other not in layers.get(layer, ()):
                problems.append(f"{where} imports {target}: {layer} may not import {other}")
        drawing = sorted(external[name] & set(DRAWING))
        if drawing and layer not in draws:
            problems.append(f"{where} imports {', '.join(drawing)}: only "
                            f"{', '.join(draws) or 'no layer'} may draw")
    problems += [f"import cycle: {' -> '.join(c)}" for c in _cycles(internal)]
    return problems


def _cycles(edges):
    """One cycle per strongly connected component that has one (as a path
    that ends where it starts)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                out.append(_path_through(sorted(component), edges))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _path_through(component, edges):
    """A cycle inside one strongly connected component, from its first node."""
    start, members = component[0], set(component)
    path, seen = [start], {start}
    while True:
        step = min(w for w in edges[path[-1]] if w in members)
        if step in seen:
            return path[path.index(step):] + [step]
        path.append(step)
        seen.add(step)


def third_party(package_dir, module):
    """The non-standard-library top-level modules `module` needs, following
    its imports through the package (every import counts, even one inside a
    function: a tool that may take that path needs the module)."""
    internal, external = graph(package_dir)
    todo, seen, needs = [module], set(), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        # A module also runs its packages' __init__ on import.
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        todo += list(internal.get(name, ()))
        needs |= external.get(name, set())
    return {n for n in needs if n not in sys.stdlib_module_names and n != "__future__"}
