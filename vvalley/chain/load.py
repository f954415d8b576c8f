"""CSV files → validated Chain: every problem collected with file, line and column, raised once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from vvalley.chain.checks import check_edges, check_nodes
from vvalley.chain.csvfile import LINE_COLUMN, Table, TableError, read_table
from vvalley.chain.model import Chain
from vvalley.chain.problems import DataError, Problem
from vvalley.chain.schema import EDGE_COLUMNS, EDGES_FILE, NODE_COLUMNS, NODES_FILE

__all__ = ["DataError", "Problem", "load_chain", "validate"]


def load_chain(data_dir: Path | str, cache: bool | None = None) -> Chain:
    """Read and validate chain_nodes.csv and chain_edges.csv in `data_dir` (or read a .duckdb file
    written by `vvalley ingest`).

    Raises DataError listing every problem found, each with file, line and column. Data that passed
    is kept in the cache (vvalley.chain.ingest) keyed by the files' content, so the next load of the
    same bytes skips parsing and checks; `cache` None means on unless VVALLEY_CACHE=off.
    """
    from vvalley.chain import ingest

    data_dir = Path(data_dir)
    if data_dir.suffix == ingest.DUCKDB_SUFFIX and not data_dir.is_dir():
        return ingest.read_duckdb(data_dir)
    key = stamp = None
    if ingest.enabled() if cache is None else cache:
        stamp = ingest.stamp(data_dir)
        key = ingest.data_key(data_dir)
        hit = ingest.cached(key) if key else None
        if hit is not None:
            return hit
    chain = _load(data_dir)
    if key is not None and ingest.stamp(data_dir) == stamp:  # not edited while it was read
        ingest.store(key, chain, data_dir)
    return chain


def _load(data_dir: Path) -> Chain:
    problems: list[Problem] = []
    nodes_raw = _read(data_dir / NODES_FILE, _label(data_dir, NODES_FILE), problems)
    edges_raw = _read(data_dir / EDGES_FILE, _label(data_dir, EDGES_FILE), problems)
    nodes = edges = None
    if nodes_raw is not None:
        nodes = check_nodes(nodes_raw, _label(data_dir, NODES_FILE), problems)
    if edges_raw is not None:
        refused = {r.get("id", "") for r in nodes_raw.refused} - {""} if nodes_raw is not None else set()
        edges = check_edges(edges_raw, _label(data_dir, EDGES_FILE), nodes, problems, refused)
    if problems:
        raise DataError(problems)
    return _build(nodes, edges)


def validate(data_dir: Path | str) -> list[Problem]:
    """Every problem in the data files (empty when they are valid)."""
    try:
        load_chain(data_dir, cache=False)
    except DataError as err:
        return err.problems
    return []


def _label(data_dir: Path, name: str) -> str:
    return str(data_dir / name)


def _read(path: Path, label: str, problems: list[Problem]) -> Table | None:
    try:
        table = read_table(path, label)
    except TableError as err:
        problems.extend(err.problems)
        return None
    problems.extend(table.problems)
    return table


# ---- the validated tables → Chain ---------------------------------------------------------

def _build(nodes: pd.DataFrame, edges: pd.DataFrame) -> Chain:
    node_names = [c.name for c in NODE_COLUMNS]
    edge_names = [c.name for c in EDGE_COLUMNS]
    extra_nodes = tuple(c for c in nodes.columns if c not in node_names and c != LINE_COLUMN)
    extra_edges = tuple(c for c in edges.columns if c not in edge_names and c != LINE_COLUMN)
    nodes = nodes[node_names + list(extra_nodes)].set_index("id")
    nodes.index.name = "id"
    nodes["kind"] = nodes["kind"].astype("category")
    edges = edges[edge_names + list(extra_edges)].reset_index(drop=True)
    edges["relation"] = edges["relation"].astype("category")
    return Chain(nodes, edges, None, extra_nodes, extra_edges)
