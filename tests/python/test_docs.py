"""The docs against the tree: what README.md, docs/*.md and results/README.md
say must still be true, so that they cannot drift silently.

- Every relative link resolves, and every #anchor names a heading of its
  target (GitHub's slugs) or an explicit <a id/name>.
- Every `scripts/<name>` the docs show exists and is executable; each flag a
  command is shown with appears in that command's --help (after a bare `--`,
  the flags are bench_all's; scripts/noise passes the flags it does not know
  to bench_all). A command shown with --plan or --estimate, which run nothing,
  is run as shown and must succeed.
- The layout maps (README.md's and docs/architecture.md's) name every folder
  under impl/contend/, and the library graph in docs/architecture.md is the
  one impl/contend/*/CMakeLists.txt link.
- docs/schema.md names every column of the results schema.

Pages are found by globbing, not listed: a new docs/ page is checked as soon
as it exists, and so is any command a page shows.

The --plan and --estimate commands need the Release build (contend_plan and
the bench_* binaries under build/release/bench): scripts/test runs pytest
after building it. Without it those tests fail and say so; they never skip.
Nothing here measures time: the subprocess timeouts only guard against a
hang (each command takes about a second; the bound is far above that).
"""
import contextlib
import functools
import io
import os
import re
import runpy
import shlex
import subprocess
import sys
import unicodedata
import warnings
from pathlib import Path

import pytest

from contend.core import schema
from support.paths import PYTHON, REPO
from support.processes import script_env
from support.tools import tool_modules

ROOT = Path(REPO)
BENCH_DIR = ROOT / "build" / "release" / "bench"
IMPL = ROOT / "impl" / "contend"
# Hang guard only: --help, --plan and --estimate each take about a second.
COMMAND_TIMEOUT_S = 120


def doc_files():
    """README.md, every page under docs/, results/README.md (sorted paths)."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    if (ROOT / "results" / "README.md").exists():
        files.append(ROOT / "results" / "README.md")
    return files


def rel(path):
    return str(Path(path).relative_to(ROOT))


# --- Markdown, as much of it as the checks need --------------------------------

FENCE = re.compile(r"^ {0,3}(```+|~~~+)")


@functools.lru_cache(maxsize=None)
def parse(path):
    """(prose lines, code blocks) of a Markdown file: prose keeps its line
    numbers (code lines blanked), each code block is (first line no., text)."""
    prose, blocks, block, fence = [], [], None, None
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        match = FENCE.match(line)
        if block is None and match:
            fence, block = match.group(1), (number + 1, [])
            prose.append("")
        elif block is not None and match and match.group(1).startswith(fence):
            blocks.append((block[0], "\n".join(block[1])))
            block = None
            prose.append("")
        elif block is not None:
            block[1].append(line)
            prose.append("")
        else:
            prose.append(line)
    assert block is None, f"{rel(path)}: a code block opened on line {block[0] - 1} never closes"
    return prose, blocks


INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def inline_code(path):
    """Every `code span` in the prose, newlines folded to spaces."""
    text = "\n".join(parse(path)[0])
    return [" ".join(m.group(2).split()) for m in INLINE_CODE.finditer(text)]


def prose_without_code(path):
    return INLINE_CODE.sub(" ", "\n".join(parse(path)[0]))


HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
EXPLICIT_ANCHOR = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""", re.I)


