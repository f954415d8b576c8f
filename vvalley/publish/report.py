"""The briefing report: the leader's summary, then coverage, gaps, targets and year comparison as Markdown, HTML and Word."""

from __future__ import annotations

from pathlib import Path

from vvalley.analysis.compare import compare_years, group_coverage, this_year
from vvalley.analysis.gaps import KINDS, analyse
from vvalley.publish.sections import Section, md_escape, to_markdown

MAP_LINKS = (("map.html", "产业链全景图 Chain map"), ("map-full.html", "含企业和机构的完整图 Full map"))
# Past this many gaps of one kind, the report lists the most severe and counts the rest.
GAPS_PER_KIND = 40
CANDIDATES_PER_GAP = 3
CHANGES_SHOWN = 15
TARGETS_SHOWN = 20


def report_data(chain, region: str | None = None, as_of: int | None = None, years: tuple | None = (2018, None),
                min_suppliers: int = 2, gap_report=None, maps=MAP_LINKS, targets=None, meta=None) -> dict:
    """Everything the report shows, as plain data (the renderers only read it).

    `years` = (Y1, Y2) adds the comparison of the region in Y1 and Y2 (Y2 None = this year)
    when the data carries years at all; None leaves it out. `gap_report` reuses a report
    already computed for (chain, region, as_of); `maps` are (file, title) links written as
    relative links (the maps sit in the same folder). `targets` reuses a target list
    (vvalley.analysis.targets.targets) for the same report; else the best few are computed.
    `meta` (vvalley.chain.meta.ChainMeta) names the chain in the title; without it, '产业链'.
    """
    from vvalley.analysis.targets import targets as target_list
    from vvalley.chain.meta import ChainMeta
    from vvalley.analysis.wording import Names
    from vvalley.chain.quality import quality
    from vvalley.chain.regions import default_region
    from vvalley.publish.briefing import briefing_data

    region = chain.resolve(region, kinds=("region",)) if region else default_region(chain)
    report = gap_report or analyse(chain, region, as_of=as_of, min_suppliers=min_suppliers)
    cut = chain.at(as_of)
    names = Names(cut)
    name = chain.label(region)
    meta = meta or ChainMeta()
    summary = report.summary
    if targets is None:
        targets = target_list(cut, region, report, limit=TARGETS_SHOWN, min_suppliers=min_suppliers, effects_for=5)
    by_kind = []
    for kind, kind_zh in KINDS.items():
        gaps = [g for g in report.gaps if g.kind == kind]
        by_kind.append({"kind": kind, "kind_zh": kind_zh, "count": len(gaps), "shown": [
            {"severity": g.severity, "subject": g.subject, "label": _subject_label(chain, g.subject),
             "name_zh": names.subject(g.subject), "side": g.side, "reason": g.reason, "reason_zh": g.reason_zh,
             # what the reason says beyond the subject's name, for tables that show the name already
             "detail": g.reason.removeprefix(_subject_label(chain, g.subject) + ": ")}
            for g in gaps[:GAPS_PER_KIND]]})
    candidates = []
    seen = set()
    for gap in report.gaps:
        target = gap.subject.split("->")[0]
        if not gap.candidates or target in seen:
            continue
        seen.add(target)
        for rank, c in enumerate(gap.candidates[:CANDIDATES_PER_GAP], start=1):
            candidates.append({"segment": target, "segment_label": chain.label(target), "gap_kind": gap.kind,
                               "gap_kind_zh": KINDS[gap.kind], "severity": gap.severity, "rank": rank,
                               "id": c.id, "label": chain.label(c.id), "name_zh": names.zh(c.id),
                               "segment_zh": names.zh(target), "why_zh": c.why_zh.removeprefix(f"{names.zh(c.id)}："),
                               "score": c.score,
                               # The engine's `why` opens with the name, shown beside it already.
                               "why": c.why.removeprefix(f"{chain.label(c.id)}: ")})
    groups = group_coverage(chain, report)
    for g in groups:
        g["name_zh"] = names.zh(g["id"])
    years_data = _years(chain, region, years, min_suppliers)
    checked = quality(cut)
    return {
        "title": f"{name}: {meta.name_en.lower() if meta.name_en else 'industry chain'} gap report",
        "title_zh": f"{chain.nodes.at[region, 'name_zh'] or name}{meta.name_zh}补链报告",
        "region": region, "region_label": name, "as_of": as_of,
        "counts": {"enterprises": len(cut.ids("enterprise")), "institutes": len(cut.ids("institute")),
                   "segments": len(cut.ids("segment")), "region_actors": len(cut.region_actors(region))},
        "summary": summary, "gaps_by_kind": by_kind, "candidates": candidates,
        "groups": groups, "chart": bar_chart(groups),
        "years": years_data,
        "briefing": briefing_data(cut, report, targets, years_data, checked),
        "targets": [dict(t, rank=i) for i, t in enumerate(targets["targets"][:TARGETS_SHOWN], start=1)],
        "unfilled": targets["unfilled"], "data_gaps": report.data_gaps, "quality": checked,
        "region_zh": names.zh(region),
        "maps": [{"href": href, "title": title} for href, title in maps],
        "min_suppliers": min_suppliers,
    }


