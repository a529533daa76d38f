"""Counts the tests that skipped, and fails on any skip that is not allowed.

    /usr/bin/python3 scripts/lib/skips.py ALLOWED_LIST [REPORT.xml...]

scripts/test has ctest (each build) and pytest write JUnit XML reports and
passes them here. Every skipped test case (a GTEST_SKIP, a pytest.skip or
skipif, an xfail, a ctest test that did not run) is matched against
ALLOWED_LIST (tests/allowed_skips.txt), whose lines read

    RUNNER | TEST | REASON | WHY

RUNNER is ctest or pytest; TEST the test's id as that runner names it
(shell wildcards allowed); REASON a piece of the text the test gives when it
skips, so that an allowed test skipping for another reason still counts as
not allowed; WHY says when and why that skip is legitimate (required).

Prints one line per skip and a last line `skipped: N (A allowed, U not
allowed)`; exits 1 when U > 0, 2 on a list or report it cannot read.
Standard library only: it runs before anything else is known to work.
"""
import fnmatch
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass

RUNNERS = ("ctest", "pytest")


@dataclass(frozen=True)
class Allowed:
    runner: str
    test: str
    reason: str
    why: str

    def matches(self, skip):
        return (skip.runner == self.runner and fnmatch.fnmatchcase(skip.test, self.test)
                and self.reason in skip.reason)


@dataclass(frozen=True)
class Skip:
    runner: str
    test: str
    reason: str


class BadInput(Exception):
    pass


def read_allowed(path):
    allowed = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [field.strip() for field in line.split("|")]
            if len(fields) != 4 or fields[0] not in RUNNERS or not all(fields):
                raise BadInput(f"{path}:{number}: expected 'RUNNER | TEST | REASON | WHY' "
                               f"with RUNNER one of {', '.join(RUNNERS)} and no empty field")
            allowed.append(Allowed(*fields))
    return allowed


def _gtest_skip_message(output):
    """The message GTEST_SKIP() printed: the lines after 'file:line: Skipped'."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.endswith(": Skipped"):
            message = []
            for text in lines[i + 1:]:
                if text.startswith("[  SKIPPED ]"):
                    break
                message.append(text)
            return " ".join(message).strip()
    return ""


def _pytest_id(case):
    """path::[Class::]name, as pytest names a test on its command line.
    JUnit's classname is the module's dotted path (tests.python.test_x),
    then the class, if any."""
    parts = case.get("classname", "").split(".")
    module = next((i for i, part in enumerate(parts) if part.startswith("test_")), None)
    if module is None:
        return "::".join(filter(None, [case.get("classname", ""), case.get("name", "")]))
    file = "/".join(parts[:module + 1]) + ".py"
    return "::".join([file, *parts[module + 1:], case.get("name", "")])


def read_skips(path):
    """The skipped test cases in one JUnit XML report, ctest's or pytest's."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        raise BadInput(f"{path}: cannot read the test report: {e}") from None
    skips = []
    for case in root.iter("testcase"):
        skipped = case.find("skipped")
        if skipped is None:
            continue
        if case.get("status") is not None:  # ctest writes status="run"/"notrun"/"disabled"
            message = _gtest_skip_message(case.findtext("system-out") or "")
            skips.append(Skip("ctest", case.get("name", ""),
                              message or skipped.get("message", "") or case.get("status")))
        else:
            xfail = skipped.get("type") == "pytest.xfail"  # a test expected to fail: not a verdict
            skips.append(Skip("pytest", _pytest_id(case),
                              ("xfail: " if xfail else "") + skipped.get("message", "")))
    return skips


def check(allowed, skips):
    """(lines to print, number not allowed)."""
    lines, not_allowed = [], 0
    for skip in skips:
        rule = next((a for a in allowed if a.matches(skip)), None)
        if rule is None:
            not_allowed += 1
            lines.append(f"skip NOT ALLOWED: {skip.runner} {skip.test}: {skip.reason} "
                         "(fix the test, or list it with its reason in tests/allowed_skips.txt)")
        else:
            lines.append(f"skip allowed: {skip.runner} {skip.test}: {skip.reason} ({rule.why})")
    lines.append(f"skipped: {len(skips)} ({len(skips) - not_allowed} allowed, "
                 f"{not_allowed} not allowed)")
    return lines, not_allowed


def main(argv):
    if not argv:
        print("usage: skips.py ALLOWED_LIST REPORT.xml...", file=sys.stderr)
        return 2
    try:
        allowed = read_allowed(argv[0])
        skips = [skip for report in argv[1:] for skip in read_skips(report)]
    except (OSError, BadInput) as e:
        print(f"skips: error: {e}", file=sys.stderr)
        return 2
    lines, not_allowed = check(allowed, skips)
    print("\n".join(lines))
    return 1 if not_allowed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
