"""Follow-up questions on one node: its facts and neighbours, a segment's firms, value-chain paths, fill candidates."""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd

from vvalley.analysis.coverage import Footing, Template
from vvalley.chain.schema import CONFIDENCE_MEANING, KIND_ZH, RELATIONS

RELATION_ORDER = {name: i for i, name in enumerate(RELATIONS)}
PATH_ENDPOINT_KINDS = ("segment", "enterprise", "institute", "focus_area")
# How many equally short paths to look at before cutting to `limit`, so ties are ordered
# by id rather than by networkx's search order; bounds the work on dense templates.
_TIE_WINDOW = 200


def _plain(value):
    if value is None or value is pd.NA or value == "" or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _ref(chain, node_id: str) -> dict:
    """A node as shown next to another: id, kind, English and Chinese names."""
    return {"id": node_id, "kind": chain.kind_of(node_id), "name": str(chain.nodes.at[node_id, "name"]),
            "name_zh": str(chain.nodes.at[node_id, "name_zh"]) or None, "label": chain.label(node_id)}


# ---- node -----------------------------------------------------------------------------

def node_info(chain, node_id: str) -> dict:
    """One node: its attributes, evidence and confidence, and every edge at it.

    Returns {"node": {id, kind, name, name_zh, label}, "attributes": {column: value} (empties
    left out), "evidence", "confidence", "confidence_meaning", "neighbours": [...]}. Each
    neighbour is {relation, direction, id, kind, name, name_zh, label, since, until, evidence,
    confidence, weight}; direction is "out" (this node is the source), "in", or "both" for
    undirected relations (partners_with). Sorted by relation (schema order), direction, id.
    """
    attributes = {k: v for k, v in chain.node(node_id).items() if v is not None and k != "id"}
    edges = chain.edges[(chain.edges["source"] == node_id) | (chain.edges["target"] == node_id)]
    neighbours = []
    for row in edges.to_dict("records"):
        relation = str(row["relation"])
        outgoing = row["source"] == node_id
        other = row["target"] if outgoing else row["source"]
        direction = "both" if not RELATIONS[relation].directed else ("out" if outgoing else "in")
        neighbours.append({
            "relation": relation, "direction": direction, **_ref(chain, other),
            **{k: _plain(row[k]) for k in ("since", "until", "evidence", "confidence", "weight")}})
    neighbours.sort(key=lambda n: (RELATION_ORDER[n["relation"]], n["direction"], n["id"]))
    confidence = attributes.get("confidence")
    return {"node": _ref(chain, node_id), "attributes": attributes,
            "evidence": attributes.get("evidence"), "confidence": confidence,
            "confidence_meaning": CONFIDENCE_MEANING.get(confidence) if confidence else None,
            "neighbours": neighbours}


# ---- segment ----------------------------------------------------------------------------

