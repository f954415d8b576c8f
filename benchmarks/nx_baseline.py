"""The gap set computed the straightforward way: a networkx MultiDiGraph of the whole chain, then walks.

This is how a competent engineer would first write it with networkx: build the graph from the
tables (vvalley.chain.graph.to_networkx, keyed by relation), then walk each segment's neighbourhood.
It computes which gaps exist (kind, subject, side), the part every kind shares; severity and
candidates are left out, which flatters the baseline.
"""

from __future__ import annotations

import networkx as nx

from vvalley.chain.graph import to_networkx


def _in(graph, node, relation):
    return [u for u, _, key in graph.in_edges(node, keys=True) if key == relation]


def _out(graph, node, relation):
    return [v for _, v, key in graph.out_edges(node, keys=True) if key == relation]


def gap_set(chain, region: str, min_suppliers: int = 2) -> set[tuple[str, str, str | None]]:
    graph = build(chain)
    return walk(graph, region, min_suppliers)


def build(chain) -> nx.MultiDiGraph:
    return to_networkx(chain)


def walk(graph: nx.MultiDiGraph, region: str, min_suppliers: int = 2) -> set[tuple[str, str, str | None]]:
    kind = nx.get_node_attributes(graph, "kind")

    # The region and everything below it.
    regions, stack = set(), [region]
    while stack:
        r = stack.pop()
        regions.add(r)
        stack.extend(_in(graph, r, "part_of"))
    actors = {a for r in regions for a in _in(graph, r, "located_in")}
    firms = {a for a in actors if kind.get(a) == "enterprise"}
    institutes = {a for a in actors if kind.get(a) == "institute"}

    segments = sorted(n for n, k in kind.items() if k == "segment")

    def children(s):
        return [c for c in _in(graph, s, "part_of") if kind.get(c) == "segment"]

    def subtree(s):
        out, todo = [], [s]
        while todo:
            x = todo.pop()
            out.append(x)
            todo.extend(children(x))
        return out

    def lineage(s):
        out = [s]
        while True:
            parents = [p for p in _out(graph, out[-1], "part_of") if kind.get(p) == "segment"]
            if not parents or parents[0] in out:
                return out
            out.append(parents[0])

    leaves = [s for s in segments if not children(s)]
    local_firms = {s: {f for x in subtree(s) for f in _in(graph, x, "operates_in") if f in firms} for s in segments}
    covered = {s: len(local_firms[s]) > 0 for s in segments}
    feeds = sorted({(a, b) for a in segments for b in _out(graph, a, "feeds") if kind.get(b) == "segment" and a != b})

    gaps = set()
    for leaf in leaves:
        n = len(local_firms[leaf])
        if n == 0:
            gaps.add(("missing_segment", leaf, None))
        elif n < min_suppliers:
            gaps.add(("weak_segment", leaf, None))

    for a, b in feeds:
        if covered[a] != covered[b]:
            gaps.add(("broken_link", f"{a}->{b}", "upstream" if covered[b] else "downstream"))
        elif covered[a]:
            ties = [t for s in local_firms[a] for t in _out(graph, s, "supplies") if t in local_firms[b]]
            if not ties:
                gaps.add(("unlinked", f"{a}->{b}", None))

    for leaf in leaves:
        line = lineage(leaf)
        focus = {f for s in line for f in _out(graph, s, "serves")}
        researchers = {i for s in [*line, *focus] for i in _in(graph, s, "researches") if i in institutes}
        direct = {i for s in line for i in _in(graph, s, "researches") if i in institutes}
        if covered[leaf] and not researchers:
            gaps.add(("research_gap", leaf, None))
        if direct and not covered[leaf]:
            gaps.add(("unabsorbed_research", leaf, None))

    country = lineage_region(graph, region)[-1]
    leaf_set = set(leaves)
    for leaf in leaves:
        if covered[leaf]:
            continue
        fed = {y for a, b in feeds if a in lineage(leaf) for y in subtree(b) if y in leaf_set and y != leaf}
        if not any(covered[y] for y in fed):
            continue
        suppliers = _in(graph, leaf, "operates_in")
        if not suppliers:
            continue
        home = False
        for firm in suppliers:
            sites = _out(graph, firm, "located_in")
            if not sites or any(lineage_region(graph, r)[-1] == country for r in sites):
                home = True
                break
        if not home:
            gaps.add(("foreign_dependency", leaf, None))
    return gaps


def lineage_region(graph, region):
    out = [region]
    while True:
        parents = _out(graph, out[-1], "part_of")
        if not parents or parents[0] in out:
            return out
        out.append(parents[0])
