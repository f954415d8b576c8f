"""The chain as two typed tables, with the hierarchies, lookups and the networkx graph built from them."""

from __future__ import annotations

import datetime
import difflib
from functools import cached_property

import numpy as np
import pandas as pd

from vvalley.chain.columns import isin, strings
from vvalley.chain.schema import ACTOR_KINDS, CONFIDENCE, KIND_ZH, RELATIONS

FACT_RELATIONS = tuple(name for name, spec in RELATIONS.items() if spec.needs_evidence)


_WHAT_ZH = {**KIND_ZH, "node": "节点"}


class LookupProblem(LookupError):
    """A name or id that matches no node; `suggestions` lists the close ones. str() is English,
    `sentence("zh")` Chinese."""

    def __init__(self, text: str, what: str, suggestions: list[str], ambiguous: bool = False):
        self.text, self.what, self.suggestions, self.ambiguous = text, what, suggestions, ambiguous
        if ambiguous:
            super().__init__(f"{text!r} names several nodes: {', '.join(suggestions)}; give the id")
            return
        hint = f"; close matches: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no {what} called {text!r}{hint}")

    def sentence(self, lang: str = "zh") -> str:
        """The problem as one sentence in `lang` (zh or en)."""
        if lang != "zh":
            return str(self)
        if self.ambiguous:
            return f"“{self.text}”对应多个节点：{'、'.join(self.suggestions)}；请给出 id"
        what = "或".join(_WHAT_ZH.get(w, w) for w in self.what.split(" or "))
        hint = f"；相近的有：{'、'.join(self.suggestions)}" if self.suggestions else ""
        return f"没有名为“{self.text}”的{what}{hint}"


