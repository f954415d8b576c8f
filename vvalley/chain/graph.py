"""networkx graphs built from the chain's tables: the whole chain, and its segment template."""

from __future__ import annotations

import networkx as nx
import pandas as pd

TEMPLATE_RELATIONS = ("part_of", "feeds", "serves")


def _attrs(row: dict) -> dict:
    """Attributes without empties, with plain Python values."""
    out = {}
    for key, value in row.items():
        if value is None or value is pd.NA or value == "" or (isinstance(value, float) and value != value):
            continue
        out[key] = value.item() if hasattr(value, "item") else value
    return out


def to_networkx(chain, nodes: pd.Index | None = None) -> nx.MultiDiGraph:
    """The chain (or the part of it on `nodes`) as a MultiDiGraph with typed nodes and edges.

    Each node carries its columns (kind, name, …); each edge carries `relation` and its
    columns, keyed by relation. partners_with is undirected in meaning: it is stored once,
    in the direction it was written.
    """
    node_table = chain.nodes if nodes is None else chain.nodes.loc[chain.nodes.index.intersection(nodes)]
    edges = chain.edges
    if nodes is not None:
        edges = edges[edges["source"].isin(node_table.index) & edges["target"].isin(node_table.index)]
    graph = nx.MultiDiGraph(as_of=chain.as_of)
    graph.add_nodes_from((node_id, _attrs(row)) for node_id, row in zip(node_table.index, node_table.to_dict("records")))
    graph.add_edges_from(
        (row["source"], row["target"], row["relation"], _attrs({k: v for k, v in row.items() if k not in ("source", "target")}))
        for row in edges.to_dict("records"))
    return graph


def template_graph(chain) -> nx.DiGraph:
    """The chain template: segments and focus areas joined by part_of, feeds and serves."""
    kinds = chain.nodes["kind"]
    template = chain.nodes.index[kinds.isin(("segment", "focus_area"))]
    graph = nx.DiGraph()
    graph.add_nodes_from((node_id, _attrs(row)) for node_id, row in
                         zip(template, chain.nodes.loc[template].to_dict("records")))
    for relation in TEMPLATE_RELATIONS:
        table = chain.relation(relation)
        table = table[table["source"].isin(template) & table["target"].isin(template)]
        graph.add_edges_from((s, t, {"relation": relation}) for s, t in zip(table["source"], table["target"]))
    return graph
