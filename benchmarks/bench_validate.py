"""Validation with many bad references against the clean file: suggestions once per distinct value, capped.

    python benchmarks/bench_validate.py               # 100k firms / 600k edges, 1,500 dangling references
    python benchmarks/bench_validate.py --scale 1     # 1M firms / 6M edges

The clean chain comes from gen_chain.py (cached under benchmarks/.cache/); the dirty copy replaces
the target of 1,500 edges by a typo of an existing id (1,500 distinct bad values, so 1,500 suggestion
look-ups are asked for). Both are validated `--runs` times, alternating, and the medians are compared:
done when dirty ≤ 1.5 × clean. A third line times load_chain of the clean chain from the cache
(vvalley.chain.ingest) after one load filled it: what later commands on unchanged data pay.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
CACHE = HERE / ".cache"
TARGET = 1.5


def dataset(scale: float) -> Path:
    from gen_chain import VERSION, generate

    out = CACHE / f"chain-v{VERSION}-{scale:g}"
    if not (out / "chain_edges.csv").is_file():
        generate(out, scale)
    return out


def dirty_copy(clean: Path, bad: int, seed: int = 3) -> Path:
    """The clean chain with `bad` edge targets replaced by typos of real ids (each a distinct value)."""
    out = clean.parent / f"{clean.name}-dangling-{bad}"
    if (out / "chain_edges.csv").is_file():
        return out
    out.mkdir(parents=True, exist_ok=True)
    (out / "chain_nodes.csv").write_bytes((clean / "chain_nodes.csv").read_bytes())
    edges = pd.read_csv(clean / "chain_edges.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    rows = rng.choice(np.flatnonzero(edges["relation"].isin(["operates_in", "supplies", "located_in"])),
                      bad, replace=False)
    typos = []
    for n, row in enumerate(rows):
        target = edges.at[row, "target"]
        at = int(rng.integers(4, len(target)))
        typos.append(f"{target[:at]}x{n}{target[at + 1:]}")  # one character changed, unique per row
    edges.loc[rows, "target"] = typos
    edges.to_csv(out / "chain_edges.csv", index=False)
    return out


def time_load(folder: Path, cache: bool = False) -> tuple[float, int]:
    from vvalley.chain.load import load_chain
    from vvalley.chain.problems import DataError

    started = time.perf_counter()
    try:
        load_chain(folder, cache=cache)
        total = 0
    except DataError as err:
        total = err.total
    return time.perf_counter() - started, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = 1M firms / ~6M edges")
    parser.add_argument("--bad", type=int, default=1500, help="dangling references in the dirty copy")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    clean = dataset(args.scale)
    dirty = dirty_copy(clean, args.bad)
    times = {"clean": [], "dirty": [], "cached": []}
    problems = {}
    with tempfile.TemporaryDirectory() as cache_dir:
        os.environ["VVALLEY_CACHE_DIR"] = cache_dir
        time_load(clean, cache=True)  # ingest once: fills the cache
        for _ in range(args.runs):
            for name, folder in (("clean", clean), ("dirty", dirty), ("cached", clean)):
                seconds, problems[name] = time_load(folder, cache=name == "cached")
                times[name].append(seconds)
    clean_s, dirty_s = statistics.median(times["clean"]), statistics.median(times["dirty"])
    cached_s = statistics.median(times["cached"])
    ratio = dirty_s / clean_s
    print(f"data: {clean} (scale {args.scale:g}); dirty copy with {args.bad:,} dangling references")
    print(f"clean  validate: median {clean_s:.2f} s over {args.runs} runs ({problems['clean']} problems)")
    print(f"dirty  validate: median {dirty_s:.2f} s over {args.runs} runs ({problems['dirty']:,} problems)")
    print(f"cached load (unchanged files, checked before): median {cached_s:.2f} s, "
          f"{clean_s / cached_s:.1f}× faster than reading and checking")
    print(f"ratio dirty/clean: {ratio:.2f} (target ≤ {TARGET}) -> {'OK' if ratio <= TARGET else 'MISSED'}")
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
