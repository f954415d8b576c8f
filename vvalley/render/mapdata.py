"""The chain and its gap report as plain vis node/edge dicts for one view: the only place that knows the visual encoding."""

from __future__ import annotations

import math

import pandas as pd

from vvalley.chain.schema import CONFIDENCE_MEANING, GAP_KINDS, RELATIONS
from vvalley.render import layout
from vvalley.render.panorama import SHARE_BANDS, share_band
from vvalley.render.selection import Selection

SEGMENT_STATUS = {
    # status: (fill, border, dashed border, 中文, meaning)
    "covered": ("#c8e6c9", "#2e7d32", False, "已覆盖", "enough enterprises of the region operate in it"),
    "weak": ("#ffe0b2", "#ef6c00", False, "弱链", "fewer enterprises of the region than the minimum: one leaving breaks it"),
    "missing": ("#ffcdd2", "#c62828", True, "缺链", "no enterprise of the region operates in it"),
}
LINK_STATUS = {
    # status: (colour, dashes, width, 中文, meaning)
    "linked": ("#2e7d32", False, 3, "已对接", "both sides in the region, with a known supply tie"),
    "unlinked": ("#ef6c00", [10, 6], 2, "待对接", "both sides in the region, no known supply tie"),
    "broken": ("#c62828", [5, 5], 3, "断链", "only one side in the region"),
    "absent": ("#b0bec5", [2, 6], 1.5, "两端皆缺", "neither side in the region"),
}
GAP_KINDS_ZH = GAP_KINDS
KIND_LABELS = {  # kind: (中文, English)
    "segment": ("产业环节", "Segments"), "focus_area": ("聚焦方向", "Focus areas"), "enterprise": ("企业", "Enterprises"),
    "institute": ("研究机构", "Institutes"), "region": ("地区", "Regions"), "group": ("企业群", "Groups"),
}
FOCUS_STYLE = ("#e1d5f5", "#5e35b1")
ACTOR_STYLE = {"enterprise": ("dot", "#bbdefb", "#1565c0"), "institute": ("triangle", "#b2ebf2", "#00838f"),
               "region": ("square", "#eceff1", "#607d8b")}
GROUP_STYLE = ("#90caf9", "#0d47a1")
RELATION_STYLE = {
    # relation: (colour, dashes, width, arrow)
    "part_of": ("#dde3e6", False, 1, False),
    "serves": ("rgba(126,87,194,0.35)", False, 1.5, True),
    "operates_in": ("#90caf9", False, 1, True),
    "researches": ("#4dd0e1", [4, 4], 1, True),
    "located_in": ("#cfd8dc", [2, 4], 1, True),
    "supplies": ("#1565c0", False, 2, True),
    "partners_with": ("#00838f", [6, 4], 1.5, False),
    "subsidiary_of": ("#78909c", [2, 3], 1.5, True),
}
TOP_GAPS = 40
LEAF_SMALLEST, LEAF_LARGEST = 14, 26
TOOLTIP_GAPS = 4


def map_data(chain, report, selection: Selection, region_label: str) -> dict:
    """Everything the page draws, as plain JSON-ready data (sorted, so the same input gives the same page)."""
    ctx = _Context(chain, report, selection, region_label)
    placed = ctx.place()
    nodes = [ctx.node(node_id, placed.positions[node_id]) for node_id in sorted(placed.positions)]
    edges = [ctx.edge(row) for row in selection.edges.to_dict("records")]
    edges += [ctx.group_edge(group) for group in selection.groups if group["anchor"] in placed.positions]
    edges.sort(key=lambda e: e["id"])
    drawn = set(placed.positions)
    gaps = ctx.gap_list(drawn)
    # "Gaps only" keeps the nodes of the listed gaps, nothing else.
    on_gap = {node_id for gap in gaps for node_id in gap["nodes"]}
    for node in nodes:
        node["gap"] = node["id"] in on_gap
    kinds = sorted({n["kind"] for n in nodes}, key=list(KIND_LABELS).index)
    return {
        "view": selection.view,
        "focus": selection.focus,
        "nodes": nodes,
        "edges": edges,
        "headers": placed.headers,
        "gaps": gaps,
        "kinds": [{"id": k, "zh": KIND_LABELS[k][0], "en": KIND_LABELS[k][1]} for k in kinds],
        "focus_areas": [{"id": f, "label": ctx.label_line(f)} for f in selection.template
                        if ctx.kind[f] == "focus_area"],
        "notes": selection.notes,
    }