def segment_info(chain, segment_id: str, region: str, gap_report=None) -> dict:
    """A segment seen from a region: who is in it here and elsewhere, what feeds it, who researches it.

    The segment counts with every segment below it (a group such as seg.chips covers its
    leaves). Returns {"segment", "region", "layer", "parent", "children", "local_firms",
    "outside_firms", "upstream", "downstream", "institutes"}:
    - firms: {id, name, name_zh, label, segments (which of this scope it operates in),
      regions (its located_in regions), countries}; local ones sit in the region or below it;
    - upstream / downstream: leaf segments joined to this scope by feeds (read through the
      hierarchy, as the gap engine reads them), each with `local_firms` (the region's firms in it);
    - institutes: {id, …, researches (targets in scope), local (bool), regions};
    - gaps (only with `gap_report`, the region's): {kind, subject, side, severity, reason} of the
      gaps on this scope (a link counts when either end is in it).
    """
    region = chain.resolve(region, kinds=("region",))
    scope = chain.descendants(segment_id)
    local_actors = set(chain.region_actors(region))
    operates = chain.relation("operates_in")
    operates = operates[operates["target"].isin(scope)]
    researches = chain.relation("researches")
    researches = researches[researches["target"].isin(scope)]
    located = chain.actor_regions()
    # Only the actors of this segment: a national table has a million others.
    located = located[located["actor"].isin(operates["source"]) | located["actor"].isin(researches["source"])]
    regions_of = located.groupby("actor")["region"].agg(lambda s: sorted(set(s))).to_dict()
    countries_of = located.groupby("actor")["country"].agg(lambda s: sorted(set(s))).to_dict()

    firms = operates.groupby("source")["target"].agg(lambda s: sorted(set(s))).to_dict()
    local_firms, outside_firms = [], []
    def labels(ids) -> list[str]:
        return [chain.label(i) for i in ids]

    for firm in sorted(firms):
        entry = {**_ref(chain, firm), "segments": firms[firm], "regions": regions_of.get(firm, []),
                 "countries": countries_of.get(firm, []), "segment_labels": labels(firms[firm]),
                 "region_labels": labels(regions_of.get(firm, [])),
                 "country_labels": labels(countries_of.get(firm, []))}
        (local_firms if firm in local_actors else outside_firms).append(entry)

    template = Template.of(chain)
    firms_here = Footing.of(chain, region, template).firms_per_segment
    # feeds read through the hierarchy, as the gap engine reads them (a group's feeds hold for its leaves).
    leaves = set(scope)
    upstream = {a for a, b in template.leaf_feeds if b in leaves and a not in leaves}
    downstream = {b for a, b in template.leaf_feeds if a in leaves and b not in leaves}

    def linked(ids) -> list[dict]:
        return [{**_ref(chain, s), "layer": str(chain.nodes.at[s, "layer"]) or None,
                 "local_firms": firms_here.get(s, 0)} for s in sorted(set(ids))]

    by_institute = researches.groupby("source")["target"].agg(lambda s: sorted(set(s))).to_dict()
    institutes = [{**_ref(chain, i), "researches": by_institute[i], "local": i in local_actors,
                   "regions": regions_of.get(i, []), "research_labels": labels(by_institute[i]),
                   "region_labels": labels(regions_of.get(i, []))} for i in sorted(by_institute)]
    # Local institutes first: they are the region's own innovation engine.
    institutes.sort(key=lambda i: (not i["local"], i["id"]))
    parent = chain.parent.get(segment_id)
    extra = {}
    if gap_report is not None:
        inside = set(scope)
        extra["gaps"] = [{"kind": g.kind, "subject": g.subject, "side": g.side, "severity": g.severity,
                          "reason": g.reason, "reason_zh": g.reason_zh,
                          "label": " → ".join(chain.label(p) for p in g.subject.split("->"))}
                         for g in gap_report.gaps if inside & set(g.subject.split("->"))]
    return {"segment": _ref(chain, segment_id), "region": _ref(chain, region),
            "layer": str(chain.nodes.at[segment_id, "layer"]) or None,
            "parent": _ref(chain, parent) if parent else None,
            "children": [_ref(chain, c) for c in chain.children.get(segment_id, [])],
            "local_firms": local_firms, "outside_firms": outside_firms,
            "upstream": linked(upstream), "downstream": linked(downstream),
            "institutes": institutes, **extra}


# ---- paths --------------------------------------------------------------------------------

def endpoint_segments(chain, node_id: str, template: Template | None = None) -> list[str]:
    """The leaf segments a path endpoint stands for, sorted.

    A segment stands for its leaves (itself when it is a leaf), an enterprise for the
    segments it operates_in, an institute for the segments it researches, a focus area for
    the segments that serve it (each of those read down to its leaves).
    """
    template = template or Template.of(chain)
    kind = chain.kind_of(node_id)
    if kind == "segment":
        units = [node_id]
    elif kind == "focus_area":
        return template.focus_leaves(node_id)
    elif kind in ("enterprise", "institute"):
        table = chain.relation("operates_in" if kind == "enterprise" else "researches")
        units = [t for t in table.loc[table["source"] == node_id, "target"] if t in template.subtree]
    else:
        from vvalley.chain.problems import InputProblem

        raise InputProblem(f"{node_id} is a {kind}; a path runs between segments, enterprises, "
                           "institutes or focus areas",
                           f"{node_id} 是{KIND_ZH.get(kind, kind)}；路径只能在环节、企业、研究机构或聚焦方向之间")
    leaves = set(template.leaves)
    return sorted({s for unit in units for s in template.subtree[unit] if s in leaves})


def feeds_graph(template: Template) -> nx.DiGraph:
    """The leaf segments joined by feeds (read through the hierarchy), in sorted order."""
    graph = nx.DiGraph()
    graph.add_nodes_from(template.leaves)
    graph.add_edges_from(sorted(template.leaf_feeds))
    return graph


