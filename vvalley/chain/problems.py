"""Problems found in the data files: what was found, where, and what was expected."""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, field

# Stable codes, one per kind of problem; tests and scripts may rely on them.
CODES = {
    "missing-file": "a data file is not there",
    "empty-file": "a data file has no header row",
    "unreadable-file": "a data file is there but cannot be read (permissions, a lock)",
    "not-text": "a data file is not a text (CSV) file",
    "encoding": "a data file is neither UTF-8 nor cleanly GBK/GB18030",
    "bad-row": "a row has more fields than the header",
    "missing-column": "a required column is not in the header",
    "duplicate-column": "a column name appears twice in the header",
    "too-many-columns": "the header has more columns than vvalley reads (1,000)",
    "bad-column-name": "a column name holds a control character or another invisible one",
    "empty-value": "a required value is empty",
    "bad-id": "an id is not of the form [a-z0-9][a-z0-9._-]*",
    "duplicate-id": "an id is defined twice",
    "unknown-choice": "a value is not one of the valid choices",
    "unknown-node": "an edge names a node that is not in the nodes file",
    "wrong-kinds": "a relation joins kinds it may not join",
    "self-loop": "an edge goes from a node to itself",
    "duplicate-edge": "the same edge is given twice",
    "cycle": "part_of edges form a cycle",
    "two-parents": "a node is part_of two parents",
    "bad-year": "a year is not a year",
    "year-order": "since is after until",
    "bad-number": "a weight is not a non-negative number",
    "shifted-row": "a row's values sit one column off from some column on (a cell deleted or inserted in Excel)",
    "ingest-format": "a .duckdb file written by `vvalley ingest` of another vvalley",
}


# Problems of one kind (code) in one column of one file listed one by one; the rest are counted.
MAX_LISTED = 200


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place of a data file, said in English (`str()`, `found`/`expected`) and in
    Chinese (`text("zh")`, `found_zh`/`expected_zh`); ids, values and column names stay verbatim in both."""

    file: str
    line: int  # 0 when the problem is about the whole file
    column: str  # "" when no single column is at fault
    code: str
    found: str
    expected: str
    more: int = 0  # > 0 on the line that stands for problems of one kind past the cap: how many
    # Chinese: what was found, and what is expected with its own verb ("应为…", "每个 id 只应定义一次");
    # required, so no problem can be made without its Chinese.
    found_zh: str = field(kw_only=True, compare=False)
    expected_zh: str = field(kw_only=True, compare=False)
    column_zh: str = field(default="", kw_only=True, compare=False)  # where `column` is not a column name

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        col = f" column '{self.column}':" if self.column else ""
        return f"{where}:{col} {self.found}; expected {self.expected} [{self.code}]"

    def text(self, lang: str = "zh") -> str:
        """The problem as one line: Chinese by default, `str()` (English) for lang "en".

        The file:line location and the code are the same as in English, e.g.
        `chain_nodes.csv:179: 第 179 行，列 kind：发现 'enterprize'；应为以下之一：…（是否想写 'enterprise'？）[unknown-choice]`.
        """
        if lang != "zh":
            return str(self)
        where = f"{self.file}:{self.line}" if self.line else self.file
        place = [f"第 {self.line} 行"] if self.line else []
        if self.column_zh or self.column:
            place.append(self.column_zh or f"列 {self.column}")
        lead = "，".join(place) + "：" if place else ""
        body = f"{self.found_zh}；{self.expected_zh}"
        gap = "" if body[-1] in _FULL_WIDTH_END else " "
        return f"{where}: {lead}{body}{gap}[{self.code}]"

    def to_dict(self) -> dict:
        out = {"file": self.file, "line": self.line, "column": self.column, "code": self.code,
               "found": self.found, "expected": self.expected, "message": str(self), "message_zh": self.text("zh")}
        if self.more:
            out["more"] = self.more
        return out


_FULL_WIDTH_END = "）。？；：」”"


def count(problems) -> int:
    """How many problems a list stands for: one per listed problem, `more` for a line counting the rest."""
    return sum(p.more or 1 for p in problems)


class DataError(Exception):
    """The data files have problems; `problems` lists every one of them (past MAX_LISTED of one
    kind in one column of one file, one more Problem counts the rest: its `more`); `total` counts all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.code, p.found))
        self.total = count(self.problems)
        super().__init__(f"{self.total} problem(s) in the data")


def quoted(value: str, limit: int = 60) -> str:
    """A value as shown in a message: quoted, and cut when very long."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)


def choices_hint(value: str, choices) -> str:
    """'one of: a, b, c' plus the closest choice when there is one."""
    close = _closest(value, tuple(choices))
    hint = f" (did you mean {close!r}?)" if close else ""
    return "one of: " + ", ".join(choices) + hint


def choices_hint_zh(value: str, choices) -> str:
    """'应为以下之一：a、b、c' plus the closest choice when there is one."""
    close = _closest(value, tuple(choices))
    hint = f"（是否想写 {close!r}？）" if close else ""
    return "应为以下之一：" + "、".join(choices) + hint


@functools.lru_cache(maxsize=4096)  # once per distinct bad value
def _closest(value: str, choices: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def footer(problems, data_dir, action: str, action_zh: str, lang: str = "zh") -> str:
    """The line after the problems: how many, in how many files, and what was (not) done."""
    files = len({p.file for p in problems})
    if lang == "zh":
        return f"{data_dir} 下 {files} 个文件中共有 {count(problems)} 个问题；{action_zh}。"
    return f"{count(problems)} problem(s) in {files} file(s) under {data_dir}; {action}."


class UserError(Exception):
    """A condition the user caused and can fix (not a bug): `str()` is one English sentence saying
    what and what to do, `sentence("zh")` the Chinese one. The CLI prints it and exits 2."""

    def __init__(self, message: str, message_zh: str = ""):
        self.message_zh = message_zh
        super().__init__(message)

    def sentence(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" and self.message_zh else str(self)


class InputProblem(UserError, ValueError):
    """A UserError that is also a ValueError, for library callers that catch ValueError."""