def github_slug(heading):
    """The anchor GitHub gives a heading (github-slugger): the rendered text,
    lower case, with every character that is not a letter, digit, mark,
    connector (_), hyphen or space dropped, and each space made a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # links -> their text
    text = re.sub(r"<[^>]+>", "", text)                          # inline HTML
    text = text.replace("`", "").replace("*", "")
    kept = [ch for ch in text.lower()
            if ch in "-_ " or unicodedata.category(ch)[0] in "LMN"]
    return "".join(kept).replace(" ", "-")


@functools.lru_cache(maxsize=None)
def anchors(path):
    """Every anchor a file offers: heading slugs (a repeated slug gets -1,
    -2, ... as on GitHub) and explicit <a id=...>."""
    seen, found = {}, set()
    prose = parse(path)[0]
    for line in prose:
        match = HEADING.match(line)
        if match:
            slug = github_slug(match.group(2))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            found.add(slug if count == 0 else f"{slug}-{count}")
        found.update(EXPLICIT_ANCHOR.findall(line))
    return found


LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HTML_LINK = re.compile(r"""\b(?:href|src)=["']([^"']+)["']""", re.I)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def links(path):
    text = prose_without_code(path)
    return (LINK.findall(text) + REFERENCE.findall(text) + HTML_LINK.findall(text))


def broken_link(path, target):
    """Why `target` (a link in `path`) does not resolve, or None."""
    if SCHEME.match(target) or target.startswith("//"):
        return None   # another site: not ours to check offline
    file_part, _, anchor = target.partition("#")
    resolved = (path.parent / file_part).resolve() if file_part else path
    if not resolved.exists():
        return f"{target}: no such file or folder"
    if anchor:
        if resolved.suffix != ".md" or resolved.is_dir():
            return f"{target}: an anchor into a file that is not Markdown"
        if anchor not in anchors(resolved):
            return f"{target}: no heading or <a id> gives #{anchor} in {rel(resolved)}"
    return None


@pytest.mark.parametrize("path", doc_files(), ids=rel)
def test_every_relative_link_and_anchor_resolves(path):
    problems = [p for p in (broken_link(path, t) for t in links(path)) if p]
    assert not problems, f"{rel(path)}:\n  " + "\n  ".join(problems)


def test_the_slug_rules_are_githubs():
    # github-slugger's rules (what github.com uses) on headings of these docs.
    assert github_slug("`scripts/plot RUN` — a report per run") == "scriptsplot-run--a-report-per-run"
    assert github_slug("Our own queues: `ring_spsc`, `ring_mpmc`") == "our-own-queues-ring_spsc-ring_mpmc"
    assert github_slug("The A/A study: how often?") == "the-aa-study-how-often"
    assert github_slug("Threads versus processes, and IPC") == "threads-versus-processes-and-ipc"


# --- Commands ------------------------------------------------------------------

# `scripts/<name>` as a command: not scripts/contend/..., not a file name.
COMMAND = re.compile(r"(?<![\w./-])scripts/([A-Za-z0-9_-]+)(?![\w/-]|\.\w)")
SEPARATOR = re.compile(r"\s+(?:&&|\|\||\|)\s+|;")
ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")
FLAG = re.compile(r"^--[A-Za-z0-9][A-Za-z0-9_-]*")
# Commands whose own parser hands the flags it does not know to bench_all
# (its --help says so).
PASSES_FLAGS_TO_BENCH_ALL = {"noise"}


def command_texts(path):
    """Every piece of code that may hold a command: inline spans, and the
    lines of code blocks, an indented line continuing the one before (usage
    lines wrap that way) as does a line after a trailing backslash."""
    texts = list(inline_code(path))
    for _, block in parse(path)[1]:
        current = None
        for line in block.splitlines():
            line = re.sub(r"(^|\s)#.*$", "", line).rstrip()   # shell comments
            continues = current is not None and (current.endswith("\\") or
                                                 (line[:1].isspace() and not COMMAND.search(line)))
            if continues and line.strip():
                current = current.rstrip("\\") + " " + line.strip()
            else:
                if current:
                    texts.append(current)
                current = line if line.strip() else None
        if current:
            texts.append(current)
    return texts


def tokens_of(statement):
    try:
        return shlex.split(statement)
    except ValueError:   # an unbalanced quote in a usage line: words will do
        return statement.split()


def shown_commands(path):
    """[(script name, env assignments, args)] for every command shown."""
    found = []
    for text in command_texts(path):
        for statement in SEPARATOR.split(text):
            words = tokens_of(statement)
            for i, word in enumerate(words):
                match = COMMAND.fullmatch(word.lstrip("./")) if word.startswith(("scripts/", "./scripts/")) else None
                if not match:
                    continue
                env = {}
                for before in reversed(words[:i]):
                    if not ENV_ASSIGNMENT.match(before):
                        break
                    key, _, value = before.partition("=")
                    env[key] = value
                found.append((match.group(1), env, words[i + 1:]))
                break
    return found


def mentioned_scripts(path):
    """Every scripts/<name> written anywhere, prose included."""
    text = Path(path).read_text(encoding="utf-8")
    return {m.group(1) for m in COMMAND.finditer(text)}


def all_commands():
    return [(path, *command) for path in doc_files() for command in shown_commands(path)]


def flags_of(args):
    """{flag: whose flags they are}, 'self' or 'bench_all' (after a bare --)."""
    owner, flags = "self", {}
    for arg in args:
        arg = arg.strip("[]()")
        if arg == "--":
            owner = "bench_all"
            continue
        match = FLAG.match(arg)
        if match:
            flags.setdefault(match.group(0), owner)
    return flags


def entry_point(name):
    return ROOT / "scripts" / name


def answers_help(name):
    """Whether `scripts/<name> --help` can be asked safely: the entry point
    hands over to a Python module (whose parser answers --help), or handles
    --help itself. Anything else takes no flags and is never run here
    (scripts/test, for one, would run every test)."""
    return module_of(name) is not None or "--help" in entry_point(name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def help_text(name):
    """What `scripts/<name> --help` prints. Where the entry point hands over
    to a Python module, that module is run here, in this process, so that
    the tools share one import of pandas and matplotlib (a second or more
    each otherwise); anything else is run as a command."""
    assert answers_help(name), f"scripts/{name} has no --help to ask"
    module = module_of(name)
    if module is None:
        done = subprocess.run([str(entry_point(name)), "--help"], capture_output=True, text=True,
                              env=script_env(), timeout=COMMAND_TIMEOUT_S, cwd=REPO)
        assert done.returncode == 0, f"scripts/{name} --help: exit {done.returncode}\n{done.stderr}"
        return done.stdout
    out, argv = io.StringIO(), sys.argv
    sys.argv = ["scripts/" + name, "--help"]
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            # Other tests may have imported the module already; runpy then
            # warns that it runs a second copy as __main__, which is what a
            # --help needs (the copy only parses its arguments and exits).
            warnings.simplefilter("ignore", RuntimeWarning)
            runpy.run_module(module, run_name="__main__", alter_sys=False)
        status = 0   # returned without exiting: it did not take --help
    except SystemExit as e:
        status = e.code
    finally:
        sys.argv = argv
    assert status in (0, None), f"scripts/{name} --help ({module}): exit status {status}"
    assert out.getvalue().strip(), f"scripts/{name} --help ({module}) printed nothing"
    return out.getvalue()


def known_flags(name):
    return set(re.findall(r"--[A-Za-z0-9][A-Za-z0-9_-]*", help_text(name)))


def script_names():
    names = set()
    for path in doc_files():
        names |= mentioned_scripts(path)
        names |= {name for name, _, _ in shown_commands(path)}
    return sorted(names)


def test_the_docs_show_commands():
    # The extraction itself: if it found nothing, every check below would be empty.
    names = {name for _, name, _, _ in all_commands()}
    assert {"bench_all", "test", "plot", "compare", "regress", "ab", "noise"} <= names


@pytest.mark.parametrize("name", script_names())
def test_every_script_shown_exists(name):
    path = entry_point(name)
    assert path.is_file() or path.is_dir(), f"the docs show scripts/{name}, which does not exist"
    if path.is_file():
        assert os.access(path, os.X_OK), f"scripts/{name} is not executable"


def as_params(commands):
    """pytest params named after the page and the command as shown."""
    return [pytest.param(path, name, env, args,
                         id=f"{rel(path)}: " + " ".join([*(f"{k}={v}" for k, v in env.items()),
                                                           "scripts/" + name, *args])[:100])
            for path, name, env, args in commands]


def commands_with_flags():
    """Each page's commands that show flags, once per page however often shown."""
    seen, found = set(), []
    for path, name, env, args in all_commands():
        key = (path, name, tuple(sorted(env.items())), tuple(args))
        if flags_of(args) and entry_point(name).is_file() and key not in seen:
            seen.add(key)
            found.append((path, name, env, args))
    return found


