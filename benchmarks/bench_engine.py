"""Benchmark the table engine end to end: `vvalley gaps` and `vvalley rank` as processes, against the CSV parse.

    python benchmarks/bench_engine.py                  # scale 0.1: 100k firms / ~600k edges, a few minutes
    python benchmarks/bench_engine.py --scale 1        # the issue's size: 1M firms / ~6M edges, ~3,000 districts
    python benchmarks/bench_engine.py --spark          # also `gaps --engine spark` once, checked equal to DuckDB

Everything is measured in this one run, each figure the median of --runs processes:
- the baseline: pandas' pyarrow engine reading both CSVs (in a process of its own, as bench_gaps.py does);
- `vvalley gaps --format json` for one region and `vvalley rank --level district --format json`, each a
  whole process (start, parse, validate, analyse, print) with the ingest cache off (VVALLEY_CACHE=off),
  wall time, CPU time and the process's peak RSS (wait4); then `gaps` again with the cache warm;
- in-process analyse (after load) against the plain-networkx baseline of benchmarks/nx_baseline.py
  (build the graph + walk it, after the same load), their gap sets checked equal;
- the bundled data: `vvalley build` and `vvalley --help` as processes.
The generated CSVs are cached under benchmarks/.cache/ (benchmarks/gen_chain.py makes them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_gaps import REGION, dataset, run_phase  # noqa: E402

VVALLEY = str(Path(sys.executable).parent / "vvalley")
# Cold runs read and check the CSVs every time (the ingest cache off): parse + validate + analyse.
COLD = {"VVALLEY_CACHE": "off"}
TARGETS = {"gaps": 3.0, "rank": 4.0, "peak_mb": 2048, "nx": 50.0, "build": 2.0, "help": 0.3}


def timed_process(cmd: list[str], out: Path | None = None, env: dict | None = None) -> tuple[float, float, float]:
    """Run `cmd` (stdout to `out` or nowhere); (wall seconds, peak RSS in MB, CPU seconds) of that
    process alone. CPU time (user + system) moves less than wall time when the machine is shared."""
    sink = open(out, "wb") if out else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.PIPE, env={**os.environ, **(env or COLD)})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    finally:
        if out:
            sink.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {code}: {proc.stderr.read().decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def medians(cmd: list[str], runs: int, out: Path | None = None, env: dict | None = None) -> dict:
    times, peaks, cpus = [], [], []
    for _ in range(runs):
        seconds, peak, cpu = timed_process(cmd, out, env)
        times.append(seconds)
        peaks.append(peak)
        cpus.append(cpu)
    return {"median": statistics.median(times), "times": times, "peak_mb": max(peaks),
            "cpu": statistics.median(cpus)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = 1M firms / ~6M edges (default 0.1)")
    parser.add_argument("--runs", type=int, default=3, help="processes per figure (the median is reported)")
    parser.add_argument("--region", default=REGION)
    parser.add_argument("--no-baseline", action="store_true", help="skip the networkx baseline")
    parser.add_argument("--spark", action="store_true", help="also time `gaps --engine spark` once and compare")
    args = parser.parse_args()

    data = dataset(args.scale)
    sizes = sum((data / n).stat().st_size for n in ("chain_nodes.csv", "chain_edges.csv")) / 2**20
    tmp = Path(tempfile.mkdtemp(prefix="vvalley-bench-"))
    print(f"data: {data} ({sizes:,.0f} MB of CSV); {os.cpu_count()} CPUs; {args.runs} runs each", flush=True)

    parses, cpus = [], []
    parse_cmd = [sys.executable, str(HERE / "bench_gaps.py"), "--phase", "parse", "--data", str(data)]
    for _ in range(args.runs):
        _, _, cpu = timed_process(parse_cmd, tmp / "parse.json")
        parses.append(json.loads((tmp / "parse.json").read_text().strip().splitlines()[-1]))
        cpus.append(cpu)
    parse = {"median": statistics.median(p["seconds"] for p in parses), "peak_mb": max(p["peak_mb"] for p in parses),
             "nodes": parses[0]["nodes"], "edges": parses[0]["edges"], "cpu": statistics.median(cpus)}
    print(f"  parse: {parse['median']:.2f} s", flush=True)
    gaps_cmd = [VVALLEY, "gaps", "--data", str(data), "--region", args.region, "--format", "json"]
    gaps = medians(gaps_cmd, args.runs, tmp / "gaps-duckdb.json")
    print(f"  gaps: {gaps['median']:.2f} s", flush=True)
    warm_env = {"VVALLEY_CACHE": "on", "VVALLEY_CACHE_DIR": str(tmp / "cache")}
    timed_process(gaps_cmd, None, warm_env)  # fills the ingest cache
    warm = medians(gaps_cmd, args.runs, None, warm_env)
    print(f"  gaps, cached: {warm['median']:.2f} s", flush=True)
    rank = medians([VVALLEY, "rank", "--data", str(data), "--level", "district", "--format", "json"], args.runs)
    print(f"  rank: {rank['median']:.2f} s", flush=True)

    analysed = baseline = None
    if not args.no_baseline:
        analysed = run_phase("analyse", data, args, runs=args.runs)
        baseline = run_phase("baseline", data, args, runs=1)
        assert analysed["gaps"] == baseline["gaps"], "analyse and the networkx baseline found different gaps"
        print(f"  analyse {analysed['median']:.2f} s, networkx baseline {baseline['median']:.1f} s", flush=True)

    spark = None
    if args.spark:
        seconds, peak, _ = timed_process([*gaps_cmd, "--engine", "spark"], tmp / "gaps-spark.json")
        same = (tmp / "gaps-spark.json").read_bytes() == (tmp / "gaps-duckdb.json").read_bytes()
        spark = {"seconds": seconds, "peak_mb": peak, "same": same}

    build = medians([VVALLEY, "build", "--data", str(ROOT / "data"), "--out", str(tmp / "out")], args.runs)
    helps = medians([VVALLEY, "--help"], max(args.runs, 5))
    report(args, data, sizes, parse, gaps, rank, analysed, baseline, spark, build, helps, warm)


def report(args, data, sizes, parse, gaps, rank, analysed, baseline, spark, build, helps, warm) -> None:
    p = parse["median"]
    print()
    print(f"vvalley engine benchmark  scale {args.scale:g}: {parse['nodes']:,} nodes, {parse['edges']:,} edges, "
          f"{sizes:,.0f} MB of CSV; region {args.region}; medians of {args.runs}")
    c = parse["cpu"]
    print(f"  {'step':<58}{'seconds':>9}{'× parse':>9}{'CPU s':>8}{'× CPU':>7}{'peak MB':>9}   target (wall)")
    rows = [("read both CSVs (pandas, pyarrow engine) = the baseline", p, 1.0, c, 1.0, parse["peak_mb"], ""),
            ("vvalley gaps --format json, one region (process)", gaps["median"], gaps["median"] / p, gaps["cpu"],
             gaps["cpu"] / c, gaps["peak_mb"],
             _verdict(gaps["median"] / p <= TARGETS["gaps"], f"≤ {TARGETS['gaps']:g}× parse")),
            ("vvalley rank --level district --format json (process)", rank["median"], rank["median"] / p,
             rank["cpu"], rank["cpu"] / c, rank["peak_mb"],
             _verdict(rank["median"] / p <= TARGETS["rank"], f"≤ {TARGETS['rank']:g}× parse"))]
    rows.append(("vvalley gaps, the ingest cache warm (no parse, no checks)", warm["median"], warm["median"] / p,
                 warm["cpu"], warm["cpu"] / c, warm["peak_mb"], ""))
    for name, seconds, ratio, cpu, cpu_ratio, peak, target in rows:
        print(f"  {name:<58}{seconds:>9.2f}{ratio:>9.1f}{cpu:>8.1f}{cpu_ratio:>7.1f}{peak:>9,.0f}   {target}")
    print("  (seconds: wall time; the parse is timed inside its process, the commands as whole processes. "
          "CPU s: user + system\n   of the whole process, parse's process included, so start-up counts on both sides.)")
    peak = max(gaps["peak_mb"], rank["peak_mb"])
    print(f"  peak RSS of gaps and rank: {peak:,.0f} MB   "
          + _verdict(peak <= TARGETS["peak_mb"], f"≤ {TARGETS['peak_mb']:,} MB"))
    if analysed and baseline:
        ratio = baseline["median"] / analysed["median"]
        print(f"  analyse after load {analysed['median']:.2f} s vs networkx baseline (build + walk after load) "
              f"{baseline['median']:.1f} s: {ratio:,.0f}× faster, same gap set   "
              + _verdict(ratio >= TARGETS["nx"], f"≥ {TARGETS['nx']:g}×"))
    if spark:
        print(f"  gaps --engine spark (one process, local[*]): {spark['seconds']:.1f} s, peak {spark['peak_mb']:,.0f} MB "
              f"(driver only; the JVM is a child); JSON byte-identical to DuckDB: {'yes' if spark['same'] else 'NO'}")
    print(f"  bundled data: vvalley build {build['median']:.2f} s   "
          + _verdict(build["median"] <= TARGETS["build"], f"≤ {TARGETS['build']:g} s")
          + f";  vvalley --help {helps['median']:.2f} s   " + _verdict(helps["median"] <= TARGETS["help"], "≤ 0.3 s"))
    print(f"  runs (s): gaps {_list(gaps['times'])}; rank {_list(rank['times'])}; build {_list(build['times'])}")


def _verdict(ok: bool, target: str) -> str:
    return f"{target}: {'met' if ok else 'MISSED'}"


def _list(times) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    main()
