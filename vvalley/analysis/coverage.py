"""A region's footing in the chain: the segment template's reach, and who of the region sits where (over tables)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from vvalley.chain.problems import UserError

# A segment taxonomy is a handful of levels deep; the template keeps every segment's subtree and
# lineage (work ~ segments × depth), so a tree far past any real taxonomy is refused, not crawled.
MAX_SEGMENT_DEPTH = 100


class SegmentTreeTooDeep(UserError):
    """The segment tree is deeper than any taxonomy the analysis is built for."""


def _refuse_deep_tree(chain, segments) -> None:
    tree = chain.tree
    # Segments on no part_of edge are not in the tree: depth 0.
    deepest = max((int(tree.depth[tree.position[s]]) for s in segments if s in tree.position), default=0)
    if deepest > MAX_SEGMENT_DEPTH:
        raise SegmentTreeTooDeep(
            f"the segment tree (part_of) is {deepest:,} levels deep; the analysis takes trees up to "
            f"{MAX_SEGMENT_DEPTH} levels (a real chain has a few): check part_of for a chain of segments "
            "each filed under the one before",
            f"环节树（part_of）深达 {deepest:,} 层；分析最多支持 {MAX_SEGMENT_DEPTH} 层（真实产业链只有几层）："
            "请检查 part_of 是否把环节逐个串成了一条链")


def strongly_connected(nodes, successors: dict) -> list[list]:
    """The strongly connected groups of a directed graph (Tarjan's algorithm, iterative: no recursion
    limit on a long feeds chain), each a list; `successors` maps a node to the nodes it points to."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    groups: list[list] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors.get(root, ())))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(group)
    return groups


