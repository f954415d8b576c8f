"""The checks of the two tables as set queries: each finds every offending row at once, lists up to a cap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vvalley.chain.csvfile import LINE_COLUMN, Table
from vvalley.chain.problems import MAX_LISTED, Problem, choices_hint, choices_hint_zh, quoted
from vvalley.chain.schema import (ACTOR_KINDS, CONFIDENCE, EDGE_COLUMNS, ID_PATTERN, KINDS, LAYERS, NODE_COLUMNS,
                                  NODES_FILE, RELATIONS, YEAR_MAX, YEAR_MIN)
from vvalley.chain.shifted import EDGE_CELLS, NODE_CELLS, explain_shifted_rows
from vvalley.chain.suggest import IdIndex, NameIndex

_SCHEMA_NAMES = frozenset({LINE_COLUMN, *(c.name for c in NODE_COLUMNS), *(c.name for c in EDGE_COLUMNS)})
FACT_RELATIONS = tuple(name for name, spec in RELATIONS.items() if spec.needs_evidence)


class Checker:
    """Column checks over one table; each reports the offending rows (up to MAX_LISTED of one kind
    in one column, then one line counting the rest)."""

    def __init__(self, frame: pd.DataFrame, label: str, problems: list[Problem], header_line: int = 1):
        self.frame, self.label, self.problems, self.header_line = frame, label, problems, header_line
        self._listed: dict[tuple[str, str], int] = {}
        self._as_typed: dict[str, pd.Series] = {}  # columns whose case was normalised: the values as typed
        self._more: dict[tuple[str, str], list] = {}  # (column, code) -> [first line past the cap, count]

    def rows(self, mask) -> pd.DataFrame:
        """The rows of `mask` with the schema's columns only: a wide file's extra columns are not
        copied for every check (nor at all when no row is at fault)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return self.frame.iloc[0:0, :0].assign(**{LINE_COLUMN: []})
        return self.frame.loc[mask, [c for c in self.frame.columns if c in _SCHEMA_NAMES]]

    def add(self, rows: pd.DataFrame, column: str, code: str, found, expected, found_zh, expected_zh) -> None:
        """One problem per row of `rows` (in file order); found/expected (and their Chinese) may be
        callables of the row, called only for the rows listed."""
        if rows.empty:  # the usual case: no row is at fault, nothing to format
            return
        key = (column, code)
        room = MAX_LISTED - self._listed.get(key, 0)
        listed = rows.iloc[:max(room, 0)]
        for row in listed.to_dict("records"):
            self.problems.append(Problem(
                self.label, int(row[LINE_COLUMN]), column, code,
                found(row) if callable(found) else found,
                expected(row) if callable(expected) else expected,
                found_zh=found_zh(row) if callable(found_zh) else found_zh,
                expected_zh=expected_zh(row) if callable(expected_zh) else expected_zh))
        self._listed[key] = self._listed.get(key, 0) + len(listed)
        if len(rows) > len(listed):
            first = int(rows[LINE_COLUMN].iloc[len(listed)])
            more = self._more.setdefault(key, [first, 0])
            more[0], more[1] = min(more[0], first), more[1] + len(rows) - len(listed)

    def append(self, problem: Problem) -> None:
        """A problem made by hand, under the same cap."""
        key = (problem.column, problem.code)
        if self._listed.get(key, 0) < MAX_LISTED:
            self._listed[key] = self._listed.get(key, 0) + 1
            self.problems.append(problem)
            return
        more = self._more.setdefault(key, [problem.line, 0])
        more[0], more[1] = min(more[0], problem.line), more[1] + 1

    def close(self) -> None:
        """The lines counting what was not listed."""
        for (column, code), (line, count) in sorted(self._more.items()):
            self.problems.append(Problem(
                self.label, line, column, code,
                f"… and {count:,} more problems of this kind, not listed (the first of them on this line)",
                f"the same as for the {MAX_LISTED} listed above", more=count,
                found_zh=f"… 另有 {count:,} 个同类问题未列出（第一个在这一行）",
                expected_zh=f"改法同上面列出的 {MAX_LISTED} 个"))
        self._more.clear()

    def required_columns(self, columns) -> set[str]:
        """Report required columns the header lacks; return the names present.

        A known column typed in another case ('ID', 'Kind') is that column.
        """
        known = {c.name for c in columns}
        rename = {c: c.lower() for c in self.frame.columns
                  if c != LINE_COLUMN and c not in known and c.lower() in known and c.lower() not in self.frame}
        if rename and len(set(rename.values())) == len(rename):
            self.frame.columns = [rename.get(c, c) for c in self.frame.columns]
        present = set(self.frame.columns)
        header = ", ".join(c for c in self.frame.columns if c != LINE_COLUMN)
        for column in columns:
            if column.required and column.name not in present:
                self.problems.append(Problem(self.label, self.header_line, column.name, "missing-column",
                                             f"no column {column.name!r} in the header ({header})",
                                             f"a column named {column.name!r}: {column.description}",
                                             found_zh=f"表头中没有列 {column.name!r}（现有的列：{header}）",
                                             expected_zh=f"应有名为 {column.name!r} 的列：{_describe_zh(column.name)}"))
        return present

    def not_empty(self, column: str, mask: pd.Series | None = None, why: str = "", why_zh: str = "") -> pd.Series:
        """Rows (within mask) where `column` is empty are reported; returns the non-empty mask."""
        values = self.frame[column]
        empty = values == ""
        bad = empty if mask is None else empty & mask
        self.add(self.rows(bad), column, "empty-value", "empty value",
                 why or f"a value ({_describe(column)})", "值为空",
                 why_zh or f"应填写（{_describe_zh(column)}）")
        return ~empty

    def choice(self, column: str, choices: tuple[str, ...]) -> pd.Series:
        """Report non-empty values outside `choices`; returns the mask of valid values."""
        values = self.frame[column]
        ok = values.isin(choices)
        bad = (values != "") & ~ok
        rows = self.rows(bad)
        if not rows.empty and column in self._as_typed:  # quote what the file says, not its normalised case
            rows = rows.assign(_typed=self._as_typed[column][bad.to_numpy(dtype=bool)].to_numpy())
        typed = "_typed" if "_typed" in rows else column
        self.add(rows, column, "unknown-choice",
                 lambda r: f"found {quoted(r[typed])}", lambda r: choices_hint(r[column], choices),
                 lambda r: f"发现 {quoted(r[typed])}", lambda r: choices_hint_zh(r[column], choices))
        return ok

    def ids(self, column: str) -> pd.Series:
        values = self.frame[column]
        well_formed = values.str.fullmatch(ID_PATTERN).fillna(False).astype(bool)
        self.add(self.rows((values != "") & ~well_formed), column, "bad-id",
                 lambda r: f"found {quoted(r[column])}",
                 "an id of lowercase letters, digits and . _ - (starting with a letter or digit), "
                 "e.g. ent.shining3d",
                 lambda r: f"发现 {quoted(r[column])}",
                 "id 应只含小写字母、数字和 . _ -（以字母或数字开头），例如 ent.shining3d")
        return well_formed

    def years(self) -> None:
        parsed = {}
        for column in ("since", "until"):
            if column not in self.frame:
                self.frame[column] = ""
            raw = self.frame[column]
            if not (raw != "").to_numpy().any():  # a registry's years are often all empty: nothing to parse
                parsed[column] = pd.Series(pd.arrays.IntegerArray(np.zeros(len(raw), dtype=np.int64),
                                                                  np.ones(len(raw), dtype=bool)), index=raw.index)
                continue
            # Excel may turn 2017 into "2017.0", a Chinese input method into "２０１７": still years.
            numbers = numbers_of(raw, whole=True)
            values = numbers.to_numpy()
            with np.errstate(invalid="ignore"):  # NaN for the empty cells
                is_year = pd.Series((np.floor(values) == values) & (values >= YEAR_MIN) & (values <= YEAR_MAX),
                                    index=numbers.index)
            self.add(self.rows((raw != "") & ~is_year), column, "bad-year",
                     lambda r, c=column: f"found {quoted(r[c])}",
                     f"a year between {YEAR_MIN} and {YEAR_MAX}, e.g. 2019, or empty",
                     lambda r, c=column: f"发现 {quoted(r[c])}",
                     f"应为 {YEAR_MIN} 到 {YEAR_MAX} 之间的年份，例如 2019，或留空")
            parsed[column] = numbers.where(is_year).astype("Int64")
        order = (parsed["since"] > parsed["until"]).fillna(False).astype(bool)
        if order.any():
            self.add(self.rows(order), "since", "year-order",
                     lambda r: f"since {r['since']} is after until {r['until']}",
                     "since ≤ until",
                     lambda r: f"since {r['since']} 晚于 until {r['until']}",
                     "应为 since ≤ until")
        self.frame["since"], self.frame["until"] = parsed["since"], parsed["until"]

    def normalise_case(self, column: str, upper: bool = False) -> None:
        """Enum values typed as 'Enterprise' or 'a' in Excel mean the same thing."""
        values = self.frame[column]
        changed = values.str.upper() if upper else values.str.lower()
        # A registry's enums are typed alike already: keep the column read (the copy would be held
        # for the rest of the load, a few hundred MB across the columns of millions of edges).
        if not bool((changed != values).any()):
            return
        self._as_typed[column] = values
        self.frame[column] = changed