@pytest.mark.parametrize("path,name,env,args", as_params(commands_with_flags()))
def test_every_flag_shown_is_one_the_command_takes(path, name, env, args):
    shown = " ".join(["scripts/" + name, *args])
    assert answers_help(name), f"{rel(path)}: `{shown}`: scripts/{name} takes no flags (no --help)"
    unknown = []
    for flag, owner in flags_of(args).items():
        taker = "bench_all" if owner == "bench_all" else name
        takes = known_flags(taker)
        if owner == "self" and name in PASSES_FLAGS_TO_BENCH_ALL:
            takes = takes | known_flags("bench_all")
        if flag not in takes:
            unknown.append(f"{flag} (not in scripts/{taker} --help)")
    assert not unknown, f"{rel(path)}: `{shown}` shows flags it does not take: {', '.join(unknown)}"


RUNS_NOTHING = ("--plan", "--estimate")
PLACEHOLDER = re.compile(r"[<>\[\]]|\.\.\.|^[A-Z][A-Z_]*$")


def runnable_dry_commands():
    """Commands shown with --plan or --estimate and nothing left to fill in."""
    seen, found = set(), []
    for path, name, env, args in all_commands():
        if not any(a in RUNS_NOTHING for a in args) or not entry_point(name).is_file():
            continue
        if any(PLACEHOLDER.search(a) for a in args) or any("..." in v for v in env.values()):
            continue
        key = (name, tuple(sorted(env.items())), tuple(args))
        if key not in seen:
            seen.add(key)
            found.append((path, name, env, args))
    return found


