"""The test suite's own rules: conftest.py is the one place that puts
scripts/ on sys.path, and a test module imports helpers from support/,
never from another test module or from conftest."""
import ast
from pathlib import Path

HERE = Path(__file__).resolve().parent


def breaches(path):
    """One line per rule a test file breaks."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr == "path" \
                and isinstance(node.value, ast.Name) and node.value.id == "sys":
            found.append(f"{path.name}:{node.lineno}: touches sys.path (conftest.py sets it)")
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top == "conftest" or top.startswith("test_"):
                found.append(f"{path.name}:{node.lineno}: imports {name} "
                             "(shared helpers belong in support/)")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def test_no_test_module_sets_sys_path_or_imports_another():
    files = sorted(HERE.glob("test_*.py")) + sorted((HERE / "support").glob("*.py"))
    assert [line for path in files for line in breaches(path)] == []


def test_the_rule_catches_both(tmp_path):
    bad = tmp_path / "test_bad.py"
    bad.write_text("import sys\nsys.path.insert(0, 'x')\nfrom conftest import REPO\n"
                   "from test_other import helper\n")
    assert breaches(bad) == [
        "test_bad.py:2: touches sys.path (conftest.py sets it)",
        "test_bad.py:3: imports conftest (shared helpers belong in support/)",
        "test_bad.py:4: imports test_other (shared helpers belong in support/)"]
