"""scripts/contend's layers: the rule the package declares (LAYERS, DRAWS in
its __init__) holds for every module, the checker catches each way to break
it, the guides name every module, and the gate runs without a drawing
library."""
import json
import subprocess
import textwrap
from pathlib import Path

from support import layers, synthetic_runs
from support.paths import PYTHON, SCRIPTS
from support.processes import script_env

PACKAGE = Path(SCRIPTS) / "contend"


def test_the_package_keeps_its_layers():
    assert layers.violations(PACKAGE) == []


# ---- the checker, on small trees ------------------------------------------------------

INIT = ('LAYERS = {"core": (), "gate": ("core",), "report": ("core",)}\n'
        'DRAWS = ("report",)\n')
CLEAN = {"__init__.py": '"""guide"""\n' + INIT, "core/__init__.py": "", "gate/__init__.py": "",
         "report/__init__.py": "",
         "core/schema.py": "import json\n",
         "core/results.py": "from . import schema\nimport pandas as pd\n",
         "gate/judge.py": "from ..core import results\nfrom ..core.schema import X\n",
         "report/figures.py": "import matplotlib\nfrom ..core import results\n"}


def tree(tmp_path, files):
    """A package `contend` below tmp_path holding {path: text}."""
    root = tmp_path / "contend"
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def test_a_clean_tree_passes(tmp_path):
    assert layers.violations(tree(tmp_path, CLEAN)) == []


def test_an_import_up_a_layer_fails_with_one_line(tmp_path):
    root = tree(tmp_path, {**CLEAN, "core/stats.py": "from ..report import figures\n",
                           "gate/verdict.py": "def f():\n    from ..report.figures import Fig\n"})
    assert layers.violations(root) == [
        "contend/core/stats.py imports contend.report.figures: core may not import report",
        "contend/gate/verdict.py imports contend.report.figures: gate may not import report"]


def test_a_drawing_library_outside_the_drawing_layers_fails(tmp_path):
    root = tree(tmp_path, {**CLEAN, "gate/plot.py": "import matplotlib.pyplot as plt\n"
                                                    "from plotly import graph_objects\n"})
    assert layers.violations(root) == [
        "contend/gate/plot.py imports matplotlib, plotly: only report may draw"]


def test_an_import_cycle_fails_even_inside_one_layer(tmp_path):
    root = tree(tmp_path, {**CLEAN, "core/schema.py": "from . import results\n"})
    assert layers.violations(root) == [
        "import cycle: contend.core.results -> contend.core.schema -> contend.core.results"]


def test_modules_and_layers_outside_the_declaration_fail(tmp_path):
    root = tree(tmp_path, {**CLEAN, "stray.py": "", "extra/__init__.py": "",
                           "__init__.py": CLEAN["__init__.py"].replace(
                               '"report": ("core",)', '"report": ("core", "compare")')})
    assert layers.violations(root) == [
        "contend/extra: a sub-package LAYERS does not declare",
        "LAYERS: report may import compare, which is no layer",
        "contend/stray.py: a module outside every layer's sub-package"]


def test_layers_that_depend_in_a_cycle_fail(tmp_path):
    root = tree(tmp_path, {**CLEAN, "__init__.py": CLEAN["__init__.py"].replace(
        '"core": ()', '"core": ("gate",)')})
    assert layers.violations(root) == ["LAYERS: the layers depend in a cycle: core -> gate -> core"]


# ---- the guides -------------------------------------------------------------------------

def test_the_guides_name_every_sub_package_and_module():
    import contend
    top = contend.__doc__
    missing = [f"{layer}/" for layer in contend.LAYERS if f"{layer}/" not in top]
    for layer in contend.LAYERS:
        guide = (PACKAGE / layer / "__init__.py").read_text()
        names = sorted(p.stem for p in (PACKAGE / layer).glob("*.py") if p.stem != "__init__")
        missing += [f"{layer}.{n}" for n in names if f"    {n} " not in guide]
    assert missing == []


# ---- the gate without a drawing library -------------------------------------------------

GATE_WITHOUT_DRAWING = r"""
import importlib, pkgutil, sys

class NoDrawing:
    '''Refuses matplotlib and plotly as if they were not installed.'''
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("matplotlib", "plotly"):
            raise ImportError(f"No module named {name!r} (blocked by the test)")
        return None

sys.meta_path.insert(0, NoDrawing())
import contend
for layer in ("core", "history", "gate"):
    package = importlib.import_module(f"contend.{layer}")
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"contend.{layer}.{info.name}")
from contend.gate import regress
codes = [regress.main(argv) for argv in ARGVS]
assert not {m.split(".")[0] for m in sys.modules} & {"matplotlib", "plotly"}
print(codes)
"""


def test_the_gate_judges_and_writes_markdown_without_matplotlib_or_plotly(tmp_path):
    base = synthetic_runs.make_run(tmp_path / "base", seed=1, rounds=3, repetitions=2,
                                   run_id="base")
    same = synthetic_runs.make_run(tmp_path / "same", seed=2, rounds=3, repetitions=2,
                                   run_id="same")
    slow = synthetic_runs.make_run(tmp_path / "slow", seed=3, rounds=3, repetitions=2,
                                   run_id="slow", slowdown=0.5)
    argvs = [[str(base), str(same), "--markdown", str(tmp_path / "same.md")],
             [str(base), str(slow), "--markdown", str(tmp_path / "slow.md")],
             ["--record", str(base), "--history-dir", str(tmp_path / "history")]]
    script = GATE_WITHOUT_DRAWING.replace("ARGVS", json.dumps(argvs))
    done = subprocess.run([PYTHON, "-c", textwrap.dedent(script)], capture_output=True,
                          text=True, env=script_env(), timeout=300)   # a hang guard: ~10 s
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[0, 1, 0]"
    assert "no regression" in (tmp_path / "same.md").read_text()
    assert "REGRESSION" in done.stdout and ":x:" in (tmp_path / "slow.md").read_text()
    assert (tmp_path / "history" / "pc2-1f0e2d3c.csv").is_file()