@dataclass(frozen=True)
class Template:
    """The segment template (segments, part_of, feeds, serves) read once, as plain sets.

    Loops here run over segments (a few hundred), never over firms or their edges.
    """

    segments: tuple[str, ...]            # every segment, sorted
    leaves: tuple[str, ...]              # segments with no segment below them, sorted
    subtree: dict[str, tuple[str, ...]]  # segment -> itself and every segment below it
    lineage: dict[str, tuple[str, ...]]  # segment -> itself and its groups up to the top
    feeds: tuple[tuple[str, str], ...]   # the feeds edges between segments, sorted, once each
    serves_direct: dict[str, frozenset[str]]  # segment -> focus areas it serves by its own edge
    focus_areas: tuple[str, ...]

    @classmethod
    def of(cls, chain) -> "Template":
        segments = tuple(sorted(chain.ids("segment")))
        _refuse_deep_tree(chain, segments)
        seg_set = set(segments)
        # part_of joins segments only to segments (load checks it), so the chain's tree is the template's.
        subtree = {s: tuple(sorted(chain.descendants(s))) for s in segments}
        lineage = {s: (s, *chain.ancestors(s)) for s in segments}
        leaves = tuple(chain.leaf_segments)
        feeds_table = chain.relation("feeds")
        feeds = tuple(sorted({(a, b) for a, b in zip(feeds_table["source"], feeds_table["target"])
                              if a in seg_set and b in seg_set and a != b}))
        serves_table = chain.relation("serves")
        focus_areas = tuple(sorted(chain.ids("focus_area")))
        serves: dict[str, set[str]] = {}
        for segment, focus in zip(serves_table["source"], serves_table["target"]):
            if segment in seg_set:
                serves.setdefault(segment, set()).add(focus)
        return cls(segments, leaves, subtree, lineage, feeds,
                   {s: frozenset(serves.get(s, ())) for s in segments}, focus_areas)

    # ---- feeds, read through the hierarchy --------------------------------------------
    @cached_property
    def _feeds_out(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {s: set() for s in self.segments}
        for a, b in self.feeds:
            out[a].add(b)
        return out

    @cached_property
    def _step(self) -> dict[str, set[str]]:
        """Segments each segment feeds directly, read through the hierarchy: a segment inherits the
        feeds of the groups it belongs to (chips feeds devices, so CIS does), and reaching a group
        reaches every segment in it."""
        out = {}
        for segment in self.segments:
            reached = set()
            for unit in self.lineage[segment]:
                for target in self._feeds_out[unit]:
                    reached.update(self.subtree[target])
            out[segment] = reached
        return out

    @cached_property
    def cycle_of(self) -> dict[str, frozenset[str]]:
        """For each segment in a feeds cycle: the segments of its strongly connected group (itself
        included). Segments on no cycle are absent."""
        step = {a: sorted(b for b in targets if b != a) for a, targets in self._step.items()}
        out = {}
        for group in strongly_connected(self.segments, step):
            if len(group) > 1:
                frozen = frozenset(group)
                out.update((s, frozen) for s in sorted(group))
        return out

    @cached_property
    def cyclic_groups(self) -> tuple[tuple[str, ...], ...]:
        """The feeds cycles: each strongly connected group of segments, sorted, largest first."""
        groups = {tuple(sorted(g)) for g in self.cycle_of.values()}
        return tuple(sorted(groups, key=lambda g: (-len(g), g)))

    @cached_property
    def downstream(self) -> dict[str, frozenset[str]]:
        """Segments downstream of each segment over feeds (the segment itself excluded).

        Reach is read on the condensation: the segments of a feeds cycle are one group, and none of
        them counts as downstream of another (otherwise one cycle puts the whole chain downstream
        of every member). On acyclic data this is plain reachability.
        """
        step = self._step
        own_group = {s: self.cycle_of.get(s, frozenset((s,))) for s in self.segments}
        memo: dict[frozenset, frozenset[str]] = {}

        def reach(group: frozenset) -> frozenset[str]:
            # Everything reachable from a group, the group itself left out (iterative DFS over groups).
            if group in memo:
                return memo[group]
            seen: set[str] = set()
            stack = [t for s in group for t in step[s] if t not in group]
            while stack:
                node = stack.pop()
                if node in seen:
                    continue
                seen.add(node)
                stack.extend(t for t in step[node] if t not in seen)
            memo[group] = frozenset(seen - group)
            return memo[group]

        out = {}
        for segment in self.segments:
            inside = set(self.subtree[segment])
            reached: set[str] = set()
            collapsed: set[str] = set()
            for member in inside:
                reached |= reach(own_group[member])
                collapsed |= own_group[member]
            out[segment] = frozenset(reached - inside - collapsed)
        return out

    @cached_property
    def leaf_feeds(self) -> frozenset[tuple[str, str]]:
        """feeds between leaves: leaf a feeds leaf b when a (or a group of a) feeds b (or a group of b)."""
        leaf_set = set(self.leaves)
        pairs = set()
        for a, b in self.feeds:
            for x in self.subtree[a]:
                if x in leaf_set:
                    pairs.update((x, y) for y in self.subtree[b] if y in leaf_set and y != x)
        return frozenset(pairs)

    @cached_property
    def neighbours(self) -> dict[str, frozenset[str]]:
        """Each segment's chain neighbours: the leaves that feed its leaves or are fed by them."""
        by_leaf: dict[str, set[str]] = {leaf: set() for leaf in self.leaves}
        for a, b in self.leaf_feeds:
            by_leaf[a].add(b)
            by_leaf[b].add(a)
        out = {}
        for segment in self.segments:
            inside = set(self.subtree[segment])
            near = set().union(*(by_leaf.get(s, set()) for s in inside))
            out[segment] = frozenset(near - inside)
        return out

    @cached_property
    def feeds_into(self) -> dict[str, frozenset[str]]:
        """For each leaf, the leaves it feeds directly (through the hierarchy)."""
        out: dict[str, set[str]] = {leaf: set() for leaf in self.leaves}
        for a, b in self.leaf_feeds:
            out[a].add(b)
        return {k: frozenset(v) for k, v in out.items()}

    # ---- focus areas ---------------------------------------------------------------------
    @cached_property
    def serves(self) -> dict[str, frozenset[str]]:
        """Focus areas a segment serves directly: by its own edge, a group's above it, or (for a group) a member's."""
        return {s: frozenset().union(*(self.serves_direct[u] for u in (*self.lineage[s], *self.subtree[s])))
                for s in self.segments}

    @cached_property
    def reaches_focus(self) -> dict[str, frozenset[str]]:
        """Focus areas a segment serves directly or through the segments downstream of it."""
        return {s: self.serves[s].union(*(self.serves[d] for d in self.downstream[s])) for s in self.segments}

    def focus_leaves(self, focus: str) -> list[str]:
        """The leaves serving a focus area (by their own edge or a group's)."""
        return [leaf for leaf in self.leaves if focus in self.serves[leaf]]

    # ---- the template as tables (built once per template, joined with each region's footing) -------
    @cached_property
    def lineage_table(self) -> pd.DataFrame:
        """(segment, unit): each segment with itself and every group above it."""
        return pd.DataFrame([(s, u) for s in self.segments for u in self.lineage[s]], columns=["segment", "unit"])

    @cached_property
    def hub_pairs(self) -> pd.DataFrame:
        """(hub, segment, own): the segments downstream of each segment (own False), then its subtree (own True)."""
        return pd.DataFrame(
            [(s, d, False) for s in self.segments for d in self.downstream[s]]
            + [(s, d, True) for s in self.segments for d in self.subtree[s]],
            columns=["hub", "segment", "own"])

    @cached_property
    def research_targets(self) -> pd.DataFrame:
        """(target, segment, direct): the leaves a researches edge to `target` counts for: a segment's own
        leaves (direct), a focus area's serving leaves (not direct)."""
        leaf_set = set(self.leaves)
        rows = [(seg, leaf, True) for seg in self.segments for leaf in self.subtree[seg] if leaf in leaf_set]
        rows += [(focus, leaf, False) for focus in self.focus_areas for leaf in self.focus_leaves(focus)]
        return pd.DataFrame(rows, columns=["target", "segment", "direct"])


@dataclass(frozen=True)
class Footing:
    """Where a region's enterprises and institutes sit in the template (tables over the whole chain)."""

    region: str
    firms: pd.Index           # the region's enterprises
    institutes: pd.Index      # the region's institutes
    firm_segments: pd.DataFrame  # (firm, segment): operates_in of the region's firms, once each
    firm_units: pd.DataFrame     # (firm, unit): the same, each segment counted in its groups too
    research: pd.DataFrame       # (institute, segment, direct): leaves the region's institutes research

    @classmethod
    def of(cls, chain, region: str, template: Template) -> "Footing":
        """The region's actors and where they sit: three queries on the engine in use (see vvalley.engine);
        the joins with the template (a few hundred segments) are done here, on the region-sized results."""
        from vvalley import engine

        t = engine.tables(chain)
        located = t.relation("located_in")
        inside = located.filter(engine.isin(located.target, chain.descendants(region)))
        actors = inside.select(id=inside.source).distinct()
        actors = actors.join(t.nodes, "id").select("id", "kind")
        found = engine.fetch(actors)
        firms = pd.Index(sorted(found.loc[found["kind"] == "enterprise", "id"]), dtype=object)
        institutes = pd.Index(sorted(found.loc[found["kind"] == "institute", "id"]), dtype=object)

        ops = t.relation("operates_in")
        local_firms = actors.filter(actors.kind == "enterprise")
        firm_segments = engine.fetch(
            ops.semi_join(local_firms, ops.source == local_firms.id)
            .select(firm=ops.source, segment=ops.target).distinct(), order=["firm", "segment"])
        firm_units = (firm_segments.merge(template.lineage_table, on="segment")[["firm", "unit"]]
                      .drop_duplicates().reset_index(drop=True))
        researches = t.relation("researches")
        local_institutes = actors.filter(actors.kind == "institute")
        research = engine.fetch(
            researches.semi_join(local_institutes, researches.source == local_institutes.id)
            .select("source", "target").distinct(), order=["source", "target"])
        return cls(region, firms, institutes, firm_segments, firm_units, _research(research, template))

    def with_arrivals(self, chain, template: Template, firms) -> "Footing":
        """The footing after enterprises of elsewhere (`firms`, none of them the region's) each open a site
        in the region: what Footing.of gives on the changed chain, from this footing and one query for the
        arrivals' segments on `chain`, the chain this footing was read from (an arrival adds a site, not a
        segment; the institutes and their research stay)."""
        from vvalley import engine

        firms = sorted(set(firms))
        ops = engine.tables(chain).relation("operates_in")
        theirs = engine.fetch(ops.filter(engine.isin(ops.source, firms)).select(firm=ops.source, segment=ops.target)
                              .distinct(), order=["firm", "segment"])
        firm_segments = (pd.concat([self.firm_segments, theirs], ignore_index=True)
                         .sort_values(["firm", "segment"], kind="stable").reset_index(drop=True))
        firm_units = (firm_segments.merge(template.lineage_table, on="segment")[["firm", "unit"]]
                      .drop_duplicates().reset_index(drop=True))
        everyone = pd.Index(sorted(set(self.firms) | set(firms)), dtype=object)
        return Footing(self.region, everyone, self.institutes, firm_segments, firm_units, self.research)

    @cached_property
    def firm_table(self):
        """The region's enterprises as an Ibis table (column `firm`), for queries on the engine."""
        from vvalley import engine

        return engine.memtable({"firm": list(self.firms)})

    @cached_property
    def actor_table(self):
        """The region's enterprises and institutes as an Ibis table (column `actor`)."""
        from vvalley import engine

        return engine.memtable({"actor": sorted(set(self.firms) | set(self.institutes))})

    @cached_property
    def firms_per_segment(self) -> dict[str, int]:
        """R's firms operating in each segment or a segment below it."""
        counts = self.firm_units.groupby("unit")["firm"].nunique()
        return {str(k): int(v) for k, v in counts.items()}

    @cached_property
    def firms_in(self) -> dict[str, list[str]]:
        """R's firms operating in each segment itself, sorted."""
        grouped = self.firm_segments.sort_values(["segment", "firm"]).groupby("segment")["firm"]
        return {str(k): list(map(str, v)) for k, v in grouped}

    def covered(self, segment: str) -> bool:
        return self.firms_per_segment.get(segment, 0) > 0

    def firms_downstream(self, template: Template) -> tuple[dict[str, int], dict[str, int]]:
        """For each segment X: R's firms strictly downstream of X, and R's firms in X (or below) or downstream."""
        hanging = template.hub_pairs.merge(self.firm_segments, on="segment")[["hub", "firm", "own"]]
        # A firm both in X and downstream of it (a cycle, or two segments) is X's own.
        own = hanging[hanging["own"]][["hub", "firm"]].drop_duplicates()
        every = hanging[["hub", "firm"]].drop_duplicates()
        below = (every.merge(own, on=["hub", "firm"], how="left", indicator=True)
                 .query("_merge == 'left_only'").groupby("hub").size())
        total = every.groupby("hub").size()
        return ({s: int(below.get(s, 0)) for s in template.segments},
                {s: int(total.get(s, 0)) for s in template.segments})

    @cached_property
    def institutes_per_leaf(self) -> dict[str, list[str]]:
        """R's institutes researching each leaf (directly, through a group or a focus area), sorted."""
        grouped = self.research.drop_duplicates(["segment", "institute"]).sort_values("institute").groupby("segment")
        return {str(k): list(map(str, g["institute"])) for k, g in grouped}

    @cached_property
    def institutes_direct(self) -> dict[str, list[str]]:
        """R's institutes researching each leaf itself or a group above it, sorted."""
        direct = self.research[self.research["direct"]].drop_duplicates(["segment", "institute"])
        grouped = direct.sort_values("institute").groupby("segment")
        return {str(k): list(map(str, g["institute"])) for k, g in grouped}

    def ties_between(self, chain) -> pd.DataFrame:
        """supplies ties between R's firms, by (source unit, target unit): columns source, target, ties."""
        from vvalley import engine

        supplies = engine.tables(chain).relation("supplies")
        firms = self.firm_table
        local = engine.fetch(
            supplies.filter(supplies.source.isin(firms.firm), supplies.target.isin(firms.firm))
            .select("source", "target").distinct(), order=["source", "target"])
        units = self.firm_units
        pairs = (local.merge(units.rename(columns={"firm": "source", "unit": "unit_a"}), on="source")
                 .merge(units.rename(columns={"firm": "target", "unit": "unit_b"}), on="target"))
        counts = pairs.groupby(["unit_a", "unit_b"]).size()
        return counts.rename("ties").reset_index().rename(columns={"unit_a": "source", "unit_b": "target"})


def _research(local: pd.DataFrame, template: Template) -> pd.DataFrame:
    """(institute, leaf, direct) from the region's researches edges (source, target): research on a
    group counts for its leaves (direct); on a focus area, for the leaves serving it (not direct:
    too broad to name a segment)."""
    out = local.merge(template.research_targets, on="target").rename(columns={"source": "institute"})
    return out[["institute", "segment", "direct"]].drop_duplicates().reset_index(drop=True)
