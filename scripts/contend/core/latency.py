"""Latency numbers per instance: what they measure, and which may be drawn.

Every latency figure and table of a report reads its numbers from
with_latency(): each percentile (and hand-over percentile, and the offered
load) is the instance's median over its rounds of the round medians
(instance_summary.instance_column_medians), the rule its throughput follows, so a
figure and the table beside it show the same number.

Open-loop rows (a queue under a fixed offered load, schema column
offered_per_second set) also say whether the queue kept up. One that fell
behind has a backlog that grows for as long as the run lasts: its latency
would measure the run's length, so the benchmark reports none, and here an
instance counts as keeping up only when every repetition of every round
did. `did_not_keep_up` marks the others; figures never draw them as latencies.
"""
import pandas as pd

from . import instance_summary, results, schema

HANDOVER_COLUMNS = ["handover_p50_ns", "handover_p99_ns"]
# The columns with_latency() replaces by their median over rounds.
MEDIAN_COLUMNS = schema.LATENCY_COLUMNS + HANDOVER_COLUMNS + ["offered_per_second"]

# What a latency_of value means, in the words axis labels use.
LATENCY_OF_WORDS = {
    "since_intended_send": "latency since intended send",
    "round_trip": "round-trip time",
    "acquire_wait": "acquire wait",
    "submit_to_result": "submit to result",
    "connect_to_close": "connect to close",
    "receive_to_handoff": "receive to hand-off",
}


def describe(latency_of):
    """Axis words for a latency_of value ('' -> 'latency')."""
    if not latency_of:
        return "latency"
    return LATENCY_OF_WORDS.get(latency_of, str(latency_of).replace("_", " "))


def with_latency(summary, df):
    """instance_summary rows with MEDIAN_COLUMNS as medians over rounds, plus
    latency_of (the instance's; schema.LATENCY_OF by benchmark where the
    rows leave it empty), open_loop_reps / kept_up_reps (valid repetitions
    under an offered load, and those that kept up) and did_not_keep_up."""
    medians = instance_summary.instance_column_medians(df, MEDIAN_COLUMNS)
    facts = _per_instance_facts(df)
    out = summary.drop(columns=[c for c in MEDIAN_COLUMNS + list(facts.columns)
                                if c in summary.columns and c not in schema.INSTANCE])
    out = out.merge(medians, on=schema.INSTANCE, how="left")
    out = out.merge(facts, on=schema.INSTANCE, how="left")
    out["open_loop_reps"] = out["open_loop_reps"].fillna(0).astype("int64")
    out["kept_up_reps"] = out["kept_up_reps"].fillna(0).astype("int64")
    out["latency_of"] = [of if isinstance(of, str) and of else schema.LATENCY_OF.get(b, "")
                         for of, b in zip(out["latency_of"], out["benchmark"])]
    out["did_not_keep_up"] = (out["open_loop_reps"] > 0) & (out["kept_up_reps"] <
                                                            out["open_loop_reps"])
    return out


def _per_instance_facts(df):
    valid = results.valid_rows(df)
    open_loop = valid["offered_per_second"].notna()
    g = valid.assign(_open=open_loop, _kept=open_loop & valid["kept_up"]).groupby(
        schema.INSTANCE, sort=True)
    facts = pd.DataFrame({"open_loop_reps": g["_open"].sum(), "kept_up_reps": g["_kept"].sum(),
                          "latency_of": g["latency_of"].agg(_first_text)})
    return facts.reset_index()


def _first_text(values):
    return next((v for v in values if v), "")


def kept_up_text(open_loop_reps, kept_up_reps):
    """'yes', 'no', or 'k/n' repetitions; '' for a closed-loop instance."""
    if not open_loop_reps:
        return ""
    if kept_up_reps == open_loop_reps:
        return "yes"
    return "no" if kept_up_reps == 0 else f"{kept_up_reps}/{open_loop_reps}"


def drawable(rows, column):
    """rows[column] where it may be drawn as a latency, NaN where the
    instance did not keep up (or has no such number)."""
    return rows[column].where(~rows["did_not_keep_up"])


# ---- params: "k=v;k=v", sorted by key ---------------------------------------------

def params_dict(params):
    """'capacity=0;load_pct=50' -> {'capacity': '0', 'load_pct': '50'}."""
    pairs = (p.partition("=") for p in str(params or "").split(";") if p)
    return {key: value for key, _, value in pairs}


def param(params, key, default=""):
    return params_dict(params).get(key, default)


def params_without(params, keys):
    """The params text without `keys`, still sorted ('' when none is left)."""
    kept = params_dict(params)
    return ";".join(f"{k}={v}" for k, v in sorted(kept.items()) if k not in keys)


def has_param(frame, key):
    """Mask: rows whose params name `key`."""
    return frame["params"].map(lambda p: key in params_dict(p)).astype(bool)
