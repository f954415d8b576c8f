"""Which nodes and edges each view of the map draws (chain, full, ego), and the grouping of actors past a size."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vvalley.chain.columns import isin
from vvalley.chain.schema import ACTOR_KINDS
from vvalley.render.layout import OTHER, template_columns

VIEWS = ("chain", "full", "ego")
TEMPLATE_KINDS = ("segment", "focus_area")
TEMPLATE_RELATIONS = ("part_of", "feeds", "serves")
# What ties an actor to the segment it is drawn beside.
ANCHOR_RELATIONS = {"enterprise": "operates_in", "institute": "researches"}
# The full view draws the chain among actors; where they sit is the legend's business, not an edge.
FULL_RELATIONS = (*TEMPLATE_RELATIONS, "operates_in", "researches", "supplies", "partners_with", "subsidiary_of")
MAX_ACTORS = 2000
EDGE_COLUMNS = ["source", "target", "relation", "since", "until", "evidence", "confidence", "weight"]


@dataclass
class Selection:
    """The drawn part of the chain: node ids by role, the edges among them, and aggregate groups."""

    view: str
    template: list[str]
    actors: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    # One row per aggregate node: id, kind, anchor, count, sample (a few member names).
    groups: list[dict] = field(default_factory=list)
    # The template node each actor or group is drawn beside (OTHER when it has none on the map).
    anchor: dict[str, str] = field(default_factory=dict)
    edges: pd.DataFrame | None = None
    columns: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    focus: str | None = None
    notes: list[str] = field(default_factory=list)


def select(chain, region: str, view: str = "chain", focus: str | None = None, depth: int = 2,
           max_actors: int = MAX_ACTORS) -> Selection:
    """The nodes and edges `view` draws of `chain` for `region`."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; expected one of {', '.join(VIEWS)}")
    if view == "ego":
        if focus is None:
            raise ValueError("the ego view needs a focus node")
        return _ego(chain, focus, depth, max_actors)
    template = list(chain.nodes.index[chain.nodes["kind"].isin(TEMPLATE_KINDS)])
    selection = Selection(view, template, columns=template_columns(chain, template))
    if view == "chain":
        selection.edges = _edges_among(chain, set(template), TEMPLATE_RELATIONS)
        return selection
    actors = list(chain.region_actors(region))
    if len(actors) <= max_actors:
        selection.actors = actors
        selection.anchor = _anchors(chain, actors, selection.columns)
        selection.edges = _edges_among(chain, set(template) | set(actors), FULL_RELATIONS)
        return selection
    selection.edges = _edges_among(chain, set(template), TEMPLATE_RELATIONS)
    selection.groups = _groups(chain, actors, set(template))
    selection.anchor = {g["id"]: g["anchor"] for g in selection.groups}
    selection.notes.append({
        "zh": f"本地区有 {len(actors)} 家企业和机构，多于 {max_actors}：按环节和类别各画成一个点，单家之间的关系不画。",
        "en": f"{len(actors)} actors of the region are more than {max_actors}: they are drawn as one node "
              "per segment and kind; ties between single actors are not drawn."})
    return selection


def _edges_among(chain, drawn: set[str], relations) -> pd.DataFrame:
    """Edges of `relations` whose two ends are drawn; one per (source, target, relation), sorted."""
    edges = chain.edges
    edges = edges[edges["relation"].isin(relations) & isin(edges["source"], drawn) & isin(edges["target"], drawn)]
    edges = edges[EDGE_COLUMNS].astype({"relation": str})
    edges = edges.sort_values(["relation", "source", "target", "since"], na_position="first", kind="stable")
    return edges.drop_duplicates(["source", "target", "relation"]).reset_index(drop=True)


def _order(columns: dict[str, list[tuple[str, int]]]) -> dict[str, int]:
    """The reading order of the drawn template nodes."""
    return {node_id: i for i, node_id in enumerate(n for rows in columns.values() for n, _ in rows)}


