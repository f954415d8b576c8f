"""A synthetic wide chain (about 500 leaf segments, 5,000 firms) in the vvalley schema, for the panorama's tests and benchmark.

Deterministic for its arguments. Every name says it is synthetic; nothing here is a real enterprise.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

REGION = "reg.cn.zj.hangzhou.xiaoshan"
LAYERS = (("up", "upstream", "上游"), ("mid", "midstream", "中游"), ("down", "downstream", "下游"))
NODE_COLUMNS = ["id", "kind", "name", "name_zh", "layer", "description", "since", "until", "evidence", "confidence"]
EDGE_COLUMNS = ["source", "target", "relation", "since", "until", "evidence", "confidence", "weight"]
EVIDENCE = "synthetic test data (benchmarks/gen_wide.py)"


def generate(out: Path | str, groups_per_layer: int = 8, leaves_per_group: int = 21, firms: int = 5000,
             local_share: float = 0.3, seed: int = 3) -> dict[str, int]:
    """Write chain_nodes.csv and chain_edges.csv into `out`; return counts (leaves, segments, firms, local firms)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    nodes: list[dict] = []
    edges: list[dict] = []

    def node(i, kind, name, zh, layer="", evidence="", confidence=""):
        nodes.append({"id": i, "kind": kind, "name": name, "name_zh": zh, "layer": layer,
                      "evidence": evidence, "confidence": confidence})

    def edge(s, t, rel, actor=False):
        edges.append({"source": s, "target": t, "relation": rel,
                      "evidence": EVIDENCE if actor else "", "confidence": "U" if actor else ""})

    focus = [("focus.f1", "Synthetic focus A", "合成方向甲"), ("focus.f2", "Synthetic focus B", "合成方向乙"),
             ("focus.f3", "Synthetic focus C", "合成方向丙")]
    for f, name, zh in focus:
        node(f, "focus_area", name, zh)
    leaves: dict[str, list[str]] = {}
    for short, layer, zh in LAYERS:
        top = f"seg.{short}"
        node(top, "segment", f"Synthetic {layer} layer", f"合成{zh}层", layer)
        leaves[layer] = []
        for g in range(groups_per_layer):
            group = f"{top}.g{g:02d}"
            node(group, "segment", f"Synthetic group {short}-{g}", f"合成{zh}大类{g}", layer)
            edge(group, top, "part_of")
            for k in range(leaves_per_group):
                leaf = f"{group}.l{k:02d}"
                node(leaf, "segment", f"Synthetic segment {short}-{g}-{k}", f"合成环节{zh}{g}-{k}", layer)
                edge(leaf, group, "part_of")
                leaves[layer].append(leaf)
    order = [layer for _, layer, _ in LAYERS]
    for upper, lower in zip(order, order[1:]):
        for leaf in leaves[lower]:
            for source in rng.choice(leaves[upper], 2, replace=False):
                edge(str(source), leaf, "feeds")
    all_leaves = [leaf for layer in order for leaf in leaves[layer]]
    for leaf in leaves["downstream"]:
        edge(leaf, focus[int(rng.integers(0, 3))][0], "serves")

    regions = [("reg.cn", "China", "中国"), ("reg.cn.zj", "Zhejiang", "浙江省"), ("reg.cn.zj.hangzhou", "Hangzhou", "杭州市"),
               (REGION, "Xiaoshan District", "萧山区"), ("reg.cn.zj.hangzhou.binjiang", "Binjiang District", "滨江区"),
               ("reg.cn.js", "Jiangsu", "江苏省"), ("reg.jp", "Japan", "日本")]
    for r, name, zh in regions:
        node(r, "region", name, zh)
    for child, parent in (("reg.cn.zj", "reg.cn"), ("reg.cn.zj.hangzhou", "reg.cn.zj"), (REGION, "reg.cn.zj.hangzhou"),
                          ("reg.cn.zj.hangzhou.binjiang", "reg.cn.zj.hangzhou"), ("reg.cn.js", "reg.cn")):
        edge(child, parent, "part_of")
    elsewhere = ["reg.cn.zj.hangzhou.binjiang", "reg.cn.js", "reg.jp"]
    # A fifth of the leaves have no local firm: the region's missing segments.
    empty = set(rng.choice(len(all_leaves), len(all_leaves) // 5, replace=False).tolist())
    local_leaves = [i for i in range(len(all_leaves)) if i not in empty]
    n_local = 0
    for i in range(firms):
        firm = f"ent.w{i:05d}"
        local = rng.random() < local_share
        n_local += local
        node(firm, "enterprise", f"Synthetic firm {i:05d}", f"合成企业{i:05d}", evidence=EVIDENCE, confidence="U")
        edge(firm, REGION if local else elsewhere[int(rng.integers(0, 3))], "located_in", actor=True)
        pool = local_leaves if local else range(len(all_leaves))
        picks = {int(rng.choice(pool))}
        if rng.random() < 0.4:
            picks.add(int(rng.choice(pool)))
        for p in sorted(picks):
            edge(firm, all_leaves[p], "operates_in", actor=True)
    for i in range(60):
        inst = f"inst.w{i:03d}"
        node(inst, "institute", f"Synthetic institute {i:03d}", f"合成研究院{i:03d}", evidence=EVIDENCE, confidence="U")
        edge(inst, REGION if i % 2 == 0 else "reg.cn.js", "located_in", actor=True)
        edge(inst, all_leaves[int(rng.integers(0, len(all_leaves)))], "researches", actor=True)
    pairs = set()
    for _ in range(firms // 5):
        a, b = (int(x) for x in rng.integers(0, firms, 2))
        if a != b and (a, b) not in pairs:
            pairs.add((a, b))
            edge(f"ent.w{a:05d}", f"ent.w{b:05d}", "supplies", actor=True)
    _write(out / "chain_nodes.csv", NODE_COLUMNS, nodes)
    _write(out / "chain_edges.csv", EDGE_COLUMNS, edges)
    return {"leaves": len(all_leaves), "segments": len(all_leaves) + len(LAYERS) * (groups_per_layer + 1),
            "firms": firms, "local_firms": n_local}


def _write(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


if __name__ == "__main__":
    import sys

    print(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "wide-chain")))
