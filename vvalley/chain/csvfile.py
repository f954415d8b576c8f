"""Reading a CSV file as Excel and text editors write it: encoding, delimiter, line numbers."""

from __future__ import annotations

import codecs
import csv
import errno
import io
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from vvalley.chain.problems import Problem, quoted
from vvalley.sanitize import first_unsafe, for_terminal, visible

# The row's first line number, under a name no header can hold (NUL bytes are rejected).
LINE_COLUMN = "\x00line"
# Above this size Arrow's parser reads the file (vvalley.chain.fastcsv) when every line is one
# record, else pandas' parsers; below it (and whenever a value spans lines) the csv module does,
# since it knows each record's first line.
FAST_PARSE_BYTES = 8 * 1024 * 1024


@dataclass
class Table:
    """A parsed CSV file: every value a stripped string, plus each row's first line number."""

    frame: pd.DataFrame
    header: list[str]
    encoding: str
    problems: list[Problem]  # rows that could not be read; the other rows still are
    header_line: int = 1  # the header's line: 1 unless blank lines lead
    # Rows refused for having too many fields, as {column: value} over the header's columns: their
    # ids still exist for the other file's checks (one problem at the row, not one per reference).
    refused: list[dict[str, str]] = field(default_factory=list)


class TableError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def read_table(path: Path, label: str) -> Table:
    """Read `path` into a Table; raise TableError with file-level problems."""
    if not path.is_file():
        raise TableError([Problem(label, 0, "", "missing-file", "no such file", f"a CSV file at {path}",
                                  found_zh="文件不存在", expected_zh=f"应在 {path} 有一个 CSV 文件")])
    try:
        if path.stat().st_size > FAST_PARSE_BYTES:
            from vvalley.chain.fastcsv import read_clean_file

            table = read_clean_file(path, label)
            if table is not None:
                return table
        raw = path.read_bytes()
    except OSError as err:  # no read permission, a file locked by another program, an I/O error
        reason = err.strerror or type(err).__name__
        raise TableError([Problem(label, 0, "", "unreadable-file", f"the file cannot be read ({reason})",
                                  "a file vvalley may read: check its permissions, or close the program "
                                  "that holds it",
                                  found_zh=f"文件无法读取（{_OS_REASON_ZH.get(err.errno, reason)}）",
                                  expected_zh="应为 vvalley 能读取的文件：请检查文件权限，或关闭占用它的程序")]) from None
    text, encoding = decode_text(raw, label)
    if not text or text.isspace():
        raise TableError([Problem(label, 0, "", "empty-file", "the file is empty",
                                  "a header row naming the columns, then one row per record",
                                  found_zh="文件是空的", expected_zh="应先有一行表头写明各列名称，其后每行一条记录")])
    _check_width(text, label)
    return _parse(text, label, encoding, fast=len(raw) > FAST_PARSE_BYTES)


# ---- encodings --------------------------------------------------------------------------

UTF8_HINT = "in Excel use Save As > 'CSV UTF-8 (Comma delimited)'"
UTF8_HINT_ZH = "在 Excel 中用“另存为”，文件类型选“CSV UTF-8(逗号分隔)”"
# Why the OS refused a read, in Chinese (other reasons are shown as the OS says them).
_OS_REASON_ZH = {errno.EACCES: "没有读取权限", errno.EPERM: "不允许读取", errno.EBUSY: "文件正被占用",
                 errno.EIO: "磁盘读写错误", errno.EISDIR: "这是文件夹，不是文件"}
# A GBK reading is Chinese text when nearly all its two-byte characters lie in GB2312, the
# common hanzi and punctuation (both bytes A1-FE). Western text in Windows-1252 read as GBK
# pairs an accented letter with the ASCII letter after it (Caméras: e9 72 -> 閞), which GB2312
# never does, so its share is near 0; real Chinese text is near 1.
GB2312_SHARE = 0.8
_GBK_PAIR = re.compile(rb"[\x81-\xfe][\x40-\x7e\x80-\xfe]|[\x00-\x7f]")
# Letters and punctuation of Western European text as Windows-1252 / Latin-1 write them.
_WESTERN = re.compile("[\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2018-\u201e\u2013\u2014"
                      "\u2026\u20ac\u00a0-\u00bf]")