def legend(view: str) -> dict:
    """The legend's rows: swatches drawn from the same constants as the nodes and edges; each text
    as {"zh": …, "en": …}, the page's language toggle showing one."""
    segments = [{"shape": "dot", "fill": fill, "border": border, "dashed": dashed,
                 "zh": f"{zh}：{STATUS_ZH[status]}", "en": f"{status}: {meaning}"}
                for status, (fill, border, dashed, zh, meaning) in SEGMENT_STATUS.items()]
    for lowest, colour, zh, en in SHARE_BANDS:
        share = "0" if lowest == 0 else ">0" if lowest < 0.01 else f"≥{lowest:.0%}"
        segments.append({"shape": "box", "fill": colour, "border": colour, "dashed": False,
                         "zh": f"环节大类 {zh}：覆盖 {share}", "en": f"group, {en}: {share} of its segments covered"})
    segments.append({"shape": "hex", "fill": FOCUS_STYLE[0], "border": FOCUS_STYLE[1], "dashed": False,
                     "zh": "聚焦方向（服务它的环节的覆盖比例）", "en": "focus area (share of its segments covered)"})
    links = [{"color": color, "dashed": bool(dashes), "width": width,
              "zh": f"{zh}：{LINK_MEANING_ZH[status]}" + ("（默认隐藏）" if status == "absent" else ""),
              "en": f"{status}: {meaning}" + (" (hidden until shown)" if status == "absent" else "")}
             for status, (color, dashes, width, zh, meaning) in LINK_STATUS.items()]
    links.append({"color": RELATION_STYLE["serves"][0], "dashed": False, "width": 1.5,
                  "zh": "服务：环节 → 聚焦方向（默认隐藏）", "en": "serves: segment → focus area (hidden until shown)"})
    links.append({"color": RELATION_STYLE["part_of"][0], "dashed": False, "width": 1,
                  "zh": "隶属：环节 → 环节大类", "en": "part of: segment → group"})
    actors = []
    if view != "chain":
        for kind in ("enterprise", "institute", "region"):
            shape, fill, border = ACTOR_STYLE[kind]
            actors.append({"shape": shape, "fill": fill, "border": border, "dashed": False,
                           "zh": KIND_LABELS[kind][0], "en": KIND_LABELS[kind][1]})
        actors.append({"shape": "dot", "fill": GROUP_STYLE[0], "border": GROUP_STYLE[1], "dashed": False,
                       "zh": "企业群：同一环节的 N 家企业画成一个点", "en": "N enterprises: actors of one segment drawn as one node"})
        for relation in ("operates_in", "researches", "supplies", "partners_with"):
            color, dashes, width, _ = RELATION_STYLE[relation]
            links.append({"color": color, "dashed": bool(dashes), "width": width,
                          "zh": RELATION_WORDS[relation], "en": relation.replace("_", " ")})
    return {"segments": segments, "links": links, "actors": actors,
            "size": {"zh": "圆点大小：本地区企业数；缺链环节画成最大、红色虚线。",
                     "en": "Dot size: the region's firms in the segment; missing segments are drawn largest, "
                           "with a dashed red ring."}}


