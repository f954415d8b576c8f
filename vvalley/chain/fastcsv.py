"""The fast reader of large, clean CSV files: Arrow's parser straight from the bytes, or None to hand the file on.

A registry export is hundreds of MB. Decoding it into a Python string, encoding it back for the
parser and stripping each column through pandas cost more than the parse itself. This reader
parses the bytes once with pyarrow (multi-threaded, UTF-8 checked in every cell) and trims in
Arrow. It only answers when every line number it gives is certain: one record per line, no
blank lines, one kind of line end, a plain header. Anything else (GBK, a BOM-less UTF-16, a NUL,
ragged rows, a value spanning lines, blank lines, old Mac line ends …) returns None and the
careful readers in csvfile.py take the file, with their exact messages.
"""

from __future__ import annotations

import codecs
import csv
import os
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from vvalley.chain.csvfile import LINE_COLUMN, MAX_COLUMNS, Table, check_names, delimiter_of

_WORKBOOK = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_NOT_BLANK = re.compile(rb"\S")


def read_clean(raw: bytes, label: str) -> Table | None:
    """The Table of `raw` when it is plain UTF-8 CSV that Arrow reads one line per record, else None.

    Gives the same Table as the careful path would: stripped string values, each row's line
    number, rows of empty cells left out. A header with an invisible character still raises
    TableError (csvfile.check_names), as on the careful path.
    """
    parsed = _parse(raw, label)
    return None if parsed is None else _table(parsed, label)


def read_clean_file(path, label: str) -> Table | None:
    """read_clean of the file at `path`, its bytes let go as soon as Arrow has parsed them (a
    registry export's bytes, Arrow's columns and the trimmed columns are not all held at once)."""
    raw = path.read_bytes()
    parsed = _parse(raw, label)
    del raw
    return None if parsed is None else _table(parsed, label)


def _parse(raw: bytes, label: str) -> list | None:
    """[header, encoding, Arrow columns] of `raw`, or None when a careful reader should read it."""
    start, encoding = (3, "utf-8-sig") if raw.startswith(codecs.BOM_UTF8) else (0, "utf-8")
    if raw.startswith(_WORKBOOK, start) or raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), start):
        return None
    if raw[start:start + 1].isspace() or raw.find(b"\x00") >= 0 or not _NOT_BLANK.search(raw, start):
        return None  # blank lines on top, binary, empty: the careful reader says which
    lines = _line_count(raw)
    if lines is None:
        return None
    header_end = raw.find(b"\n")
    try:
        first_line = raw[start: header_end if header_end >= 0 else len(raw)].rstrip(b"\r").decode("utf-8")
    except UnicodeDecodeError:
        return None
    delimiter = delimiter_of(first_line)
    if first_line.count(delimiter) >= MAX_COLUMNS:
        return None  # the careful reader refuses it with its width
    header = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter), [])]
    if not header or "" in header or len(set(header)) != len(header):
        return None  # a repeated or unnamed column: the careful reader reports or drops it
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(raw)[start:],  # a view: no copy of the bytes after a BOM
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None  # ragged rows, stray quotes, bytes that are not UTF-8
    if table.num_rows + 1 != lines:
        return None  # a value spanning lines, or blank lines Arrow skipped: line numbers would shift
    return [header, encoding, table.columns]


def _table(parsed: list, label: str) -> Table:
    header, encoding, columns = parsed
    parsed.clear()  # the untrimmed columns go as each is trimmed
    rows = len(columns[0])
    _trim(columns)
    line_numbers = np.arange(2, rows + 2, dtype=np.int64)
    blank = _blank_rows(columns)
    if blank is not None:
        keep = pc.invert(blank)
        columns[:] = [pc.filter(column, keep) for column in columns]
        line_numbers = line_numbers[~blank.to_numpy(zero_copy_only=False)]
    check_names(header, label, 1)
    # to_pandas gives pandas' own string columns (Arrow-backed, no copy), as pandas' reader would.
    frame = pa.table(dict(zip(header, columns))).to_pandas()
    frame[LINE_COLUMN] = line_numbers
    return Table(frame, header, encoding, [], 1, [])


def _trim(columns: list[pa.ChunkedArray]) -> None:
    """Remove the whitespace around every value (as str.strip does), in place, columns in
    parallel (Arrow releases the GIL); each untrimmed column is let go once trimmed."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(columns), os.cpu_count() or 1)) as pool:
        futures = [pool.submit(pc.utf8_trim_whitespace, column) for column in columns]
        columns.clear()
        columns.extend(future.result() for future in futures)


def _line_count(raw: bytes) -> int | None:
    """Lines in `raw` when all end alike (LF, or CRLF), else None."""
    lf = raw.count(b"\n")
    cr = raw.count(b"\r") if raw.find(b"\r") >= 0 else 0  # find stops at the first: an LF-only file is read once
    if cr and (cr != lf or raw.count(b"\r\n") != cr):
        return None  # old Mac line ends, or a mix: the careful reader counts those right
    return lf + (0 if raw.endswith(b"\n") else 1)


def _blank_rows(columns: list[pa.ChunkedArray]) -> pa.ChunkedArray | None:
    """Rows where every cell is empty (Excel's rows of empty cells), or None when there are none."""
    blank = pc.equal(columns[0], "")
    if not pc.any(blank).as_py():
        return None
    for column in columns[1:]:
        blank = pc.and_(blank, pc.equal(column, ""))
    return blank if pc.any(blank).as_py() else None
