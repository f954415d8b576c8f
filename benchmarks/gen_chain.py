"""A synthetic national-scale vision chain in the vvalley schema (deterministic for a seed and scale)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

# Bump when the generated data changes: the benchmark's cache is keyed by it.
VERSION = 2
NODE_COLUMNS = ["id", "kind", "name", "name_zh", "layer", "description", "since", "until", "evidence", "confidence"]
EDGE_COLUMNS = ["source", "target", "relation", "since", "until", "evidence", "confidence", "weight"]

# Groups and leaf counts shaped like the bundled template (6 groups, ~47 leaves).
GROUPS = [("chips", "upstream", 8), ("optics", "upstream", 5), ("algorithms", "upstream", 7),
          ("devices", "midstream", 10), ("platforms", "midstream", 5), ("applications", "downstream", 12)]
FOCUS = ["focus.perception", "focus.uhd", "focus.applications"]
# Leaves whose makers all sit abroad: the chain's foreign dependencies (卡脖子).
FOREIGN_ONLY = ("seg.chips.l1", "seg.optics.l2")
REGION = "reg.cn.zj.hangzhou.xiaoshan"
PROVINCES, CITIES_PER_PROVINCE, DISTRICTS_PER_CITY = 31, 11, 9   # 3,069 districts
FOREIGN = ["reg.jp", "reg.us", "reg.kr", "reg.de", "reg.nl"]


def generate(out: Path, scale: float = 1.0, seed: int = 7) -> dict[str, int]:
    """Write chain_nodes.csv and chain_edges.csv into `out`; return counts."""
    rng = np.random.default_rng(seed)
    n_firms = max(200, int(1_000_000 * scale))
    n_inst = max(20, int(5_000 * scale))

    seg_nodes, seg_edges, leaves, _ = _template(rng)
    reg_nodes, reg_edges, districts, foreign_regions = _regions()

    # Firms: district by a skewed weight (a few big clusters such as Xiaoshan), 3% abroad.
    weights = rng.lognormal(0, 1.0, len(districts))
    weights[districts.index(REGION)] = weights.sum() * 0.003 / 0.997  # Xiaoshan holds ~0.3% of firms
    weights /= weights.sum()
    abroad = rng.random(n_firms) < 0.03
    site = np.where(abroad, len(districts) + rng.integers(0, len(foreign_regions), n_firms),
                    rng.choice(len(districts), n_firms, p=weights))
    all_regions = np.array(districts + foreign_regions, dtype=object)

    leaf_arr = np.array(leaves, dtype=object)
    leaf_w = rng.zipf(1.6, len(leaves)).astype(float).clip(max=40)
    domestic_leaves = np.array([lf not in FOREIGN_ONLY for lf in leaves])
    w_dom = np.where(domestic_leaves, leaf_w, 0.0)
    primary = np.where(abroad, rng.choice(len(leaves), n_firms, p=leaf_w / leaf_w.sum()),
                       rng.choice(len(leaves), n_firms, p=w_dom / w_dom.sum()))
    firm_ids = np.array([f"ent.{i:07d}" for i in range(n_firms)], dtype=object)

    # 1–3 segments per firm; the extra ones next to the first (same group) or anywhere.
    n_seg = rng.choice([1, 2, 3], n_firms, p=[0.35, 0.4, 0.25])
    ops_firm, ops_leaf = [np.arange(n_firms)], [primary]
    for k in (2, 3):
        who = np.nonzero(n_seg >= k)[0]
        near = (primary[who] + rng.integers(-2, 3, len(who))) % len(leaves)
        other = rng.integers(0, len(leaves), len(who))
        pick = np.where(rng.random(len(who)) < 0.7, near, other)
        # Domestic firms stay out of the foreign-only leaves.
        bad = ~abroad[who] & ~domestic_leaves[pick]
        pick[bad] = primary[who][bad]
        ops_firm.append(who)
        ops_leaf.append(pick)
    ops_firm, ops_leaf = np.concatenate(ops_firm), np.concatenate(ops_leaf)

    # A second site for 10% of domestic firms.
    second = np.nonzero(~abroad & (rng.random(n_firms) < 0.10))[0]
    loc_firm = np.concatenate([np.arange(n_firms), second])
    loc_region = np.concatenate([site, rng.choice(len(districts), len(second), p=weights)])

    # Supplies: mostly from a firm in a segment that feeds the customer's, some within the district.
    preds = _predecessors(seg_edges, leaves)
    n_sup = int(2_450_000 * scale)
    customer = rng.integers(0, n_firms, n_sup)
    by_seg = np.argsort(primary, kind="stable")
    seg_start = np.searchsorted(primary[by_seg], np.arange(len(leaves)))
    seg_count = np.bincount(primary, minlength=len(leaves))
    pred_pad = np.full((len(leaves), max(1, max(len(p) for p in preds))), -1)
    for i, p in enumerate(preds):
        pred_pad[i, :len(p)] = p
    n_pred = np.array([len(p) for p in preds])
    c_seg = primary[customer]
    has_pred = n_pred[c_seg] > 0
    q = pred_pad[c_seg, rng.integers(0, 1 << 30, n_sup) % np.maximum(n_pred[c_seg], 1)]
    q = np.where(has_pred, q, c_seg)
    ok = seg_count[q] > 0
    supplier_by_seg = by_seg[seg_start[q] + rng.integers(0, 1 << 30, n_sup) % np.maximum(seg_count[q], 1)]
    by_site = np.argsort(site, kind="stable")
    site_start = np.searchsorted(site[by_site], np.arange(len(all_regions)))
    site_count = np.bincount(site, minlength=len(all_regions))
    c_site = site[customer]
    supplier_local = by_site[site_start[c_site] + rng.integers(0, 1 << 30, n_sup) % np.maximum(site_count[c_site], 1)]
    mode = rng.random(n_sup)
    supplier = np.where((mode < 0.7) & ok, supplier_by_seg,
                        np.where(mode < 0.9, supplier_local, rng.integers(0, n_firms, n_sup)))

    n_part = int(500_000 * scale)
    pa_a = rng.integers(0, n_firms, n_part)
    pa_b = np.where(rng.random(n_part) < 0.5,
                    by_site[site_start[site[pa_a]] + rng.integers(0, 1 << 30, n_part) % np.maximum(site_count[site[pa_a]], 1)],
                    rng.integers(0, n_firms, n_part))
    n_sub = int(200_000 * scale)
    sub_a, sub_b = rng.integers(0, n_firms, n_sub), rng.integers(0, n_firms, n_sub)

    inst_ids = np.array([f"inst.{i:05d}" for i in range(n_inst)], dtype=object)
    inst_site = rng.choice(len(districts), n_inst, p=weights)
    research_targets = np.array(leaves + [g for g, _ in seg_nodes_groups(seg_nodes)] + FOCUS, dtype=object)
    n_res = n_inst * 2
    res_inst = rng.integers(0, n_inst, n_res)
    res_target = research_targets[rng.integers(0, len(research_targets), n_res)]
    n_ipart = n_inst
    ip_inst, ip_firm = rng.integers(0, n_inst, n_ipart), rng.integers(0, n_firms, n_ipart)

    firm_since = np.where(rng.random(n_firms) < 0.5, rng.integers(1990, 2024, n_firms), 0)
    nodes = pd.concat([
        pd.DataFrame(seg_nodes + reg_nodes, columns=NODE_COLUMNS),
        pd.DataFrame({"id": firm_ids, "kind": "enterprise", "name": "Firm " + pd.Series(firm_ids).str[4:],
                      "name_zh": "企业" + pd.Series(firm_ids).str[4:], "layer": "", "description": "",
                      "since": pd.Series(firm_since).astype(str).replace("0", ""), "until": "",
                      "evidence": "synthetic", "confidence": "U"}),
        pd.DataFrame({"id": inst_ids, "kind": "institute", "name": "Institute " + pd.Series(inst_ids).str[5:],
                      "name_zh": "研究院" + pd.Series(inst_ids).str[5:], "layer": "", "description": "",
                      "since": "", "until": "", "evidence": "synthetic", "confidence": "U"}),
    ], ignore_index=True)

    def rel(source, target, relation):
        return pd.DataFrame({"source": source, "target": target, "relation": relation})

    edges = pd.concat([
        pd.DataFrame(seg_edges + reg_edges, columns=["source", "target", "relation"]),
        rel(firm_ids[loc_firm], all_regions[loc_region], "located_in"),
        rel(firm_ids[ops_firm], leaf_arr[ops_leaf], "operates_in"),
        rel(firm_ids[supplier], firm_ids[customer], "supplies"),
        rel(firm_ids[pa_a], firm_ids[pa_b], "partners_with"),
        rel(firm_ids[sub_a], firm_ids[sub_b], "subsidiary_of"),
        rel(inst_ids, np.array(districts, dtype=object)[inst_site], "located_in"),
        rel(inst_ids[res_inst], res_target, "researches"),
        rel(inst_ids[ip_inst], firm_ids[ip_firm], "partners_with"),
    ], ignore_index=True)
    edges = edges[edges["source"] != edges["target"]].drop_duplicates(["source", "target", "relation"])
    actor_fact = ~edges["relation"].isin(["part_of", "feeds", "serves"])
    edges["since"] = ""
    edges["until"] = ""
    edges["evidence"] = np.where(actor_fact, "synthetic", "")
    edges["confidence"] = np.where(actor_fact, "U", "")
    edges["weight"] = ""

    out.mkdir(parents=True, exist_ok=True)
    _write(nodes[NODE_COLUMNS], out / "chain_nodes.csv")
    _write(edges[EDGE_COLUMNS], out / "chain_edges.csv")
    return {"nodes": len(nodes), "edges": len(edges), "enterprises": n_firms, "districts": len(districts)}


def seg_nodes_groups(seg_nodes):
    return [(row[0], row[4]) for row in seg_nodes if row[0].count(".") == 1]


def _template(rng):
    nodes, edges, leaves, layer_of = [], [], [], {}
    for group, layer, n in GROUPS:
        gid = f"seg.{group}"
        nodes.append([gid, "segment", group.title(), group, layer, "", "", "", "", ""])
        for i in range(1, n + 1):
            leaf = f"{gid}.l{i}"
            nodes.append([leaf, "segment", f"{group.title()} {i}", f"{group}{i}", layer, "", "", "", "", ""])
            edges.append([leaf, gid, "part_of"])
            leaves.append(leaf)
            layer_of[leaf] = group
    by_group = {g: [lf for lf in leaves if layer_of[lf] == g] for g, _, _ in GROUPS}
    upstream = by_group["chips"] + by_group["optics"] + by_group["algorithms"]
    feeds = set()
    for leaf in by_group["devices"]:
        feeds.update((u, leaf) for u in rng.choice(upstream, 4, replace=False))
    for leaf in by_group["platforms"]:
        feeds.update((u, leaf) for u in rng.choice(by_group["devices"] + by_group["algorithms"], 3, replace=False))
    for leaf in by_group["applications"]:
        feeds.update((u, leaf) for u in rng.choice(by_group["devices"], 3, replace=False))
    for leaf in by_group["chips"][:3]:
        feeds.add((leaf, by_group["chips"][-1])) if leaf != by_group["chips"][-1] else None
    edges += [[a, b, "feeds"] for a, b in sorted(feeds)]
    edges.append(["seg.platforms", "seg.applications", "feeds"])  # a group-level link
    for focus in FOCUS:
        nodes.append([focus, "focus_area", focus.split(".")[1].title(), focus, "", "", "", "", "", ""])
    for i, leaf in enumerate(by_group["devices"] + by_group["applications"]):
        edges.append([leaf, FOCUS[i % 3], "serves"])
    edges.append(["seg.platforms", "focus.applications", "serves"])
    return nodes, edges, leaves, layer_of


def _regions():
    nodes = [["reg.cn", "region", "China", "中国", "", "", "", "", "", ""]]
    edges, districts = [], []
    for p in range(PROVINCES):
        pid = "reg.cn.zj" if p == 0 else f"reg.cn.p{p:02d}"
        nodes.append([pid, "region", "Zhejiang" if p == 0 else f"Province {p}", "浙江" if p == 0 else f"省{p}",
                      "", "", "", "", "", ""])
        edges.append([pid, "reg.cn", "part_of"])
        for c in range(CITIES_PER_PROVINCE):
            cid = "reg.cn.zj.hangzhou" if (p, c) == (0, 0) else f"{pid}.c{c:02d}"
            nodes.append([cid, "region", "Hangzhou" if (p, c) == (0, 0) else f"City {p}-{c}",
                          "杭州" if (p, c) == (0, 0) else f"市{p}-{c}", "", "", "", "", "", ""])
            edges.append([cid, pid, "part_of"])
            for d in range(DISTRICTS_PER_CITY):
                did = REGION if (p, c, d) == (0, 0, 0) else f"{cid}.d{d}"
                nodes.append([did, "region", "Xiaoshan" if did == REGION else f"District {p}-{c}-{d}",
                              "萧山区" if did == REGION else f"区{p}-{c}-{d}", "", "", "", "", "", ""])
                edges.append([did, cid, "part_of"])
                districts.append(did)
    foreign_regions = []
    for country in FOREIGN:
        nodes.append([country, "region", country[4:].upper(), country[4:].upper(), "", "", "", "", "", ""])
        for k in range(3):
            rid = f"{country}.r{k}"
            nodes.append([rid, "region", f"{country[4:].upper()} {k}", "", "", "", "", "", "", ""])
            edges.append([rid, country, "part_of"])
            foreign_regions.append(rid)
    return nodes, edges, districts, foreign_regions


def _predecessors(seg_edges, leaves):
    index = {lf: i for i, lf in enumerate(leaves)}
    preds = [[] for _ in leaves]
    for a, b, relation in seg_edges:
        if relation == "feeds" and a in index and b in index:
            preds[index[b]].append(index[a])
    return preds


def _write(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame.astype(str), preserve_index=False)
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="needed"))
    tmp.replace(path)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write chain_nodes.csv and chain_edges.csv into")
    parser.add_argument("--scale", type=float, default=0.01, help="1.0 = 1M firms / ~6M edges (default 0.01)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.out, args.scale, args.seed))


if __name__ == "__main__":
    main()
