"""A gap report as JSON, as an Excel-friendly CSV, and as Markdown."""

from __future__ import annotations

import csv
import io

from vvalley.analysis.gaps import KINDS, GapReport
from vvalley.publish.files import dumps_json, spreadsheet_safe
from vvalley.sanitize import for_markdown

CSV_COLUMNS = ("rank", "severity", "kind", "kind_zh", "side", "subject", "reason", "downstream_firms",
               "reach", "focus", "relatedness", "kind_weight", "nodes", "candidates", "reason_zh")


def gaps_json(report: GapReport) -> str:
    """The report in the JSON shape of DESIGN.md (sorted keys, final newline)."""
    return dumps_json(report.to_dict())


def gaps_csv(report: GapReport) -> str:
    """One row per gap, candidates joined in one cell; starts with a UTF-8 BOM so Excel reads Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for rank, gap in enumerate(report.gaps, start=1):
        c = gap.components
        candidates = "; ".join(f"{x.id} ({x.score:.3f})" for x in gap.candidates)
        row = (rank, gap.severity, gap.kind, KINDS[gap.kind], gap.side or "", gap.subject, gap.reason,
               c.get("downstream_firms", ""), c.get("reach", ""), c.get("focus", ""), c.get("relatedness", ""),
               c.get("kind_weight", ""), " ".join(gap.nodes), candidates, gap.reason_zh)
        writer.writerow([spreadsheet_safe(v) for v in row])
    return "\ufeff" + buffer.getvalue()


# The words of the Markdown gap list, per language; the document is the same in both.
_MD = {
    "en": {"title": "# Gaps in {region}", "as_of": " as of {}", "covered": "{covered} of {segments} leaf segments "
           "covered ({coverage:.0%}).", "kinds": "| kind | 中文 | gaps |", "focus": "| focus area | coverage | gaps on "
           "the way |", "gaps": "| # | severity | kind | subject | reason | top candidates |", "data": "## Data gaps "
           "(not ranked)", "data_head": "| kind | count | reason |", "join": ", ", "score": "{} ({:.2f})"},
    "zh": {"title": "# {region}的缺口", "as_of": "（{} 年）", "covered": "{segments} 个末级环节中已覆盖 {covered} 个"
           "（{coverage:.0%}）。", "kinds": "| 类型 | kind | 个数 |", "focus": "| 聚焦方向 | 覆盖率 | 沿途缺口 |",
           "gaps": "| # | 严重度 | 类型 | 环节/链接 | 原因 | 首选候选企业 |", "data": "## 数据缺口（不计入排名）",
           "data_head": "| 类型 | 个数 | 原因 |", "join": "、", "score": "{}（{:.2f}）"},
}


def gaps_markdown(report: GapReport, labels: dict[str, str] | None = None, lang: str = "en") -> str:
    """The summary, the gaps and the data gaps as Markdown tables (text escaped for table cells);
    `labels` maps node ids to display names (a link's ends are named one by one; Chinese names with
    lang "zh", wording.Names.zh). With lang "zh" the headings and reasons are Chinese."""
    words, zh = _MD["zh" if lang == "zh" else "en"], lang == "zh"
    labels = labels or {}
    name = lambda n: labels.get(n, n)  # noqa: E731
    s = report.summary
    as_of = words["as_of"].format(report.as_of) if report.as_of is not None else ""
    lines = [words["title"].format(region=_cell(name(report.region))) + as_of, "", words["covered"].format(**s), "",
             words["kinds"], "|---|---|---:|"]
    lines += [f"| {KINDS[k]} | {k} | {n} |" if zh else f"| {k} | {KINDS[k]} | {n} |"
              for k, n in s["gaps_by_kind"].items()]
    lines += ["", words["focus"], "|---|---:|---:|"]
    lines += [f"| {_cell((f.get('name_zh') if zh else None) or f.get('name', f['id']))} | {f['coverage']:.0%} "
              f"| {f.get('gaps', '')} |" for f in s["focus_areas"]]
    lines += ["", words["gaps"], "|---:|---:|---|---|---|---|"]
    for rank, gap in enumerate(report.gaps, start=1):
        subject = " → ".join(name(part) for part in gap.subject.split("->"))
        top = words["join"].join(words["score"].format(name(c.id), c.score) for c in gap.candidates[:3])
        if zh:
            kind, reason = KINDS[gap.kind], gap.reason_zh
        else:  # the English reason opens with the subject's name, which the row already shows
            kind = f"{gap.kind} {KINDS[gap.kind]}" + (f" ({gap.side})" if gap.side else "")
            reason = gap.reason.removeprefix(subject + ": ")
        lines.append(f"| {rank} | {gap.severity} | {kind} | {_cell(subject)} | {_cell(reason)} | {_cell(top)} |")
    if report.data_gaps:
        lines += ["", words["data"], "", words["data_head"], "|---|---:|---|"]
        lines += [f"| {d['kind_zh'] if zh else d['kind']} | {d['count']} | {_cell(d['reason_zh'] if zh else d['reason'])} |"
                  for d in report.data_gaps]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no markup, no controls."""
    return for_markdown(text)


__all__ = ["gaps_json", "gaps_csv", "gaps_markdown"]
