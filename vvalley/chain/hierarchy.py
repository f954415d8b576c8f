"""The part_of hierarchy: its checks (two parents, one cycle per strongly connected group) and the tree in one pass."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vvalley.chain.csvfile import LINE_COLUMN
from vvalley.chain.problems import Problem, quoted

# A cycle longer than this is shown by its first nodes and a count, not node by node.
CYCLE_SHOWN = 12


def check_hierarchy(check, part_of: pd.DataFrame) -> None:
    """Report nodes with two parents and one cycle per strongly connected group of part_of edges.

    Linear in the edges: networkx's strongly_connected_components is iterative (no recursion limit),
    and each group gives the cycle through its first edge in the file (a shortest way back), never
    every cycle (a clique of 12 segments has ~10⁸).
    """
    if part_of.empty:
        return
    parents = part_of.groupby("source")["target"].nunique()
    twice = part_of[part_of["source"].isin(parents.index[parents > 1])]
    first = twice.groupby("source")[LINE_COLUMN].min()
    check.add(twice[twice[LINE_COLUMN] != twice["source"].map(first)], "target", "two-parents",
              lambda r: f"{quoted(r['source'])} is part_of {quoted(r['target'])} here and of another "
                        f"parent on line {first[r['source']]}",
              "one parent per segment or region (the hierarchy is a tree)",
              lambda r: f"{quoted(r['source'])} 在这里 part_of {quoted(r['target'])}，"
                        f"在第 {first[r['source']]} 行又 part_of 另一个上级",
              "每个环节或地区只应有一个上级（层级是一棵树）")
    sources, targets = part_of["source"].tolist(), part_of["target"].tolist()
    lines: dict[tuple[str, str], int] = {}
    for source, target, line in zip(sources, targets, part_of[LINE_COLUMN].tolist()):
        lines.setdefault((source, target), int(line))
    cyclic = _not_peeled(lines)
    if not cyclic:
        return
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(edge for edge in lines if edge[0] in cyclic and edge[1] in cyclic)
    found = []
    for group in nx.strongly_connected_components(graph):
        if len(group) < 2:
            continue  # self-loops are reported as such
        inside = graph.subgraph(group)
        start = min(inside.edges, key=lambda e: lines[e])  # the group's first edge in the file
        back = nx.shortest_path(inside, start[1], start[0])
        found.append([start[0], *back[:-1]])
    for cycle in sorted(found, key=lambda c: lines[(c[0], c[1])]):
        pairs = _pairs(cycle)
        check.append(Problem(check.label, lines[pairs[0]], "target", "cycle",
                             "part_of cycle: " + _path(cycle) + " (lines " + _lines([lines[p] for p in pairs]) + ")",
                             "part_of edges that form a tree, each pointing to a broader segment or region",
                             found_zh="part_of 关系成环：" + _path(cycle, "zh") + "（"
                                      + _lines([lines[p] for p in pairs], "zh") + "）",
                             expected_zh="part_of 关系应构成一棵树，每条都指向更大的环节或地区"))


def _not_peeled(edges) -> set[str]:
    """The nodes left when nodes with no incoming edge are taken away, again and again (Kahn):
    empty when the edges have no cycle; else the cycles and what hangs below them."""
    into: dict[str, int] = {}
    out: dict[str, list[str]] = {}
    for source, target in edges:
        into[target] = into.get(target, 0) + 1
        into.setdefault(source, 0)
        out.setdefault(source, []).append(target)
    ready = [node for node, n in into.items() if n == 0]
    while ready:
        node = ready.pop()
        del into[node]
        for target in out.get(node, ()):
            into[target] -= 1
            if into[target] == 0:
                ready.append(target)
    return set(into)


def _pairs(cycle: list[str]) -> list[tuple[str, str]]:
    return [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]


def _path(cycle: list[str], lang: str = "en") -> str:
    if len(cycle) <= CYCLE_SHOWN:
        return " -> ".join([*cycle, cycle[0]])
    left = len(cycle) - CYCLE_SHOWN + 1
    more = f"… 另 {left:,} 个 …" if lang == "zh" else f"… {left:,} more …"
    return " -> ".join([*cycle[:CYCLE_SHOWN - 2], more, cycle[-1], cycle[0]])


def _lines(numbers: list[int], lang: str = "en") -> str:
    """'7, 29' (the English says 'lines' before it); '第 7、29 行' in Chinese."""
    shown = numbers if len(numbers) <= CYCLE_SHOWN else numbers[:CYCLE_SHOWN - 2]
    left = len(numbers) - len(shown)
    if lang == "zh":
        return f"第 {'、'.join(map(str, shown))} 行" + (f"，另有 {left:,} 行" if left else "")
    return ", ".join(map(str, shown)) + (f", … {left:,} more" if left else "")


# ---- the tree, once -------------------------------------------------------------------------

@dataclass(frozen=True)
class Tree:
    """The part_of forest in preorder (children sorted by id): a node's subtree is the slice
    order[position[n] : end[position[n]]], so membership of many values in any subtree is two
    comparisons each, and every node's root and depth come from the same pass."""

    order: np.ndarray        # ids in preorder (object array)
    position: dict[str, int]  # id -> its index in order
    end: np.ndarray          # index one past the last node of each node's subtree
    depth: np.ndarray        # 0 for a root
    root: np.ndarray         # each node's top (object array)

    @classmethod
    def of(cls, parent: dict[str, str], children: dict[str, list[str]]) -> "Tree":
        nodes = set(parent) | set(children)
        roots = sorted(n for n in nodes if n not in parent)
        order: list[str] = []
        depth: list[int] = []
        root_of: list[str] = []
        end_at: dict[int, int] = {}
        position_of: dict[str, int] = {}
        seen: set[str] = set()
        # Iterative depth-first walk: no recursion limit, however deep the hierarchy.
        for root in roots:
            stack: list[tuple[str, int, bool]] = [(root, 0, False)]
            while stack:
                node, level, done = stack.pop()
                if done:
                    end_at[position_of[node]] = len(order)
                    continue
                if node in seen:
                    continue
                seen.add(node)
                position_of[node] = len(order)
                order.append(node)
                depth.append(level)
                root_of.append(root)
                stack.append((node, level, True))
                stack.extend((child, level + 1, False) for child in reversed(children.get(node, [])))
        end = np.array([end_at[i] for i in range(len(order))], dtype=np.int64)
        return cls(np.array(order, dtype=object), position_of, end,
                   np.array(depth, dtype=np.int64), np.array(root_of, dtype=object))

    def members(self, node_id: str) -> list[str]:
        """The node and everything below it, in preorder."""
        at = self.position[node_id]
        return self.order[at: self.end[at]].tolist()

    def inside(self, positions: np.ndarray, node_id: str) -> np.ndarray:
        """For an array of positions (-1 = not in the tree): which lie in node_id's subtree."""
        at = self.position[node_id]
        return (positions >= at) & (positions < self.end[at])