def _anchors(chain, actors: list[str], columns) -> dict[str, str]:
    """Each actor's place: beside the first (in reading order) drawn segment it operates in or researches."""
    order = _order(columns)
    ties = chain.edges[chain.edges["relation"].isin(tuple(ANCHOR_RELATIONS.values()))
                       & isin(chain.edges["source"], actors)]
    ranked = ties.assign(rank=ties["target"].map(order)).dropna(subset=["rank"])
    first = ranked.sort_values(["source", "rank"]).drop_duplicates("source")
    found = dict(zip(first["source"], first["target"]))
    return {actor: found.get(actor, OTHER) for actor in actors}


def _groups(chain, actors: list[str], template: set[str]) -> list[dict]:
    """One aggregate per (segment, kind): the actors tied to that segment; actors with no segment apart.

    An enterprise in two segments counts in both, as it does in the segment's firm count.
    """
    kinds = chain.nodes["kind"].astype(str)
    actor_kinds = kinds.loc[actors]
    ties = []
    for kind, relation in ANCHOR_RELATIONS.items():
        table = chain.relation(relation)
        members = actor_kinds.index[actor_kinds == kind]
        table = table[isin(table["source"], members) & isin(table["target"], template)]
        ties.append(pd.DataFrame({"actor": table["source"], "anchor": table["target"], "kind": kind}))
    ties = pd.concat(ties, ignore_index=True).drop_duplicates(["actor", "anchor"])
    loose = actor_kinds[~isin(actor_kinds.index.to_series(), ties["actor"])]
    ties = pd.concat([ties, pd.DataFrame({"actor": loose.index, "anchor": OTHER, "kind": loose.values})],
                     ignore_index=True)
    ties["name"] = ties["actor"].map(chain.nodes["name"])
    ties = ties.sort_values(["anchor", "kind", "name", "actor"], kind="stable")
    groups = []
    for (anchor, kind), members in ties.groupby(["anchor", "kind"], sort=True):
        groups.append({"id": f"~group:{kind}:{anchor}", "kind": kind, "anchor": anchor,
                       "count": int(len(members)), "sample": members["name"].head(12).tolist()})
    return groups


def _ego(chain, focus: str, depth: int, max_nodes: int) -> Selection:
    """The focus node and everything within `depth` edges of it (either direction, any relation)."""
    edges = chain.edges
    distance = {focus: 0}
    frontier = {focus}
    for step in range(1, max(depth, 0) + 1):
        reached = set(edges["target"][isin(edges["source"], frontier)]) | set(edges["source"][isin(edges["target"], frontier)])
        frontier = reached - distance.keys()
        if not frontier:
            break
        distance.update(dict.fromkeys(frontier, step))
    notes = []
    if len(distance) > max_nodes:
        kept = sorted(distance, key=lambda n: (distance[n], n))[:max_nodes]
        notes.append({"zh": f"{depth} 步以内的 {len(distance)} 个节点中有 {len(distance) - max_nodes} 个未画出"
                            f"（只画最近的 {max_nodes} 个）。",
                      "en": f"{len(distance) - max_nodes} of {len(distance)} nodes within depth {depth} are not drawn "
                            f"(the nearest {max_nodes} are)."})
        distance = {n: distance[n] for n in kept}
    # Reached nodes come out of sets: put them back in data-file order so the page does not depend on hashing.
    reached = chain.nodes.index[np.sort(chain.nodes.index.get_indexer(list(distance)))]
    kinds = chain.nodes["kind"].astype(str).loc[reached]
    template = list(kinds.index[kinds.isin(TEMPLATE_KINDS)])
    actors = sorted(kinds.index[kinds.isin(ACTOR_KINDS)])
    regions = sorted(kinds.index[kinds == "region"])
    columns = template_columns(chain, template)
    selection = Selection("ego", template, actors, regions, columns=columns, focus=focus, notes=notes)
    selection.anchor = _anchors(chain, actors, columns)
    selection.edges = _edges_among(chain, set(distance), tuple(chain.edges["relation"].cat.categories))
    return selection
