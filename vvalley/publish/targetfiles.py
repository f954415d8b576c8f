"""The firm-level target list (招商目标清单) as JSON, CSV, Markdown, and as an xlsx sheet."""

from __future__ import annotations

import csv
import io

from vvalley.publish.files import dumps_json, spreadsheet_safe
from vvalley.publish.sections import Section

HEADERS = {"zh": ["#", "企业", "得分", "可补缺口", "落户后的变化", "所在地", "与本区往来", "可信度", "吸引力"],
           "en": ["#", "firm", "score", "gaps it fills", "what its arrival changes", "where", "ties", "confidence",
                  "why"]}
# The keys of one object in `targets --format json` (issue 11), and the extra ones kept for scripts.
JSON_KEYS = ("id", "name", "score", "level", "gaps", "covered_before", "covered_after", "opens", "closes")


def targets_json(result: dict) -> str:
    """A list, one object per firm: the keys of JSON_KEYS plus name_zh, level_en, fills, new_demand,
    where, ties, evidence, confidence and why_zh."""
    rows = []
    for r in result["targets"]:
        row = {k: r.get(k) for k in JSON_KEYS}
        row.update({"name_zh": r["name_zh"], "level_en": r["level_en"], "fills": r["fills"],
                    "new_demand": r.get("new_demand"), "site": r["site"], "city": r["city"],
                    "province": r["province"], "ties": r["ties"], "tie_kinds": r["tie_kinds"],
                    "evidence": r["evidence"], "confidence": r["confidence"], "why_zh": r["why_zh"],
                    "why": r["why"], "focus_areas": r.get("focus_areas")})
        rows.append(row)
    return dumps_json(rows)


def targets_sections(result: dict, lang: str = "zh") -> list[Section]:
    from vvalley.analysis.targets import targets_table_rows

    zh = lang == "zh"
    main = Section("招商目标清单" if zh else "Target list (招商目标清单)", HEADERS[lang],
                   targets_table_rows(result, lang),
                   empty="没有已知的候选企业" if zh else "no known candidate firm")
    main.notes.append("得分 = 100 ×（0.6 × 缺口需求 + 0.4 × 吸引力）；高 ≥ 50，中 ≥ 30，其余为低（见 docs/gaps.md）"
                      if zh else "score = 100 × (0.6 × need + 0.4 × attract); high ≥ 50, medium ≥ 30, else low "
                                 "(see docs/gaps.md)")
    unfilled = Section("无已知候选企业的缺口" if zh else "Gaps with no known candidate",
                       ["严重度", "类型", "环节/链接", "说明"] if zh else ["severity", "kind", "subject", "note"],
                       [[u["severity"], u["kind_zh"] if zh else u["kind"], u["name_zh"] if zh else u["name"],
                         u["note_zh"] if zh else u["note"]] for u in result["unfilled"]],
                       empty="无" if zh else "none")
    return [main, unfilled]


def targets_csv(result: dict, lang: str = "zh") -> str:
    """The table rows, UTF-8 with BOM for Excel, text formula-safe."""
    from vvalley.analysis.targets import targets_table_rows

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS[lang])
    for row in targets_table_rows(result, lang):
        writer.writerow([spreadsheet_safe(v) for v in row])
    for u in result["unfilled"]:
        writer.writerow([spreadsheet_safe(v) for v in
                         ["", u["note_zh"] if lang == "zh" else u["note"], "", u["name_zh"] if lang == "zh"
                          else u["name"], "", "", "", "", ""]])
    return "\ufeff" + buffer.getvalue()


def targets_xlsx(result: dict, lang: str = "zh") -> bytes:
    from vvalley.analysis.targets import targets_table_rows
    from vvalley.publish.xlsx import Sheet, write_workbook

    rows = targets_table_rows(result, lang) + [
        ["", u["note_zh"] if lang == "zh" else u["note"], "", u["name_zh"] if lang == "zh" else u["name"],
         "", "", "", "", ""] for u in result["unfilled"]]
    return write_workbook([Sheet("招商目标清单", HEADERS[lang], [5, 28, 10, 50, 36, 16, 8, 8, 70], rows)])
