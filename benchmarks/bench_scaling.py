"""Costs grow linearly: load + validate (and the part_of tree) while rows, part_of depth and columns double.

    python benchmarks/bench_scaling.py                 # rows 25k→200k, depth 6,250→50,000, columns 100→800
    python benchmarks/bench_scaling.py --steps 3       # fewer doublings

Each point runs in its own process: the time is that of load_chain (read, every check, typed tables;
for depth also the tree walk, every subtree's size and each region's country), the memory the process
peak (ru_maxrss) less its size before loading. A ratio is a point's figure over the previous one: about
2 for each doubling when the cost is linear (less where a fixed cost still dominates). Every point
reads its CSVs with one parser (--parser, default the pyarrow one vvalley uses above 8 MB), so
that a switch of parser between two sizes does not hide the growth. The data is synthetic and
written under benchmarks/.cache/scaling/.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache" / "scaling"
START = {"rows": 25_000, "depth": 6_250, "columns": 100}  # columns stay under the cap of 1,000
HEAD_N = "id,kind,name,name_zh,layer,description,since,until,evidence,confidence"
HEAD_E = "source,target,relation,since,until,evidence,confidence,weight"


def write(axis: str, n: int) -> Path:
    out = CACHE / f"{axis}-{n}"
    if (out / "chain_edges.csv").is_file():
        return out
    out.mkdir(parents=True, exist_ok=True)
    nodes = [HEAD_N, "reg.cn,region,China,中国,,,,,,", "reg.cn.a,region,A,甲区,,,,,,",
             "seg.top,segment,Top,顶层,upstream,,,,,", "seg.top.leaf,segment,Leaf,叶,upstream,,,,,"]
    edges = [HEAD_E, "reg.cn.a,reg.cn,part_of,,,,,", "seg.top.leaf,seg.top,part_of,,,,,"]
    extra = ""
    if axis == "rows":  # n enterprises, each with a site, a segment and (half of them) a supplier
        nodes += [f"ent.{i:07d},enterprise,Firm {i},企业{i},,,{2000 + i % 20},,registry,B" for i in range(n)]
        edges += [f"ent.{i:07d},reg.cn.a,located_in,,,registry,B," for i in range(n)]
        edges += [f"ent.{i:07d},seg.top.leaf,operates_in,,,registry,B," for i in range(n)]
        edges += [f"ent.{i:07d},ent.{(i + 1) % n:07d},supplies,,,registry,C,0.5" for i in range(0, n, 2)]
    elif axis == "depth":  # a part_of chain n deep under seg.top
        nodes += [f"seg.d{i},segment,Level {i},层{i},upstream,,,,," for i in range(n)]
        edges += [f"seg.d{i},{'seg.top' if i == 0 else f'seg.d{i - 1}'},part_of,,,,," for i in range(n)]
        nodes.append("ent.a,enterprise,A,甲,,,,,registry,B")
        edges += [f"ent.a,seg.d{n - 1},operates_in,,,registry,B,", "ent.a,reg.cn.a,located_in,,,registry,B,"]
    else:  # n extra columns on 2,000 enterprises
        extra = "".join(f",x{j}" for j in range(n))
        nodes[0] += extra
        cells = "".join(f",v{j}" for j in range(n))
        nodes = [nodes[0]] + [line + "," * n for line in nodes[1:]]
        nodes += [f"ent.{i:07d},enterprise,Firm {i},企业{i},,,,,registry,B{cells}" for i in range(2_000)]
        edges += [f"ent.{i:07d},reg.cn.a,located_in,,,registry,B," for i in range(2_000)]
    (out / "chain_nodes.csv").write_text("\n".join(nodes) + "\n", encoding="utf-8")
    (out / "chain_edges.csv").write_text("\n".join(edges) + "\n", encoding="utf-8")
    return out


def _status(field: str) -> float | None:
    """A VmRSS / VmHWM figure of this process in MB (Linux), else None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def point(axis: str, folder: Path, parser: str) -> dict:
    sys.path.insert(0, str(ROOT))
    import vvalley.chain.csvfile as csvfile
    from vvalley.chain.load import load_chain

    if parser != "auto":  # one parser for every point: files above 8 MB otherwise switch to the fast one
        csvfile.FAST_PARSE_BYTES = 0 if parser == "fast" else 1 << 62
    try:  # reset the peak to the current size, so the peak below is that of loading alone
        Path("/proc/self/clear_refs").write_text("5")
        before = _status("VmRSS")
    except OSError:
        before = None
    if before is None:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    chain = load_chain(folder, cache=False)
    if axis == "depth":
        tree = chain.tree
        sizes = tree.end - range(len(tree.order))  # every subtree's size, from the one walk
        assert int(sizes.max()) == len(tree.order) - 2  # seg.top holds every segment; reg.cn is apart
        assert len(chain.descendants("seg.top")) == len(chain.ids("segment"))
        assert chain.country_of["reg.cn.a"] == "reg.cn"
        assert len(chain.ancestors(chain.leaf_segments[0])) == chain.tree.depth.max()
    seconds = time.perf_counter() - started
    peak = _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "mb": max(peak - before, 0), "nodes": len(chain.nodes),
            "edges": len(chain.edges)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4, help="points per axis (each doubles the last)")
    parser.add_argument("--runs", type=int, default=3, help="runs per point (the median time is shown)")
    parser.add_argument("--axis", choices=sorted(START), action="append", help="only these axes")
    parser.add_argument("--parser", choices=["fast", "careful", "auto"], default="fast",
                        help="CSV parser for every point (auto: the careful one below 8 MB, as vvalley does)")
    parser.add_argument("--point", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.point:
        axis, folder = args.point
        print(json.dumps(point(axis, Path(folder), args.parser)))
        return
    print(f"load_chain per point ({args.parser} CSV parser), median of {args.runs} runs; "
          "ratio = this point / the one before")
    for axis in args.axis or ["rows", "depth", "columns"]:
        print(f"\n{axis}: {'n':>8} {'time':>8} {'ratio':>6} {'memory':>9} {'ratio':>6}")
        last = None
        for step in range(args.steps):
            n = START[axis] * 2 ** step
            folder = write(axis, n)
            runs = [json.loads(subprocess.run([sys.executable, __file__, "--point", axis, str(folder),
                                               "--parser", args.parser], check=True,
                                              capture_output=True, text=True).stdout.splitlines()[-1])
                    for _ in range(args.runs)]
            seconds = sorted(r["seconds"] for r in runs)[len(runs) // 2]
            mb = sorted(r["mb"] for r in runs)[len(runs) // 2]
            ratio_t = f"{seconds / last[0]:.2f}" if last else ""
            ratio_m = f"{mb / last[1]:.2f}" if last and last[1] > 0 else ""
            print(f"{'':>{len(axis) + 1}} {n:>8,} {seconds:>7.2f}s {ratio_t:>6} {mb:>7.1f}MB {ratio_m:>6}", flush=True)
            last = (seconds, mb)


if __name__ == "__main__":
    main()