class Chain:
    """The industry chain: a node table and an edge table, as loaded and validated.

    `nodes` has one row per node, indexed by id, with the columns of chain_nodes.csv
    (strings, "" when empty; `since`/`until` as nullable Int64) and any extra columns.
    `edges` has one row per edge with the columns of chain_edges.csv (`weight` float,
    default 1). `as_of` is the year the chain was cut to, or None.

    A chain read from a .duckdb file (`vvalley ingest`) leaves its edges in the file (`store`):
    the table engine queries them there, out of core, and `edges` reads them into memory only when
    asked for. A chain is never changed in place.
    """

    def __init__(self, nodes: pd.DataFrame, edges: pd.DataFrame | None, as_of: int | None = None,
                 extra_node_columns: tuple[str, ...] = (), extra_edge_columns: tuple[str, ...] = (), store=None):
        if edges is None and store is None:
            raise ValueError("a chain needs its edges, or a store that holds them")
        self.nodes, self._edges, self.as_of = nodes, edges, as_of
        self.extra_node_columns, self.extra_edge_columns = tuple(extra_node_columns), tuple(extra_edge_columns)
        self.store = store

    def __repr__(self) -> str:
        return f"Chain({len(self.nodes):,} nodes, {self.edge_count:,} edges, as_of={self.as_of})"

    @property
    def edges(self) -> pd.DataFrame:
        """The edge table (read from the store into memory on first use, for a stored chain)."""
        if self._edges is None:
            self._edges = self.store.edges()
        return self._edges

    @property
    def edges_in_store(self) -> bool:
        """Whether the edges are only in the store still (a stored chain whose `edges` nobody read)."""
        return self._edges is None

    @property
    def edge_count(self) -> int:
        """How many edges (without reading a stored chain's edges)."""
        return len(self._edges) if self._edges is not None else self.store.count()

    # ---- time -------------------------------------------------------------------
    def at(self, year: int | None) -> "Chain":
        """The chain as it was in `year`: nodes and edges whose since/until cover it.

        `None` means today: what has ended (an `until` before this calendar year) is left out,
        what is planned (a `since` after it) is kept, and `as_of` stays None.
        """
        if year is not None and year == self.as_of:
            return self  # already cut to that year
        # A chain is not changed in place: each cut is made once (analyse, targets and the report
        # all ask for today's chain; at registry scale each cut filters millions of edges).
        cuts = self.__dict__.setdefault("_cuts", {})
        if year not in cuts:
            cuts[year] = self._cut(year)
        return cuts[year]

    def _cut(self, year: int | None) -> "Chain":
        # Today keeps what has not ended (until ≥ this year) and what is planned; a year keeps what
        # covers it. An edge goes with either of its nodes.
        until_before, since_after = (datetime.date.today().year, None) if year is None else (year, year)
        keep_nodes = _within(self.nodes, until_before, since_after)
        if self._edges is None:  # in the file: a filtered view of its edges
            dropped = tuple(self.nodes.index[~keep_nodes])
            if year is None and not dropped and not self.store.ended_before(until_before):
                return self  # nothing has ended
            store = self.store.cut(until_before=until_before, since_after=since_after, dropped=dropped)
            return Chain(self.nodes[keep_nodes], None, year, self.extra_node_columns, self.extra_edge_columns,
                         store=store)
        keep_edges = _within(self.edges, until_before, since_after)
        if year is None and keep_nodes.all() and keep_edges.all():
            return self
        nodes = self.nodes[keep_nodes]
        edges = self.edges[keep_edges]
        edges = edges[isin(edges["source"], nodes.index) & isin(edges["target"], nodes.index)]
        return Chain(nodes, edges.reset_index(drop=True), year, self.extra_node_columns, self.extra_edge_columns)

    def trusted(self, minimum: str) -> "Chain":
        """The chain counting only facts graded `minimum` or better (A best, then B, C, U).

        A fact is an edge that needs evidence (located_in, operates_in, supplies …); one with
        no grade counts as U. The chain template (part_of, feeds, serves) and the nodes stay.
        """
        if minimum not in CONFIDENCE:
            raise ValueError(f"confidence {minimum!r}; expected one of: {', '.join(CONFIDENCE)}")
        if minimum == CONFIDENCE[-1]:
            return self
        grades = CONFIDENCE[: CONFIDENCE.index(minimum) + 1]
        facts = isin(self.edges["relation"].astype(str), FACT_RELATIONS)
        keep = ~facts | isin(self.edges["confidence"], grades)
        if keep.all():
            return self
        return Chain(self.nodes, self.edges[keep].reset_index(drop=True), self.as_of,
                     self.extra_node_columns, self.extra_edge_columns)

    # ---- tables by relation --------------------------------------------------------
    def relation(self, name: str) -> pd.DataFrame:
        """The edges of one relation (each relation taken out of the edges once, when first asked:
        a registry's millions of edges are not split into every relation up front)."""
        taken = self.__dict__.setdefault("_relations", {})
        if name not in taken:
            if self._edges is None:
                taken[name] = self.store.relation(name)
            else:
                taken[name] = self.edges[self._relation_mask(name)]
        return taken[name]

    def pairs(self, name: str):
        """The (source, target) pairs of one relation as a pyarrow Table, in file order: what the
        table engine reads. Only the two columns are taken out, not every column of each edge."""
        taken = self.__dict__.setdefault("_pairs", {})
        if name not in taken:
            import pyarrow as pa

            if self._edges is None:
                taken[name] = self.store.pairs(name)
            elif name in self.__dict__.get("_relations", {}):
                edges = self._relations[name]
                taken[name] = pa.table({c: strings(edges[c]) for c in ("source", "target")})
            else:
                mask = pa.array(self._relation_mask(name))
                taken[name] = pa.table({c: strings(self.edges[c]).filter(mask) for c in ("source", "target")})
        return taken[name]

    def _relation_mask(self, name: str) -> np.ndarray:
        relation = self.edges["relation"]
        if isinstance(relation.dtype, pd.CategoricalDtype):
            at = relation.cat.categories.get_indexer([name])[0]
            return relation.cat.codes.to_numpy() == at if at >= 0 else np.zeros(len(relation), dtype=bool)
        return (relation == name).to_numpy(dtype=bool)

    def relation_counts(self) -> dict[str, int]:
        """How many edges of each relation (counted in the file for a stored chain)."""
        if self._edges is None:
            return self.store.relation_counts()
        counts = self.edges["relation"].value_counts()
        return {str(k): int(v) for k, v in counts.items() if v}

    def ids(self, kind: str) -> pd.Index:
        """The ids of all nodes of one kind."""
        return self.nodes.index[self.nodes["kind"] == kind]

    def kind_of(self, node_id: str) -> str:
        return str(self.nodes.at[node_id, "kind"])

    # ---- hierarchies -------------------------------------------------------------
    @cached_property
    def parent(self) -> dict[str, str]:
        """part_of: each segment's or region's parent."""
        part_of = self.relation("part_of")
        return dict(zip(part_of["source"].tolist(), part_of["target"].tolist()))

    @cached_property
    def children(self) -> dict[str, list[str]]:
        kids: dict[str, list[str]] = {}
        for child, parent in sorted(self.parent.items()):
            kids.setdefault(parent, []).append(child)
        return kids

    @cached_property
    def tree(self):
        """The part_of forest walked once (vvalley.chain.hierarchy.Tree): preorder, subtree ends,
        depths and roots of every segment and region, so subtrees are slices and membership of many
        values in a subtree is two comparisons each (no set of the subtree is built)."""
        from vvalley.chain.hierarchy import Tree

        return Tree.of(self.parent, self.children)

    def ancestors(self, node_id: str) -> list[str]:
        """Parents up to the root, nearest first."""
        out, seen = [], {node_id}
        while (node_id := self.parent.get(node_id)) is not None and node_id not in seen:
            out.append(node_id)
            seen.add(node_id)
        return out

    def descendants(self, node_id: str) -> list[str]:
        """The node and everything below it in the part_of tree, in a stable order (preorder,
        children by id): a slice of the tree walked once."""
        if node_id in self.tree.position:
            return self.tree.members(node_id)
        out, stack, seen = [], [node_id], set()
        while stack:  # a node on no part_of edge, or (in a chain not loaded by load_chain) on a cycle
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            out.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return out

    def within(self, values: pd.Series, node_id: str) -> np.ndarray:
        """For a column of ids: which are `node_id` or below it in the part_of tree (a bool array).
        Ask many subtrees of the same column through `tree_positions` once and `tree.inside`."""
        if node_id not in self.tree.position:
            return isin(values, [node_id])
        return self.tree.inside(self.tree_positions(values), node_id)

    def tree_positions(self, values: pd.Series) -> np.ndarray:
        """Each id's position in the part_of preorder (-1 when it is on no part_of edge)."""
        return _positions(values, self._tree_keys)

    @cached_property
    def _tree_keys(self):
        import pyarrow as pa

        return pa.array(self.tree.order.tolist(), type=pa.large_string())

    @cached_property
    def leaf_segments(self) -> list[str]:
        """Segments with no segment below them, sorted."""
        children = self.children
        return sorted(s for s in self.ids("segment").tolist() if s not in children)

    @cached_property
    def country_of(self) -> dict[str, str]:
        """Each region's top region (its country), read off the tree walked once."""
        tree = self.tree
        return {r: (tree.root[tree.position[r]] if r in tree.position else r) for r in self.ids("region").tolist()}

    def region_path(self, region_id: str) -> list[str]:
        """The region and its ancestors, nearest first."""
        return [region_id, *self.ancestors(region_id)]

    # ---- actors --------------------------------------------------------------------
    def region_actors(self, region_id: str) -> pd.Index:
        """Enterprises and institutes located_in the region or any region below it (sorted)."""
        located = self.relation("located_in")
        inside = self.within(located["target"], region_id)
        return pd.Index(sorted(set(located.loc[inside, "source"])), dtype=object, name="id")

    def actor_regions(self) -> pd.DataFrame:
        """located_in as a table of (actor, region, country)."""
        located = self.relation("located_in")[["source", "target"]].rename(
            columns={"source": "actor", "target": "region"})
        located["country"] = located["region"].map(self.country_of)
        return located.reset_index(drop=True)

    def actors(self) -> pd.Index:
        return self.nodes.index[self.nodes["kind"].isin(ACTOR_KINDS)]

    # ---- lookups ---------------------------------------------------------------------
    def node(self, node_id: str) -> dict:
        """One node's attributes as plain Python values ("" and missing years as None)."""
        row = self.nodes.loc[node_id]
        return {"id": node_id, **{k: _plain(v) for k, v in row.items()}}

    def label(self, node_id: str) -> str:
        """'English name (中文名)' or the English name alone."""
        name, name_zh = self.nodes.at[node_id, "name"], self.nodes.at[node_id, "name_zh"]
        return f"{name} ({name_zh})" if name_zh and name_zh != name else str(name)

    def resolve(self, text: str, kinds: tuple[str, ...] | None = None) -> str:
        """The id of the node called `text` (id, English or Chinese name, any case)."""
        text = text.strip()
        if not text:  # "" would match every node without a Chinese name
            raise LookupProblem(text, " or ".join(kinds) if kinds else "node", [])
        if text in self.nodes.index and (kinds is None or self.nodes.at[text, "kind"] in kinds):
            return text  # an id: no need to take out a registry's nodes of those kinds
        nodes = self.nodes if kinds is None else self.nodes[self.nodes["kind"].isin(kinds)]
        what = " or ".join(kinds) if kinds else "node"
        folded = text.casefold()
        # Exact names first; then names without an administrative suffix, so that "Binjiang"
        # finds "Binjiang District" and 萧山 finds 萧山区.
        for bare in (False, True):
            wanted = _bare_name(text) if bare else folded
            hits = set()
            for column in ("name", "name_zh"):
                names = nodes[column].map(_bare_name) if bare else nodes[column].str.casefold()
                hits |= set(nodes.index[names == wanted])
            if len(hits) == 1:
                return str(hits.pop())
            if len(hits) > 1:
                raise LookupProblem(text, what, [f"{h} ({nodes.at[h, 'name']})" for h in sorted(hits)][:5],
                                    ambiguous=True)
        hits = nodes.index[nodes.index.str.casefold() == folded]
        if len(hits):
            return str(hits[0])
        # Last, a part of one name only: 先临三维 for 先临三维科技股份有限公司.
        if len(folded) >= 2:
            hits = set()
            for column in ("name", "name_zh"):
                hits |= set(nodes.index[nodes[column].str.casefold().str.contains(folded, regex=False)])
            if len(hits) == 1:
                return str(hits.pop())
        return _raise_unknown(text, what, nodes)

    # ---- graph -------------------------------------------------------------------------
    @cached_property
    def graph(self):
        """The whole chain as a networkx MultiDiGraph (built on first use: costly at scale)."""
        from vvalley.chain.graph import to_networkx

        return to_networkx(self)

    @cached_property
    def template_graph(self):
        """The segments and focus areas with their part_of, feeds and serves edges."""
        from vvalley.chain.graph import template_graph

        return template_graph(self)