def decode_text(raw: bytes, label: str) -> tuple[str, str]:
    """The text of a CSV file's bytes and its encoding ("utf-8", "utf-8-sig" or "gb18030").

    Accepted: UTF-8 with or without a BOM, and GBK/GB18030 (Excel's "CSV" on a Chinese
    Windows) when the whole file decodes as such and reads as Chinese text. Anything else
    raises TableError naming the line and what the file looks like: a Windows-1252 / Latin-1
    file (Excel on a Western Windows) is named as such, with how to save it as UTF-8, rather
    than guessed; a single-byte reading cannot be told from its neighbours (Latin-2,
    Cyrillic) by the bytes alone, and one Save As fixes it for good.
    """
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError([Problem(label, 0, "", "not-text", "an Excel workbook, not a CSV file",
                                  "a CSV file: in Excel use Save As > 'CSV UTF-8 (Comma delimited)'",
                                  found_zh="这是 Excel 工作簿，不是 CSV 文件",
                                  expected_zh=f"应为 CSV 文件：{UTF8_HINT_ZH}")])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TableError([Problem(label, 1, "", "encoding", "UTF-16 text (Excel's 'Unicode Text')",
                                  "UTF-8 CSV: in Excel use Save As > 'CSV UTF-8 (Comma delimited)'",
                                  found_zh="UTF-16 文本（Excel 的“Unicode 文本”）",
                                  expected_zh=f"应为 UTF-8 编码的 CSV：{UTF8_HINT_ZH}")])
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise TableError([Problem(label, line_of(raw, nul), "", "not-text",
                                  "binary data (a NUL byte)", "a CSV text file",
                                  found_zh="二进制数据（含 NUL 字节）", expected_zh="应为 CSV 文本文件")])
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise TableError([_bad_bytes(raw, err.start + 3, label, "UTF-8 (the file starts with a UTF-8 BOM)",
                                         "应为 UTF-8 编码（文件以 UTF-8 BOM 开头）")])
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        first_bad_utf8 = utf8_err.start
    # Not UTF-8. A GBK/GB18030 file is read when it decodes cleanly, reads as Chinese, and no
    # line of it is Chinese written in UTF-8: a file that mixes both is a damaged UTF-8 file.
    # (A line of GBK bytes may happen to be valid UTF-8 too, e.g. 芯片 = d0 be c6 ac
    # reads as 'оƬ'; only a UTF-8 reading with CJK characters proves a UTF-8 line.)
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise TableError([_not_utf8(raw, first_bad_utf8, label)]) from None
    if gb2312_share(raw) < GB2312_SHARE:
        raise TableError([_not_utf8(raw, first_bad_utf8, label)])
    for index, raw_line in enumerate(raw.splitlines()):  # bytes split on CR, LF and CRLF only
        if not _UTF8_3BYTE.search(raw_line):
            continue
        try:
            line = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if any(ord(ch) >= 0x2E80 for ch in line):
            number = index + 1
            raise TableError([_bad_bytes(raw, first_bad_utf8, label,
                                         f"one encoding for the whole file (line {number} is UTF-8)",
                                         f"整个文件应使用同一种编码（第 {number} 行是 UTF-8）")])
    return text, "gb18030"


SAMPLE_BYTES = 256_000


def _sample(raw: bytes) -> bytes:
    """The first ~256 kB of a file, cut at a line end (a newline byte is never inside a GBK pair)."""
    if len(raw) <= SAMPLE_BYTES:
        return raw
    cut = raw.rfind(b"\n", 0, SAMPLE_BYTES)
    return raw[: cut + 1] if cut > 0 else raw[:SAMPLE_BYTES]


def gb2312_share(raw: bytes) -> float:
    """The share of a GBK reading's two-byte characters that are common Chinese (GB2312: both bytes
    A1-FE), over the file's first ~256 kB."""
    pairs = Counter(p for p in _GBK_PAIR.findall(_sample(raw)) if len(p) == 2)
    total = sum(pairs.values())
    if not total:
        return 0.0
    return sum(n for p, n in pairs.items() if p[0] >= 0xA1 and p[1] >= 0xA1) / total


