"""The checks of the two tables as set queries: each finds every offending row at once, lists up to a cap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from vvalley.chain.checker import FACT_RELATIONS, Checker, add_optional_columns, as_arrow, codes, numbers_of
from vvalley.chain.csvfile import LINE_COLUMN, Table
from vvalley.chain.problems import MAX_LISTED, Problem, quoted
from vvalley.chain.schema import (ACTOR_KINDS, CONFIDENCE, EDGE_COLUMNS, KINDS, LAYERS, NODE_COLUMNS, NODES_FILE,
                                  RELATIONS)
from vvalley.chain.shifted import EDGE_CELLS, NODE_CELLS, explain_shifted_rows
from vvalley.chain.suggest import IdIndex, NameIndex


# ---- nodes ---------------------------------------------------------------------------------

def check_nodes(table: Table, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    """The node table checked (kinds, layers, grades case-normalised; years parsed), or None when a
    required column is missing."""
    frame = table.frame.copy()
    check = Checker(frame, label, problems, table.header_line)
    present = check.required_columns(NODE_COLUMNS)
    add_optional_columns(frame, NODE_COLUMNS)
    if "id" in present:
        has_id = check.not_empty("id")
        check.ids("id")
        ids = frame["id"]
        repeated = check.rows(has_id & ids.duplicated(keep="first"))
        if not repeated.empty:
            first_line = frame.loc[has_id, ["id", LINE_COLUMN]].groupby("id")[LINE_COLUMN].min()
            check.add(repeated, "id", "duplicate-id",
                      lambda r: f"id {quoted(r['id'])} is already defined on line {first_line[r['id']]}",
                      "each id once",
                      lambda r: f"id {quoted(r['id'])} 已在第 {first_line[r['id']]} 行定义过",
                      "每个 id 只应定义一次")
    if "kind" in present:
        check.normalise_case("kind")
        if check.not_empty("kind").any():
            check.choice("kind", KINDS)
    if "name" in present:
        check.not_empty("name")
    check.normalise_case("layer")
    check.choice("layer", LAYERS)
    if "kind" in present:
        check.not_empty("layer", frame["kind"] == "segment",
                        "a layer for a segment: one of: " + ", ".join(LAYERS),
                        "环节（segment）必须填 layer，应为以下之一：" + "、".join(LAYERS))
        check.not_empty("evidence", frame["kind"].isin(ACTOR_KINDS),
                        "evidence for an enterprise or institute: a URL or document, with its date",
                        "企业和研究机构必须填 evidence：网址或文件，并注明日期")
    check.normalise_case("confidence", upper=True)
    check.choice("confidence", CONFIDENCE)
    check.years()
    explain_shifted_rows(problems, label, table.frame, table.header, NODE_CELLS)
    check.close()
    if not {"id", "kind", "name"} <= present:
        return None
    return frame


# ---- edges ---------------------------------------------------------------------------------

class NodeKeys:
    """The node ids (first definition of each) and the indexes that explain a bad reference: the
    close ids of a typo, the ids of a name (built when first asked)."""

    def __init__(self, nodes: pd.DataFrame):
        first = nodes.loc[nodes["id"] != ""].drop_duplicates("id")
        self.frame = first.set_index("id")
        self.ids = as_arrow(first["id"])
        self._close = None
        self._names = None

    @property
    def close(self) -> IdIndex:
        if self._close is None:
            self._close = IdIndex(self.ids)
        return self._close

    @property
    def names(self) -> NameIndex:
        if self._names is None:
            self._names = NameIndex(self.frame.index, self.frame)
        return self._names


def check_edges(table: Table, label: str, nodes: pd.DataFrame | None,
                problems: list[Problem], refused_ids=frozenset()) -> pd.DataFrame | None:
    """The edge table checked against the nodes (None when a required column or the nodes are missing).
    `refused_ids` are ids on node rows that could not be read (already reported there): edges
    naming them are not reported again as naming an unknown node."""
    frame = table.frame.copy()
    check = Checker(frame, label, problems, table.header_line)
    present = check.required_columns(EDGE_COLUMNS)
    add_optional_columns(frame, EDGE_COLUMNS)
    if not {"source", "target", "relation"} <= present:
        check.years()
        check.close()
        return None
    for column in ("source", "target"):
        check.not_empty(column)
    check.normalise_case("relation")
    check.not_empty("relation")
    relation_ok = check.choice("relation", tuple(RELATIONS))
    check.normalise_case("confidence", upper=True)
    check.choice("confidence", CONFIDENCE)
    check.years()
    _check_weight(check)

    loops = (frame["source"] == frame["target"]) & (frame["source"] != "")
    check.add(check.rows(loops), "target", "self-loop",
              lambda r: f"{r['relation']} edge from {quoted(r['source'])} to itself", "two different nodes",
              lambda r: f"{r['relation']} 关系从 {quoted(r['source'])} 指向它自己", "应连接两个不同的节点")
    key = ["source", "target", "relation", "since", "until"]
    dup = (frame.duplicated(key, keep="first") & (frame["source"] != "")) if _may_repeat(frame, key) else None
    if dup is not None and dup.any():
        first_line = frame[key + [LINE_COLUMN]].drop_duplicates(key).set_index(key)[LINE_COLUMN]
        check.add(check.rows(dup), "", "duplicate-edge",
                  lambda r: f"{r['relation']} {r['source']} -> {r['target']} is already given on line "
                            f"{first_line.get(tuple(r[k] for k in key), '?')}",
                  "each edge once (give a second period with other since/until years)",
                  lambda r: f"{r['relation']} {r['source']} -> {r['target']} 已在第 "
                            f"{first_line.get(tuple(r[k] for k in key), '?')} 行给出过",
                  "每条关系只应给出一次（同一关系的另一时段请写不同的 since/until 年份）")

    needs_evidence = frame["relation"].isin(FACT_RELATIONS)
    check.not_empty("evidence", needs_evidence,
                    "evidence for a fact about an enterprise or institute: a URL or document, with its date",
                    "关于企业或研究机构的事实必须填 evidence：网址或文件，并注明日期")

    if nodes is None:
        check.close()
        return None
    relation_ok = relation_ok.to_numpy()
    filled = {c: (frame[c] != "").to_numpy() for c in ("source", "target")}
    # One DuckDB query finds the rows at fault; the others are known good without a lookup each.
    rows, unknown, kind_at = _reference_faults(frame, nodes)
    missing = {c: np.zeros(len(frame), dtype=bool) for c in filled}
    for column in missing:
        missing[column][rows[unknown[column]]] = True
    # A node whose kind is unknown is reported once, in the nodes file, not again per edge.
    typed = relation_ok & filled["source"] & filled["target"]
    typed[rows] &= (kind_at["source"] >= 0) & (kind_at["target"] >= 0)
    keys = None  # built when a bad reference is to be reported (its names and close ids)
    for column in ("source", "target"):
        if refused_ids and missing[column].any():
            missing[column] &= ~frame[column].isin(list(refused_ids)).to_numpy()
        if missing[column].any():
            keys = keys or NodeKeys(nodes)
            _report_unknown(check, check.rows(missing[column]), column, keys)
    examined = typed[rows]
    _check_kinds(check, frame, rows[examined], kind_at["source"][examined], kind_at["target"][examined])
    # A part_of self-loop is already reported as such, not again as a cycle.
    from vvalley.chain.hierarchy import check_hierarchy

    check_hierarchy(check, check.rows(typed & (frame["relation"] == "part_of").to_numpy() & ~loops.to_numpy()))
    explain_shifted_rows(problems, label, table.frame, table.header, EDGE_CELLS)
    check.close()
    return frame


# Past this many rows a distinct count in DuckDB (one parallel query, ~2× faster than pandas on a
# registry's millions of edges) says whether pandas need look for repeated edges at all.
DISTINCT_IN_DUCKDB = 200_000


def _duckdb():
    """A DuckDB connection of its own for one check (closed by `with`), drawing no progress bar."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # DuckDB draws a bar on stderr past 2 s
    return con


