"""Where things are, for every test."""
from pathlib import Path

HERE = Path(__file__).resolve().parent          # tests/python/support
TESTS = HERE.parent                             # tests/python
REPO = str(TESTS.parents[1])
SCRIPTS = str(Path(REPO) / "scripts")
FIXTURES = str(TESTS / "fixtures")
PYTHON = "/usr/bin/python3"  # Debian's, the one the entry points use
