"""The review workbook: proposed nodes and edges with an accept column, matched phrases, doubts, duplicates."""

from __future__ import annotations

import datetime
import io

from vvalley.importer.keywords import FIELD_LABELS
from vvalley.importer.propose import Proposal
from vvalley.publish.files import spreadsheet_safe

MARKER = "vvalley import review"
ACCEPT = "采纳"
YES = "是"
NO = "否"
NODE_COLUMNS = ("id", "kind", "name", "name_zh", "since", "evidence", "confidence")
EDGE_COLUMNS = ("source", "target", "relation", "evidence", "confidence")
SHEETS = {"summary": "汇总", "nodes": "企业", "edges": "关系", "phrases": "匹配词", "doubts": "待定",
          "duplicates": "重复", "skipped": "跳过"}
SUMMARY_LABELS = {
    "rows": ("读入的企业行", "firm rows read"),
    "new": ("新企业（提议）", "new firms proposed"),
    "edges": ("提议的关系", "edges proposed"),
    "matched": ("已在数据中（重复）", "already in the data (duplicates)"),
    "updates": ("其中提议补充关系", "of which with ties proposed"),
    "skipped": ("跳过（注销/吊销/重复/无名称）", "left out (cancelled, revoked, repeated, no name)"),
    "unmatched": ("未匹配任何环节", "matched no segment"),
    "ambiguous": ("多个环节得分接近", "several segments scored close"),
    "no_region": ("地址未能定位", "address not placed"),
}


def summary_rows(proposal: Proposal, lang: str = "zh") -> list[tuple[str, int]]:
    counts = proposal.summary()
    return [(SUMMARY_LABELS[k][0 if lang == "zh" else 1], counts[k]) for k in SUMMARY_LABELS]


def workbook_bytes(proposal: Proposal, chain) -> bytes:
    """The review workbook as bytes (same proposal → same bytes)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    book.set_properties({"title": MARKER, "created": datetime.datetime(2000, 1, 1)})
    bold = book.add_format({"bold": True})
    labels: dict[str, str] = {}  # few distinct targets (segments, regions, matched firms): look each up once

    def label(node_id: str) -> str:
        if node_id not in labels:
            labels[node_id] = chain.label(node_id) if node_id in chain.nodes.index else ""
        return labels[node_id]

    def sheet(key, header, rows, widths=None):
        ws = book.add_worksheet(SHEETS[key])
        ws.write_row(0, 0, header, bold)
        ws.freeze_panes(1, 0)
        for i, row in enumerate(rows, start=1):
            ws.write_row(i, 0, [spreadsheet_safe("" if v is None else v) for v in row])
        for c, w in enumerate(widths or []):
            ws.set_column(c, c, w)
        return ws

    summary = [("来源 source", proposal.file.name), ("工作表 sheet", proposal.sheet),
               ("表头行 header row", proposal.header_row),
               ("列 columns", ", ".join(f"{f}={h}" for f, h in proposal.columns.items()))]
    counts = proposal.summary()
    summary += [(f"{zh} {en}", counts[k]) for k, (zh, en) in SUMMARY_LABELS.items()]
    ws = sheet("summary", ["项目 item", "值 value"], summary, [34, 60])
    ws.write(len(summary) + 2, 0, MARKER)
    ws.write(len(summary) + 3, 0, f"在「{SHEETS['nodes']}」「{SHEETS['edges']}」表的「{ACCEPT}」列填 是/否，"
                                  "然后运行 vvalley import 原文件 --apply 本文件")
    nodes = []
    for r in proposal.rows:
        if r.node:
            nodes.append([YES, r.row, *[r.node.get(c, "") for c in NODE_COLUMNS],
                          "多个环节得分接近，请确认" if r.ambiguous else ""])
    sheet("nodes", [ACCEPT, "行号 row", *NODE_COLUMNS, "说明 note"], nodes, [6, 8, 28, 10, 30, 30, 6, 60, 4, 24])
    edges = []
    for r in proposal.rows:
        for e in r.edges:
            update = r.match is not None
            edges.append([NO if update else YES, r.row, *[e.get(c, "") for c in EDGE_COLUMNS], label(e["target"]),
                          f"补充已有企业 {label(r.match)}，请确认" if update else ""])
    sheet("edges", [ACCEPT, "行号 row", *EDGE_COLUMNS, "目标名称 target name", "说明 note"], edges,
          [6, 8, 28, 34, 12, 60, 4, 40, 30])
    phrases = []
    for r in proposal.rows:
        if r.classification:
            for m in r.classification.matches:
                phrases.append([r.row, r.name, m.segment, label(m.segment), FIELD_LABELS[m.field], m.phrase,
                                round(m.weight, 2), YES if m.segment in r.segments else NO])
    sheet("phrases", ["行号 row", "企业 firm", "环节 segment", "环节名称 name", "字段 field", "匹配词 phrase",
                      "分值 score", "采用 used"], phrases, [8, 30, 34, 40, 10, 20, 8, 6])
    doubts = []
    for r in proposal.rows:
        if r.skip:
            continue
        scores = "; ".join(f"{s} {v}" for s, v in sorted(r.scores.items(), key=lambda kv: (-kv[1], kv[0])))
        if not r.segments:
            doubts.append([r.row, r.name, "未匹配任何环节 matched no segment", scores])
        elif r.ambiguous:
            doubts.append([r.row, r.name, "多个环节得分接近 several segments scored close", scores])
        if not r.region:
            doubts.append([r.row, r.name, "地址未能定位 address not placed", ""])
    sheet("doubts", ["行号 row", "企业 firm", "问题 doubt", "得分 scores"], doubts, [8, 30, 40, 80])
    by = {"credit_code": "统一社会信用代码 credit code", "name": "名称 name", "fuzzy": "相似名称 similar name"}
    dups = [[r.row, r.name, r.match, label(r.match), by[r.match_by], r.match_score, len(r.edges)]
            for r in proposal.rows if r.match]
    sheet("duplicates", ["行号 row", "企业 firm", "已有 id", "已有名称 existing", "依据 by", "相似度 score",
                         "提议补充关系 ties proposed"], dups, [8, 30, 24, 40, 24, 8, 10])
    skipped = [[r.row, r.name, r.skip, r.skip_en] for r in proposal.rows if r.skip]
    sheet("skipped", ["行号 row", "企业 firm", "原因", "reason"], skipped, [8, 30, 30, 40])
    book.close()
    return out.getvalue()