def _may_repeat(frame: pd.DataFrame, key: list[str]) -> bool:
    """Whether some rows may repeat on `key` (False only when every row is known distinct).

    Distinct hashes of the key as many as the rows proves no row repeats (equal keys hash
    alike); fewer means a repeat or a hash collision, and pandas then looks row by row."""
    if len(frame) < DISTINCT_IN_DUCKDB:
        return True
    keys = pa.Table.from_pandas(frame[key], preserve_index=False)  # noqa: F841 - read by the query below
    with _duckdb() as con:
        distinct = con.sql(f"SELECT count(DISTINCT hash({', '.join(key)})) FROM keys").fetchall()[0][0]
    return distinct < len(frame)


def _reference_faults(frame: pd.DataFrame, nodes: pd.DataFrame) -> tuple[np.ndarray, dict, dict]:
    """The edge rows that may be at fault, found by one DuckDB query: a source or target that is
    not a node id, or a relation between kinds it does not allow (or a node of no known kind).

    Returns the rows (ascending), for each of source/target whether the row's value is not an id,
    and the kind code (index in KINDS, -1 for none) of the node it names. Ids defined twice count
    by their first definition, as the row-by-row lookup does."""
    edges = pa.table({"row": pa.array(np.arange(len(frame), dtype=np.int64)),  # noqa: F841 - queried
                      **{c: as_arrow(frame[c]) for c in ("source", "target", "relation")}})
    ids = pa.table({"row": pa.array(np.arange(len(nodes), dtype=np.int64)),  # noqa: F841 - queried
                    **{c: as_arrow(nodes[c]) for c in ("id", "kind")}})
    combos = [(name, source, target) for r, name in enumerate(RELATIONS)
              for s, source in enumerate(KINDS) for t, target in enumerate(KINDS) if ALLOWED[r, s, t]]
    allowed = pa.table({k: [c[i] for c in combos] for i, k in enumerate(("relation", "source", "target"))})  # noqa: F841
    with _duckdb() as con:
        found = con.sql("""
            WITH k AS (SELECT id, arg_min(kind, row) AS kind FROM ids WHERE id <> '' GROUP BY id)
            SELECT e.row,
                   e.source <> '' AND s.id IS NULL AS unknown_source,
                   e.target <> '' AND t.id IS NULL AS unknown_target,
                   coalesce(s.kind, '') AS source_kind, coalesce(t.kind, '') AS target_kind
            FROM edges e LEFT JOIN k s ON e.source = s.id LEFT JOIN k t ON e.target = t.id
                 LEFT JOIN allowed a ON a.relation = e.relation AND a.source = s.kind AND a.target = t.kind
            WHERE (e.source <> '' AND s.id IS NULL) OR (e.target <> '' AND t.id IS NULL)
               OR (a.relation IS NULL AND e.source <> '' AND e.target <> ''
                   AND e.relation IN (SELECT DISTINCT relation FROM allowed))
            ORDER BY e.row""").to_arrow_table()
    rows = found["row"].to_numpy().astype(np.int64)
    unknown = {c: found[f"unknown_{c}"].to_numpy(zero_copy_only=False).astype(bool) for c in ("source", "target")}
    kind_at = {c: codes(found[f"{c}_kind"].to_pandas(), KINDS).astype(np.int64) for c in ("source", "target")}
    return rows, unknown, kind_at


