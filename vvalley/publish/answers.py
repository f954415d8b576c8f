"""The results of query, what-if and compare laid out as titled tables (Sections) for people."""

from __future__ import annotations

from vvalley.chain.schema import GAP_KINDS as KIND_ZH
from vvalley.publish.sections import Section

STATUS_ZH = {"covered": "强", "weak": "弱", "missing": "缺"}

ARROW = " → "


def _where(entry: dict) -> str:
    return ", ".join(entry.get("region_labels") or entry.get("regions") or []) or "location unknown"


# ---- query ----------------------------------------------------------------------------------

def node_sections(info: dict) -> list[Section]:
    facts = Section("Facts", ["field", "value"],
                    [[k, v] for k, v in info["attributes"].items()])
    if info["confidence"]:
        facts.notes.append(f"confidence {info['confidence']}: {info['confidence_meaning']}")
    sections = [facts]
    groups: dict[tuple[str, str], list[dict]] = {}
    for n in info["neighbours"]:
        groups.setdefault((n["relation"], n["direction"]), []).append(n)
    arrow = {"out": "→", "in": "←", "both": "↔"}
    for (relation, direction), members in groups.items():
        sections.append(Section(
            f"{arrow[direction]} {relation} ({len(members)})",
            ["name", "kind", "since", "until", "confidence", "evidence"],
            [[n["label"], n["kind"], n["since"], n["until"], n["confidence"], n["evidence"]]
             for n in members]))
    if not groups:
        sections.append(Section("Neighbours", ["name"], empty="no edges"))
    return sections


def segment_sections(info: dict) -> list[Section]:
    region = info["region"]["label"]
    head = Section("Segment", ["field", "value"], [
        ["layer", info["layer"]],
        ["part of", info["parent"]["label"] if info["parent"] else None],
        ["segments below", ", ".join(c["label"] for c in info["children"]) or None],
        [f"enterprises in {region}", len(info["local_firms"])],
        ["enterprises elsewhere", len(info["outside_firms"])],
    ])
    local = Section(f"Enterprises in {region}", ["name", "segments", "located in"],
                    [[f["label"], f.get("segment_labels", f["segments"]), _where(f)] for f in info["local_firms"]],
                    empty=f"none: no enterprise of {region} in this segment")
    outside = Section("Enterprises elsewhere", ["name", "segments", "located in", "country"],
                      [[f["label"], f.get("segment_labels", f["segments"]), _where(f),
                        f.get("country_labels", f["countries"])]
                       for f in info["outside_firms"]], empty="none known")
    link_columns = ["name", "layer", f"firms in {region}"]
    upstream = Section("Upstream (feeds into it)", link_columns,
                       [[s["label"], s["layer"], s["local_firms"]] for s in info["upstream"]])
    downstream = Section("Downstream (it feeds)", link_columns,
                         [[s["label"], s["layer"], s["local_firms"]] for s in info["downstream"]])
    institutes = Section("Institutes researching it", ["name", "researches", "local", "located in"],
                         [[i["label"], i.get("research_labels", i["researches"]), i["local"], _where(i)]
                          for i in info["institutes"]])
    sections = [head, local, outside, upstream, downstream, institutes]
    if info.get("gaps") is not None:
        sections.append(Section("Gaps on it", ["severity", "kind", "subject", "reason"],
                                [[g["severity"], g["kind"] + (f" ({g['side']})" if g["side"] else ""),
                                  g.get("label", g["subject"]), g.get("reason_zh") or g["reason"]]
                                 for g in info["gaps"]]))
    return sections


def path_sections(result: dict) -> list[Section]:
    direction = result["direction"]
    rows = [[i, p["links"], ARROW.join(p["labels"])] for i, p in enumerate(result["paths"], start=1)]
    section = Section("Paths over feeds", ["#", "links", "path (upstream first)"], rows,
                      empty="no path: the two are not joined by feeds in either direction")
    if direction == "upstream":
        section.notes.append(f"{result['to']['label']} is upstream of {result['from']['label']}: "
                             "the paths are listed from it downstream")
    elif direction == "same":
        section.notes.append("both stand for the same segment")
    section.notes.append(f"{result['from']['id']} stands for: {', '.join(result['from_segments']) or 'no segment'}")
    section.notes.append(f"{result['to']['id']} stands for: {', '.join(result['to_segments']) or 'no segment'}")
    return [section]


