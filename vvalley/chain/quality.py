"""How much the data says: relations that are empty or thin, and feeds cycles (plain data, for validate and the report)."""

from __future__ import annotations

# A relation is thin when fewer than this share of the nodes that could take part in it do.
THIN_SHARE = 0.25

# relation -> (the kind whose nodes should take part, as source or target, and what the gap engine rests on it)
WATCHED = {
    "operates_in": ("enterprise", "coverage of every segment (缺链 / 弱链)",
                    "企业所属环节：缺链、弱链的依据"),
    "located_in": ("actor", "which actors are the region's",
                   "企业和机构的所在地：本区主体的依据"),
    "feeds": ("segment", "links between segments (断链 / 待对接)",
              "环节之间的上下游：断链、待对接的依据"),
    "supplies": ("enterprise", "supply ties between firms (待对接)",
                 "企业之间的供应关系：待对接的依据"),
    "researches": ("institute", "what institutes research (创新空白 / 成果未转化)",
                   "院所的研究方向：创新空白、成果未转化的依据"),
}


def relation_quality(chain) -> list[dict]:
    """For each relation the gap engine rests on: how many edges, how many of the nodes that could
    take part do, and a status: "empty" (no edge), "thin" (under THIN_SHARE of them take part) or
    "ok". Rows {"relation", "edges", "participants", "possible", "share", "status", "used_for",
    "used_for_zh"}, in WATCHED order. Institutes and enterprises missing altogether are reported
    as empty relations (researches, supplies) with possible 0.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from vvalley.chain.columns import strings

    kinds = chain.nodes["kind"]
    rows = []
    for relation, (kind, used_for, used_for_zh) in WATCHED.items():
        pairs = chain.pairs(relation)  # two Arrow columns (a stored chain's are read from its file)
        if kind == "actor":
            possible_ids = chain.nodes.index[kinds.isin(("enterprise", "institute"))]
        else:
            possible_ids = chain.ids(kind)
        participants = 0
        if pairs.num_rows and len(possible_ids):
            ends = pc.unique(pa.chunked_array([*pairs["source"].cast(pa.large_string()).chunks,
                                               *pairs["target"].cast(pa.large_string()).chunks],
                                              type=pa.large_string()))
            possible_set = pc.unique(strings(possible_ids).cast(pa.large_string()))
            participants = int(pc.sum(pc.is_in(ends, value_set=possible_set)).as_py() or 0)
        possible = len(possible_ids)
        share = round(participants / possible, 4) if possible else 0.0
        status = "empty" if pairs.num_rows == 0 else "thin" if share < THIN_SHARE else "ok"
        rows.append({"relation": relation, "edges": int(pairs.num_rows), "participants": participants,
                     "possible": possible, "share": share, "status": status,
                     "used_for": used_for, "used_for_zh": used_for_zh})
    return rows


def feeds_cycles(chain) -> list[list[str]]:
    """The strongly connected groups of segments over feeds (read through the hierarchy, as the gap
    engine reads them), each sorted, largest first."""
    from vvalley.analysis.coverage import Template  # the engine's reading of feeds, not a second one

    return [list(group) for group in Template.of(chain).cyclic_groups]


def quality(chain) -> dict:
    """{"relations": relation_quality, "cycles": feeds_cycles, "warnings": [{"text", "text_zh"}]}:
    what validate prints as warnings (never errors) and the report shows."""
    relations = relation_quality(chain)
    cycles = feeds_cycles(chain)
    warnings = []
    for row in relations:
        if row["status"] == "ok":
            continue
        if row["status"] == "empty":
            text = f"{row['relation']} is empty: no {row['relation']} edge in the data, so {row['used_for']} cannot be judged"
            text_zh = f"{row['relation']} 无数据：数据中没有任何该关系，{row['used_for_zh']}无法判断"
        else:
            text = (f"{row['relation']} is thin: {row['participants']} of {row['possible']} possible nodes "
                    f"({row['share']:.0%}) take part; {row['used_for']} rests on it")
            text_zh = (f"{row['relation']} 数据稀少：{row['possible']} 个可能的节点中只有 {row['participants']} 个"
                       f"（{row['share']:.0%}）有该关系；{row['used_for_zh']}")
        warnings.append({"relation": row["relation"], "text": text, "text_zh": text_zh})
    names = dict(zip(chain.nodes.index, chain.nodes["name_zh"].where(chain.nodes["name_zh"] != "",
                                                                        chain.nodes["name"])))
    english = dict(zip(chain.nodes.index, chain.nodes["name"]))
    for group in cycles:
        shown = "、".join(names.get(s, s) for s in group[:4]) + ("等" if len(group) > 4 else "")
        warnings.append({"relation": "feeds",
                         "text": f"feeds cycle of {len(group)} segments ({', '.join(english.get(s, s) for s in group[:4])}"
                                 f"{' …' if len(group) > 4 else ''}): counted as one group for reach",
                         "text_zh": f"上下游闭环：{shown}共 {len(group)} 个环节互为上下游，计算下游时合并为一组"})
    return {"relations": relations, "cycles": cycles, "warnings": warnings}
