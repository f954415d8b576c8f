"""Benchmark the gap engine on a national-scale synthetic chain against a plain networkx implementation.

    python benchmarks/bench_gaps.py                 # full scale: ~1M firms, ~3,000 districts, ~6M edges
    python benchmarks/bench_gaps.py --scale 0.05    # a quick run

The generated CSVs are cached under benchmarks/.cache/. Each phase runs in its own process so its
peak memory is its own: the process peak is getrusage(RUSAGE_SELF).ru_maxrss; the peak of one
step inside a process (analyse, or the networkx baseline, after the chain is loaded) is VmHWM from
/proc/self/status after resetting it through /proc/self/clear_refs (Linux), else not shown. The
reset also resets ru_maxrss, so the process peak of those phases is max(peak while loading, step peak).
Before measuring, the gap sets of analyse and of the baseline are checked to be equal on a small
chain (scale 0.01); at the measured scale they are compared too whenever the baseline runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CACHE = HERE / ".cache"
REGION = "reg.cn.zj.hangzhou.xiaoshan"
CHECK_SCALE = 0.01


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M firms / ~6M edges")
    parser.add_argument("--runs", type=int, default=3, help="analyse runs (the median is reported)")
    parser.add_argument("--baseline-runs", type=int, default=1, help="networkx baseline runs")
    parser.add_argument("--no-baseline", action="store_true", help="skip the networkx baseline")
    parser.add_argument("--region", default=REGION)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](Path(args.data), args)))
        return

    check = dataset(CHECK_SCALE)
    a = run_phase("analyse", check, args, runs=1)
    b = run_phase("baseline", check, args, runs=1)
    assert a["gaps"] == b["gaps"], f"gap sets differ at scale {CHECK_SCALE}: {diff(a, b)}"
    print(f"check at scale {CHECK_SCALE}: analyse and the networkx baseline find the same {len(a['gaps'])} gaps")

    data = dataset(args.scale)
    sizes = {name: (data / name).stat().st_size for name in ("chain_nodes.csv", "chain_edges.csv")}
    parse = run_phase("parse", data, args)
    load = run_phase("load", data, args)
    analysed = run_phase("analyse", data, args, runs=args.runs)
    baseline = None if args.no_baseline else run_phase("baseline", data, args, runs=args.baseline_runs)
    if baseline is not None:
        assert analysed["gaps"] == baseline["gaps"], f"gap sets differ: {diff(analysed, baseline)}"
    report(args, data, sizes, parse, load, analysed, baseline)


def dataset(scale: float) -> Path:
    from gen_chain import VERSION

    out = CACHE / f"chain-v{VERSION}-{scale:g}"
    if not (out / "chain_edges.csv").is_file():
        from gen_chain import generate

        started = time.perf_counter()
        counts = generate(out, scale)
        print(f"generated {out} in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
    return out


def run_phase(phase: str, data: Path, args, runs: int = 1) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--data", str(data), "--region", args.region,
           "--runs", str(runs)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def diff(a: dict, b: dict) -> str:
    left, right = set(map(tuple, a["gaps"])), set(map(tuple, b["gaps"]))
    return f"only in analyse: {sorted(left - right)[:5]}; only in baseline: {sorted(right - left)[:5]}"


# ---- phases, each in its own process ----------------------------------------------------

def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def phase_parse(data: Path, args) -> dict:
    import pandas as pd

    started = time.perf_counter()
    nodes = pd.read_csv(data / "chain_nodes.csv", engine="pyarrow", dtype=str)
    edges = pd.read_csv(data / "chain_edges.csv", engine="pyarrow", dtype=str)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "nodes": len(nodes), "edges": len(edges), "peak_mb": peak_mb()}


def phase_load(data: Path, args) -> dict:
    from vvalley.chain.load import load_chain

    started = time.perf_counter()
    chain = load_chain(data)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "enterprises": int((chain.nodes["kind"] == "enterprise").sum()),
            "peak_mb": peak_mb()}


def phase_analyse(data: Path, args) -> dict:
    from vvalley.analysis.gaps import analyse
    from vvalley.chain.load import load_chain

    chain = load_chain(data)
    after_load = peak_mb()
    step_peak = reset_hwm()
    times, report = [], None
    for _ in range(args.runs):
        started = time.perf_counter()
        report = analyse(chain, args.region)
        times.append(time.perf_counter() - started)
    return {"times": times, "median": statistics.median(times), "peak_mb": max(after_load, peak_mb()),
            "load_peak_mb": after_load, "step_peak_mb": hwm_mb() if step_peak else None,
            "region_firms": _firms(chain, args.region),
            "gaps": sorted([g.kind, g.subject, g.side or ""] for g in report.gaps)}


def phase_baseline(data: Path, args) -> dict:
    from nx_baseline import build, walk

    from vvalley.chain.load import load_chain

    chain = load_chain(data)
    after_load = peak_mb()
    step_peak = reset_hwm()
    times, builds, gaps = [], [], set()
    for _ in range(args.runs):
        started = time.perf_counter()
        graph = build(chain)
        built = time.perf_counter()
        gaps = walk(graph, args.region)
        times.append(time.perf_counter() - started)
        builds.append(built - started)
        del graph
    return {"times": times, "median": statistics.median(times), "build_median": statistics.median(builds),
            "peak_mb": max(after_load, peak_mb()), "load_peak_mb": after_load,
            "step_peak_mb": hwm_mb() if step_peak else None,
            "gaps": sorted([k, s, side or ""] for k, s, side in gaps)}


def _firms(chain, region: str) -> int:
    from vvalley.analysis.coverage import Footing, Template

    return len(Footing.of(chain, region, Template.of(chain)).firms)


PHASES = {"parse": phase_parse, "load": phase_load, "analyse": phase_analyse, "baseline": phase_baseline}


# ---- the table ---------------------------------------------------------------------------------

def report(args, data, sizes, parse, load, analysed, baseline) -> None:
    mb = sum(sizes.values()) / 2**20
    print()
    print(f"vvalley gap engine benchmark  scale {args.scale:g}  ({data})")
    print(f"  data: {parse['nodes']:,} nodes ({load['enterprises']:,} enterprises), {parse['edges']:,} edges, "
          f"{mb:,.0f} MB of CSV; region {args.region}: {analysed['region_firms']:,} firms; "
          f"{len(analysed['gaps'])} gaps; {os.cpu_count()} CPUs")
    rows = [("read both CSVs (pandas, pyarrow engine)", parse["seconds"], None, parse["peak_mb"], None),
            ("load_chain (read + validate)", load["seconds"], None, load["peak_mb"], None),
            (f"analyse, one region (median of {len(analysed['times'])})", analysed["median"], None,
             analysed["peak_mb"], analysed["step_peak_mb"])]
    if baseline:
        rows.append((f"networkx baseline (median of {len(baseline['times'])})", baseline["median"],
                     baseline["build_median"], baseline["peak_mb"], baseline["step_peak_mb"]))
    print(f"  {'phase':<46}{'seconds':>10}{'(build)':>10}{'process peak MB':>18}{'step peak MB':>15}")
    for name, seconds, build, peak, step in rows:
        print(f"  {name:<46}{seconds:>10.2f}{_f(build):>10}{peak:>18,.0f}{_f(step, ',.0f'):>15}")
    print("  process peak = ru_maxrss of the phase's process (for analyse and the baseline: the larger of the peak "
          "while loading\n  the chain with load_chain and the step's own peak); step peak = VmHWM reset once the "
          "chain is loaded, so it\n  covers only that step, with the loaded chain held in memory.")
    if baseline:
        ratio = baseline["median"] / analysed["median"]
        print(f"  analyse is {ratio:,.0f}x faster than the networkx baseline "
              f"(analyse runs: {', '.join(f'{t:.2f}' for t in analysed['times'])} s; "
              f"baseline runs: {', '.join(f'{t:.1f}' for t in baseline['times'])} s); same gap set: yes")
    step = analysed["step_peak_mb"] or analysed["peak_mb"]
    targets = [f"analyse < 10 s: {'ok' if analysed['median'] < 10 else 'MISSED'}",
               f"analyse peak < 4 GB: {'ok' if step < 4096 else 'MISSED'}"]
    if baseline:
        targets.append(f">= 20x faster: {'ok' if baseline['median'] / analysed['median'] >= 20 else 'MISSED'}")
    print("  targets: " + "; ".join(targets))


def _f(value, spec=".2f") -> str:
    return "" if value is None else format(value, spec)


if __name__ == "__main__":
    main()
