"""Fixed positions for the map: a column per chain layer (upstream → midstream → downstream → focus areas), rows by hierarchy."""

from __future__ import annotations

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
ROW_GROUP = 72        # a segment group (a box with the label inside)
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


def template_columns(chain, template: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Segments and focus areas by column, in reading order: each segment under its parent, depth-first.

    Order within a level follows the data file, which is how the people keeping it arrange the chain.
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
                node_y = y + min(slot, ROW_LEAF) // 2
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