class _Context:
    """Lookups shared by the node, edge and gap encoders of one render."""

    def __init__(self, chain, report, selection: Selection, region_label: str):
        self.chain, self.report, self.selection, self.region_label = chain, report, selection, region_label
        drawn = [*selection.template, *selection.actors, *selection.regions]
        # Plain dicts for the drawn nodes: a pandas lookup per node and attribute costs more than the whole page.
        self.rows: dict[str, dict] = chain.nodes.loc[drawn].astype({"kind": str}).to_dict("index")
        self.kind = {node_id: row["kind"] for node_id, row in self.rows.items()}
        self.kind.update((f, "focus_area") for f in chain.ids("focus_area"))
        self.segments = {s["id"]: s for s in report.segments}
        self.links = {(link["source"], link["target"]): link for link in report.links}
        self.min_firms = getattr(report, "min_suppliers", None)
        self.gaps_of: dict[str, list] = {}
        for gap in report.gaps:
            for node_id in gap.nodes:
                self.gaps_of.setdefault(node_id, []).append(gap)
            self.gaps_of.setdefault(gap.subject, [])
            if gap.subject not in gap.nodes:
                self.gaps_of[gap.subject].append(gap)
        self.groups = {g["id"]: g for g in selection.groups}
        # Sizes are relative to the biggest, so a national data set draws as well as a district.
        leaves = [s["firms"] for s in report.segments if s["id"] not in chain.children]
        self.most_firms = max(leaves, default=1) or 1
        self.biggest_group = max((g["count"] for g in selection.groups), default=1)
        coverage = report.summary.get("focus_areas", [])
        self.focus_coverage = {f["id"]: f.get("coverage") for f in coverage}
        self.focus_of = self._focus_membership()

    # ---- positions ---------------------------------------------------------------------
    def place(self) -> layout.Placed:
        sel = self.selection
        columns = dict(sel.columns)
        beside: dict[str, list[str]] = {}
        for node_id in [*sel.actors, *self.groups]:
            beside.setdefault(sel.anchor.get(node_id, layout.OTHER), []).append(node_id)
        if layout.OTHER in beside:
            columns["other"] = [(layout.OTHER, 0)]
        if sel.regions:
            columns["region"] = layout.region_column(self.chain, sel.regions)
        heights = {n: layout.ROW_GROUP for n in sel.template
                   if self.kind[n] == "segment" and n in self.chain.children}
        heights.update({n: layout.ROW_FOCUS for n in sel.template if self.kind[n] == "focus_area"})
        return layout.place(columns, heights, beside)

    # ---- nodes ---------------------------------------------------------------------------
    def row(self, node_id: str) -> dict:
        if node_id not in self.rows:
            self.rows[node_id] = self.chain.nodes.loc[node_id].to_dict()
        return self.rows[node_id]

    def label_line(self, node_id: str) -> str:
        """'中文 English' on one line (for lists)."""
        row = self.row(node_id)
        name, name_zh = row["name"], row["name_zh"]
        return f"{name_zh} {name}" if name_zh and name_zh != name else str(name)

    def label(self, node_id: str) -> str:
        """'中文\\nEnglish' (drawn on two lines)."""
        row = self.row(node_id)
        name, name_zh = row["name"], row["name_zh"]
        return f"{name_zh}\n{name}" if name_zh and name_zh != name else str(name)

    def node(self, node_id: str, position: tuple[int, int]) -> dict:
        if node_id in self.groups:
            return self.group_node(self.groups[node_id], position)
        kind = self.kind[node_id]
        row = self.row(node_id)
        base = {"id": node_id, "kind": kind, "name": str(row["name"]), "name_zh": str(row["name_zh"]),
                "x": position[0], "y": position[1], "label": self.label(node_id),
                "focus": self.focus_of.get(node_id, []), "status": None,
                "gap": bool(self.gaps_of.get(node_id))}
        if kind == "segment":
            base.update(self.segment_style(node_id))
            suffix, suffix_en = base.pop("label_suffix", ""), base.pop("label_suffix_en", "")
            if suffix_en:
                base["label_en"] = base["label"] + suffix_en
            base["label"] += suffix
        elif kind == "focus_area":
            fill, border = FOCUS_STYLE
            coverage = self.focus_coverage.get(node_id)
            if coverage is not None:
                base["label_en"] = base["label"] + f"\n{coverage:.0%} covered"
                base["label"] += f"\n覆盖 {coverage:.0%}"
            base.update(shape="hexagon", size=30, borderWidth=2, color=_color(fill, border),
                        font={"size": 18, "color": "#311b92"})
        else:
            shape, fill, border = ACTOR_STYLE[kind]
            base.update(shape=shape, size=9, borderWidth=1.5, color=_color(fill, border),
                        font={"size": 12, "color": "#263238"}, widthConstraint={"maximum": layout.ACTOR_DX - 20})
        base["title"], base["title_en"] = self.tooltip(node_id, base)
        return base

    def segment_style(self, node_id: str) -> dict:
        info = self.segments.get(node_id, {})
        status = info.get("status", "missing")
        fill, border, dashed, _, _ = SEGMENT_STATUS[status]
        firms = int(info.get("firms", 0))
        style = {"status": status, "firms": firms, "institutes": int(info.get("institutes", 0)),
                 "gap": status != "covered" or bool(self.gaps_of.get(node_id)),
                 "color": _color(fill, border), "borderWidth": 3 if dashed else 2,
                 "shapeProperties": {"borderDashes": [6, 4] if dashed else False}}
        if node_id in self.chain.children:
            share = self.group_share(node_id)
            colour, band_zh, band_en = share_band(share)
            style.update(shape="box", margin=10, share=share, font={"size": 17, "color": "#ffffff", "bold": True},
                         color=_color(colour, colour), borderWidth=2, shapeProperties={"borderDashes": False})
            # On the English line, so the box stays two lines high (the row it is laid out in).
            style["label_suffix"] = f" · {band_zh} {share:.0%}"
            style["label_suffix_en"] = f" · {band_en} {share:.0%}"
        elif status == "missing":
            # A gap is what the map is for: as big as the biggest covered segment, thick dashed red ring.
            style.update(shape="dot", size=LEAF_LARGEST, borderWidth=4,
                         font={"size": 15, "color": "#b71c1c", "bold": True})
        else:
            style.update(shape="dot", size=_size(firms, self.most_firms, LEAF_SMALLEST, LEAF_LARGEST),
                         font={"size": 15, "color": "#263238"})
        return style

    def group_share(self, node_id: str) -> float:
        """Share of the group's leaf segments that the region covers (at least one firm)."""
        leaves = [d for d in self.chain.descendants(node_id) if d not in self.chain.children]
        if not leaves:
            return 0.0
        covered = sum(1 for leaf in leaves if self.segments.get(leaf, {}).get("status", "missing") != "missing")
        return round(covered / len(leaves), 4)

    def group_node(self, group: dict, position: tuple[int, int]) -> dict:
        kind, count = group["kind"], group["count"]
        what, what_zh = ("enterprises", "家企业") if kind == "enterprise" else ("institutes", "家机构")
        anchor = group["anchor"]
        where = self.label_line(anchor) if anchor != layout.OTHER else ""
        sample = "\n".join(f"· {name}" for name in group["sample"])
        rest = count - len(group["sample"])
        title_zh = (f"{self.region_label}{'在' + where if where else '未归类'}的 {count} {what_zh}\n{sample}"
                    + (f"\n…另有 {rest} 家" if rest > 0 else ""))
        title_en = (f"{count} {what} of {self.region_label} in {where or 'no segment'}\n{sample}"
                    + (f"\n…and {rest} more" if rest > 0 else ""))
        return {"id": group["id"], "kind": "group", "member_kind": kind, "name": f"{count} {what}",
                "name_zh": f"{count} {what_zh}", "x": position[0], "y": position[1], "label": f"{count} {what_zh}",
                "label_en": f"{count} {what}", "title_en": title_en,
                "focus": self.focus_of.get(anchor, []), "status": None, "gap": False, "count": count,
                "shape": "dot", "size": _size(count, self.biggest_group, 12, 40), "borderWidth": 2,
                "color": _color(*GROUP_STYLE), "font": {"size": 13, "color": "#0d47a1"},
                "title": title_zh}

    def tooltip(self, node_id: str, node: dict) -> tuple[str, str]:
        """The facts of a node and where they come from, as plain text (vis shows it as text): the
        Chinese tooltip and the English one. The description and the evidence are the data's own text."""
        row = self.row(node_id)
        kind = node["kind"]
        zh_kind, en_kind = KIND_WORDS.get(kind, (kind, kind))
        layer = row["layer"]
        name = self.label_line(node_id)
        zh = [name, zh_kind + (f" · {LAYER_WORDS[layer][0]}" if layer in LAYER_WORDS else "")]
        en = [name, en_kind + (f" · {layer}" if layer else "")]
        parent = self.chain.parent.get(node_id)
        if parent:
            zh.append(f"所属：{self.label_line(parent)}")
            en.append(f"part of: {self.label_line(parent)}")
        if kind == "segment":
            _, _, _, word, meaning = SEGMENT_STATUS[node["status"]]
            zh.append(f"{self.region_label}：{word}（{STATUS_ZH[node['status']]}）")
            en.append(f"{self.region_label}: {node['status']} ({meaning})")
            zh.append(f"本地企业 {node['firms']} 家 · 研究机构 {node['institutes']} 家")
            en.append(f"{node['firms']} firms, {node['institutes']} institutes of the region")
        elif kind == "focus_area" and self.focus_coverage.get(node_id) is not None:
            share = self.focus_coverage[node_id]
            zh.append(f"服务它的环节本地覆盖 {share:.0%}")
            en.append(f"{share:.0%} of the segments serving it covered")
        gaps = self.gaps_of.get(node_id, [])
        for gap in gaps[:TOOLTIP_GAPS]:
            zh.append(_gap_line(gap, "zh"))
            en.append(_gap_line(gap, "en"))
        if len(gaps) > TOOLTIP_GAPS:
            zh.append(f"…另有 {len(gaps) - TOOLTIP_GAPS} 个缺口")
            en.append(f"…{len(gaps) - TOOLTIP_GAPS} more gaps")
        facts = []
        if row["description"]:
            facts.append(str(row["description"]))
        zh += facts + _years(row, "zh") + _evidence(row, "zh")
        en += facts + _years(row, "en") + _evidence(row, "en")
        return "\n".join(zh), "\n".join(en)

    # ---- edges ---------------------------------------------------------------------------
    def edge(self, row: dict) -> dict:
        source, target, relation = row["source"], row["target"], row["relation"]
        edge = {"id": f"{relation}:{source}->{target}", "from": source, "to": target,
                "relation": relation, "status": None}
        ends = f"{self.label_line(source)} → {self.label_line(target)}"
        zh = [f"{RELATION_WORDS.get(relation, relation)}：{ends}"]
        en = [f"{relation.replace('_', ' ')}: {ends}"]
        if relation == "feeds":
            link = self.links.get((source, target), {})
            status = link.get("status", "absent")
            color, dashes, width, word, meaning = LINK_STATUS[status]
            edge.update(status=status, ties=int(link.get("ties", 0)))
            zh.append(f"{self.region_label}：{word}（{LINK_MEANING_ZH[status]}）；已知供应关系 {edge['ties']} 条")
            en.append(f"{self.region_label}: {status} ({meaning}); known supply ties: {edge['ties']}")
            for gap in self.gaps_of.get(f"{source}->{target}", [])[:TOOLTIP_GAPS]:
                zh.append(_gap_line(gap, "zh"))
                en.append(_gap_line(gap, "en"))
            arrow = True
        else:
            color, dashes, width, arrow = RELATION_STYLE.get(relation, ("#b0bec5", False, 1, True))
            if not RELATIONS[relation].directed:
                arrow = False
        zh += _years(row, "zh")
        en += _years(row, "en")
        if row.get("weight") not in (None, 1.0) and not _missing(row.get("weight")):
            zh.append(f"权重：{row['weight']:g}")
            en.append(f"weight: {row['weight']:g}")
        zh += _evidence(row, "zh")
        en += _evidence(row, "en")
        edge.update(color=_edge_color(color), dashes=dashes, width=width, arrows="to" if arrow else "",
                    title="\n".join(zh), title_en="\n".join(en))
        # Lines between two missing segments and serves lines are hidden until the reader asks for them.
        edge["faint"] = relation == "serves" or edge["status"] == "absent"
        return edge

    def group_edge(self, group: dict) -> dict:
        relation = "operates_in" if group["kind"] == "enterprise" else "researches"
        color, dashes, _, _ = RELATION_STYLE[relation]
        return {"id": f"{relation}:{group['id']}->{group['anchor']}", "from": group["id"], "to": group["anchor"],
                "relation": relation, "status": None, "color": _edge_color(color), "dashes": dashes,
                "width": round(1 + math.log2(group["count"]), 1), "arrows": "to",
                "title": f"{group['count']} {'家企业从事' if relation == 'operates_in' else '家机构研究'}"
                         f"{self.label_line(group['anchor'])}",
                "title_en": f"{group['count']} {group['kind']}s {relation.replace('_', ' ')} {self.label_line(group['anchor'])}"}

    # ---- gaps and filters ------------------------------------------------------------------
    def gap_list(self, drawn: set[str]) -> list[dict]:
        """The top gaps with a node on the map, for the side panel."""
        out = []
        for rank, gap in enumerate(self.report.gaps):
            nodes = [n for n in gap.nodes if n in drawn]
            if not nodes:
                continue
            edges = []
            if "->" in gap.subject:
                source, target = gap.subject.split("->", 1)
                subject = f"{self._name(source)} → {self._name(target)}"
                edges = [f"feeds:{source}->{target}"]
            else:
                subject = self._name(gap.subject)
            out.append({"rank": rank + 1, "kind": gap.kind, "kind_zh": GAP_KINDS_ZH.get(gap.kind, gap.kind),
                        "kind_en": gap.kind.replace("_", " "),
                        "severity": int(gap.severity), "subject": gap.subject, "subject_label": subject,
                        "reason": gap.reason, "reason_zh": getattr(gap, "reason_zh", None) or gap.reason,
                        "nodes": nodes, "edges": edges})
            if len(out) == TOP_GAPS:
                break
        return out

    def _name(self, node_id: str) -> str:
        return self.label_line(node_id) if node_id in self.rows or node_id in self.chain.nodes.index else node_id

    def _focus_membership(self) -> dict[str, list[str]]:
        """For the focus-area filter: the focus areas each drawn node belongs to.

        A segment belongs to the focus areas it, a group above it or a segment below it serves;
        an actor or group to those of the segment it is drawn beside.
        """
        serves = self.chain.relation("serves")
        direct: dict[str, set[str]] = {}
        for segment, focus in zip(serves["source"], serves["target"]):
            direct.setdefault(segment, set()).add(focus)
        member: dict[str, set[str]] = {}
        for segment, areas in direct.items():
            for related in [*self.chain.ancestors(segment), *self.chain.descendants(segment)]:
                member.setdefault(related, set()).update(areas)
        for focus in self.chain.ids("focus_area"):
            member.setdefault(focus, set()).add(focus)
        for node_id, anchor in self.selection.anchor.items():
            if anchor in member:
                member[node_id] = member[anchor]
        return {node_id: sorted(areas) for node_id, areas in member.items()}