def western_reading(raw: bytes) -> str | None:
    """The file as Windows-1252 (else Latin-1) text when its non-ASCII characters are Western
    European letters and punctuation; else None."""
    raw = _sample(raw)
    for codec in ("cp1252", "latin-1"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        other = [ch for ch in text if ord(ch) > 0x7F]
        if other and sum(1 for ch in other if _WESTERN.match(ch)) >= 0.9 * len(other):
            return text
    return None


def _not_utf8(raw: bytes, offset: int, label: str) -> Problem:
    """The problem for a file that is neither UTF-8 nor Chinese GBK: named as Western text when it reads as such."""
    western = western_reading(raw)
    if western is None:
        return _bad_bytes(raw, offset, label, "one encoding for the whole file, UTF-8 or GBK/GB18030",
                          "整个文件应使用同一种编码：UTF-8 或 GBK/GB18030")
    line = line_of(raw, offset)
    start, end = _line_span(raw, offset)
    shown = raw[start:end].decode("cp1252", errors="replace").strip()
    return Problem(label, line, "", "encoding",
                   f"this file is Windows-1252/Latin-1 (Western European) text, not UTF-8 "
                   f"(this line reads {quoted(shown)})",
                   f"a UTF-8 file: {UTF8_HINT}, or in a text editor save with encoding UTF-8",
                   found_zh=f"这个文件是 Windows-1252/Latin-1（西欧文字）文本，不是 UTF-8（这一行读作 {quoted(shown)}）",
                   expected_zh=f"应为 UTF-8 文件：{UTF8_HINT_ZH}，或在文本编辑器中以 UTF-8 编码保存")


def line_of(raw: bytes | str, offset: int) -> int:
    """The 1-based line of `offset`, counting CR, LF and CRLF line ends alike."""
    lf, cr = (b"\n", b"\r") if isinstance(raw, bytes) else ("\n", "\r")
    return raw.count(lf, 0, offset) + raw.count(cr, 0, offset) - raw.count(cr + lf, 0, offset) + 1


def _line_span(raw: bytes, offset: int) -> tuple[int, int]:
    start = max(raw.rfind(b"\n", 0, offset), raw.rfind(b"\r", 0, offset)) + 1
    ends = [i for i in (raw.find(b"\n", offset), raw.find(b"\r", offset)) if i >= 0]
    return start, min(ends) if ends else len(raw)


# A 3-byte UTF-8 sequence (where CJK characters live), searched line by line: one pattern for
# "a line holding one" backtracked quadratically on long lines.
_UTF8_3BYTE = re.compile(rb"[\xe2-\xef][\x80-\xbf]{2}")


def _bad_bytes(raw: bytes, offset: int, label: str, expected: str, expected_zh: str) -> Problem:
    line = line_of(raw, offset)
    start, end = _line_span(raw, offset)
    column = offset - start + 1
    snippet = raw[offset: offset + 4].hex(" ")
    found = f"this line is not UTF-8 text (bytes {snippet} at byte {column} of the line)"
    found_zh = f"这一行不是 UTF-8 文本（该行第 {column} 个字节起为 {snippet}）"
    try:  # say what the line reads as when it is GBK, so the person sees which line it is
        as_gbk = raw[start:end].decode("gb18030").strip()
        found = f"this line is GBK/GB18030 text, not UTF-8 ({quoted(as_gbk)}, bytes {snippet} at byte {column})"
        found_zh = f"这一行是 GBK/GB18030 文本，不是 UTF-8（{quoted(as_gbk)}，第 {column} 个字节起为 {snippet}）"
    except UnicodeDecodeError:
        pass
    return Problem(label, line, "", "encoding", found, f"{expected}; {UTF8_HINT}",
                   found_zh=found_zh, expected_zh=f"{expected_zh}；{UTF8_HINT_ZH}")


# ---- the header -------------------------------------------------------------------------

MAX_COLUMNS = 1000
_FIRST_LINE = re.compile(r"[^\r\n]*")


def _check_width(text: str, label: str) -> None:
    """Refuse a header wider than MAX_COLUMNS before any per-column work (a cheap count first)."""
    # The first line with a value, found without copying the text (a registry export is 100s of MB).
    start, number = 0, 1
    while True:
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end + 1]
        if line.strip():
            break
        if end < 0:
            return
        start, number = end + 1, number + line.count("\n") + (line.count("\r") - line.count("\r\n"))
    delimiter = delimiter_of(line)
    if line.count(delimiter) < MAX_COLUMNS:
        return  # fewer delimiters than the cap: fewer columns, however the quotes fall
    header = next(csv.reader(io.StringIO(text[start:].lstrip("\r\n \t")[:1 << 24], newline=""),
                             delimiter=delimiter), [])
    if len(header) > MAX_COLUMNS:
        raise TableError([Problem(label, number, "", "too-many-columns",
                                  f"{len(header):,} columns in the header",
                                  f"at most {MAX_COLUMNS:,} columns (the schema's columns and extra ones); "
                                  "is this the right file, saved with the right delimiter?",
                                  found_zh=f"表头有 {len(header):,} 列",
                                  expected_zh=f"应不超过 {MAX_COLUMNS:,} 列（数据规范的列加上自己加的列）；"
                                              "是不是选错了文件，或保存时用错了分隔符？")])


