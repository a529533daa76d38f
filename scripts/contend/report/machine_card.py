"""The machine card: on one screen, what machine and build measured this
run and how much its numbers can be trusted (the noise score, in words);
the whole machine.json folded below it.

Also the partial-run banner: machine.json says "complete": false when
bench_all stopped early.
"""
import html
import json

from ..core import formatting
from .html_parts import html_table

def flatten(mapping, prefix=""):
    """machine.json -> ([(key, text)], [(key, structure)]): nested objects
    become dotted keys; lists of objects (the plan's ladder, placements) are
    too big for a table cell and go to the second list, shown as JSON."""
    items, structures = [], []
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if _is_structure(value):
            structures.append((name, value))
        elif isinstance(value, dict):
            more_items, more_structures = flatten(value, name + ".")
            items += more_items
            structures += more_structures
        elif isinstance(value, list):
            items.append((name, ", ".join(str(v) for v in value)))
        else:
            items.append((name, str(value)))
    return items, structures


def _is_structure(value):
    """A list holding objects or lists, or an object holding such a list."""
    if isinstance(value, list):
        return any(isinstance(v, (dict, list)) for v in value)
    if isinstance(value, dict):
        return any(isinstance(v, list) and _is_structure(v) for v in value.values())
    return False


# Shown first when present, in this order; every other key follows as it comes.
MACHINE_FIRST = ["machine_id", "hostname", "cpu_model", "packages", "numa_nodes", "l3_caches",
                 "cores", "pus", "smt", "allowed_cpuset", "kernel", "governor", "virtualization"]


def partial_run_text(machine):
    """'partial run: N of M processes' for an interrupted run, else ''.
    machine.json says "complete": false when bench_all stopped early; an
    absent key is an older, complete run."""
    if machine.get("complete", True) is not False:
        return ""
    done, planned = machine.get("processes_measured"), machine.get("processes_planned")
    if isinstance(done, int) and isinstance(planned, int):
        return f"partial run: {done} of {planned} processes"
    return "partial run: interrupted before every process ran"


def partial_banner(machine):
    text = partial_run_text(machine)
    if not text:
        return ""
    return (f'<p class="banner">{html.escape(text)}. Instances measured in fewer rounds than '
            f"planned have wider intervals; some may be missing.</p>")


def emulated_banner(machine):
    """The banner of an emulated run (bench_all --emulate): its numbers were
    measured on another machine than the one its plan describes."""
    record = machine.get("emulated") if isinstance(machine, dict) else None
    if not record:
        return ""
    real = record.get("real_machine") or {}
    return (f'<p class="banner emulated">Emulated run: the plan of '
            f"{html.escape(str(record.get('topology', '?')))} ran on "
            f"{html.escape(str(real.get('cpu_model', 'another machine')))} "
            f"({html.escape(str(real.get('pus', '?')))} PUs), each worker pinned to a real PU "
            "by its logical index modulo those. A functional check: the numbers below measure "
            "neither machine; compare, regress, ab and history refuse this run.</p>")


def noise_text(machine):
    """machine.json's noise score in words, or '' when the run has none."""
    noise = machine.get("noise")
    if not isinstance(noise, dict):
        return ""
    parts = []
    between, within = noise.get("between_sd_median"), noise.get("within_sd_median")
    if isinstance(between, (int, float)):
        parts.append("rounds (processes) of one instance typically differ by "
                     f"~{formatting.percent(between)}")
    if isinstance(within, (int, float)):
        parts.append(f"repetitions inside one by ~{formatting.percent(within)}")
    share = noise.get("unstable_share")
    if isinstance(share, (int, float)):
        parts.append(f"{formatting.percent(share)} of instances unstable")
    rounds = noise.get("rounds")
    if isinstance(rounds, int) and rounds:
        parts.append(f"{rounds} round{'s' if rounds != 1 else ''} per instance")
    return "; ".join(parts)


def noise_meaning(machine):
    """What the noise score means for reading this report, or ''."""
    noise = machine.get("noise")
    between = noise.get("between_sd_median") if isinstance(noise, dict) else None
    if not isinstance(between, (int, float)):
        return ""
    return (f"so a difference of less than about {formatting.percent(2 * between)} between two "
            "impls is within the noise here; the winners below name a winner only when the "
            "rounds support it, and call the rest ties")


def machine_card(run):
    """The card (one screen) and the full machine.json folded below it."""
    m = run.machine
    build = m.get("build") if isinstance(m.get("build"), dict) else {}
    facts = [
        ("CPU", m.get("cpu_model")),
        ("cores / PUs", _join(m.get("cores"), m.get("pus"))
         + (" (SMT)" if m.get("smt") is True else "")),
        ("packages / NUMA", _join(m.get("packages"), m.get("numa_nodes"))),
        ("L3 caches", m.get("l3_caches")),
        ("kernel", m.get("kernel")),
        ("virtualization", m.get("virtualization")),
        ("governor", m.get("governor")),
        ("build", " ".join(str(v) for v in (build.get("build_type"), build.get("compiler")) if v)),
        ("git sha", m.get("git_sha") or run.git_sha),
        ("run id", run.run_id),
        ("rounds", m.get("rounds")),
        ("run kind", {True: "quick", False: "full"}.get(m.get("quick"), "")),
        ("machine id", m.get("machine_id")),
        ("rows", f"{len(run.df)} ({int((run.df['error'] != '').sum())} errors)"),
    ]
    cells = "".join(f"<div><b>{html.escape(k)}</b> {html.escape(_text(v))}</div>"
                    for k, v in facts if _text(v))
    noise = noise_text(m)
    meaning = noise_meaning(m)
    noise_line = (f"{html.escape(noise)}{'; ' + html.escape(meaning) if meaning else ''}."
                  if noise else "not recorded (a run before rounds, or interrupted).")
    cells += f'<div class="noise" id="noise-score"><b>noise score</b> {noise_line}</div>'
    if not m:
        cells += '<div class="noise"><b>machine.json</b> not found beside the CSV</div>'
    return ('<section id="machine"><h2>Machine</h2>\n'
            f'<div class="card">{cells}</div>\n{machine_details(run)}</section>')


def _join(*values):
    shown = [str(v) for v in values if v not in (None, "")]
    return " / ".join(shown)


def _text(value):
    return "" if value is None else str(value)


def machine_details(run):
    """Every machine.json key (nested ones dotted) in a folded table."""
    flat, structures = flatten(run.machine)
    items = dict(flat)
    keys = [k for k in MACHINE_FIRST if k in items] + [k for k in items if k not in MACHINE_FIRST]
    rows = [(k, items[k]) for k in keys]
    rows += [("results", str(run.csv_path)), ("git_sha (csv)", run.git_sha)]
    details = "".join(
        f"<details><summary>{html.escape(name)}</summary><pre>"
        f"{html.escape(json.dumps(value, indent=1))}</pre></details>\n"
        for name, value in structures)
    return ("<details><summary>machine.json, every key</summary>\n"
            + html_table(["key", "value"], rows, sortable=False) + details + "</details>")