def candidate_sections(result: dict) -> list[Section]:
    # `why` starts with the candidate's name, so no separate name column.
    rows = [[i, c.get("label", c["id"]), f"{c['score']:.3f}", c["components"].get("ties"), c["components"].get("proximity"),
             c["components"].get("fit"), c["why"]] for i, c in enumerate(result["candidates"], start=1)]
    section = Section(f"Fill candidates for {result['segment']['label']} (招商目标)",
                      ["#", "name", "score", "ties", "proximity", "fit", "why"], rows,
                      empty="no enterprise outside the region is known to operate in this segment")
    section.notes.append(result["score_formula"])
    for gap in result["gaps"]:
        section.notes.append(f"{gap['kind']} (severity {gap['severity']}): {gap['reason']}")
    return [section]


# ---- what-if and compare ------------------------------------------------------------------------

def _pct(share: float) -> str:
    return f"{share:.0%}"


def _name(row: dict, lang: str) -> str:
    """A gap's subject by name (ids only when the result carries no names)."""
    return row.get("name_zh" if lang == "zh" else "name") or row["subject"]


SIDE_ZH = {"upstream": "缺上游", "downstream": "缺下游"}


def _kind(g: dict, lang: str) -> str:
    if lang == "zh":
        return g["kind_zh"] + (f"（{SIDE_ZH[g['side']]}）" if g.get("side") else "")
    return g["kind"] + (f" ({g['side']})" if g.get("side") else "")


def _gap_rows(gaps: list[dict], lang: str = "zh") -> list[list]:
    """Severity, kind, subject by name, and why it opened or closed (the reason when no why is known)."""
    rows = []
    for g in gaps:
        reason = g.get("reason_zh") if lang == "zh" and g.get("reason_zh") else g["reason"]
        why = g.get("why_zh" if lang == "zh" else "why") or reason
        rows.append([g["severity"], _kind(g, lang), _name(g, lang), why])
    return rows


def diff_sections(diff: dict, before: str, after: str, lang: str = "zh") -> list[Section]:
    """The parts every comparison of two gap reports shares: coverage, gaps opened/closed/changed."""
    zh = lang == "zh"
    c = diff["coverage"]
    coverage = Section("覆盖情况" if zh else "Coverage", ["", before, after], [
        ["已覆盖末级环节" if zh else "leaf segments covered",
         f"{c['covered_before']} / {c['segments']} ({_pct(c['before'])})",
         f"{c['covered_after']} / {c['segments']} ({_pct(c['after'])})"],
        *[[f.get("name_zh") or f["name"] if zh else f["name"], _pct(f["before"]), _pct(f["after"])]
          for f in diff["focus_areas"]],
        *[[(f"缺口：{KIND_ZH.get(kind, kind)}" if zh else f"gaps: {kind}"), n["before"], n["after"]]
          for kind, n in diff["gaps_by_kind"].items() if n["before"] or n["after"]],
    ])
    columns = (["严重度", "类型", "环节/链接", "为什么"] if zh else ["severity", "kind", "subject", "why"])
    opened = Section((f"新出现的缺口（{len(diff['opened'])}）" if zh else f"Gaps opened ({len(diff['opened'])})"),
                     columns, _gap_rows(diff["opened"], lang))
    demand = sum(1 for g in diff["opened"] if g.get("new_demand"))
    if demand:
        opened.notes.append(f"其中 {demand} 处是新企业带来的新增本地需求，不是情况变差" if zh else
                            f"{demand} of them are new local demand brought by the arriving firm(s), not a worsening")
    closed = Section((f"消除的缺口（{len(diff['closed'])}）" if zh else f"Gaps closed ({len(diff['closed'])})"),
                     columns, _gap_rows(diff["closed"], lang))
    changed = Section((f"严重度变化（{len(diff['changed'])}）" if zh else f"Severity changed ({len(diff['changed'])})"),
                      ["之前", "之后", "类型", "环节/链接"] if zh else ["before", "after", "kind", "subject"],
                      [[g["severity_before"], g["severity_after"], g["kind_zh"] if zh else g["kind"], _name(g, lang)]
                       for g in diff["changed"]])
    status = STATUS_ZH if zh else {}
    segments = Section("状态变化的环节" if zh else "Segments whose status changed",
                       ["环节" if zh else "segment", before, after, "企业数" if zh else "firms"],
                       [[s.get("name_zh" if zh else "name") or s["id"], status.get(s["before"], s["before"]),
                         status.get(s["after"], s["after"]), f"{s['firms_before']} → {s['firms_after']}"]
                        for s in diff["segments_changed"]])
    if not zh:
        for section in (opened, closed, changed, segments):
            section.empty = "none"
    else:
        for section in (opened, closed, changed, segments):
            section.empty = "无"
    return [coverage, opened, closed, changed, segments]