def value_paths(chain, start: str, end: str, limit: int = 5) -> dict:
    """The shortest value-chain paths between `start` and `end` over feeds (a few, stable order).

    `start` and `end` are segments, enterprises, institutes or focus areas (see
    endpoint_segments). Paths run downstream, start → end; when there is none, the paths
    end → start are given instead and `direction` says "upstream". Every path lists its
    segments upstream first. Returns {"from", "to", "from_segments", "to_segments",
    "direction" ("downstream"|"upstream"|"same"|None), "paths": [{"segments", "labels",
    "links"}]}: fewest links first, then by ids; at most `limit`. When both stand for a
    common segment, the paths are those segments, zero links each ("same").
    """
    template = Template.of(chain)
    from_segments = endpoint_segments(chain, start, template)
    to_segments = endpoint_segments(chain, end, template)
    result = {"from": _ref(chain, start), "to": _ref(chain, end),
              "from_segments": from_segments, "to_segments": to_segments,
              "direction": None, "paths": []}
    shared = sorted(set(from_segments) & set(to_segments))
    if shared:
        result["direction"] = "same"
        result["paths"] = [_path(chain, [s]) for s in shared[:limit]]
        return result
    graph = feeds_graph(template)
    for direction, sources, targets in (("downstream", from_segments, to_segments),
                                        ("upstream", to_segments, from_segments)):
        paths = _shortest_paths(graph, sources, targets, limit)
        if paths:
            result["direction"] = direction
            result["paths"] = [_path(chain, p) for p in paths]
            break
    return result


def _path(chain, segments: list[str]) -> dict:
    return {"segments": segments, "labels": [chain.label(s) for s in segments], "links": len(segments) - 1}


def _shortest_paths(graph: nx.DiGraph, sources: list[str], targets: list[str], limit: int) -> list[list[str]]:
    """Up to `limit` shortest simple paths from any source to any target, ties by ids."""
    if not sources or not targets or limit <= 0:
        return []
    work = graph.copy()
    # A virtual start and end turn "any of these to any of those" into one search.
    begin, finish = ("__from__",), ("__to__",)
    work.add_edges_from((begin, s) for s in sources)
    work.add_edges_from((t, finish) for t in targets)
    source_set, target_set = set(sources), set(targets)
    found: list[list[str]] = []
    try:
        for path in itertools.islice(nx.shortest_simple_paths(work, begin, finish), _TIE_WINDOW):
            inner = path[1:-1]
            if len(found) >= limit and len(inner) > len(found[limit - 1]):
                break
            # A path through another endpoint segment is a longer form of a shorter one.
            if source_set & set(inner[1:]) or target_set & set(inner[:-1]):
                continue
            found.append(inner)
    except nx.NetworkXNoPath:
        return []
    found.sort(key=lambda p: (len(p), p))
    return found[:limit]


# ---- fill candidates ------------------------------------------------------------------------

def fill_candidates(chain, segment_id: str, region: str, top: int = 10, min_suppliers: int = 2) -> dict:
    """Enterprises outside `region` that could fill `segment_id`, ranked by the gap engine's score.

    The ranking is vvalley.analysis.candidates.rank, the one `gaps` uses. Returns {"segment",
    "region", "local_firms" (the region's firms in it), "candidates": [{id, label, score,
    why, components: {ties, proximity, fit}}], "gaps": the gaps on this segment (kind,
    subject, severity, reason), "score_formula"}.
    """
    from vvalley.analysis import candidates as ranking
    from vvalley.analysis.gaps import analyse

    template = Template.of(chain)
    if segment_id not in template.subtree:
        from vvalley.chain.problems import InputProblem

        raise InputProblem(f"{segment_id} is not a segment", f"{segment_id} 不是环节")
    region = chain.resolve(region, kinds=("region",))
    footing = Footing.of(chain, region, template)
    ranked = ranking.rank(chain, template, footing, [segment_id], top)[segment_id]
    report = analyse(chain, region, min_suppliers=min_suppliers, top=0)
    scope = set(template.subtree[segment_id])
    gaps = [{"kind": g.kind, "subject": g.subject, "severity": g.severity, "reason": g.reason}
            for g in report.gaps if g.subject.split("->")[0] in scope
            and (g.kind in ("missing_segment", "weak_segment", "foreign_dependency")
                 or (g.kind == "broken_link" and g.side == "upstream"))]
    formula = (f"score = {ranking.WEIGHT_TIES}·ties/{ranking.TIES_FULL} (capped) + "
               f"{ranking.WEIGHT_PROXIMITY}·proximity + {ranking.WEIGHT_FIT}·fit")
    return {"segment": _ref(chain, segment_id), "region": _ref(chain, region),
            "local_firms": footing.firms_in.get(segment_id, []),
            "candidates": [{**c.to_dict(), "label": chain.label(c.id)} for c in ranked],
            "gaps": gaps, "score_formula": formula}
