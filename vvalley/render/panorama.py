"""The panorama (全景图) as plain data: columns by layer, group headers with coverage share, a box per leaf segment."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vvalley.chain.columns import isin
from vvalley.chain.schema import GAP_KINDS, LAYERS

# The three statuses a leaf can have, as a word that reads in black and white and a colour.
STATUS = {
    # status: (word zh, word en, fill, border, text)
    "covered": ("强", "strong", "#e8f5e9", "#2e7d32", "#1b5e20"),
    "weak": ("弱", "weak", "#fff3e0", "#ef6c00", "#8a3b00"),
    "missing": ("缺", "missing", "#ffebee", "#c62828", "#8e0000"),
}
STATUS_MEANING = {
    "covered": ("本地区企业足够，可成链", "enough of the region's firms operate in it"),
    "weak": ("本地区企业少于最低数，一家离开即断", "fewer of the region's firms than the minimum: one leaving breaks it"),
    "missing": ("本地区没有企业做这一环节", "no firm of the region operates in it"),
}
# A group header's colour by the share of its leaves the region covers: (lowest share, colour, zh, en).
SHARE_BANDS = [(2 / 3, "#2e7d32", "强", "strong"), (1 / 3, "#f9a825", "中", "middling"),
               (1e-9, "#ef6c00", "弱", "weak"), (0.0, "#c62828", "缺", "missing")]
COLUMN_TITLES = {"upstream": ("上游", "Upstream"), "midstream": ("中游", "Midstream"),
                 "downstream": ("下游", "Downstream"), "focus": ("聚焦方向", "Focus areas")}
MARKS = {"broken": ("断链", "broken link"), "unlinked": ("待对接", "to match")}
FIRM_CHIPS = 6          # firm chips shown in a box before "+N more"
CANDIDATE_CHIPS = 3     # fill candidates (招商目标) shown on a gap's box
MARKS_SHOWN = 3         # 断链 / 待对接 marks shown on a box before "+N"
COLLAPSE_AT = 120       # with more leaves than this, the panorama opens with its groups collapsed
OTHER_GROUP = "~ungrouped"


def share_band(share: float) -> tuple[str, str, str]:
    """(colour, zh word, en word) of a coverage share."""
    for lowest, colour, zh, en in SHARE_BANDS:
        if share >= lowest:
            return colour, zh, en
    return SHARE_BANDS[-1][1:]


@dataclass
class _Names:
    chain: object

    def __post_init__(self):
        nodes = self.chain.nodes
        ids = nodes.index.tolist()
        self.name = dict(zip(ids, map(str, nodes["name"].tolist())))
        self.name_zh = dict(zip(ids, map(str, nodes["name_zh"].tolist())))
        self.kind = dict(zip(ids, map(str, nodes["kind"].tolist())))
        from vvalley.analysis.wording import Names

        self.short = Names(self.chain).zh  # a firm as people say it: 海康机器人, not its legal name

    def zh(self, node_id: str) -> str:
        return self.name_zh.get(node_id) or self.name.get(node_id, node_id)

    def en(self, node_id: str) -> str:
        return self.name.get(node_id, node_id)


def panorama(chain, report, collapse_at: int = COLLAPSE_AT) -> dict:
    """Everything the panorama and its cards show, as JSON-ready data in a stable order.

    `chain` is already cut to the report's year. Columns: one per layer plus focus areas; in each,
    groups (the leaf's parent segment) in data-file order, each with its leaves' boxes.
    """
    names = _Names(chain)
    region = report.region
    status = {s["id"]: s["status"] for s in report.segments}
    leaves = list(chain.leaf_segments)
    order = {node_id: i for i, node_id in enumerate(chain.nodes.index)}
    leaves.sort(key=order.__getitem__)
    local = set(chain.region_actors(region))
    ops = chain.relation("operates_in")
    res = chain.relation("researches")
    firms_in: dict[str, list[str]] = {}
    for firm, segment in sorted(zip(ops["source"], ops["target"]), key=lambda p: (names.zh(p[0]), p[0])):
        if firm in local:
            _add(firms_in, segment, firm)
    institutes_in: dict[str, list[str]] = {}
    for inst, segment in sorted(zip(res["source"], res["target"]), key=lambda p: (names.zh(p[0]), p[0])):
        if inst in local:
            _add(institutes_in, segment, inst)

    gap_rows, gaps_of, candidates_of = _gaps(report, names)
    marks_of = _marks(report, names)
    parent = chain.parent
    groups: dict[str, dict] = {}
    columns = {layer: [] for layer in LAYERS}
    layers = chain.nodes["layer"].astype(str).to_dict()
    boxes = {}
    for leaf in leaves:
        layer = layers.get(leaf) if layers.get(leaf) in LAYERS else "midstream"
        group_id = parent.get(leaf) or f"{OTHER_GROUP}.{layer}"
        key = (layer, group_id)
        if key not in groups:
            title = ((names.zh(group_id), names.en(group_id)) if group_id in names.name
                     else ("其他环节", "Other segments"))
            # Firms filed under the group itself (not one of its leaves) are shown on the group.
            groups[key] = {"id": group_id, "layer": layer, "name_zh": title[0], "name": title[1], "leaves": [],
                           "own_firms": firms_in.get(group_id, [])}
            columns[layer].append(groups[key])
        st = status.get(leaf, "missing")
        word_zh, word_en, fill, border, ink = STATUS[st]
        box = {"id": leaf, "name_zh": names.zh(leaf), "name": names.en(leaf), "status": st,
               "word_zh": word_zh, "word_en": word_en, "fill": fill, "border": border, "ink": ink,
               "firms": firms_in.get(leaf, []), "institutes": institutes_in.get(leaf, []),
               "candidates": candidates_of.get(leaf, [])[:CANDIDATE_CHIPS],
               "marks": marks_of.get(leaf, []), "gaps": gaps_of.get(leaf, []),
               "up": [], "down": []}
        boxes[leaf] = box
        groups[key]["leaves"].append(box)
    for link in report.links:
        a, b = link["source"], link["target"]
        if a in boxes and b in boxes:
            boxes[b]["up"].append({"id": a, "status": status.get(a, "missing"), "link": link["status"]})
            boxes[a]["down"].append({"id": b, "status": status.get(b, "missing"), "link": link["status"]})
    for group in groups.values():
        n = len(group["leaves"])
        covered = sum(1 for box in group["leaves"] if box["status"] != "missing")
        share = covered / n if n else 0.0
        colour, zh, en = share_band(share)
        group.update(count=n, covered=covered, share=round(share, 4), colour=colour, band_zh=zh, band_en=en,
                     firms=len({f for box in group["leaves"] for f in box["firms"]}),
                     gaps=sum(1 for box in group["leaves"] if box["status"] != "covered"))
    roots = {layer: _root_names(chain, [g["leaves"][0]["id"] for g in cols], names)
             for layer, cols in columns.items()}
    focus = []
    for area in report.summary.get("focus_areas", []):
        colour, zh, en = share_band(area.get("coverage", 0.0))
        focus.append({"id": area["id"], "name_zh": names.zh(area["id"]), "name": names.en(area["id"]),
                      "coverage": area.get("coverage", 0.0), "segments": area.get("segments", 0),
                      "covered": area.get("covered", 0), "colour": colour, "band_zh": zh, "band_en": en,
                      "institutes": institutes_in.get(area["id"], [])})
    focus.sort(key=lambda f: order.get(f["id"], 0))
    actor_ids = sorted({a for box in boxes.values() for a in (*box["firms"], *box["institutes"])}
                       | {a for g in groups.values() for a in g["own_firms"]}
                       | {c["id"] for box in boxes.values() for c in candidates_of.get(box["id"], [])}
                       | {a for f in focus for a in f["institutes"]} | (local & set(names.kind)))
    return {
        "columns": [{"layer": layer, "title_zh": COLUMN_TITLES[layer][0], "title": COLUMN_TITLES[layer][1],
                     "roots": roots[layer], "groups": cols} for layer, cols in columns.items() if cols],
        "focus": focus,
        "collapsed": len(leaves) > collapse_at,
        "limits": {"firms": FIRM_CHIPS, "marks": MARKS_SHOWN},
        "leaves": len(leaves),
        "local_firms": sum(1 for a in local if names.kind.get(a) == "enterprise"),
        "actors": _actors(chain, [a for a in actor_ids if a in names.kind], names, local),
        "gaps": gap_rows,
        "segments": {leaf: {"name_zh": names.zh(leaf), "name": names.en(leaf), "status": boxes[leaf]["status"]}
                     for leaf in leaves},
    }


def _add(table: dict, key: str, value: str) -> None:
    items = table.setdefault(key, [])
    if not items or items[-1] != value:
        items.append(value)


def _root_names(chain, leaves: list[str], names: _Names) -> list[dict]:
    """The top segments above a column's leaves (基础层 …), to title the column."""
    roots = []
    for leaf in leaves:
        top = ([leaf, *chain.ancestors(leaf)])[-1]
        if top != leaf and top not in [r["id"] for r in roots]:
            roots.append({"id": top, "name_zh": names.zh(top), "name": names.en(top)})
    return roots


def _gaps(report, names: _Names):
    """The gap rows (with names, not ids), the gaps on each segment, and each gap segment's fill candidates."""
    rows, of, candidates = [], {}, {}
    for i, gap in enumerate(report.gaps):
        if "->" in gap.subject:
            a, b = gap.subject.split("->", 1)
            label_zh, label = f"{names.zh(a)} → {names.zh(b)}", f"{names.en(a)} → {names.en(b)}"
            on = [a, b]
        else:
            label_zh, label = names.zh(gap.subject), names.en(gap.subject)
            on = [gap.subject]
        cands = [{"id": c.id, "score": round(float(c.score), 4), "why": c.why,
                  "why_zh": getattr(c, "why_zh", None) or c.why,
                  "name_zh": names.zh(c.id), "short_zh": names.short(c.id), "name": names.en(c.id)}
                 for c in gap.candidates]
        rows.append({"i": i, "kind": gap.kind, "kind_zh": GAP_KINDS.get(gap.kind, gap.kind),
                     "severity": int(gap.severity), "subject": gap.subject, "label_zh": label_zh, "label": label,
                     "reason": gap.reason, "reason_zh": getattr(gap, "reason_zh", None) or gap.reason,
                     "nodes": list(gap.nodes), "on": on, "candidates": cands})
        for segment in on:
            of.setdefault(segment, []).append(i)
        if gap.kind in ("missing_segment", "weak_segment") and cands:
            candidates.setdefault(gap.subject, cands)
    return rows, of, candidates


def _marks(report, names: _Names) -> dict[str, list[dict]]:
    """断链 / 待对接 marks for each segment box: which neighbour, and on which side."""
    marks: dict[str, list[dict]] = {}
    for link in report.links:
        if link["status"] not in MARKS:
            continue
        zh, en = MARKS[link["status"]]
        a, b = link["source"], link["target"]
        marks.setdefault(b, []).append({"link": link["status"], "arrow": "←", "other": a, "word_zh": zh,
                                        "word_en": en, "name_zh": names.zh(a), "name": names.en(a)})
        marks.setdefault(a, []).append({"link": link["status"], "arrow": "→", "other": b, "word_zh": zh,
                                        "word_en": en, "name_zh": names.zh(b), "name": names.en(b)})
    for items in marks.values():
        items.sort(key=lambda m: (m["link"] != "broken", m["arrow"], m["name_zh"], m["other"]))
    return marks


def _actors(chain, actor_ids: list[str], names: _Names, local: set[str]) -> dict[str, dict]:
    """Each firm's or institute's card: segments, sites by name, ties, evidence (one pass over the edges)."""
    wanted = set(actor_ids)
    cards = {}
    rows = chain.nodes.loc[actor_ids, ["since", "evidence", "confidence"]]
    for actor, since, evidence, confidence in zip(actor_ids, rows["since"].tolist(), rows["evidence"].tolist(),
                                                  rows["confidence"].tolist()):
        cards[actor] = {"kind": names.kind[actor], "name_zh": names.zh(actor), "short_zh": names.short(actor),
                        "name": names.en(actor),
                        "local": actor in local, "since": _year(since), "evidence": str(evidence or ""),
                        "confidence": str(confidence or ""), "segments": [], "sites": [], "ties": []}
    edges = chain.edges
    edges = edges[isin(edges["source"], wanted) | isin(edges["target"], wanted)]
    has_site = "site" in edges.columns
    columns = ["relation", "source", "target", "since", "evidence"] + (["site"] if has_site else [])
    records = zip(*(edges[c].astype(str).tolist() if c == "relation" else edges[c].tolist() for c in columns))
    for values in records:
        e = dict(zip(columns, values))
        rel, source, target = e["relation"], e["source"], e["target"]
        if rel in ("operates_in", "researches") and source in cards:
            cards[source]["segments"].append({"id": target, "name_zh": names.zh(target), "name": names.en(target)})
        elif rel == "located_in" and source in cards:
            cards[source]["sites"].append({"id": target, "name_zh": names.zh(target), "name": names.en(target),
                                           "since": _year(e.get("since")),
                                           "site": str(e.get("site", "") or "") if has_site else ""})
        elif rel in ("supplies", "partners_with", "subsidiary_of"):
            for me, other in ((source, target), (target, source)):
                if me in cards:
                    cards[me]["ties"].append({"relation": rel, "out": me == source, "id": other,
                                              "name_zh": names.zh(other), "name": names.en(other),
                                              "evidence": str(e.get("evidence", "") or "")})
    for card in cards.values():
        for key in ("segments", "sites", "ties"):
            card[key].sort(key=lambda x: (x["name_zh"], x["id"], x.get("relation", "")))
    return cards


def _year(value):
    try:
        return None if value is None or value is pd.NA or value != value else int(value)
    except (TypeError, ValueError):
        return None