def _n(result: dict, entry: dict, zh: bool) -> str:
    """An actor of a what-if by name (the result's names_zh), or its label."""
    return result.get("names_zh", {}).get(entry["id"], entry["label"]) if zh else entry["label"]


def _sites(result: dict, entry: dict, key: str, zh: bool) -> list[str]:
    names = result.get("names_zh" if zh else "names_en", {})
    return [names.get(r, r) for r in entry.get(key, [])]


def _yes(value: bool, zh: bool) -> str:
    return ("是" if value else "否") if zh else ("yes" if value else "no")


def whatif_sections(result: dict, lang: str = "zh") -> list[Section]:
    zh = lang == "zh"
    sections = []
    if result.get("added"):
        sections.append(Section(
            (f"落户{result.get('region_zh', result['region_label'])}" if zh else f"Arriving in {result['region_label']}"),
            ["企业", "落户地", "业务环节"] if zh else ["firm", "site", "segments"],
            [[(a["name_zh"] or a["label"]) if zh else a["label"], a.get("site_zh") if zh else a["site_label"],
              len(a["segments"])]
             for a in result["added"]]))
    if result["left"]:
        sections.append(Section((f"离开{result.get('region_zh', result['region_label'])}" if zh else f"Leaving {result['region_label']}"),
                                ["名称", "撤出的站点", "保留的站点"] if zh else ["name", "sites dropped", "sites kept"],
                                [[_n(result, a, zh), _sites(result, a, "sites_dropped", zh), _sites(result, a, "sites_kept", zh)]
                                 for a in result["left"]]))
    if result["scenario"]["cut"]:
        cut = Section((f"被切断的供应商（模式 {result['scenario']['cut_mode']}）" if zh else
                       f"Cut off ({', '.join(result['scenario']['cut'])}; mode {result['scenario']['cut_mode']})"),
                      ["名称", "被切断的站点", "保留的站点"] if zh else ["name", "sites cut", "sites kept"],
                      [[_n(result, f, zh), _sites(result, f, "sites_cut", zh), None] for f in result["cut_off"]]
                      + [[_n(result, f, zh), _sites(result, f, "sites_cut", zh), _sites(result, f, "sites_kept", zh)]
                         for f in result["partly_cut"]],
                      empty="该地没有企业" if zh else "no enterprise is located there")
        if result["partly_cut"]:
            cut.notes.append("firms with sites kept still supply from those sites"
                             if result["scenario"]["cut_mode"] == "all" else
                             "firms with sites kept are the region's own: they only lose their sites there")
        sections.append(cut)
    if result["supply"]:
        sections.append(Section(
            "各环节已知供应商（数据中任何地区）" if zh else "Known suppliers per segment (anywhere in the data)",
            (["环节", "本区需要", "本区已有", "供应商", "国内", "失去"] if zh else
             ["segment", "needed here", "covered here", "suppliers", "at home", "lost"]),
            [[s["label"], _yes(s["needed"], zh), _yes(s["covered"], zh), f"{s['suppliers_before']} → {s['suppliers_after']}",
              f"{s['home_before']} → {s['home_after']}", len(s["lost"])] for s in result["supply"]],
            notes=["本区需要：本区没有、但它供给本区已有的环节；国内：在本国有站点的供应商" if zh else
                   "needed here: the region lacks it but it feeds a segment the region covers; "
                   "at home: suppliers with a site in the region's country"]))
    return sections + diff_sections(result, "现在" if zh else "today", "之后" if zh else "after", lang)