def check_names(header: list[str], label: str, line: int) -> None:
    """Refuse column names holding control characters, bidi overrides or non-characters."""
    problems = []
    for index, name in enumerate(header, start=1):
        bad = first_unsafe(name)
        if bad is not None:
            problems.append(Problem(label, line, for_terminal(name), "bad-column-name",
                                    f"column {index} of the header holds the invisible character {visible(bad)}",
                                    "a column name of visible characters (retype it, or delete the column)",
                                    found_zh=f"表头第 {index} 列含不可见字符 {visible(bad)}",
                                    expected_zh="列名应只含可见字符（重新输入列名，或删除这一列）"))
    if problems:
        raise TableError(problems)


def delimiter_of(first_line: str) -> str:
    # Excel writes ';' in locales that use a decimal comma, and tabs for "Text".
    if "," in first_line:
        return ","
    for candidate in (";", "\t"):
        if candidate in first_line:
            return candidate
    return ","


def _parse(text: str, label: str, encoding: str, fast: bool) -> Table:
    delimiter = delimiter_of(_FIRST_LINE.match(text.lstrip()).group())
    frame, problems, header_line, refused = (_parse_fast(text, delimiter) if fast else None), [], 1, []
    if frame is None:
        frame, problems, header_line, refused = _parse_rows(text, label, delimiter)
    header = [c for c in frame.columns if c != LINE_COLUMN]
    check_names(header, label, header_line)
    return Table(frame, header, encoding, problems, header_line, refused)


def _parse_fast(text: str, delimiter: str) -> pd.DataFrame | None:
    """A C++ parser for large files; None when line numbers could not be trusted."""
    if text[:1].isspace() or text.count("\r") != text.count("\r\n"):
        return None  # blank lines on top, or old Mac line ends: the careful reader counts those right
    header = [h.strip() for h in next(csv.reader([text.split("\n", 1)[0].rstrip("\r")], delimiter=delimiter), [])]
    if len(set(header)) != len(header) or "" in header:
        return None  # pandas would rename a repeated column; the careful reader reports it
    try:
        if "\n\n" in text or "\n\r\n" in text:
            # pyarrow drops blank lines, which would shift every line number after them.
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                                na_filter=False, skip_blank_lines=False, engine="c")
        else:
            frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), sep=delimiter, dtype=str,
                                keep_default_na=False, engine="pyarrow")
    except (pd.errors.ParserError, ValueError, pa.ArrowException):
        return None  # ragged rows, stray quotes: the careful reader reports them with their lines
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