def _check_weight(check: Checker) -> None:
    frame = check.frame
    raw = frame["weight"]
    numbers = numbers_of(raw)
    # inf would pass "≥ 0" and then be written as Infinity, which is not JSON.
    bad = (raw != "") & ~((numbers >= 0) & (numbers < float("inf"))).fillna(False).astype(bool)
    check.add(check.rows(bad), "weight", "bad-number", lambda r: f"found {quoted(r['weight'])}",
              "a number ≥ 0 (e.g. 0.35 for a 35% share), or empty for 1",
              lambda r: f"发现 {quoted(r['weight'])}", "应为 ≥ 0 的数（例如 0.35 表示 35% 的份额），或留空表示 1")
    frame["weight"] = numbers.where(~bad & (raw != ""), 1.0).astype(float)


def _report_unknown(check: Checker, unknown: pd.DataFrame, column: str, keys: NodeKeys) -> None:
    """Edges naming a node that is not there: the ids a name stands for, or the close ids."""
    if unknown.empty:
        return
    listed = unknown.iloc[:MAX_LISTED]
    keys.names.prepare(listed[column].unique())  # the names of all listed values in one pass
    side = "sources" if column == "source" else "targets"

    def named(value: str, relation: str) -> list[str]:
        ids = keys.names.ids_named(value)
        spec = RELATIONS.get(relation)
        if spec is not None and len(ids) > 1:  # a name shared by a region and a segment: the kind that fits
            fitting = [i for i in ids if str(keys.frame.at[i, "kind"]) in getattr(spec, side)]
            ids = fitting or ids
        return ids[:3]

    closest: dict[str, list[str]] = {}  # each listed value's close ids, found once for both languages

    def close_to(value: str) -> list[str]:
        if value not in closest:
            closest[value] = keys.close.close(value)
        return closest[value]

    def found(row) -> str:
        value = row[column]
        if named(value, row["relation"]):
            return f"{quoted(value)} is a name, not an id in {NODES_FILE}"
        return f"{quoted(value)} is not an id in {NODES_FILE}"

    def found_zh(row) -> str:
        value = row[column]
        if named(value, row["relation"]):
            return f"{quoted(value)} 是名称，不是 {NODES_FILE} 中的 id"
        return f"{quoted(value)} 不是 {NODES_FILE} 中的 id"

    def expected(row) -> str:
        value = row[column]
        ids = named(value, row["relation"])
        if ids:
            means = " or ".join(f"{i!r} ({_label(keys.frame, i)})" for i in ids)
            return f"the id of a node in {NODES_FILE}, not its name (did you mean {means}?)"
        close = close_to(value)
        return "the id of a node in " + NODES_FILE + (
            f" (did you mean {', '.join(map(repr, close))}?)" if close else "")

    def expected_zh(row) -> str:
        value = row[column]
        ids = named(value, row["relation"])
        if ids:
            means = " 或 ".join(f"{i!r}（{_label(keys.frame, i)}）" for i in ids)
            return f"应为 {NODES_FILE} 中节点的 id，而不是名称（是否想写 {means}？）"
        close = close_to(value)
        return f"应为 {NODES_FILE} 中节点的 id" + (f"（是否想写 {'、'.join(map(repr, close))}？）" if close else "")

    check.add(unknown, column, "unknown-node", found, expected, found_zh, expected_zh)