def numbers_of(raw: pd.Series, whole: bool = False) -> pd.Series:
    """The non-empty values as numbers (NaN where empty or not a number).

    Full-width digits and signs (２０１９, ０．５, typed with a Chinese input method) count as
    ASCII; with `whole`, Excel's "2019.0" counts as 2019. Only the non-empty values are parsed,
    and only the non-ASCII ones normalised: most year and weight cells are empty.
    """
    numbers = pd.Series(np.nan, index=raw.index, dtype=float)
    filled = (raw != "").to_numpy()
    if not filled.any():
        return numbers
    values = raw[filled]
    ascii_only = values.str.isascii().to_numpy()
    if not ascii_only.all():
        values = values.copy()
        values[~ascii_only] = values[~ascii_only].str.normalize("NFKC").str.strip()
    if whole:
        values = values.str.replace(r"\.0+$", "", regex=True)
    numbers[filled] = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    return numbers


def _describe(column: str) -> str:
    for spec in (*NODE_COLUMNS, *EDGE_COLUMNS):
        if spec.name == column:
            return spec.description
    return column


# The columns' descriptions in Chinese (as _describe: the node file's where both files have the column).
DESCRIPTION_ZH = {
    "id": "唯一且不变的 id，例如 seg.chips.cis、ent.shining3d",
    "kind": "节点是什么：segment、focus_area、enterprise、institute 或 region",
    "name": "英文显示名称",
    "name_zh": "中文名称",
    "layer": "所在链层；环节必填",
    "description": "一句话说明",
    "since": "节点出现的第一年（成立年份）；留空表示一直都有",
    "until": "节点存在的最后一年（关闭年份）；留空表示仍然存在",
    "evidence": "事实的来源（网址或文件，并注明日期）；企业和研究机构必填",
    "confidence": "A 官方/备案，B 可靠媒体，C 聚合网站/自媒体，U 未核实",
    "source": "关系起点的节点 id",
    "target": "关系终点的节点 id",
    "relation": "这条关系说的是什么",
    "weight": "强度，例如供货份额；默认 1",
}


