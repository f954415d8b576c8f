"""Fixed positions for the map: a column per chain layer (upstream → midstream → downstream → focus areas), rows by hierarchy."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from vvalley.chain.schema import LAYERS

# Column order, left to right. Regions and actors with no segment only appear in some views.
COLUMNS = (*LAYERS, "focus", "region", "other")
COLUMN_TITLES = {
    "upstream": ("上游", "Upstream"),
    "midstream": ("中游", "Midstream"),
    "downstream": ("下游", "Downstream"),
    "focus": ("聚焦方向", "Focus areas"),
    "region": ("地区", "Regions"),
    "other": ("未归类", "No segment"),
}

COLUMN_GAP = 200      # empty space between columns
NODE_WIDTH = 260      # room for a two-line label under a segment
INDENT = 36           # a segment sits this far right of its parent
ROW_LEAF = 96         # a leaf segment with its two-line label
ROW_GROUP = 96        # a segment group (a box with the label inside), clear of the leaf label above
ROW_FOCUS = 170       # a focus area: a big hexagon with three label lines
MAX_HEIGHT = 1500     # a column taller than this is cut into sub-columns
ACTOR_DX, ACTOR_DY = 190, 62
ACTOR_OFFSET = 170    # actors start this far right of their segment
GRID_COLUMNS = 4      # actors beside one segment, per row (at least)
OTHER = "~other"      # a row with no node of its own: the block of actors that have no segment


@dataclass
class Placed:
    """Where every drawn node sits, and the column titles with their positions."""

    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    headers: list[dict] = field(default_factory=list)


def template_columns(chain, template: list[str], order_by_feeds: bool = True) -> dict[str, list[tuple[str, int]]]:
    """Segments and focus areas by column, in reading order: each segment under its parent, depth-first.

    Order within a level starts from the data file (how the people keeping it arrange the chain), then
    barycentre sweeps move siblings toward the segments they feed or are fed by, so fewer lines cross.
    A segment whose parent sits in another layer starts its own tree in its own column.
    """
    drawn = set(template)
    file_order = dict(zip(template, chain.nodes.index.get_indexer(template).tolist()))
    kinds, layers = chain.nodes["kind"], chain.nodes["layer"]
    column_of = {}
    for node_id in template:
        if kinds.at[node_id] == "focus_area":
            column_of[node_id] = "focus"
        else:
            layer = layers.at[node_id]
            column_of[node_id] = layer if layer in LAYERS else "midstream"
    children: dict[str, list[str]] = {}
    roots: dict[str, list[str]] = {c: [] for c in COLUMNS}
    for node_id in sorted(template, key=file_order.__getitem__):
        parent = chain.parent.get(node_id)
        if parent in drawn and column_of.get(parent) == column_of[node_id]:
            children.setdefault(parent, []).append(node_id)
        else:
            roots[column_of[node_id]].append(node_id)
    if order_by_feeds:
        _barycentre(chain, roots, children, drawn)
    columns: dict[str, list[tuple[str, int]]] = {}
    for column, starts in roots.items():
        rows: list[tuple[str, int]] = []
        stack = [(node_id, 0) for node_id in reversed(starts)]
        seen = set()
        while stack:
            node_id, depth = stack.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            rows.append((node_id, depth))
            stack.extend((child, depth + 1) for child in reversed(children.get(node_id, [])))
        if rows:
            columns[column] = rows
    return columns


def region_column(chain, regions: list[str]) -> list[tuple[str, int]]:
    """Regions depth-first under their parents (only those drawn)."""
    drawn = set(regions)
    children: dict[str, list[str]] = {}
    roots = []
    for region in sorted(regions):
        parent = chain.parent.get(region)
        if parent in drawn:
            children.setdefault(parent, []).append(region)
        else:
            roots.append(region)
    rows, stack = [], [(r, 0) for r in reversed(roots)]
    while stack:
        region, depth = stack.pop()
        rows.append((region, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(region, [])))
    return rows


def place(columns: dict[str, list[tuple[str, int]]], heights: dict[str, int],
          beside: dict[str, list[str]] | None = None) -> Placed:
    """Positions: x by column (and depth), y by row; `beside[node]` lists nodes drawn in a grid to its right.

    `heights` gives the row height of nodes that are not leaf segments. A column taller than
    MAX_HEIGHT is cut into side-by-side sub-columns (between trees where it can), so a long layer
    does not shrink the whole map to fit the screen. Each column is centred on y = 0.
    """
    beside = beside or {}
    placed = Placed()
    x = 0
    for column in COLUMNS:
        rows = columns.get(column)
        if not rows:
            continue
        slots = []
        for node_id, depth in rows:
            grid_rows = -(-len(beside.get(node_id, ())) // grid_columns(len(beside.get(node_id, ()))))
            slots.append((node_id, depth, max(heights.get(node_id, ROW_LEAF), grid_rows * ACTOR_DY + 24)))
        zh, en = COLUMN_TITLES[column]
        for i, part in enumerate(_split(slots)):
            max_depth = max(depth for _, depth, _ in part)
            widest_grid = max((min(len(beside.get(node_id, ())), grid_columns(len(beside.get(node_id, ()))))
                               for node_id, _, _ in part), default=0)
            height = sum(slot for _, _, slot in part)
            y = -height // 2
            for node_id, depth, slot in part:
                node_x = x + depth * INDENT
                # A dot sits above its row's middle (its label hangs below it); a group box below, clear of that label.
                node_y = y + (slot * 3 // 5 if heights.get(node_id) == ROW_GROUP else min(slot, ROW_LEAF) * 2 // 5)
                if node_id != OTHER:
                    placed.positions[node_id] = (node_x, node_y)
                block = beside.get(node_id, ())
                across = grid_columns(len(block))
                for k, other in enumerate(block):
                    placed.positions[other] = (node_x + ACTOR_OFFSET + (k % across) * ACTOR_DX,
                                               node_y + (k // across) * ACTOR_DY)
                y += slot
            if i == 0:
                placed.headers.append({"x": x, "y": -height // 2 - 70, "text_zh": zh, "text": en})
            grid_width = ACTOR_OFFSET + widest_grid * ACTOR_DX if widest_grid else 0
            x += max_depth * INDENT + max(NODE_WIDTH, grid_width) + COLUMN_GAP
    return placed


SWEEPS = 4


def _barycentre(chain, roots: dict[str, list[str]], children: dict[str, list[str]], drawn: set[str]) -> None:
    """Reorder siblings (in place) by the mean row of their feeds neighbours in the other columns.

    Columns are swept left to right, then right to left; the order with the fewest crossings wins
    (the data file's order included), so ordering never makes the picture worse.
    """
    feeds = chain.relation("feeds")
    pairs = [(a, b) for a, b in zip(feeds["source"], feeds["target"]) if a in drawn and b in drawn]
    if not pairs:
        return
    column_of = {}
    for column, starts in roots.items():
        stack = list(starts)
        while stack:
            node_id = stack.pop()
            column_of[node_id] = column
            stack.extend(children.get(node_id, []))
    neighbours: dict[str, list[str]] = {}
    for a, b in pairs:
        if column_of.get(a) != column_of.get(b):
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
    siblings_in: dict[str, list[list[str]]] = {c: [starts] for c, starts in roots.items()}
    for parent, kids in children.items():
        siblings_in.setdefault(column_of.get(parent, ""), []).append(kids)

    def snapshot():
        return {c: list(v) for c, v in roots.items()}, {p: list(v) for p, v in children.items()}

    def cost() -> int:
        row = _rows(roots, children)
        total = 0
        lines: dict[tuple, list[tuple[float, float]]] = {}
        for a, b in pairs:
            ca, cb = column_of.get(a), column_of.get(b)
            if ca != cb:
                key, line = ((ca, cb), (row[a], row[b])) if ca < cb else ((cb, ca), (row[b], row[a]))
                lines.setdefault(key, []).append(line)
        return sum(_inversions(group) for group in lines.values())

    best, best_cost = snapshot(), cost()
    order = [c for c in COLUMNS if c in siblings_in]
    for sweep in range(SWEEPS):
        for column in (order if sweep % 2 == 0 else list(reversed(order))):
            row = _rows(roots, children)
            memo: dict[str, tuple[float, int]] = {}

            def centre(node_id: str) -> tuple[float, int]:
                if node_id not in memo:
                    total, count = 0.0, 0
                    for other in neighbours.get(node_id, ()):
                        total, count = total + row[other], count + 1
                    for child in children.get(node_id, ()):
                        t, c = centre(child)
                        total, count = total + t, count + c
                    memo[node_id] = (total, count)
                return memo[node_id]

            def key(node_id: str) -> tuple[float, float]:
                total, count = centre(node_id)
                return (total / count if count else row[node_id], row[node_id])

            for siblings in siblings_in[column]:
                siblings.sort(key=key)
        now = cost()
        if now < best_cost:
            best, best_cost = snapshot(), now
    for column, starts in best[0].items():
        roots[column][:] = starts
    for parent, kids in best[1].items():
        children[parent][:] = kids


def _rows(roots: dict[str, list[str]], children: dict[str, list[str]]) -> dict[str, float]:
    """Each node's place in its column, 0 (top) to 1 (bottom), depth-first."""
    row: dict[str, float] = {}
    for starts in roots.values():
        order: list[str] = []
        stack = list(reversed(starts))
        while stack:
            node_id = stack.pop()
            order.append(node_id)
            stack.extend(reversed(children.get(node_id, [])))
        for i, node_id in enumerate(order):
            row[node_id] = i / max(len(order) - 1, 1)
    return row


def crossings(columns: dict[str, list[tuple[str, int]]], pairs: list[tuple[str, str]]) -> int:
    """How many pairs of lines between two columns cross, for lines drawn between node rows (a check of the order)."""
    where = {node_id: (column, i) for column, rows in columns.items() for i, (node_id, _) in enumerate(rows)}
    by_columns: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for a, b in pairs:
        if a in where and b in where and where[a][0] != where[b][0]:
            (ca, ia), (cb, ib) = sorted([where[a], where[b]])
            by_columns.setdefault((ca, cb), []).append((ia, ib))
    return sum(_inversions(lines) for lines in by_columns.values())


def _inversions(lines: list[tuple[float, float]]) -> int:
    """Pairs of lines (a1, b1), (a2, b2) with a1 < a2 and b1 > b2: they cross (n log n)."""
    seen: list[float] = []
    count = 0
    lines = sorted(lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j][0] == lines[i][0]:
            count += len(seen) - bisect.bisect_right(seen, lines[j][1])
            j += 1
        for _, b in lines[i:j]:
            bisect.insort(seen, b)
        i = j
    return count


def grid_columns(n: int) -> int:
    """Actors per row beside one node: GRID_COLUMNS, or more for a big block so it stays about square."""
    return max(GRID_COLUMNS, math.ceil(math.sqrt(n * ACTOR_DY / ACTOR_DX)))


def _split(slots: list[tuple[str, int, int]]) -> list[list[tuple[str, int, int]]]:
    """A tall column as balanced parts, cut before a top-level row (or before any row if one tree is too tall)."""
    total = sum(slot for _, _, slot in slots)
    parts_wanted = max(1, -(-total // MAX_HEIGHT))
    if parts_wanted == 1:
        return [slots]
    target = total / parts_wanted
    parts, current, height = [], [], 0
    for node_id, depth, slot in slots:
        cut = current and len(parts) < parts_wanted - 1 and (
            (depth == 0 and height + slot / 2 > target) or height + slot > target * 1.25)
        if cut:
            parts.append(current)
            current, height = [], 0
        current.append((node_id, depth, slot))
        height += slot
    parts.append(current)
    return parts
