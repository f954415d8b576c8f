"""Reading a firm list: xlsx / xls through python-calamine, csv in any encoding Excel writes, as rows of text."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from pathlib import Path

from vvalley.importer.problems import ImportProblem

try:  # the hardening helper's public name; the private one before it lands
    from vvalley.chain.csvfile import decode_text as _decode_text
except ImportError:  # pragma: no cover - depends on the chain package's version
    from vvalley.chain.csvfile import _decode as _decode_text
from vvalley.chain.csvfile import TableError

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class Sheet:
    """Every row of one sheet (title rows too) as text cells; row i is shown by Excel as row i + 1."""

    file: Path
    name: str  # the sheet's name; "" for a CSV file
    rows: list[list[str]]


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The rows of `path` (its first sheet, or the sheet called `sheet`)."""
    path = Path(path)
    if not path.is_file():
        raise ImportProblem(f"找不到文件 {path}", f"no such file: {path}", "missing-file")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_workbook(path, sheet)
    if sheet:
        raise ImportProblem(f"{path} 是 CSV 文件，没有工作表；去掉 --sheet {sheet}",
                            f"{path} is a CSV file and has no sheets; drop --sheet {sheet}", "no-sheets")
    return _read_csv(path)


def sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def _read_workbook(path: Path, sheet: str | None) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # noqa: BLE001 - calamine raises its own types for damaged files
        raise ImportProblem(f"{path} 不是可读的 Excel 工作簿（{err}）",
                            f"{path} is not a readable Excel workbook ({err})", "bad-workbook")
    names = list(book.sheet_names)
    if sheet is None:
        if not names:
            raise ImportProblem(f"{path} 没有工作表", f"{path} has no sheets", "no-sheets")
        sheet = names[0]
    elif sheet not in names:
        raise ImportProblem(f"{path} 里没有工作表 {sheet!r}；有：{'、'.join(names)}",
                            f"no sheet {sheet!r} in {path}; its sheets: {', '.join(names)}", "unknown-sheet")
    data = book.get_sheet_by_name(sheet)
    rows = [[_text(v) for v in row] for row in data.to_python(skip_empty_area=False)]
    _fill_merged(rows, getattr(data, "merged_cell_ranges", None) or [])
    return Sheet(path, sheet, rows)


def _fill_merged(rows: list[list[str]], ranges) -> None:
    """A merged range holds its value in the top-left cell only: give it to every cell of the range."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if not row[c]:
                    row[c] = value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value).strip()


def _read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    try:
        text, _encoding = _decode_text(raw, str(path))
    except TableError as err:
        problem = err.problems[0]
        raise ImportProblem(f"{path} 无法读取：{problem.found_zh}；{problem.expected_zh}",
                            f"{path} cannot be read: {problem.found}; expected {problem.expected}", problem.code)
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = "," if "," in first else ("\t" if "\t" in first else (";" if ";" in first else ","))
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return Sheet(path, "", rows)
