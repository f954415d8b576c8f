"""The results of query, what-if and compare laid out as titled tables (Sections) for people."""

from __future__ import annotations

from vvalley.publish.sections import Section

ARROW = " → "


def _where(entry: dict) -> str:
    return ", ".join(entry.get("regions") or []) or "location unknown"


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
            ["id", "name", "kind", "since", "until", "confidence", "evidence"],
            [[n["id"], n["label"], n["kind"], n["since"], n["until"], n["confidence"], n["evidence"]]
             for n in members]))
    if not groups:
        sections.append(Section("Neighbours", ["id"], empty="no edges"))
    return sections


def segment_sections(info: dict) -> list[Section]:
    region = info["region"]["label"]
    head = Section("Segment", ["field", "value"], [
        ["layer", info["layer"]],
        ["part of", info["parent"]["label"] if info["parent"] else None],
        ["segments below", ", ".join(c["id"] for c in info["children"]) or None],
        [f"enterprises in {region}", len(info["local_firms"])],
        ["enterprises elsewhere", len(info["outside_firms"])],
    ])
    local = Section(f"Enterprises in {region}", ["id", "name", "segments", "located in"],
                    [[f["id"], f["label"], f["segments"], _where(f)] for f in info["local_firms"]],
                    empty=f"none: no enterprise of {region} in this segment")
    outside = Section("Enterprises elsewhere", ["id", "name", "segments", "located in", "country"],
                      [[f["id"], f["label"], f["segments"], _where(f), f["countries"]]
                       for f in info["outside_firms"]], empty="none known")
    link_columns = ["id", "name", "layer", f"firms in {region}"]
    upstream = Section("Upstream (feeds into it)", link_columns,
                       [[s["id"], s["label"], s["layer"], s["local_firms"]] for s in info["upstream"]])
    downstream = Section("Downstream (it feeds)", link_columns,
                         [[s["id"], s["label"], s["layer"], s["local_firms"]] for s in info["downstream"]])
    institutes = Section("Institutes researching it", ["id", "name", "researches", "local", "located in"],
                         [[i["id"], i["label"], i["researches"], i["local"], _where(i)]
                          for i in info["institutes"]])
    sections = [head, local, outside, upstream, downstream, institutes]
    if info.get("gaps") is not None:
        sections.append(Section("Gaps on it", ["severity", "kind", "subject", "reason"],
                                [[g["severity"], g["kind"] + (f" ({g['side']})" if g["side"] else ""),
                                  g["subject"], g["reason"]] for g in info["gaps"]]))
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
    rows = [[i, c["id"], f"{c['score']:.3f}", c["components"].get("ties"), c["components"].get("proximity"),
             c["components"].get("fit"), c["why"]] for i, c in enumerate(result["candidates"], start=1)]
    section = Section(f"Fill candidates for {result['segment']['label']} (招商目标)",
                      ["#", "id", "score", "ties", "proximity", "fit", "why"], rows,
                      empty="no enterprise outside the region is known to operate in this segment")
    section.notes.append(result["score_formula"])
    for gap in result["gaps"]:
        section.notes.append(f"{gap['kind']} (severity {gap['severity']}): {gap['reason']}")
    return [section]


# ---- what-if and compare ------------------------------------------------------------------------

def _pct(share: float) -> str:
    return f"{share:.0%}"


def _gap_rows(gaps: list[dict]) -> list[list]:
    return [[g["severity"], f"{g['kind']} {g['kind_zh']}" + (f" ({g['side']})" if g["side"] else ""),
             g["subject"], g["reason"]] for g in gaps]


def diff_sections(diff: dict, before: str, after: str) -> list[Section]:
    """The parts every comparison of two gap reports shares: coverage, gaps opened/closed/changed."""
    c = diff["coverage"]
    coverage = Section("Coverage", ["", before, after], [
        ["leaf segments covered", f"{c['covered_before']} of {c['segments']} ({_pct(c['before'])})",
         f"{c['covered_after']} of {c['segments']} ({_pct(c['after'])})"],
        *[[f["name"], _pct(f["before"]), _pct(f["after"])] for f in diff["focus_areas"]],
        *[[f"gaps: {kind}", n["before"], n["after"]] for kind, n in diff["gaps_by_kind"].items()
          if n["before"] or n["after"]],
    ])
    columns = ["severity", "kind", "subject", "reason"]
    opened = Section(f"Gaps opened ({len(diff['opened'])})", columns, _gap_rows(diff["opened"]))
    closed = Section(f"Gaps closed ({len(diff['closed'])})", columns, _gap_rows(diff["closed"]))
    changed = Section(f"Severity changed ({len(diff['changed'])})", ["before", "after", "kind", "subject"],
                      [[g["severity_before"], g["severity_after"], g["kind"], g["subject"]]
                       for g in diff["changed"]])
    segments = Section("Segments whose status changed", ["segment", before, after, "firms"],
                       [[s["id"], s["before"], s["after"], f"{s['firms_before']} → {s['firms_after']}"]
                        for s in diff["segments_changed"]])
    return [coverage, opened, closed, changed, segments]


