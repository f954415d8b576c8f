"""The results of query, what-if and compare laid out as titled tables (Sections) for people."""

from __future__ import annotations

from .tables import Section

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
        sections.append(Section("Gaps on it", ["kind", "subject", "severity", "reason"],
                                [[g["kind"], g["subject"], g["severity"], g["reason"]] for g in info["gaps"]]))
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