def _label(nodes: pd.DataFrame, node_id: str) -> str:
    name, name_zh = str(nodes.at[node_id, "name"]), str(nodes.at[node_id, "name_zh"])
    return f"{name}, {name_zh}" if name_zh and name_zh != name else name


# (relation, source kind, target kind) -> whether the relation may join them, as one lookup table.
def _allowed_table() -> np.ndarray:
    table = np.zeros((len(RELATIONS), len(KINDS), len(KINDS)), dtype=bool)
    for r, (name, spec) in enumerate(RELATIONS.items()):
        for s, source in enumerate(KINDS):
            for t, target in enumerate(KINDS):
                fits = source in spec.sources and target in spec.targets
                if name == "part_of":  # part_of stays within one hierarchy: segment → segment, region → region
                    fits = fits and source == target
                table[r, s, t] = fits
    return table


ALLOWED = _allowed_table()


def _check_kinds(check: Checker, frame: pd.DataFrame, rows: np.ndarray, source_kind: np.ndarray,
                 target_kind: np.ndarray) -> None:
    """Report the `rows` (ascending; both nodes of a known kind, the relation known) whose relation
    does not allow those kinds; `source_kind` / `target_kind` are the rows' codes in KINDS."""
    if not len(rows):
        return
    relation = codes(frame["relation"].iloc[rows], tuple(RELATIONS))
    ok = ALLOWED[relation, source_kind, target_kind]
    if ok.all():
        return
    bad_rows = rows[~ok]
    mask = np.zeros(len(frame), dtype=bool)
    mask[bad_rows] = True
    bad = check.rows(mask).assign(_sk=[KINDS[k] for k in source_kind[~ok]],
                                  _tk=[KINDS[k] for k in target_kind[~ok]])
    check.add(bad, "relation", "wrong-kinds",
              lambda r: f"{r['relation']} from {r['_sk']} {quoted(r['source'])} to {r['_tk']} {quoted(r['target'])}",
              lambda r: _allowed(r["relation"]),
              lambda r: f"{r['relation']} 关系从 {r['_sk']} {quoted(r['source'])} 指向 {r['_tk']} {quoted(r['target'])}",
              lambda r: _allowed_zh(r["relation"]))


def _allowed(relation: str) -> str:
    spec = RELATIONS[relation]
    if relation == "part_of":
        return "part_of from segment to segment or from region to region"
    return f"{relation} from {' or '.join(spec.sources)} to {' or '.join(spec.targets)}"


def _allowed_zh(relation: str) -> str:
    spec = RELATIONS[relation]
    if relation == "part_of":
        return "part_of 只能从 segment 指向 segment，或从 region 指向 region"
    return f"{relation} 只能从 {' 或 '.join(spec.sources)} 指向 {' 或 '.join(spec.targets)}"