ADMIN_SUFFIXES = (" district", " city", " province", " county", "区", "市", "省", "县")


def _bare_name(name) -> str:
    """A name folded and without a trailing administrative word ("Xiaoshan District" -> "xiaoshan")."""
    folded = str(name).strip().casefold()
    for suffix in ADMIN_SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            return folded[: -len(suffix)].strip()
    return folded


def _positions(values: pd.Series, keys) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    data = values.array
    column = pa.array(data) if isinstance(data, pd.arrays.ArrowStringArray) else pa.array(
        values.astype(str).to_numpy(dtype=object))
    at = pc.index_in(column.cast(pa.large_string()), value_set=keys)
    return at.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _within(table: pd.DataFrame, until_before: int, since_after: int | None) -> np.ndarray:
    """The rows that had not ended before `until_before` and (with `since_after`) had begun by it."""
    keep = ~(table["until"] < until_before).fillna(False).to_numpy(dtype=bool)
    if since_after is not None:
        keep &= ~(table["since"] > since_after).fillna(False).to_numpy(dtype=bool)
    return keep


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if value == "":
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _raise_unknown(text: str, what: str, nodes: pd.DataFrame) -> str:
    candidates: dict[str, str] = {}
    for column in ("name", "name_zh"):
        for node_id, name in nodes[column].items():
            if name:
                candidates.setdefault(str(name).casefold(), str(node_id))
                candidates.setdefault(_bare_name(name), str(node_id))  # "xiaoshan" for a typo of it
    for node_id in nodes.index:
        candidates.setdefault(str(node_id).casefold(), str(node_id))
    folded = _bare_name(text)
    close = difflib.get_close_matches(folded, list(candidates), n=5, cutoff=0.5)
    contains = [k for k in candidates if folded and folded in k][:5]
    suggestions = []
    for key in [*contains, *close]:
        node_id = candidates[key]
        entry = f"{node_id} ({nodes.at[node_id, 'name']})"
        if entry not in suggestions:
            suggestions.append(entry)
    raise LookupProblem(text, what, suggestions[:5])
