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


def gaps_markdown(report: GapReport, labels: dict[str, str] | None = None, lang: str = "en") -> str:
    """The summary and the gaps as Markdown tables (text escaped for table cells); `labels` maps
    node ids to display names (a link's ends are named one by one). With lang "zh" the
    headings and reasons are Chinese and names come from the gaps' Chinese sentences."""
    if lang == "zh":
        return _markdown_zh(report, labels or {})
    s = report.summary
    lines = [f"# Gaps in {_cell(labels.get(report.region, report.region) if labels else report.region)}"
             + (f" as of {report.as_of}" if report.as_of is not None else ""), "",
             f"{s['covered']} of {s['segments']} leaf segments covered ({s['coverage']:.0%}).", "",
             "| kind | 中文 | gaps |", "|---|---|---:|"]
    lines += [f"| {k} | {KINDS[k]} | {n} |" for k, n in s["gaps_by_kind"].items()]
    lines += ["", "| focus area | coverage | gaps on the way |", "|---|---:|---:|"]
    lines += [f"| {_cell(f.get('name', f['id']))} | {f['coverage']:.0%} | {f.get('gaps', '')} |"
              for f in s["focus_areas"]]
    lines += ["", "| # | severity | kind | subject | reason | top candidates |", "|---:|---:|---|---|---|---|"]
    for rank, gap in enumerate(report.gaps, start=1):
        kind = f"{gap.kind} {KINDS[gap.kind]}" + (f" ({gap.side})" if gap.side else "")
        subject = " → ".join((labels or {}).get(part, part) for part in gap.subject.split("->"))
        top = ", ".join(f"{(labels or {}).get(c.id, c.id)} ({c.score:.2f})" for c in gap.candidates[:3])
        # The reason opens with the subject's name, which the row already shows.
        reason = gap.reason.removeprefix(subject + ": ")
        lines.append(f"| {rank} | {gap.severity} | {kind} | {_cell(subject)} | {_cell(reason)} | {_cell(top)} |")
    return "\n".join(lines) + "\n"


def _markdown_zh(report: GapReport, labels: dict[str, str]) -> str:
    """`labels` maps ids to Chinese names here (wording.Names.zh)."""
    s = report.summary
    name = lambda n: labels.get(n, n)  # noqa: E731
    lines = [f"# {name(report.region)}的缺口" + (f"（{report.as_of} 年）" if report.as_of is not None else ""), "",
             f"{s['segments']} 个末级环节中已覆盖 {s['covered']} 个（{s['coverage']:.0%}）。", "",
             "| 类型 | kind | 个数 |", "|---|---|---:|"]
    lines += [f"| {KINDS[k]} | {k} | {n} |" for k, n in s["gaps_by_kind"].items()]
    lines += ["", "| 聚焦方向 | 覆盖率 | 沿途缺口 |", "|---|---:|---:|"]
    lines += [f"| {_cell(f.get('name_zh') or f.get('name', f['id']))} | {f['coverage']:.0%} | {f.get('gaps', '')} |"
              for f in s["focus_areas"]]
    lines += ["", "| # | 严重度 | 类型 | 环节/链接 | 原因 | 首选候选企业 |", "|---:|---:|---|---|---|---|"]
    for rank, gap in enumerate(report.gaps, start=1):
        subject = " → ".join(name(p) for p in gap.subject.split("->"))
        top = "、".join(f"{name(c.id)}（{c.score:.2f}）" for c in gap.candidates[:3])
        lines.append(f"| {rank} | {gap.severity} | {KINDS[gap.kind]} | {_cell(subject)} | {_cell(gap.reason_zh)} "
                     f"| {_cell(top)} |")
    if report.data_gaps:
        lines += ["", "## 数据缺口（不计入排名）", "", "| 类型 | 个数 | 原因 |", "|---|---:|---|"]
        lines += [f"| {d['kind_zh']} | {d['count']} | {_cell(d['reason_zh'])} |" for d in report.data_gaps]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no markup, no controls."""
    return for_markdown(text)


__all__ = ["gaps_json", "gaps_csv", "gaps_markdown"]
