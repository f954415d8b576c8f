"""The report as a Word document (python-docx): the leader's summary first, tables as real Word tables, same bytes for the same data."""

from __future__ import annotations

import io
import zipfile

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def report_docx(data: dict) -> bytes:
    """report_data(...) as .docx bytes: 领导版摘要 (headline, top-5 gaps and targets, then vs now, data
    notes), then coverage, the gaps by kind, data gaps and the target list."""
    import datetime

    from docx import Document
    from docx.shared import Pt

    from vvalley.sanitize import deep_clean

    data = deep_clean(data)  # no control character or non-character reaches the document's XML
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.font.size = Pt(10.5)
    _east_asian(style, "Noto Sans CJK SC")
    props = doc.core_properties
    props.created = props.modified = datetime.datetime(2000, 1, 1)
    props.title, props.author, props.last_modified_by = data["title_zh"], "vvalley", "vvalley"
    props.revision = 1

    b = data["briefing"]
    doc.add_heading(data["title_zh"] + (f"（{data['as_of']} 年）" if data["as_of"] is not None else ""), level=0)
    doc.add_heading("领导版摘要", level=1)
    for sentence in b["headline"]:
        doc.add_paragraph(sentence)
    doc.add_heading("最需要补的五处缺口", level=2)
    _table(doc, ["#", "缺口", "类型", "严重度", "说明"],
           [[g["rank"], g["name"], g["kind_zh"], g["severity"], g["sentence"]] for g in b["gaps"]])
    doc.add_heading("首选招商目标", level=2)
    _table(doc, ["#", "企业", "等级", "得分", "落户后的变化"],
           [[t["rank"], t["name"], t["level"], f"{t['score']:.1f}", t["sentence"]] for t in b["targets"]])
    for sentence in b["unfilled"]:
        doc.add_paragraph(sentence, style="List Bullet")
    if b["then_now"]:
        doc.add_heading("当年与现在", level=2)
        for sentence in b["then_now"]:
            doc.add_paragraph(sentence)
    if b["data_notes"]:
        doc.add_heading("数据说明", level=2)
        for sentence in b["data_notes"]:
            doc.add_paragraph(sentence, style="List Bullet")

    doc.add_page_break()
    s = data["summary"]
    doc.add_heading("重点方向覆盖", level=1)
    _table(doc, ["聚焦方向", "末级环节", "已覆盖", "覆盖率", "沿途缺口"],
           [[f.get("name_zh") or f["name"], f["segments"], f["covered"], f"{f['coverage']:.0%}", f["gaps"]]
            for f in s["focus_areas"]])
    doc.add_heading("环节覆盖", level=1)
    _table(doc, ["环节组", "末级环节", "已覆盖", "覆盖率"],
           [[g.get("name_zh") or g["label"], g["leaves"], g["covered"], f"{g['coverage']:.0%}"] for g in data["groups"]])
    doc.add_heading("缺口清单", level=1)
    for kind in data["gaps_by_kind"]:
        if not kind["count"]:
            continue
        doc.add_heading(f"{kind['kind_zh']}（{kind['count']}）", level=2)
        _table(doc, ["严重度", "环节/链接", "原因"],
               [[g["severity"], g["name_zh"], g["reason_zh"] or g["reason"]] for g in kind["shown"]])
    if data["data_gaps"]:
        doc.add_heading("数据缺口（不计入排名）", level=1)
        _table(doc, ["类型", "个数", "原因"], [[d["kind_zh"], d["count"], d["reason_zh"]] for d in data["data_gaps"]])
    doc.add_heading("招商目标清单", level=1)
    _table(doc, ["#", "企业", "得分", "可补缺口", "所在地"],
           [[t["rank"], t["short_zh"], f"{t['score']:.1f} {t['level']}", "、".join(f["name_zh"] for f in t["fills"]),
             t["province"] + t["city"]] for t in data["targets"]])
    from vvalley.publish.report import _method

    doc.add_paragraph(_method(data))

    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _table(doc, headers: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None else str(value)
    if not rows:
        doc.add_paragraph("无")


def _east_asian(style, font: str) -> None:
    """Set the East Asian font too, so Word shows the Chinese text in it."""
    from docx.oxml.ns import qn

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _fixed_zip(payload: bytes) -> bytes:
    """The same zip with fixed timestamps and order, so the same data gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(payload))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name))
    return out.getvalue()