def whatif_sections(result: dict) -> list[Section]:
    sections = []
    if result["left"]:
        sections.append(Section(f"Leaving {result['region_label']}", ["id", "name", "sites dropped", "sites kept"],
                                [[a["id"], a["label"], a["sites_dropped"], a["sites_kept"]]
                                 for a in result["left"]]))
    if result["scenario"]["cut"]:
        cut = Section(f"Cut off ({', '.join(result['scenario']['cut'])}; mode {result['scenario']['cut_mode']})",
                      ["id", "name", "sites cut", "sites kept"],
                      [[f["id"], f["label"], f["sites_cut"], None] for f in result["cut_off"]]
                      + [[f["id"], f["label"], f["sites_cut"], f["sites_kept"]] for f in result["partly_cut"]],
                      empty="no enterprise is located there")
        if result["partly_cut"]:
            cut.notes.append("firms with sites kept still supply from those sites"
                             if result["scenario"]["cut_mode"] == "all" else
                             "firms with sites kept are the region's own: they only lose their sites there")
        sections.append(cut)
        sections.append(Section(
            "Known suppliers per segment (anywhere in the data)",
            ["segment", "needed here", "covered here", "suppliers", "at home", "lost"],
            [[s["id"], s["needed"], s["covered"], f"{s['suppliers_before']} → {s['suppliers_after']}",
              f"{s['home_before']} → {s['home_after']}", s["lost"]] for s in result["supply"]],
            notes=["needed here: the region lacks it but it feeds a segment the region covers; "
                   "at home: suppliers with a site in the region's country"]))
    return sections + diff_sections(result, "today", "after")


def compare_regions_sections(result: dict) -> list[Section]:
    a, b = result["a_label"], result["b_label"]
    c = result["coverage"]
    coverage = Section("Coverage", ["", a, b], [
        ["leaf segments covered", f"{c['covered_a']} of {c['segments']} ({_pct(c['a'])})",
         f"{c['covered_b']} of {c['segments']} ({_pct(c['b'])})"],
        *[[f["name"], _pct(f["a"]), _pct(f["b"])] for f in result["focus_areas"]],
    ], notes=[f"both cover {result['both']} leaf segments; neither covers {result['neither']}"])
    groups = Section("Coverage by segment group", ["group", "leaves", a, b],
                     [[g["label"], g["leaves"], f"{g['covered_a']} ({_pct(g['a'])})",
                       f"{g['covered_b']} ({_pct(g['b'])})"] for g in result["groups"]])
    only_a = Section(f"Covered in {a}, lacking in {b}", ["segment", "name", f"firms in {a}"],
                     [[s["id"], s["label"], s["firms_a"]] for s in result["only_a"]])
    only_b = Section(f"Covered in {b}, lacking in {a}", ["segment", "name", f"firms in {b}"],
                     [[s["id"], s["label"], s["firms_b"]] for s in result["only_b"]])
    gaps = Section("Gaps by kind", ["kind", a, b],
                   [[kind, n["a"], n["b"]] for kind, n in result["gaps_by_kind"].items()])
    return [coverage, groups, only_a, only_b, gaps]


def compare_years_sections(result: dict) -> list[Section]:
    y1, y2 = str(result["from"]), str(result["to"])
    columns = ["id", "name", "kind", "works in", "since", "until"]
    arrived = Section(f"Arrived between {y1} and {y2} ({len(result['arrived'])})", columns,
                      [[x["id"], x["label"], x["kind"], x["segments"], x["since"], x["until"]]
                       for x in result["arrived"]])
    left = Section(f"Left between {y1} and {y2} ({len(result['left'])})", columns,
                   [[x["id"], x["label"], x["kind"], x["segments"], x["since"], x["until"]] for x in result["left"]])
    arrived.notes.append(f"actors in the region: {result['actors_before']} in {y1}, {result['actors_after']} in {y2}")
    return [arrived, left, *diff_sections(result, y1, y2)]