KIND_WORDS = {"segment": ("产业环节", "segment"), "focus_area": ("聚焦方向", "focus area"),
              "enterprise": ("企业", "enterprise"), "institute": ("研究机构", "institute"), "region": ("地区", "region")}
LAYER_WORDS = {"upstream": ("上游", "upstream"), "midstream": ("中游", "midstream"), "downstream": ("下游", "downstream")}
STATUS_ZH = {"covered": "本地企业足够", "weak": "本地企业少于最低数，一家离开即断", "missing": "本地区没有企业做这一环节"}
CONFIDENCE_MEANING_ZH = {"A": "官方/备案", "B": "可靠媒体", "C": "聚合网站/自媒体", "U": "未核实"}
LINK_MEANING_ZH = {"linked": "两端都在本地，有已知供应关系", "unlinked": "两端都在本地，无已知供应关系",
                   "broken": "只有一端在本地", "absent": "两端都不在本地"}
RELATION_WORDS = {"part_of": "隶属", "feeds": "供给", "serves": "服务", "operates_in": "从事", "researches": "研究",
                  "located_in": "位于", "supplies": "供货", "partners_with": "合作", "subsidiary_of": "子公司"}


def _gap_line(gap, lang: str) -> str:
    """'缺口 缺链 · 严重度 76：<reason_zh>', or 'gap missing_segment · severity 76: <reason>'."""
    if lang == "zh":
        reason = getattr(gap, "reason_zh", None) or gap.reason
        return f"缺口 {GAP_KINDS_ZH.get(gap.kind, gap.kind)} · 严重度 {gap.severity}：{reason}"
    return f"gap {gap.kind.replace('_', ' ')} · severity {gap.severity}: {gap.reason}"


