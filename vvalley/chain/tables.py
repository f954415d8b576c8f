"""A validated Chain as two Arrow tables and back, with exactly the dtypes load_chain gives."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa

from vvalley.chain.model import Chain
from vvalley.chain.schema import EDGE_COLUMN_NAMES, NODE_COLUMN_NAMES, YEAR_COLUMNS

# Bump when the stored shape changes: stored tables of another format are not read.
FORMAT = 2


def to_arrow(chain: Chain) -> tuple[pa.Table, pa.Table, dict]:
    """The node table (id as its first column), the edge table, and what Arrow cannot say."""
    nodes = chain.nodes.reset_index()
    nodes["kind"] = nodes["kind"].astype(str)
    edges = chain.edges.copy()
    edges["relation"] = edges["relation"].astype(str)
    meta = {"format": FORMAT, "extra_node_columns": list(chain.extra_node_columns),
            "extra_edge_columns": list(chain.extra_edge_columns)}
    return (pa.Table.from_pandas(nodes, preserve_index=False), pa.Table.from_pandas(edges, preserve_index=False),
            meta)


def from_arrow(nodes: pa.Table, edges: pa.Table | None, meta: dict, store=None) -> Chain:
    """The Chain the tables of `to_arrow` came from (its edges left in `store` when `edges` is None)."""
    extra_nodes = tuple(meta["extra_node_columns"])
    extra_edges = tuple(meta["extra_edge_columns"])
    node_frame = _frame(nodes)[list(NODE_COLUMN_NAMES) + list(extra_nodes)].set_index("id")
    node_frame.index.name = "id"
    node_frame["kind"] = node_frame["kind"].astype("category")
    edge_frame = None if edges is None else edges_frame(edges, extra_edges)
    return Chain(node_frame, edge_frame, None, extra_nodes, extra_edges, store=store)


def edges_frame(edges: pa.Table, extra_edges: tuple[str, ...], categories: bool = True) -> pd.DataFrame:
    """The edge table of `to_arrow` (or some of its rows) as load_chain gives it."""
    edge_frame = _frame(edges)[list(EDGE_COLUMN_NAMES) + list(extra_edges)]
    if categories:
        edge_frame["relation"] = edge_frame["relation"].astype("category")
    edge_frame["weight"] = edge_frame["weight"].astype(float)
    return edge_frame


def _frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    for column in frame.columns:
        if column in YEAR_COLUMNS:
            frame[column] = frame[column].astype("Int64")
        elif column != "weight":
            frame[column] = frame[column].astype(str)
    return frame


def meta_json(meta: dict) -> str:
    return json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=1)
