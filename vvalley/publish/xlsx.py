"""Streamed xlsx workbooks: xlsxwriter writes the workbook's parts, the rows are streamed as sheet XML."""

from __future__ import annotations

import datetime
import io
import math
import numbers
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Iterable

from vvalley.sanitize import for_xml, needs_formula_guard

# A fixed creation date and zip time: the same data gives the same bytes.
FIXED_DATE = datetime.datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_WIDTH = 60
# Excel's limits: rows per sheet (the header is one of them) and characters per cell.
MAX_ROWS = 1_048_576
MAX_CELL = 32_767
ROWS_PER_CHUNK = 2_000


@dataclass
class Sheet:
    """One sheet: its name, headers, column widths (characters) and rows (any iterable, read once)."""

    name: str
    headers: list[str]
    widths: list[int]
    rows: Iterable[list]


def write_workbook(sheets: list[Sheet], max_rows: int = MAX_ROWS) -> bytes:
    """The sheets as one xlsx file (bytes): frozen header, autofilter, widths, text cells never formulas.

    xlsxwriter writes the workbook with each sheet's header, widths, frozen pane and filter; the
    rows are then streamed into each sheet as the cells xlsxwriter's constant_memory mode writes
    (inline strings, plain numbers), because its per-cell path costs ~12 s per 100,000 rows of
    nine columns and this ~1.5 s (benchmarks/bench_lists.py). Text is stored as text: a leading
    = + - @ gets Excel's quote character as its first character, and no string becomes a formula,
    number or link. Rows past Excel's limit are not written; the sheet's last row says how many.
    """
    skeleton = _skeleton(sheets)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(skeleton)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        workbook_xml = source.read("xl/workbook.xml").decode()
        parts = {f"xl/worksheets/sheet{i + 1}.xml": (i, sheet) for i, sheet in enumerate(sheets)}
        # The skeleton's order (xlsxwriter puts the sheets before workbook.xml, whose filter
        # ranges need each sheet's last row).
        for info in source.infolist():
            if info.filename in parts:
                index, sheet = parts.pop(info.filename)
                corner = _write_sheet(source.read(info).decode(), sheet, target, info.filename, max_rows)
                workbook_xml = _filter_range(workbook_xml, index, corner)
            elif info.filename == "xl/workbook.xml":
                if parts:
                    raise RuntimeError("xlsxwriter wrote workbook.xml before its sheets")
                target.writestr(_entry(info.filename), workbook_xml.encode())
            else:
                target.writestr(_entry(info.filename), source.read(info))
    return out.getvalue()


def _write_sheet(xml: str, sheet: Sheet, target: zipfile.ZipFile, part: str, max_rows: int) -> str:
    """Stream one sheet's rows into its skeleton XML as zip entry `part`; the filter's last cell (e.g. I200)."""
    head, tail = _split_sheet(xml, len(sheet.headers))
    # Spooled: the rows are counted before the sheet's first line (its dimension) can be written.
    with tempfile.SpooledTemporaryFile(max_size=64 << 20) as body:
        last = _stream_rows(sheet.rows, len(sheet.headers), body, max_rows)
        corner = f"{_column(max(len(sheet.headers), 1) - 1)}{max(last, 1)}"
        body.seek(0)
        with target.open(_entry(part), "w", force_zip64=True) as stream:
            stream.write(head.replace("{RANGE}", _range(corner)).encode())
            shutil.copyfileobj(body, stream, 1 << 20)
            stream.write(tail.replace("{RANGE}", _range(corner)).encode())
    return corner


def _skeleton(sheets: list[Sheet]) -> bytes:
    """The workbook by xlsxwriter: headers, widths, frozen first row, a filter over the header row."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False, "constant_memory": True})
    workbook.set_properties({"created": FIXED_DATE})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name[:31])
        for col, width in enumerate(sheet.widths):
            ws.set_column(col, col, min(width, MAX_WIDTH))
        ws.write_row(0, 0, [for_xml(h) for h in sheet.headers], header)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, 0, max(len(sheet.headers) - 1, 0))
    workbook.close()
    return buffer.getvalue()


def _split_sheet(xml: str, columns: int) -> tuple[str, str]:
    """The sheet XML before and after where the data rows go, its ranges marked {RANGE}."""
    header = _range(f"{_column(max(columns, 1) - 1)}1")
    xml = _replace_once(xml, f'<dimension ref="{header}"/>', '<dimension ref="{RANGE}"/>')
    xml = _replace_once(xml, f'<autoFilter ref="{header}"/>', '<autoFilter ref="{RANGE}"/>')
    end = xml.index("</sheetData>")
    return xml[:end], xml[end:]


def _range(corner: str) -> str:
    """The range from A1 to `corner` as Excel writes it (a single cell once)."""
    return "A1" if corner == "A1" else f"A1:{corner}"


def _filter_range(workbook_xml: str, index: int, corner: str) -> str:
    """workbook.xml with sheet `index`'s hidden filter range reaching `corner`."""
    pattern = re.compile(rf'(<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                         r"[^<]*!)\$A\$1(?::\$[A-Z]+\$1)?(</definedName>)")
    absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", _range(corner))
    updated, count = pattern.subn(lambda m: m.group(1) + absolute + m.group(2), workbook_xml)
    if count != 1:
        raise RuntimeError(f"xlsxwriter's filter range for sheet {index} not found")
    return updated


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise RuntimeError(f"xlsxwriter's sheet XML no longer holds {old!r} once")
    return text.replace(old, new)


def _stream_rows(rows: Iterable[list], columns: int, out, max_rows: int) -> int:
    """Write rows 2… as sheet XML to `out` (bytes); the number of the last row written."""
    letters = [_column(i) for i in range(max(columns, 1))]
    parts: list[str] = []
    last = 1
    dropped = 0
    for row in rows:
        if last + 1 >= max_rows:
            dropped += 1
            continue
        last += 1
        parts.append(f'<row r="{last}">')
        for col, value in enumerate(row):
            if col >= len(letters):
                letters.append(_column(col))
            parts.append(_cell_xml(f"{letters[col]}{last}", value))
        parts.append("</row>")
        if last % ROWS_PER_CHUNK == 0:
            out.write("".join(parts).encode())
            parts.clear()
    if dropped:
        last += 1
        note = f"另有 {dropped:,} 行超出 Excel 每表 {max_rows:,} 行的上限，未写入；完整数据请用 CSV 导出"
        parts.append(f'<row r="{last}">{_cell_xml(f"A{last}", note)}</row>')
    out.write("".join(parts).encode())
    return last


def _cell_xml(ref: str, value) -> str:
    """One cell as xlsxwriter's constant_memory mode writes it; empty values write nothing."""
    if value is None:
        return ""
    if type(value) is str:  # most cells: skip the other checks
        pass
    elif isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number):
            return f'<c r="{ref}"><v>{number:.16G}</v></c>'
        return ""
    elif isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    text = for_xml(value)
    if not text:
        return ""
    if needs_formula_guard(text):
        text = "'" + text
    text = text[:MAX_CELL]
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _column(index: int) -> str:
    """A0-based column index as Excel's letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry
