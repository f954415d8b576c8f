"""Benchmark `vvalley import`: segment precision / recall and region accuracy against the fixture's truth,
and the time to import 10,000 rows.

    python benchmarks/bench_import.py              # quality on tests/fixtures/import, then 10,000 rows
    python benchmarks/bench_import.py --rows 2000  # a quicker timing run

Quality: every row the truth keeps (not cancelled, not a repeat) counts; a proposed segment is right when the
truth lists it. Timing: the median of --runs imports (read + classify + place + dedup, no file written) of a
generated list, with reading the sheet alone as the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "import"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(FIXTURE))


def quality(path: Path, chain, data: Path) -> dict:
    from vvalley.importer.propose import propose
    from vvalley.importer.sheets import read_sheet

    truth = {int(r["row"]): r for r in csv.DictReader(open(FIXTURE / "truth.csv", encoding="utf-8"))}
    proposal = propose(read_sheet(path), chain, data)
    got = {r.row: r for r in proposal.rows}
    tp = fp = fn = region_ok = region_n = match_ok = skip_ok = 0
    for row, t in truth.items():
        r = got[row]
        skip_ok += bool(t["skip"]) == bool(r.skip)
        if t["skip"]:
            continue
        want = set(filter(None, t["segments"].split("|")))
        have = set(r.segments)
        tp, fp, fn = tp + len(want & have), fp + len(have - want), fn + len(want - have)
        region_n += 1
        region_ok += (t["region"] or None) == r.region
        match_ok += (t["match"] or None) == r.match
    kept = sum(1 for t in truth.values() if not t["skip"])
    return {"rows": len(truth), "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0, "region": region_ok / region_n,
            "match": match_ok / kept, "skip": skip_ok / len(truth)}


def timing(n: int, runs: int, chain, data: Path) -> tuple[float, float]:
    import make_import_fixture as fx

    from vvalley.importer.propose import propose
    from vvalley.importer.sheets import read_sheet

    rows, _truth = fx.rows(chain_firms=n - 48, seed=7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "firms.xlsx"
        fx.write_xlsx(rows, path)
        reads, imports = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            sheet = read_sheet(path)
            t1 = time.perf_counter()
            propose(sheet, chain, data)
            t2 = time.perf_counter()
            reads.append(t1 - t0)
            imports.append(t2 - t0)
    return statistics.median(reads), statistics.median(imports)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    from vvalley.chain.load import load_chain

    chain = load_chain(args.data)
    for name in ("firms.xlsx", "firms_gbk.csv"):
        q = quality(FIXTURE / name, chain, args.data)
        print(f"{name}: {q['rows']} rows; segment precision {q['precision']:.3f}, recall {q['recall']:.3f}; "
              f"region accuracy {q['region']:.3f}; dedup match accuracy {q['match']:.3f}; skip accuracy {q['skip']:.3f}")
    read, total = timing(args.rows, args.runs, chain, args.data)
    print(f"{args.rows:,} rows: import {total:.2f} s (median of {args.runs}); reading the sheet alone {read:.2f} s; "
          f"ratio {total / read:.1f}x")


if __name__ == "__main__":
    main()