def compare_regions_sections(result: dict, lang: str = "zh") -> list[Section]:
    zh = lang == "zh"
    a, b = (result.get("a_zh", result["a_label"]), result.get("b_zh", result["b_label"])) if zh else \
        (result["a_label"], result["b_label"])
    name = (lambda r: r.get("name_zh") or r["label"]) if zh else (lambda r: r["label"])  # noqa: E731
    c = result["coverage"]
    coverage = Section("覆盖情况" if zh else "Coverage", ["", a, b], [
        ["已覆盖末级环节" if zh else "leaf segments covered",
         f"{c['covered_a']} / {c['segments']} ({_pct(c['a'])})", f"{c['covered_b']} / {c['segments']} ({_pct(c['b'])})"],
        *[[(f.get("name_zh") or f["name"]) if zh else f["name"], _pct(f["a"]), _pct(f["b"])]
          for f in result["focus_areas"]],
    ], notes=[f"两地都覆盖 {result['both']} 个末级环节，都未覆盖 {result['neither']} 个" if zh else
              f"both cover {result['both']} leaf segments; neither covers {result['neither']}"])
    groups = Section("各环节组覆盖" if zh else "Coverage by segment group",
                     ["环节组" if zh else "group", "末级环节" if zh else "leaves", a, b],
                     [[name(g), g["leaves"], f"{g['covered_a']} ({_pct(g['a'])})",
                       f"{g['covered_b']} ({_pct(g['b'])})"] for g in result["groups"]])
    only_a = Section(f"{a}有、{b}没有" if zh else f"Covered in {a}, lacking in {b}",
                     ["环节" if zh else "segment", f"{a}企业数" if zh else f"firms in {a}"],
                     [[name(s), s["firms_a"]] for s in result["only_a"]], empty="无" if zh else "none")
    only_b = Section(f"{b}有、{a}没有" if zh else f"Covered in {b}, lacking in {a}",
                     ["环节" if zh else "segment", f"{b}企业数" if zh else f"firms in {b}"],
                     [[name(s), s["firms_b"]] for s in result["only_b"]], empty="无" if zh else "none")
    gaps = Section("各类缺口" if zh else "Gaps by kind", ["类型" if zh else "kind", a, b],
                   [[KIND_ZH[kind] if zh else kind, n["a"], n["b"]] for kind, n in result["gaps_by_kind"].items()])
    return [coverage, groups, only_a, only_b, gaps]


def compare_years_sections(result: dict, lang: str = "zh") -> list[Section]:
    zh = lang == "zh"
    y1, y2 = str(result["from"]), str(result["to"])
    columns = (["名称", "类型", "业务环节", "起", "止"] if zh else ["name", "kind", "works in", "since", "until"])
    arrived = Section((f"{y1}—{y2} 年新来的（{len(result['arrived'])}）" if zh else
                       f"Arrived between {y1} and {y2} ({len(result['arrived'])})"), columns,
                      [[x["label"], x["kind"], x.get("segment_labels", x["segments"]), x["since"], x["until"]]
                       for x in result["arrived"]], empty="无" if zh else "none")
    left = Section((f"{y1}—{y2} 年离开的（{len(result['left'])}）" if zh else
                    f"Left between {y1} and {y2} ({len(result['left'])})"), columns,
                   [[x["label"], x["kind"], x.get("segment_labels", x["segments"]), x["since"], x["until"]]
                    for x in result["left"]], empty="无" if zh else "none")
    arrived.notes.append(f"本区主体：{y1} 年 {result['actors_before']} 家，{y2} 年 {result['actors_after']} 家" if zh else
                         f"actors in the region: {result['actors_before']} in {y1}, {result['actors_after']} in {y2}")
    return [arrived, left, *diff_sections(result, y1, y2, lang)]