def _describe_zh(column: str) -> str:
    return DESCRIPTION_ZH.get(column, column)


def _optional(frame: pd.DataFrame, columns) -> None:
    for column in columns:
        if not column.required and column.name not in frame:
            frame[column.name] = ""


def _arrow(values: pd.Series) -> pa.Array:
    """A string column as a large_string Arrow array (zero-copy for pandas' Arrow strings)."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        return pa.array(values.array).cast(pa.large_string())
    return pa.array(values.astype(str).to_numpy(dtype=object), type=pa.large_string())


def codes(values: pd.Series, choices: tuple[str, ...]) -> np.ndarray:
    """Each value's index in `choices`, -1 for any other value."""
    at = pc.index_in(_arrow(values), value_set=pa.array(list(choices), type=pa.large_string()))
    return at.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int16)


# ---- nodes ---------------------------------------------------------------------------------

def check_nodes(table: Table, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    """The node table checked (kinds, layers, grades case-normalised; years parsed), or None when a
    required column is missing."""
    frame = table.frame.copy()
    check = Checker(frame, label, problems, table.header_line)
    present = check.required_columns(NODE_COLUMNS)
    _optional(frame, NODE_COLUMNS)
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
        self.ids = _arrow(first["id"])
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
    _optional(frame, EDGE_COLUMNS)
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
                      **{c: _arrow(frame[c]) for c in ("source", "target", "relation")}})
    ids = pa.table({"row": pa.array(np.arange(len(nodes), dtype=np.int64)),  # noqa: F841 - queried
                    **{c: _arrow(nodes[c]) for c in ("id", "kind")}})
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
