"""The column checks every table gets (Checker: empty values, choices, ids, years, case), each reporting every offending row at once, up to a cap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vvalley.chain.columns import strings
from vvalley.chain.csvfile import LINE_COLUMN
from vvalley.chain.problems import MAX_LISTED, Problem, choices_hint, choices_hint_zh, quoted
from vvalley.chain.schema import EDGE_COLUMNS, ID_PATTERN, NODE_COLUMNS, RELATIONS, YEAR_MAX, YEAR_MIN

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


def add_optional_columns(frame: pd.DataFrame, columns) -> None:
    """The optional columns a file leaves out, added empty."""
    for column in columns:
        if not column.required and column.name not in frame:
            frame[column.name] = ""


def as_arrow(values: pd.Series) -> pa.Array:
    """A string column as a large_string Arrow array (zero-copy for pandas' Arrow strings)."""
    return strings(values if isinstance(values.array, pd.arrays.ArrowStringArray) else values.astype(str)).cast(
        pa.large_string())


def codes(values: pd.Series, choices: tuple[str, ...]) -> np.ndarray:
    """Each value's index in `choices`, -1 for any other value."""
    at = pc.index_in(as_arrow(values), value_set=pa.array(list(choices), type=pa.large_string()))
    return at.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int16)
