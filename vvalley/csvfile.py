"""Reading a CSV file as Excel and text editors write it: encoding, delimiter, line numbers."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .problems import Problem

LINE_COLUMN = "_line"
# Above this size the C parser reads the file; below it (and whenever a value spans
# lines) the csv module does, since it knows each record's first line.
FAST_PARSE_BYTES = 8 * 1024 * 1024


@dataclass
class Table:
    """A parsed CSV file: every value a stripped string, plus each row's first line number."""

    frame: pd.DataFrame
    header: list[str]
    encoding: str
    problems: list[Problem]  # rows that could not be read; the other rows still are


class TableError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def read_table(path: Path, label: str) -> Table:
    """Read `path` into a Table; raise TableError with file-level problems."""
    if not path.is_file():
        raise TableError([Problem(label, 0, "", "missing-file", "no such file",
                                  f"a CSV file at {path}")])
    raw = path.read_bytes()
    text, encoding = _decode(raw, label)
    if not text.strip():
        raise TableError([Problem(label, 0, "", "empty-file", "the file is empty",
                                  "a header row naming the columns, then one row per record")])
    return _parse(text, label, encoding, fast=len(raw) > FAST_PARSE_BYTES)


def _decode(raw: bytes, label: str) -> tuple[str, str]:
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError([Problem(label, 0, "", "not-text", "an Excel workbook, not a CSV file",
                                  "a CSV file: in Excel use Save As > 'CSV UTF-8 (Comma delimited)'")])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TableError([Problem(label, 1, "", "encoding", "UTF-16 text (Excel's 'Unicode Text')",
                                  "UTF-8 CSV: in Excel use Save As > 'CSV UTF-8 (Comma delimited)'")])
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise TableError([Problem(label, raw.count(b"\n", 0, nul) + 1, "", "not-text",
                                  "binary data (a NUL byte)", "a CSV text file")])
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise TableError([_bad_bytes(raw, err.start + 3, label, "UTF-8 (the file starts with a UTF-8 BOM)")])
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        first_bad_utf8 = utf8_err.start
    # Not UTF-8. A GBK/GB18030 file (Excel's "CSV" on a Chinese Windows) is read when it
    # decodes cleanly and none of its non-ASCII lines is valid UTF-8: a file that mixes
    # both is a damaged UTF-8 file, and reading it as GBK would give silent mojibake.
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise TableError([_bad_bytes(raw, first_bad_utf8, label, "UTF-8 or GBK/GB18030")])
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            raise TableError([_bad_bytes(raw, first_bad_utf8, label,
                                         f"one encoding for the whole file (line {number} is UTF-8)")])
    return text, "gb18030"


def _bad_bytes(raw: bytes, offset: int, label: str, expected: str) -> Problem:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = offset - start + 1
    snippet = raw[offset: offset + 4].hex(" ")
    return Problem(label, line, "", "encoding",
                   f"bytes {snippet} at byte {column} of the line cannot be decoded",
                   f"{expected}; in Excel use Save As > 'CSV UTF-8 (Comma delimited)'")


def _delimiter(first_line: str) -> str:
    # Excel writes ';' in locales that use a decimal comma, and tabs for "Text".
    if "," in first_line:
        return ","
    for candidate in (";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def _parse(text: str, label: str, encoding: str, fast: bool) -> Table:
    delimiter = _delimiter(text.split("\n", 1)[0])
    frame, problems = (_parse_fast(text, delimiter) if fast else None), []
    if frame is None:
        frame, problems = _parse_rows(text, label, delimiter)
    header = [c for c in frame.columns if c != LINE_COLUMN]
    return Table(frame, header, encoding, problems)


def _parse_fast(text: str, delimiter: str) -> pd.DataFrame | None:
    """The C parser for large files; None when line numbers could not be trusted."""
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, ValueError):
        return None  # ragged rows: the careful reader reports them with their lines
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(set(frame.columns)) != len(frame.columns) or any(c.startswith("Unnamed:") for c in frame.columns):
        return None
    for column in frame.columns:
        values = frame[column]
        if values.str.contains("\n", regex=False).any():
            return None
        frame[column] = values.str.strip()
    frame[LINE_COLUMN] = range(2, len(frame) + 2)
    keep = (frame.drop(columns=LINE_COLUMN) != "").any(axis=1)
    return frame.loc[keep].reset_index(drop=True)


def _parse_rows(text: str, label: str, delimiter: str) -> tuple[pd.DataFrame, list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    problems, rows, lines = [], [], []
    width = len(header)
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name and name in seen:
            problems.append(Problem(label, 1, name, "duplicate-column",
                                    f"column {name!r} appears twice (fields {seen[name] + 1} and {index + 1})",
                                    "each column once"))
        seen.setdefault(name, index)
    if problems:
        raise TableError(problems)
    line = reader.line_num + 1
    for row in reader:
        first_line, line = line, reader.line_num + 1
        values = [v.strip() for v in row]
        if not any(values):
            continue  # blank lines and Excel's rows of empty cells
        if len(values) > width:
            extra = values[width:]
            if any(extra):
                problems.append(Problem(label, first_line, "", "bad-row",
                                        f"{len(values)} fields",
                                        f"at most {width} fields, as in the header (is a value with a comma not quoted?)"))
                continue
            values = values[:width]
        rows.append(values + [""] * (width - len(values)))
        lines.append(first_line)
    frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(
        {name: pd.Series([], dtype=str) for name in header})
    frame[LINE_COLUMN] = lines
    # Excel leaves unnamed columns behind when cells right of the table were touched.
    frame = frame.drop(columns=[""], errors="ignore") if "" in header else frame
    return frame, problems
