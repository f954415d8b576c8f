"""Counts of the chain's nodes by kind and edges by relation."""

from __future__ import annotations

from vvalley.chain.schema import KINDS, RELATIONS


def counts(chain) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes by kind and edges by relation, in schema order, zeros left out."""
    kinds = chain.nodes["kind"].value_counts()
    relations = chain.relation_counts()
    by_kind = {k: int(kinds.get(k, 0)) for k in KINDS if kinds.get(k, 0)}
    by_relation = {r: int(relations.get(r, 0)) for r in RELATIONS if relations.get(r, 0)}
    return by_kind, by_relation
