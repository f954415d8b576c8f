"""Time writing the HTML map for generated chains of 1k, 10k and 100k nodes: `python benchmarks/bench_map.py`.

Each chain is generated in the project schema (written as CSV to a temporary folder and loaded with
load_chain, so it passes the same checks as real data); a third of its actors sit in Xiaoshan, so the
full view draws firms one by one at 1k and groups them per segment at 10k and 100k. Reported: the
median of --runs renders+writes per view, the file size, and the gap analysis time for reference.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vvalley.analysis.gaps import analyse  # noqa: E402
from vvalley.chain.load import load_chain  # noqa: E402
from vvalley.publish.files import write_atomic  # noqa: E402
from vvalley.render import render_map  # noqa: E402

REGION = "reg.cn.zj.hangzhou.xiaoshan"
GROUPS = [("chips", "upstream"), ("optics", "upstream"), ("algorithms", "upstream"),
          ("devices", "midstream"), ("platforms", "midstream"), ("applications", "downstream")]
LEAVES_PER_GROUP = 8
FOCUS = ["focus.perception", "focus.uhd", "focus.applications"]


def generate(folder: Path, n_nodes: int, seed: int = 1) -> None:
    """chain_nodes.csv and chain_edges.csv with about `n_nodes` nodes."""
    rng = np.random.default_rng(seed)
    nodes, edges = [], []
    node = lambda i, kind, name, zh, layer="", evidence="": nodes.append(  # noqa: E731
        {"id": i, "kind": kind, "name": name, "name_zh": zh, "layer": layer, "evidence": evidence, "confidence": "U"})
    edge = lambda s, t, rel, ev="": edges.append({"source": s, "target": t, "relation": rel, "evidence": ev})  # noqa: E731

    for f in FOCUS:
        node(f, "focus_area", f.split(".")[1].title(), "聚焦" + f.split(".")[1])
    leaves = {layer: [] for _, layer in GROUPS}
    for group, layer in GROUPS:
        node(f"seg.{group}", "segment", group.title(), f"{group}大类", layer)
        for k in range(LEAVES_PER_GROUP):
            leaf = f"seg.{group}.l{k}"
            node(leaf, "segment", f"{group.title()} part {k}", f"{group}环节{k}", layer)
            edge(leaf, f"seg.{group}", "part_of")
            leaves[layer].append(leaf)
    for upper, lower in (("upstream", "midstream"), ("midstream", "downstream")):
        for leaf in leaves[upper]:
            for target in rng.choice(leaves[lower], 2, replace=False):
                edge(leaf, target, "feeds")
    for leaf in leaves["midstream"] + leaves["downstream"]:
        edge(leaf, FOCUS[int(rng.integers(0, 3))], "serves")

    regions = ["reg.cn", "reg.cn.zj", "reg.cn.zj.hangzhou", REGION, "reg.jp"]
    node("reg.cn", "region", "China", "中国")
    node("reg.jp", "region", "Japan", "日本")
    node("reg.cn.zj", "region", "Zhejiang", "浙江")
    node("reg.cn.zj.hangzhou", "region", "Hangzhou", "杭州")
    node(REGION, "region", "Xiaoshan", "萧山区")
    edge("reg.cn.zj", "reg.cn", "part_of")
    edge("reg.cn.zj.hangzhou", "reg.cn.zj", "part_of")
    edge(REGION, "reg.cn.zj.hangzhou", "part_of")
    for d in range(20):
        regions.append(f"reg.cn.zj.d{d}")
        node(f"reg.cn.zj.d{d}", "region", f"District {d}", f"区{d}")
        edge(f"reg.cn.zj.d{d}", "reg.cn.zj", "part_of")

    all_leaves = [leaf for layer in leaves.values() for leaf in layer]
    n_actors = max(0, n_nodes - len(nodes))
    n_inst = n_actors // 20
    kinds = np.where(np.arange(n_actors) < n_inst, "institute", "enterprise")
    ids = np.array([f"{'inst' if k == 'institute' else 'ent'}.a{i:06d}" for i, k in enumerate(kinds)])
    names = [f"Actor {i}" for i in range(n_actors)]
    actors = pd.DataFrame({"id": ids, "kind": kinds, "name": names, "name_zh": [f"主体{i}" for i in range(n_actors)],
                           "layer": "", "evidence": "generated", "confidence": "U"})
    site = np.where(rng.random(n_actors) < 1 / 3, REGION, np.array(regions[4:])[rng.integers(0, len(regions) - 4, n_actors)])
    seg = np.array(all_leaves)[rng.integers(0, len(all_leaves), n_actors)]
    enterprises = ids[kinds == "enterprise"]
    ties = [pd.DataFrame({"source": ids, "target": site, "relation": "located_in"}),
            pd.DataFrame({"source": ids, "target": seg, "relation": np.where(kinds == "institute", "researches", "operates_in")})]
    if len(enterprises) > 1:
        buyers = enterprises[rng.integers(0, len(enterprises), len(enterprises))]
        supply = pd.DataFrame({"source": enterprises, "target": buyers, "relation": "supplies"})
        ties.append(supply[supply["source"] != supply["target"]])
    edge_table = pd.concat([pd.DataFrame(edges), *[t.assign(evidence="generated") for t in ties]], ignore_index=True)
    pd.concat([pd.DataFrame(nodes), actors], ignore_index=True).to_csv(folder / "chain_nodes.csv", index=False)
    edge_table.to_csv(folder / "chain_edges.csv", index=False)


def bench(n_nodes: int, runs: int, out: Path) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), n_nodes)
        chain = load_chain(tmp)
    started = time.perf_counter()
    report = analyse(chain, REGION)
    analysis = time.perf_counter() - started
    rows = []
    for view, focus in (("chain", None), ("full", None), ("ego", "seg.devices.l0")):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            path = write_atomic(out / f"map-{n_nodes}-{view}.html", render_map(chain, report, view=view, focus=focus, depth=1))
            times.append(time.perf_counter() - started)
        rows.append({"nodes": len(chain.nodes), "edges": len(chain.edges), "view": view,
                     "median_s": statistics.median(times), "mb": path.stat().st_size / 1e6, "analyse_s": analysis})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated node counts")
    parser.add_argument("--runs", type=int, default=3, help="renders per view (the median is reported)")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="vvalley-bench-map-"))
    print(f"{'nodes':>8} {'edges':>8} {'view':>6} {'write (median)':>15} {'file':>9} {'analyse':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        for row in bench(size, args.runs, out):
            print(f"{row['nodes']:>8} {row['edges']:>8} {row['view']:>6} {row['median_s']:>14.3f}s "
                  f"{row['mb']:>7.2f}MB {row['analyse_s']:>7.2f}s", flush=True)
    print(f"maps written to {out}")


if __name__ == "__main__":
    main()
