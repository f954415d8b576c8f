"""Rows whose cells sit one column off from some column on (a cell deleted or inserted in Excel): one problem, not one per column.

Deleting a cell in Excel with "shift cells left" moves every value after it one column early, and
the row still has as many cells as the header (Excel pads it). Each moved value then fails its new
column's check: a year in `relation`, a grade in `weight` … Listed one by one, that is five
accurate problems that hide the one thing to fix. A row is said to be shifted only when moving its
cells back by one column from some column on makes every one of its cells fit its column, and its
problems all lie at or after that column, in at least two columns.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from vvalley.chain.csvfile import LINE_COLUMN
from vvalley.chain.problems import Problem, quoted
from vvalley.chain.schema import CONFIDENCE, ID_PATTERN, KINDS, LAYERS, RELATIONS, YEAR_MAX, YEAR_MIN

# The codes that say a cell does not fit its column (what a shift would cause).
CELL_CODES = frozenset({"empty-value", "bad-id", "unknown-choice", "bad-year", "bad-number", "year-order",
                        "unknown-node", "wrong-kinds", "self-loop", "duplicate-edge"})
_ID = re.compile(ID_PATTERN)
_YEAR = re.compile(r"[0-9]{4}(\.0+)?")


def _year(value: str) -> bool:
    value = unicodedata.normalize("NFKC", value).strip()
    return not value or (bool(_YEAR.fullmatch(value)) and YEAR_MIN <= int(value.split(".")[0]) <= YEAR_MAX)


def _weight(value: str) -> bool:
    value = unicodedata.normalize("NFKC", value).strip()
    if not value:
        return True
    try:
        number = float(value)
    except ValueError:
        return False
    return 0 <= number < float("inf")


def _choice(choices, upper: bool = False, required: bool = False):
    def fits(value: str) -> bool:
        value = value.strip()
        if not value:
            return not required
        return (value.upper() if upper else value.lower()) in choices
    return fits


def _id(value: str) -> bool:
    return bool(_ID.fullmatch(value.strip()))


def _named(value: str) -> bool:
    return bool(value.strip())


def _any(value: str) -> bool:
    return True


# What fits each column of the two files (the column checks without the lookups; other columns: anything).
NODE_CELLS = {"id": _id, "kind": _choice(KINDS, required=True), "name": _named, "layer": _choice(LAYERS),
              "since": _year, "until": _year, "confidence": _choice(CONFIDENCE, upper=True)}
EDGE_CELLS = {"source": _id, "target": _id, "relation": _choice(tuple(RELATIONS), required=True),
              "since": _year, "until": _year, "confidence": _choice(CONFIDENCE, upper=True), "weight": _weight}


def explain_shifted_rows(problems: list[Problem], label: str, raw: pd.DataFrame, header: list[str],
                         cells: dict) -> None:
    """Replace, in `problems`, the problems of each row of file `label` whose cells sit one column off
    by one problem saying so. `raw` holds the rows as read (strings, with their line numbers)."""
    columns_at: dict[int, set[str]] = {}
    for p in problems:
        if p.file == label and p.line > 0 and not p.more and p.code in CELL_CODES:
            columns_at.setdefault(p.line, set()).add(p.column or "")
    lines = [line for line, columns in columns_at.items() if len(columns) >= 2]
    if not lines:
        return
    rows = raw[raw[LINE_COLUMN].isin(lines)]
    names = [h.lower() if h.lower() in cells or h.lower() in {"evidence", "name_zh", "description"} else h
             for h in header]  # 'Relation' typed in Excel is the relation column
    shifted: dict[int, Problem] = {}
    for record in rows.to_dict("records"):
        line = int(record[LINE_COLUMN])
        values = ["" if record.get(c) is None else str(record.get(c)) for c in header]
        found = _shift(values, names, cells, columns_at[line])
        if found is not None:
            shifted[line] = _problem(label, line, names, values, *found)
    if not shifted:
        return
    kept = [p for p in problems if not (p.file == label and p.line in shifted)]
    problems[:] = kept + [shifted[line] for line in sorted(shifted)]


def _shift(values: list[str], header: list[str], cells: dict, faulty: set[str]) -> tuple[int, int] | None:
    """(start column, -1 for cells moved left / +1 for moved right) of the one shift that puts every
    cell in a column it fits, with every faulty column at or after the start; None if there is none."""
    n = len(header)
    if any(c not in header for c in faulty):
        return None  # a problem of the whole row (a repeated edge): not a matter of columns
    first_fault = min(header.index(c) for c in faulty)
    found = []
    for start in range(min(first_fault + 1, n - 1)):  # every problem at or after the start
        moved_left = values[:start] + [""] + values[start:n - 1]  # a cell deleted at `start`
        if values[-1] == "" and _fits(moved_left, header, cells, missing=start):
            found.append((start, -1))
        moved_right = values[:start] + values[start + 1:] + [""]   # a cell inserted at `start`
        if _fits(moved_right, header, cells, missing=None):
            found.append((start, +1))
    return found[0] if len(found) == 1 else None  # two ways to read the row: say nothing new


def _fits(values: list[str], header: list[str], cells: dict, missing: int | None) -> bool:
    for at, (column, value) in enumerate(zip(header, values)):
        if at == missing:
            continue  # the deleted cell: its value is what the row lacks
        check = cells.get(column)
        if check is not None and not check(value):
            return False
    return True


def _problem(label: str, line: int, header: list[str], values: list[str], start: int, direction: int) -> Problem:
    column = header[start]
    # The first moved value that is not empty shows the move: where it is, and where it belongs.
    at = next((k for k in range(start if direction < 0 else start + 1, len(values) - (direction < 0))
               if values[k].strip()), None)
    if at is None:
        where, where_zh = "", ""
    else:
        home = at + 1 if direction < 0 else at - 1
        where = f": {quoted(values[at])} in {header[at]!r} belongs in {header[home]!r}"
        where_zh = f"：{header[at]} 列的 {quoted(values[at])} 应在 {header[home]} 列"
    if direction < 0:
        side, side_zh, why, why_zh = "left", "左", "a cell deleted?", "删掉了一个单元格？"
        fix, fix_zh = f"put the missing {column!r} value back", f"补回缺少的 {column} 值"
        then, then_zh = "right", "右"
    else:
        side, side_zh, why, why_zh = "right", "右", "a cell inserted?", "多插入了一个单元格？"
        fix = f"remove the extra cell {quoted(values[start])} in {column!r}"
        fix_zh = f"删去 {column} 列多出的单元格 {quoted(values[start])}"
        then, then_zh = "left", "左"
    return Problem(
        label, line, column, "shifted-row",
        f"from column {column!r} on, the values sit one column to the {side} ({why}){where}",
        f"each value in its column: {fix} and move the cells after it one column {then}",
        found_zh=f"从 {column} 列起，各值似乎向{side_zh}错了一列（{why_zh}）{where_zh}",
        expected_zh=f"每个值应在自己的列：{fix_zh}，并把其后的单元格{then_zh}移一列")
