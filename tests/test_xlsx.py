"""The streamed xlsx writer: the same parts xlsxwriter writes, rows past Excel's limit said, safe cells."""

import io
import zipfile

import openpyxl
import xlsxwriter

from vvalley.publish.xlsx import FIXED_DATE, Sheet, write_workbook

HEADERS = ["序号", "名称", "空格", "转义", "数", "空", "公式", "布尔", "列表", "大数"]
ROWS = [[i, f"名字{i}", " 前后空格 ", "a&b<c>", 2.5 + i, None, "=1+1", i % 2 == 0, ["甲", "乙"], 12345678901234567890]
        for i in range(1, 30)]


def by_xlsxwriter(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """The same workbook written cell by cell by xlsxwriter's constant_memory mode (the reference)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"created": FIXED_DATE})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for name, headers, rows in sheets:
        sheet = book.add_worksheet(name)
        for col in range(len(headers)):
            sheet.set_column(col, col, 8)
        sheet.write_row(0, 0, headers, header)
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            sheet.write_row(r, 0, [as_written(v) for v in row])
        sheet.autofilter(0, 0, len(rows), len(headers) - 1)
    book.close()
    return buffer.getvalue()


def as_written(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def test_every_part_is_what_xlsxwriter_writes_cell_by_cell():
    sheets = [("企业清单", HEADERS, ROWS), ("空表", ["甲", "乙"], [])]
    ours = parts(write_workbook([Sheet(n, h, [8] * len(h), iter(r)) for n, h, r in sheets]))
    reference = parts(by_xlsxwriter(sheets))
    assert list(ours) == list(reference)
    for name in reference:
        assert ours[name] == reference[name], name


def test_openpyxl_reads_values_frozen_header_filter_and_widths(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_workbook([Sheet("表", HEADERS, [6, 40] + [8] * 8, iter(ROWS))]))
    sheet = openpyxl.load_workbook(path)["表"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:J{len(ROWS) + 1}"
    assert sheet.column_dimensions["B"].width > 40
    first = [c.value for c in sheet[2]]
    assert first == [1, "名字1", " 前后空格 ", "a&b<c>", 3.5, None, "'=1+1", "否", "甲、乙", 1.234567890123457e19]
    assert sheet.max_row == len(ROWS) + 1


def test_rows_past_the_sheet_limit_are_counted_in_a_last_row(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_workbook([Sheet("表", ["序号"], [6], ([i] for i in range(10)))], max_rows=5))
    sheet = openpyxl.load_workbook(path)["表"]
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[:4] == ["序号", 0, 1, 2]
    assert values[4].startswith("另有 7 行超出 Excel 每表 5 行的上限") and len(values) == 5


def test_text_is_xml_safe_and_never_a_formula(tmp_path):
    hostile = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "#N/A", "bell\x07here", "\ufffe", "x" * 40_000]
    path = tmp_path / "t.xlsx"
    path.write_bytes(write_workbook([Sheet("表", ["值"], [10], ([v] for v in hostile))]))
    values = [row[0] for row in openpyxl.load_workbook(path)["表"].iter_rows(min_row=2, values_only=True)]
    assert values[:5] == ["'=cmd|' /C calc'!A0", "'+1", "'-1", "'@SUM(A1)", "'#N/A"]
    assert "\x07" not in values[5] and values[5].startswith("bell")
    assert len(values[-1]) == 32_767
