"""Benchmark `vvalley gaps` on a registry kept in a .duckdb file: 10M firms / ~60M edges, out of core.

    python benchmarks/bench_national.py               # scale 10: 10M firms, ~60M edges (4.9 GB of CSV)
    python benchmarks/bench_national.py --scale 1     # 1M firms, a few minutes

What it does, in one run:
1. generates the chain's CSVs (benchmarks/gen_chain.py, cached under benchmarks/.cache/);
2. at scale 1 (always, as the check): `vvalley ingest DIR --to FILE.duckdb` as a process, and the same
   CSVs copied into a .duckdb file of the same layout by DuckDB alone (`convert`, out of core); `vvalley
   gaps --format json` of the folder, of the ingested file and of the converted file must be the same bytes;
3. at the asked scale: the converted file (vvalley's own ingest reads a registry into memory to check
   it, ~20 GB at 10M, so the bench stores the generated data, which it knows to be valid, with DuckDB),
   then `vvalley gaps` on it as a process, each figure the median of --runs, with its peak RSS.
The target (issue 12): gaps at 10M completes under 6 GB RSS.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_engine import VVALLEY, timed_process  # noqa: E402
from bench_gaps import REGION, dataset  # noqa: E402

TARGET_MB = 6 * 1024


def convert(folder: Path, target: Path) -> float:
    """Copy the generated CSVs of `folder` into `target` in the layout `vvalley ingest --to` writes
    (types as load_chain gives them), by DuckDB alone; seconds taken."""
    import duckdb

    from vvalley.chain.tables import FORMAT, meta_json

    started = time.perf_counter()
    temp = target.with_name(target.name + ".tmp")
    temp.unlink(missing_ok=True)
    nodes, edges = (str(folder / name).replace("'", "''") for name in ("chain_nodes.csv", "chain_edges.csv"))
    with duckdb.connect(str(temp)) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET preserve_insertion_order = true")
        years = "CAST(NULLIF(since, '') AS BIGINT) AS since, CAST(NULLIF(until, '') AS BIGINT) AS until"
        con.execute(f"""CREATE TABLE nodes AS SELECT id, kind, name, name_zh, layer, description, {years},
                        evidence, confidence FROM read_csv('{nodes}', all_varchar = true, header = true)""")
        con.execute(f"""CREATE TABLE edges AS SELECT source, target, relation, {years}, evidence, confidence,
                        coalesce(CAST(NULLIF(weight, '') AS DOUBLE), 1.0) AS weight
                        FROM read_csv('{edges}', all_varchar = true, header = true)""")
        counts = [con.sql(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("nodes", "edges")]
        meta = {"format": FORMAT, "extra_node_columns": [], "extra_edge_columns": [], "key": None,
                "source": str(folder.resolve()), "nodes": counts[0], "edges": counts[1], "chain_json": None}
        con.execute("CREATE TABLE meta (meta VARCHAR)")
        con.execute("INSERT INTO meta VALUES (?)", [meta_json(meta)])
    temp.replace(target)
    return time.perf_counter() - started


def gaps_cmd(data: Path, region: str) -> list[str]:
    return [VVALLEY, "gaps", "--data", str(data), "--region", region, "--format", "json"]


def check_at_scale_1(region: str, out: Path) -> dict:
    """The converted file answers as vvalley's own ingest and the CSV folder do (same bytes)."""
    folder = dataset(1.0)
    ingested, converted = out / "ingested-1.duckdb", out / "converted-1.duckdb"
    ingested.unlink(missing_ok=True)
    ingest_s, ingest_mb, _ = timed_process([VVALLEY, "ingest", str(folder), "--to", str(ingested)])
    convert_s = convert(folder, converted)
    answers = {}
    for name, data in (("folder", folder), ("ingested", ingested), ("converted", converted)):
        target = out / f"gaps-1-{name}.json"
        timed_process(gaps_cmd(data, region), out=target)
        answers[name] = target.read_bytes()
    if not (answers["folder"] == answers["ingested"] == answers["converted"]):
        raise SystemExit("the .duckdb files do not answer as the CSV folder does: see " + str(out))
    return {"ingest_s": ingest_s, "ingest_peak_mb": ingest_mb, "convert_s": convert_s,
            "gaps": len(json.loads(answers["folder"])["gaps"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0, help="10 = 10M firms / ~60M edges (default)")
    parser.add_argument("--runs", type=int, default=3, help="gaps processes (the median is reported)")
    parser.add_argument("--region", default=REGION)
    args = parser.parse_args()

    out = HERE / ".cache"
    check = check_at_scale_1(args.region, out)
    print(f"scale 1: vvalley ingest {check['ingest_s']:.1f} s (peak {check['ingest_peak_mb']:,.0f} MB); "
          f"DuckDB copy {check['convert_s']:.1f} s; gaps of folder, ingested and copied file: same bytes "
          f"({check['gaps']} gaps)", flush=True)

    folder = dataset(args.scale)
    csv_mb = sum((folder / n).stat().st_size for n in ("chain_nodes.csv", "chain_edges.csv")) / 2**20
    stored = out / f"national-{args.scale:g}.duckdb"
    if not stored.is_file():
        seconds = convert(folder, stored)
        print(f"copied {csv_mb:,.0f} MB of CSV into {stored} ({stored.stat().st_size / 2**20:,.0f} MB) "
              f"in {seconds:.0f} s", flush=True)
    times, peaks, cpus = [], [], []
    for run in range(args.runs):
        seconds, peak, cpu = timed_process(gaps_cmd(stored, args.region), out=out / f"gaps-{args.scale:g}.json")
        times.append(seconds)
        peaks.append(peak)
        cpus.append(cpu)
        print(f"  run {run + 1}: {seconds:.1f} s, peak {peak:,.0f} MB", flush=True)
    report = json.loads((out / f"gaps-{args.scale:g}.json").read_text(encoding="utf-8"))
    median, peak = statistics.median(times), max(peaks)
    print(f"scale {args.scale:g} ({csv_mb:,.0f} MB of CSV): vvalley gaps on the .duckdb file "
          f"{median:.1f} s median (CPU {statistics.median(cpus):.1f} s), peak RSS {peak:,.0f} MB "
          f"= {peak / TARGET_MB:.2f} of 6 GB: {'met' if peak <= TARGET_MB else 'MISSED'}; "
          f"{len(report['gaps'])} gaps")


if __name__ == "__main__":
    main()
