#!/usr/bin/env python3
"""Run `lss bench` and the PyTorch reference side by side and compare.

Usage:
    python3 bench/compare.py [WHAT] [--repeats R] [--swift-cmd CMD]
                             [--python PY] [--swift-args ARGS]
                             [--torch-args ARGS] [--json]

WHAT is blas, mlp, generator, sampler, elementwise, lss or all (default all).
`lss` (the Latent Space Simulator networks, bench/lss/README.md) runs
bench/pytorch/lss_bench.py on the PyTorch side instead of bench.py.
Each of R repeats (default 5) runs both sides once, alternating which goes
first, so slow drift on the machine hits both equally:

    SWIFT_CMD bench WHAT --json [SWIFT_ARGS]
    PY bench/pytorch/bench.py WHAT --json [TORCH_ARGS]

SWIFT_CMD comes from --swift-cmd, else the SWIFT_CMD environment variable,
else <repo>/.build/release/lss; it may contain arguments (shell-split).
PY comes from --python, else the LSS_TORCH_PYTHON environment variable, else
the running interpreter.

Both sides print one JSON object per line with keys bench, metric, value,
unit. The median over the repeats is taken per (bench, metric) and printed
as a markdown table. With --json the joined rows go to stdout as JSON lines
and the table goes to stderr.

Standard library only.
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BENCH_PY = HERE / "pytorch" / "bench.py"
LSS_BENCH_PY = HERE / "pytorch" / "lss_bench.py"
DEFAULT_SWIFT = REPO / ".build" / "release" / "lss"

# Units where a smaller number is better; every other unit is a rate.
LOWER_IS_BETTER = {"us", "ms", "s", "ns", "ns/element", "ns/row", "us/step"}

WORKLOADS = ["elementwise", "blas", "mlp", "generator", "sampler", "lss"]


def torch_script(what):
    """The PyTorch script that mirrors `lss bench WHAT`."""
    return LSS_BENCH_PY if what == "lss" else BENCH_PY

DASH = "\u2013"  # en dash for a missing value


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def parse_lines(text, side):
    """Return the (bench, metric, value, unit) records in a JSON-lines dump.

    Lines that are not JSON objects with those keys are ignored, so a
    program may print banners or warnings alongside its results.
    """
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            log(f"warning: {side}: unparsable line: {line[:120]}")
            continue
        if not all(k in obj for k in ("bench", "metric", "value", "unit")):
            continue
        try:
            value = float(obj["value"])
        except (TypeError, ValueError):
            log(f"warning: {side}: non-numeric value in: {line[:120]}")
            continue
        out.append((str(obj["bench"]), str(obj["metric"]), value, str(obj["unit"])))
    return out


def run_side(side, cmd, timeout):
    log(f"  {side}: {' '.join(shlex.quote(c) for c in cmd)}")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout)
    except FileNotFoundError as e:
        log(f"error: {side}: cannot run: {e}")
        return [], False
    except subprocess.TimeoutExpired:
        log(f"error: {side}: timed out after {timeout} s")
        return [], False
    dt = time.perf_counter() - t0
    records = parse_lines(proc.stdout, side)
    ok = proc.returncode == 0
    if not ok:
        log(f"error: {side}: exit code {proc.returncode}")
        tail = proc.stderr.strip().splitlines()[-10:]
        for line in tail:
            log(f"    {line}")
    log(f"    {len(records)} results in {dt:.1f} s")
    return records, ok


def fmt(value):
    if value is None:
        return DASH
    a = abs(value)
    if a >= 1000:
        return f"{value:,.0f}"
    if a >= 100:
        return f"{value:.1f}"
    if a >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"


def main(argv=None):
    p = argparse.ArgumentParser(description="Compare lss and PyTorch benchmarks.")
    p.add_argument("what", nargs="?", default="all",
                   help="blas|mlp|generator|sampler|elementwise|lss|all (default all)")
    p.add_argument("--repeats", "-r", type=int, default=5, help="interleaved repeats (default 5)")
    p.add_argument("--swift-cmd", default=os.environ.get("SWIFT_CMD"),
                   help="lss command (default $SWIFT_CMD or <repo>/.build/release/lss)")
    p.add_argument("--python", default=None,
                   help="python with torch (default $LSS_TORCH_PYTHON, else this interpreter)")
    p.add_argument("--swift-args", default="", help="extra arguments for the lss side")
    p.add_argument("--torch-args", default="",
                   help="extra arguments for bench.py, e.g. '--threads 2 --quick'")
    p.add_argument("--timeout", type=float, default=None, help="per-run timeout in seconds")
    p.add_argument("--json", action="store_true",
                   help="print joined results as JSON lines on stdout (table to stderr)")
    args = p.parse_args(argv)

    swift = shlex.split(args.swift_cmd) if args.swift_cmd else [str(DEFAULT_SWIFT)]
    if args.python:
        python = args.python
    elif os.environ.get("LSS_TORCH_PYTHON"):
        python = os.environ["LSS_TORCH_PYTHON"]
    else:
        python = sys.executable

    # "all" is run workload by workload, so the two sides of each pair are measured seconds apart
    # rather than minutes (the machines drift by tens of percent over minutes).
    workloads = WORKLOADS if args.what == "all" else [args.what]

    def commands(what):
        return {
            "lss": swift + ["bench", what, "--json"] + shlex.split(args.swift_args),
            "pytorch": [python, str(torch_script(what)), what, "--json"] + shlex.split(args.torch_args),
        }

    # (bench, metric) -> {"unit": ..., "lss": [...], "pytorch": [...]}, in first-seen order.
    rows = {}
    failed = []
    for r in range(args.repeats):
        order = ("lss", "pytorch") if r % 2 == 0 else ("pytorch", "lss")
        log(f"repeat {r + 1}/{args.repeats}")
        for what, side in [(w, s) for w in workloads for s in order]:
            records, ok = run_side(side, commands(what)[side], args.timeout)
            if not ok:
                failed.append((r, side))
            for bench, metric, value, unit in records:
                row = rows.setdefault((bench, metric), {"unit": {}, "lss": [], "pytorch": []})
                row[side].append(value)
                row["unit"].setdefault(side, unit)

    # Group rows by bench (in first-seen order), metrics in first-seen order.
    bench_rank = {}
    for bench, _ in rows:
        bench_rank.setdefault(bench, len(bench_rank))
    ordered = sorted(enumerate(rows.items()), key=lambda t: (bench_rank[t[1][0][0]], t[0]))

    joined = []
    for _, ((bench, metric), row) in ordered:
        units = row["unit"]
        unit = units.get("lss") or units.get("pytorch")
        if len(set(units.values())) > 1:
            log(f"warning: {bench}/{metric}: units differ ({units}); ratio omitted")
            unit = f"{units['lss']} (lss) / {units['pytorch']} (PyTorch)"
        lss = statistics.median(row["lss"]) if row["lss"] else None
        pt = statistics.median(row["pytorch"]) if row["pytorch"] else None
        ratio = None
        if lss is not None and pt is not None and len(set(units.values())) == 1:
            if unit in LOWER_IS_BETTER:
                ratio = pt / lss if lss > 0 else None
            else:
                ratio = lss / pt if pt > 0 else None
        joined.append({
            "bench": bench, "metric": metric, "unit": unit,
            "lss": lss, "pytorch": pt, "ratio": ratio,
            "lss_runs": row["lss"], "pytorch_runs": row["pytorch"],
        })

    table_out = sys.stderr if args.json else sys.stdout
    lines = [
        f"Medians over {args.repeats} interleaved repeats. "
        "ratio > 1 means lss is faster (lss/PyTorch for rates, "
        "PyTorch/lss for times: us, ns/element).",
        "",
        "| bench | metric | unit | lss median | PyTorch median | ratio (>1: lss faster) |",
        "|---|---|---|---:|---:|---:|",
    ]
    for j in joined:
        ratio = DASH if j["ratio"] is None else f"{j['ratio']:.2f}x"
        lines.append(f"| {j['bench']} | {j['metric']} | {j['unit']} | "
                     f"{fmt(j['lss'])} | {fmt(j['pytorch'])} | {ratio} |")
    if not joined:
        lines.append(f"| {DASH} | no results | | | | |")
    print("\n".join(lines), file=table_out, flush=True)

    if args.json:
        for j in joined:
            print(json.dumps(j), flush=True)

    if failed:
        log(f"{len(failed)} run(s) failed: " + ", ".join(f"{s} (repeat {r + 1})" for r, s in failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