def _subject_label(chain, subject: str) -> str:
    parts = subject.split("->")
    return " → ".join(chain.label(p) if p in chain.nodes.index else p for p in parts)


def _has_years(chain) -> bool:
    return bool(chain.nodes["since"].notna().any() or chain.nodes["until"].notna().any()
                or chain.edges["since"].notna().any() or chain.edges["until"].notna().any())


def _years(chain, region: str, years, min_suppliers: int) -> dict | None:
    if not years or not _has_years(chain):
        return None
    first, second = years
    second = this_year() if second is None else second
    result = compare_years(chain, region, first, second, min_suppliers=min_suppliers)
    for key in ("opened", "closed"):
        result[f"{key}_count"] = len(result[key])
        result[key] = result[key][:CHANGES_SHOWN]
    return result


def bar_chart(groups: list[dict], plot: int = 300, bar_height: int = 22) -> dict:
    """Geometry of a horizontal bar chart of coverage per segment group, for an inline SVG."""
    gap, top = 8, 8
    # Room for the longest label at 12px: CJK characters are about twice as wide as Latin ones.
    label_width = max([120, *(int(sum(12 if ord(ch) > 0x2E80 else 6.8 for ch in g["label"])) + 16
                              for g in groups)])
    bars = []
    for i, g in enumerate(groups):
        y = top + i * (bar_height + gap)
        width = round(plot * g["coverage"], 1)
        bars.append({"label": g["label"], "y": y, "text_y": round(y + bar_height * 0.7, 1), "width": width,
                     "value": f"{g['covered']}/{g['leaves']} ({g['coverage']:.0%})",
                     "value_x": round(label_width + width + 6, 1)})
    return {"width": label_width + plot + 110, "height": top * 2 + len(groups) * (bar_height + gap),
            "bar_height": bar_height, "x": label_width, "plot": plot, "bars": bars}


# ---- Markdown -----------------------------------------------------------------------------------

