"""Time and memory of reading, checking and exporting a chain as its extra columns double:
`python benchmarks/bench_columns.py [--runs 3]`.

The valid test fixture gets 125, 250, 500 and 1,000 extra columns on every node row (1,000 is the
cap: vvalley.chain.csvfile.MAX_COLUMNS; a wider header is refused before any per-column work), then
is loaded (load_chain) and exported to xlsx and GraphML. Reported: the median of --runs, peak
Python memory (tracemalloc), and each step's ratio to the one before; linear work doubles (≈2×).
A header past the cap is timed too: refused in milliseconds, whatever its width.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vvalley.chain.csvfile import MAX_COLUMNS  # noqa: E402
from vvalley.chain.load import load_chain, validate  # noqa: E402
from vvalley.publish.export import to_graphml, to_xlsx  # noqa: E402

VALID = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "valid"


def widen(folder: Path, extra: int, rows_repeat: int = 1) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(VALID / "chain_edges.csv", folder / "chain_edges.csv")
    lines = (VALID / "chain_nodes.csv").read_text(encoding="utf-8").splitlines()
    names = ",".join(f"x{i}" for i in range(extra))
    values = ",".join(str(i) for i in range(extra))
    out = [f"{lines[0]},{names}"] + [f"{line},{values}" for line in lines[1:]]
    (folder / "chain_nodes.csv").write_text("\n".join(out) + "\n", encoding="utf-8")


def measure(work, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    widths = [125, 250, 500, MAX_COLUMNS - 10]
    print(f"{'extra columns':>13} | {'load s':>8} | {'ratio':>5} | {'export s':>8} | {'ratio':>5} | {'peak MB':>7}")
    previous = None
    with tempfile.TemporaryDirectory() as temp:
        for width in widths:
            folder = Path(temp) / str(width)
            widen(folder, width)
            load_s, peak = measure(lambda: load_chain(folder), args.runs)
            chain = load_chain(folder)
            export_s, _ = measure(lambda: (to_xlsx(chain), to_graphml(chain)), args.runs)
            ratios = ("", "") if previous is None else (f"{load_s / previous[0]:.2f}", f"{export_s / previous[1]:.2f}")
            print(f"{width:>13} | {load_s:>8.3f} | {ratios[0]:>5} | {export_s:>8.3f} | {ratios[1]:>5} | {peak:>7.1f}")
            previous = (load_s, export_s)
        for width in (10_000, 1_000_000):
            folder = Path(temp) / f"wide{width}"
            widen(folder, width)
            start = time.perf_counter()
            problems = validate(folder)
            print(f"{width:>13,} columns: refused in {time.perf_counter() - start:.3f} s ({problems[0].code})")


if __name__ == "__main__":
    main()
