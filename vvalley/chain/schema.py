"""The data contract: node kinds, relations, columns, and which kinds a relation may join."""

from __future__ import annotations

from dataclasses import dataclass

NODES_FILE = "chain_nodes.csv"
EDGES_FILE = "chain_edges.csv"

KINDS = ("segment", "focus_area", "enterprise", "institute", "region")
ACTOR_KINDS = ("enterprise", "institute")
# The kinds' Chinese names, as every command and file shows them.
KIND_ZH = {"segment": "环节", "focus_area": "聚焦方向", "enterprise": "企业", "institute": "研究机构", "region": "地区"}
LAYERS = ("upstream", "midstream", "downstream")
CONFIDENCE = ("A", "B", "C", "U")
CONFIDENCE_MEANING = {
    "A": "official / filing",
    "B": "reputable outlet",
    "C": "aggregator / self-media",
    "U": "unverified",
}

ID_PATTERN = r"[a-z0-9][a-z0-9._-]*"
YEAR_MIN, YEAR_MAX = 1800, 2100


@dataclass(frozen=True)
class Relation:
    """A relation: the kinds it may join, and what it means."""

    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    meaning: str
    directed: bool = True
    # A fact about an actor must say where it comes from.
    needs_evidence: bool = False


RELATIONS: dict[str, Relation] = {
    r.name: r
    for r in (
        Relation("part_of", ("segment", "region"), ("segment", "region"),
                 "hierarchy (acyclic): a segment in its group, a region in its parent"),
        Relation("feeds", ("segment",), ("segment",),
                 "the upstream segment's output is an input of the downstream one"),
        Relation("serves", ("segment",), ("focus_area",),
                 "the segment contributes to a focus area"),
        Relation("operates_in", ("enterprise",), ("segment",),
                 "the enterprise makes or sells in that segment", needs_evidence=True),
        Relation("researches", ("institute",), ("segment", "focus_area"),
                 "the institute does research for it", needs_evidence=True),
        Relation("located_in", ACTOR_KINDS, ("region",),
                 "a site (HQ, branch, plant) in that region", needs_evidence=True),
        Relation("supplies", ("enterprise",), ("enterprise",),
                 "known supply tie", needs_evidence=True),
        Relation("partners_with", ACTOR_KINDS, ("enterprise",),
                 "joint lab, cooperation (undirected)", directed=False, needs_evidence=True),
        Relation("subsidiary_of", ("enterprise",), ("enterprise",),
                 "group structure", needs_evidence=True),
    )
}


@dataclass(frozen=True)
class Column:
    """One column of a data file."""

    name: str
    type: str  # Frictionless field type: string, integer, number
    required: bool
    description: str
    choices: tuple[str, ...] = ()
    pattern: str = ""


NODE_COLUMNS: tuple[Column, ...] = (
    Column("id", "string", True, "unique, stable id, e.g. seg.chips.cis, ent.shining3d", pattern=ID_PATTERN),
    Column("kind", "string", True, "what the node is", choices=KINDS),
    Column("name", "string", True, "English display name"),
    Column("name_zh", "string", False, "Chinese name"),
    Column("layer", "string", False, "chain layer; required for segments", choices=LAYERS),
    Column("description", "string", False, "one line"),
    Column("since", "integer", False, "first year the node exists (founded); empty = always"),
    Column("until", "integer", False, "last year the node exists (closed); empty = still"),
    Column("evidence", "string", False, "source of the facts (URL or document, with date); required for enterprises and institutes"),
    Column("confidence", "string", False, "A official/filing, B reputable outlet, C aggregator/self-media, U unverified", choices=CONFIDENCE),
)

EDGE_COLUMNS: tuple[Column, ...] = (
    Column("source", "string", True, "node id the edge starts at", pattern=ID_PATTERN),
    Column("target", "string", True, "node id the edge ends at", pattern=ID_PATTERN),
    Column("relation", "string", True, "what the edge says", choices=tuple(RELATIONS)),
    Column("since", "integer", False, "first year the relation holds; empty = always"),
    Column("until", "integer", False, "last year the relation holds; empty = still"),
    Column("evidence", "string", False, "source of the fact; required for facts about actors"),
    Column("confidence", "string", False, "A official/filing, B reputable outlet, C aggregator/self-media, U unverified", choices=CONFIDENCE),
    Column("weight", "number", False, "strength, e.g. share of a supply; default 1"),
)

# The gap kinds of DESIGN.md and their Chinese names, in the order reports list them.
GAP_KINDS: dict[str, str] = {
    "missing_segment": "缺链",
    "weak_segment": "弱链",
    "broken_link": "断链",
    "unlinked": "待对接",
    "research_gap": "创新空白",
    "unabsorbed_research": "成果未转化",
    "foreign_dependency": "卡脖子",
}

NODE_COLUMN_NAMES = tuple(c.name for c in NODE_COLUMNS)
EDGE_COLUMN_NAMES = tuple(c.name for c in EDGE_COLUMNS)
YEAR_COLUMNS = ("since", "until")