def render_markdown(data: dict) -> str:
    """The report as Markdown to paste into a briefing: the leader's summary first, Chinese first."""
    from vvalley.publish.briefing import briefing_markdown

    s = data["summary"]
    when = f"（{data['as_of']} 年）" if data["as_of"] is not None else ""
    lines = [f"# {md_escape(data['title_zh'])}{when}", "", md_escape(data["title"]), "",
             *briefing_markdown(data["briefing"]),
             f"{s['covered']} of {s['segments']} leaf segments covered ({s['coverage']:.0%}) by "
             f"{data['counts']['region_actors']} enterprises and institutes of {md_escape(data['region_label'])}. "
             f"Gaps: " + ", ".join(f"{g['count']} {g['kind_zh']}" for g in data["gaps_by_kind"]) + ".", "",
             "地图 Maps: " + " · ".join(f"[{md_escape(m['title'])}]({m['href']})" for m in data["maps"]), ""]
    sections = [
        Section("重点方向覆盖 Coverage by focus area", ["聚焦方向", "末级环节", "已覆盖", "覆盖率", "沿途缺口"],
                [[f.get("name_zh") or f.get("name", f["id"]), f.get("segments"), f.get("covered"),
                  f"{f['coverage']:.0%}", f.get("gaps")] for f in s["focus_areas"]]),
        Section("环节覆盖 Coverage by segment group", ["环节组", "末级环节", "已覆盖", "覆盖率"],
                [[g.get("name_zh") or g["label"], g["leaves"], g["covered"], f"{g['coverage']:.0%}"]
                 for g in data["groups"]]),
    ]
    for kind in data["gaps_by_kind"]:
        section = Section(f"{kind['kind_zh']} {kind['kind']} ({kind['count']})",
                          ["严重度", "环节/链接", "原因"],
                          [[g["severity"], g["name_zh"], g["reason_zh"] or g["reason"]] for g in kind["shown"]],
                          empty="无")
        if kind["count"] > len(kind["shown"]):
            section.notes.append(f"另有 {kind['count'] - len(kind['shown'])} 处较轻的，见 gaps.json")
        sections.append(section)
    if data["data_gaps"]:
        sections.append(Section("数据缺口 Data gaps（不计入排名）", ["类型", "个数", "原因"],
                                [[d["kind_zh"], d["count"], d["reason_zh"]] for d in data["data_gaps"]]))
    sections.append(Section("招商目标清单 Target list", ["#", "企业", "得分", "可补缺口", "落户后的变化", "所在地"],
                            [[t["rank"], t["short_zh"], f"{t['score']:.1f} {t['level']}",
                              "、".join(f["name_zh"] for f in t["fills"]), _change(t),
                              t["province"] + t["city"]] for t in data["targets"]],
                            empty="没有已知的候选企业",
                            notes=[f"{u['name_zh']}（{u['kind_zh']}）：{u['note_zh']}" for u in data["unfilled"]]))
    sections.append(Section("各缺口的候选企业 Fill candidates per gap", ["环节", "缺口", "#", "候选企业", "得分", "理由"],
                            [[c["segment_zh"], f"{c['gap_kind_zh']} ({c['severity']})", c["rank"], c["name_zh"],
                              f"{c['score']:.3f}", c["why_zh"]] for c in data["candidates"]],
                            empty="无候选企业：区外没有已知企业做这些缺口环节"))
    years = data["years"]
    if years:
        c = years["coverage"]
        y = Section(f"{years['from']} vs {years['to']}", ["", str(years["from"]), str(years["to"])], [
            ["已覆盖末级环节", f"{c['covered_before']} ({c['before']:.0%})",
             f"{c['covered_after']} ({c['after']:.0%})"],
            ["本区主体", years["actors_before"], years["actors_after"]],
            *[[_kind_label(k), n["before"], n["after"]] for k, n in years["gaps_by_kind"].items()]])
        y.notes.append("新来: " + ("、".join(a["label"] for a in years["arrived"]) or "无"))
        y.notes.append("离开 left: " + (", ".join(a["label"] for a in years["left"]) or "none"))
        y.notes += [f"消除: {g['kind_zh']} {g.get('name_zh') or g['subject']}" for g in years["closed"]]
        y.notes += [f"新出现: {g['kind_zh']} {g.get('name_zh') or g['subject']}" for g in years["opened"]]
        sections.append(y)
    lines.append(to_markdown(sections).rstrip("\n"))
    lines += ["", _method(data)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _kind_label(kind: str) -> str:
    return f"{KINDS[kind]} {kind}"


def _change(t: dict) -> str:
    if "covered_after" not in t:
        return ""
    return (f"覆盖 {t['covered_before']}→{t['covered_after']}；消除 {len(t['closes'])} 处，"
            f"新增本地需求 {len(t['new_demand'])} 处")


def _method(data: dict) -> str:
    return (f"方法：本区有企业做的环节为已覆盖，少于 {data['min_suppliers']} 家为弱链；严重度（0–100）综合下游企业、"
            "聚焦方向和关联度；候选企业按往来、距离、契合度排序；没有供应关系或研究机构数据时，待对接、创新空白列为数据缺口"
            "（见 docs/gaps.md）。Method: a segment is covered when an enterprise of the region operates in it; weak "
            f"below {data['min_suppliers']} enterprises. Severity (0–100) weighs the region's firms downstream, "
            "focus areas served and relatedness; candidates are ranked by ties, proximity and fit "
            "(see docs/gaps.md). Generated by vvalley from the chain data.")


# ---- HTML ----------------------------------------------------------------------------------------

def _environment():
    import jinja2

    from vvalley.sanitize import harden_jinja

    return harden_jinja(jinja2.Environment(
        loader=jinja2.PackageLoader("vvalley.publish", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined))


def render_html(data: dict) -> str:
    """The report as one self-contained, print-friendly HTML page (autoescaped; nothing fetched)."""
    return _environment().get_template("report.html.j2").render(data=data, method=_method(data))


def render_report(chain, region: str | None = None, *, as_of: int | None = None,
                  years: tuple | None = (2018, None), min_suppliers: int = 2, gap_report=None,
                  maps=MAP_LINKS, targets=None, meta=None, with_data: bool = False):
    """(markdown, html) of the report, and its data too with `with_data`; see report_data for the arguments."""
    data = report_data(chain, region, as_of=as_of, years=years, min_suppliers=min_suppliers,
                       gap_report=gap_report, maps=maps, targets=targets, meta=meta)
    if with_data:
        return render_markdown(data), render_html(data), data
    return render_markdown(data), render_html(data)


def render_docx(data: dict) -> bytes:
    """The report as a Word document (bytes); see vvalley.publish.reportdocx."""
    from vvalley.publish.reportdocx import report_docx

    return report_docx(data)


REPORT_FORMATS = ("md", "html", "docx")


def write_report(chain, out_dir: Path | str, formats=("md", "html"), **kwargs) -> list[Path]:
    """Write report.md, report.html and/or report.docx into `out_dir` (each whole or not at all)."""
    from vvalley.publish.files import write_atomic

    markdown, html, data = render_report(chain, with_data=True, **kwargs)
    out_dir = Path(out_dir)
    payloads = {"md": markdown, "html": html}
    written = []
    for fmt in formats:
        payload = payloads[fmt] if fmt in payloads else render_docx(data)
        written.append(write_atomic(out_dir / f"report.{fmt}", payload))
    return written
