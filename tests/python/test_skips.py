"""scripts/lib/skips.py: scripts/test's skip count, and its verdict on a skip
that tests/allowed_skips.txt does not allow.

The reports are real: pytest's is written by running pytest on a small test
file here, ctest's is the shape CMake 3.25's ctest --output-junit writes for
a GTEST_SKIP (gtest_discover_tests marks "[  SKIPPED ]" as a skip).
"""
import importlib.util
import os
import subprocess
import textwrap

import pytest

from support.paths import PYTHON, REPO

SKIPS = os.path.join(REPO, "scripts", "lib", "skips.py")
ALLOWED = os.path.join(REPO, "tests", "allowed_skips.txt")

CTEST_REPORT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="(empty)" tests="2" failures="0" disabled="0" skipped="1" hostname="" time="0">
  <testcase name="PinningCheck.WorkersRunOnTheirPus" classname="PinningCheck.WorkersRunOnTheirPus"
            time="0.1" status="notrun">
    <skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/>
    <system-out>[ RUN      ] PinningCheck.WorkersRunOnTheirPus
/src/tests/calibration/calibration_test.cc:79: Skipped
{message}
[  SKIPPED ] PinningCheck.WorkersRunOnTheirPus (0 ms)
</system-out>
  </testcase>
  <testcase name="PinningCheck.Other" classname="PinningCheck.Other" time="0.1" status="run">
    <system-out>[       OK ] PinningCheck.Other (0 ms)</system-out>
  </testcase>
</testsuite>
"""


def skips(*args):
    """The command as scripts/test runs it: exit status and output."""
    return subprocess.run([PYTHON, SKIPS, *map(str, args)], capture_output=True, text=True,
                          timeout=60)


_spec = importlib.util.spec_from_file_location("skips", SKIPS)
skips_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(skips_module)


def verdict(*reports, allowed=ALLOWED):
    """(not allowed, lines) in-process: what the command would print."""
    listed = skips_module.read_allowed(allowed)
    found = [skip for report in reports for skip in skips_module.read_skips(report)]
    lines, not_allowed = skips_module.check(listed, found)
    return not_allowed, lines


SAMPLE = """
    import pytest

    def test_passes():
        pass

    def test_skips_on_one_cpu():
        pytest.skip("needs 2 allowed CPUs")

    @pytest.mark.skipif(True, reason="the machine was never quiet enough")
    def test_skips_when_busy():
        pass
    """


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    """The JUnit report of a real pytest run of SAMPLE (run once: a pytest
    start costs seconds on a busy machine)."""
    root = tmp_path_factory.mktemp("sample")
    (root / "tests").mkdir()
    (root / "tests" / "test_sample.py").write_text(textwrap.dedent(SAMPLE))
    report = root / "pytest.xml"
    subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests",
                    "--junitxml", str(report)], cwd=root, capture_output=True, timeout=120)
    return report


def allowed_list(tmp_path, *lines):
    path = tmp_path / "allowed.txt"
    path.write_text("# a comment\n\n" + "\n".join(lines) + "\n")
    return path




def test_an_unlisted_skip_fails_the_summary(tmp_path, sample_report):
    allowed = allowed_list(tmp_path, "pytest | tests/test_sample.py::test_skips_on_one_cpu | "
                                     "2 allowed CPUs | one CPU")
    done = skips(allowed, sample_report)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "skipped: 2 (1 allowed, 1 not allowed)"
    assert ("skip allowed: pytest tests/test_sample.py::test_skips_on_one_cpu: "
            "needs 2 allowed CPUs (one CPU)") in lines
    assert any(line.startswith("skip NOT ALLOWED: pytest tests/test_sample.py::test_skips_when_busy"
                               ": the machine was never quiet enough") for line in lines)


def test_listed_skips_pass_and_are_counted(tmp_path, sample_report):
    allowed = allowed_list(tmp_path, "pytest | tests/test_sample.py::test_skips_* | "
                                     "allowed CPUs | one CPU",
                           "pytest | tests/*::test_skips_when_busy | quiet | never, really")
    assert verdict(sample_report, allowed=allowed)[0] == 0
    assert verdict(sample_report, allowed=allowed)[1][-1] == "skipped: 2 (2 allowed, 0 not allowed)"


def test_a_listed_test_skipping_for_another_reason_is_not_allowed(tmp_path):
    ctest = tmp_path / "ctest.xml"
    ctest.write_text(CTEST_REPORT.format(message="the machine was busy"))
    assert verdict(ctest) == (1, [
        "skip NOT ALLOWED: ctest PinningCheck.WorkersRunOnTheirPus: the machine was busy "
        "(fix the test, or list it with its reason in tests/allowed_skips.txt)",
        "skipped: 1 (0 allowed, 1 not allowed)"])
    ctest.write_text(CTEST_REPORT.format(message="one PU: nothing to tell apart"))
    assert verdict(ctest)[0] == 0
    assert verdict(ctest)[1][-1] == "skipped: 1 (1 allowed, 0 not allowed)"


def test_a_run_without_skips_counts_zero(tmp_path):
    report = tmp_path / "ctest.xml"
    report.write_text(CTEST_REPORT.replace('status="notrun"', 'status="run"')
                      .replace('<skipped message="SKIP_REGULAR_EXPRESSION_MATCHED"/>', ""))
    assert verdict(report) == (0, ["skipped: 0 (0 allowed, 0 not allowed)"])


def test_the_project_list_reads_and_says_why_for_every_entry():
    listed = skips_module.read_allowed(ALLOWED)  # 4 fields, none empty, or it raises
    assert listed and all(len(entry.why) > 20 for entry in listed)


def test_a_bad_list_or_report_is_one_line_and_exit_2(tmp_path):
    no_why = allowed_list(tmp_path, "pytest | tests/x.py::y | reason")
    done = skips(no_why, tmp_path / "missing.xml")
    assert done.returncode == 2
    assert done.stderr.startswith("skips: error: ") and done.stderr.count("\n") == 1
    done = skips(ALLOWED, tmp_path / "missing.xml")
    assert done.returncode == 2 and "cannot read the test report" in done.stderr


def test_scripts_test_counts_skips_from_every_runner():
    # scripts/test hands this checker a JUnit report from each ctest and pytest.
    with open(os.path.join(REPO, "scripts", "test")) as f:
        script = f.read()
    assert "scripts/lib/skips.py tests/allowed_skips.txt" in script
    assert script.count("--output-junit") >= 1 and "--junitxml" in script