def module_of(name):
    """The Python module an entry point hands over to (setup.sh's
    contend_exec_python maps each tool to one), so that a dry run does not
    start the entry point's build (scripts/test has just built)."""
    text = entry_point(name).read_text(encoding="utf-8")
    match = re.search(r"-m\s+(contend[\w.]*)", text)
    if match:
        return match.group(1)
    match = re.search(r"contend_exec_python\s+(\w+)", text)
    return tool_modules()[match.group(1)] if match else None


def test_some_shown_commands_run_dry():
    assert runnable_dry_commands(), "the docs show no runnable --plan or --estimate command"


@pytest.mark.parametrize("path,name,env,args", as_params(runnable_dry_commands()))
def test_shown_plan_and_estimate_commands_run(path, name, env, args):
    shown = " ".join([*(f"{k}={shlex.quote(v)}" for k, v in env.items()), "scripts/" + name, *args])
    assert "run nothing" in " ".join(help_text(name).split()), \
        f"{rel(path)}: `{shown}`: scripts/{name}'s --help does not say these flags run nothing"
    assert (BENCH_DIR / "contend_plan").exists(), (
        f"`{shown}` needs the Release build (build/release/bench/contend_plan): "
        "cmake --preset release && cmake --build build/release (scripts/test builds it first)")
    module = module_of(name)
    argv = [PYTHON, "-m", module, *args] if module else [str(entry_point(name)), *args]
    done = subprocess.run(argv, capture_output=True, text=True, env=script_env(**env),
                          timeout=COMMAND_TIMEOUT_S, cwd=REPO)
    assert done.returncode == 0, f"{rel(path)}: `{shown}`: exit {done.returncode}\n{done.stderr}"
    assert done.stdout.strip(), f"{rel(path)}: `{shown}` printed nothing"


# --- The layout and the library graph ------------------------------------------

def concepts():
    return sorted(p.name for p in IMPL.iterdir() if p.is_dir())


def first_block_with(path, needle):
    for _, block in parse(path)[1]:
        if needle in block:
            return block
    raise AssertionError(f"{rel(path)}: no code block holds {needle!r} (the layout map)")


@pytest.mark.parametrize("page", ["README.md", "docs/architecture.md"])
def test_the_layout_map_names_every_concept_folder(page):
    block = first_block_with(ROOT / page, "impl/contend/")
    words = set(re.findall(r"[A-Za-z_]+", block))
    missing = [c for c in concepts() if c not in words]
    assert not missing, f"{page}'s layout map does not name impl/contend/{', '.join(missing)}"


def test_the_layout_tree_lists_only_folders_that_exist():
    block = first_block_with(ROOT / "docs" / "architecture.md", "impl/contend/")
    listed = re.findall(r"^  ([a-z_]+)/\s", block, re.M)   # the tree's indented concept lines
    assert listed, "docs/architecture.md: the layout tree lists no concept folder"
    assert sorted(listed) == concepts(), (
        f"docs/architecture.md lists {sorted(listed)}, impl/contend/ holds {concepts()}")


def linked_concepts(concept):
    """The concept libraries contend::<concept> links (any visibility)."""
    cmake = (IMPL / concept / "CMakeLists.txt").read_text(encoding="utf-8")
    calls = re.findall(r"target_link_libraries\s*\(([^)]*)\)", cmake)
    return sorted({dep for call in calls for dep in re.findall(r"contend::(\w+)", call)
                   if dep != concept})


GRAPH_LINE = re.compile(r"^(\w+)\s*(?:->\s*(\w+(?:,\s*\w+)*))?(?:\s{2,}.*)?$")


def test_the_library_graph_is_the_one_the_build_links():
    page = ROOT / "docs" / "architecture.md"
    block = next((b for _, b in parse(page)[1] if " -> " in b), None)
    assert block, "docs/architecture.md: no library graph (a code block of `x -> y, z` lines)"
    graph = {}
    for line in filter(str.strip, block.splitlines()):
        match = GRAPH_LINE.match(line)
        assert match, f"docs/architecture.md: graph line not understood: {line!r}"
        deps = match.group(2)
        graph[match.group(1)] = sorted(d.strip() for d in deps.split(",")) if deps else []
    assert sorted(graph) == concepts(), (
        f"the graph names {sorted(graph)}, impl/contend/ holds {concepts()}")
    wrong = {c: (graph[c], linked_concepts(c)) for c in concepts()
             if graph[c] != linked_concepts(c)}
    assert not wrong, "graph vs CMake links: " + "; ".join(
        f"{c}: shows {shown}, links {links}" for c, (shown, links) in wrong.items())


# --- The schema page -----------------------------------------------------------

def test_the_schema_page_names_every_column():
    page = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    missing = [c for c in schema.COLUMNS if f"`{c}`" not in page]
    assert not missing, f"docs/schema.md does not document {', '.join(missing)}"