def _parse_rows(text: str, label: str, delimiter: str) -> tuple[pd.DataFrame, list[Problem], int, list[dict]]:
    records, problems = _records(text, label, delimiter)
    # The header is the first row with a value: Excel users sometimes leave a blank line on top.
    while records and not any(v.strip() for v in records[0][1]):
        records.pop(0)
    header_line, header = (records[0][0], [h.strip() for h in records[0][1]]) if records else (1, [])
    width = len(header)
    seen: dict[str, int] = {}
    header_problems = []
    for index, name in enumerate(header):
        if name and name in seen:
            header_problems.append(Problem(label, header_line, name, "duplicate-column",
                                           f"column {name!r} appears twice (fields {seen[name] + 1} and {index + 1})",
                                           "each column once",
                                           found_zh=f"列 {name!r} 出现了两次（第 {seen[name] + 1} 和第 {index + 1} 个字段）",
                                           expected_zh="每列只应出现一次"))
        seen.setdefault(name, index)
    if header_problems:
        raise TableError(header_problems)
    rows, lines, refused = [], [], []
    for first_line, row in records[1:]:
        values = [v.strip() for v in row]
        if not any(values):
            continue  # blank lines and Excel's rows of empty cells
        if len(values) > width:
            extra = values[width:]
            if any(extra):
                problems.append(Problem(label, first_line, "", "bad-row",
                                        f"{len(values)} fields",
                                        f"at most {width} fields, as in the header (is a value with a comma not quoted?)",
                                        found_zh=f"这一行有 {len(values)} 个字段",
                                        expected_zh=f"应不超过 {width} 个字段，与表头一致（是否有含逗号的值没有加引号？）"))
                refused.append(dict(zip(header, values)))
                continue
            values = values[:width]
        rows.append(values + [""] * (width - len(values)))
        lines.append(first_line)
    frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(
        {name: pd.Series([], dtype=str) for name in header})
    frame[LINE_COLUMN] = lines
    # Excel leaves unnamed columns behind when cells right of the table were touched.
    frame = frame.drop(columns=[""], errors="ignore") if "" in header else frame
    return frame, problems, header_line, refused


QUOTES_EXPECTED = ('quotes in pairs: a value with a comma, a quote or a line break is written "like, this", '
                   'with a quote inside it doubled ("")')
QUOTES_EXPECTED_ZH = '引号应成对出现：含逗号、引号或换行的值写成 "像, 这样"，值里面的引号写两个（""）'
MAX_RESTARTS = 100


def _records(text: str, label: str, delimiter: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Every record with its first line number.

    A quote that is never closed would swallow the rest of the file into one value, and a
    huge value stops the csv module: both are reported at the record's first line, and
    reading resumes on the next line, so the rows after it are still checked.
    """
    lines = io.StringIO(text, newline="").readlines()
    records: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    start = 0
    for _ in range(MAX_RESTARTS):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter)
        line = start + 1  # the first line of the record being read
        resume = None
        try:
            for row in reader:
                records.append((line, row))
                line = start + reader.line_num + 1
        except csv.Error as err:
            limit = csv.field_size_limit()
            too_long = "field larger" in str(err)
            found = (f"a value longer than {limit} characters starts here (is a quote opened and never closed?)"
                     if too_long else f"a row that cannot be read ({err})")
            found_zh = (f"从这里开始的一个值超过 {limit} 个字符（是否有引号打开后没有关闭？）"
                        if too_long else f"这一行无法读取（csv 模块报告：{err}）")
            problems.append(Problem(label, line, "", "bad-row", found, QUOTES_EXPECTED,
                                    found_zh=found_zh, expected_zh=QUOTES_EXPECTED_ZH))
            resume = line
        else:
            if records and records[-1][0] > start and _unclosed_quote(lines, records[-1][0], delimiter):
                first = records.pop()[0]
                problems.append(Problem(label, first, "", "bad-row",
                                        f'a quote (") opened on this line is never closed, so the rest of the file '
                                        f"(to line {len(lines)}) would read as one value", QUOTES_EXPECTED,
                                        found_zh=f'这一行打开的引号（"）一直没有关闭，文件其余部分（到第 {len(lines)} 行）'
                                                 "都会被读成一个值", expected_zh=QUOTES_EXPECTED_ZH))
                resume = first
        if resume is None or resume >= len(lines):
            break
        start = resume
    return records, problems


def _unclosed_quote(lines: list[str], first_line: int, delimiter: str) -> bool:
    """Whether the record starting at `first_line` runs to the end of the file inside quotes."""
    try:
        for _ in csv.reader(itertools.islice(lines, first_line - 1, None), delimiter=delimiter, strict=True):
            pass
    except csv.Error as err:
        return "unexpected end of data" in str(err)
    return False