def _size(n: int, most: int, smallest: float, largest: float) -> float:
    """A dot's radius: its area grows with n, the largest n drawn gets `largest`."""
    return round(smallest + (largest - smallest) * math.sqrt(min(n, most) / most), 1)


def _color(fill: str, border: str) -> dict:
    return {"background": fill, "border": border,
            "highlight": {"background": fill, "border": "#000000"},
            "hover": {"background": fill, "border": "#000000"}}


def _edge_color(color: str) -> dict:
    return {"color": color, "highlight": "#000000", "hover": "#37474f", "inherit": False}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _years(row, lang: str) -> list[str]:
    since, until = row.get("since"), row.get("until")
    since = None if _missing(since) else int(since)
    until = None if _missing(until) else int(until)
    if since is None and until is None:
        return []
    if lang == "zh":
        return [f"年份：{since or '…'}–{until or '今'}"]
    return [f"years: {since or '…'}–{until or 'today'}"]


def _evidence(row, lang: str) -> list[str]:
    lines = []
    if row.get("evidence"):
        lines.append(f"{'来源：' if lang == 'zh' else 'evidence: '}{row['evidence']}")
    if row.get("confidence"):
        grade = row["confidence"]
        if lang == "zh":
            lines.append(f"可信度：{grade}（{CONFIDENCE_MEANING_ZH.get(grade, '?')}）")
        else:
            lines.append(f"confidence: {grade} ({CONFIDENCE_MEANING.get(grade, '?')})")
    return lines
