"""The briefing report: one region's coverage, gaps, fill candidates and year comparison as Markdown and HTML."""

from __future__ import annotations

from pathlib import Path

from vvalley.analysis.compare import compare_years, group_coverage, this_year
from vvalley.analysis.gaps import KINDS, analyse
from vvalley.publish.sections import Section, md_escape, to_markdown

MAP_LINKS = (("map.html", "Chain map (产业链全景图)"), ("map-full.html", "Full map with enterprises and institutes"))
# Past this many gaps of one kind, the report lists the most severe and counts the rest.
GAPS_PER_KIND = 40
CANDIDATES_PER_GAP = 3
CHANGES_SHOWN = 15


def report_data(chain, region: str | None = None, as_of: int | None = None, years: tuple | None = (2018, None),
                min_suppliers: int = 2, gap_report=None, maps=MAP_LINKS) -> dict:
    """Everything the report shows, as plain data (the renderers only read it).

    `years` = (Y1, Y2) adds the comparison of the region in Y1 and Y2 (Y2 None = this year)
    when the data carries years at all; None leaves it out. `gap_report` reuses a report
    already computed for (chain, region, as_of); `maps` are (file, title) links written as
    relative links (the maps sit in the same folder).
    """
    from vvalley.chain.regions import default_region

    region = chain.resolve(region, kinds=("region",)) if region else default_region(chain)
    report = gap_report or analyse(chain, region, as_of=as_of, min_suppliers=min_suppliers)
    cut = chain.at(as_of)
    name = chain.label(region)
    summary = report.summary
    by_kind = []
    for kind, kind_zh in KINDS.items():
        gaps = [g for g in report.gaps if g.kind == kind]
        by_kind.append({"kind": kind, "kind_zh": kind_zh, "count": len(gaps), "shown": [
            {"severity": g.severity, "subject": g.subject, "label": _subject_label(chain, g.subject),
             "side": g.side, "reason": g.reason,
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
                               "id": c.id, "label": chain.label(c.id), "score": c.score,
                               # The engine's `why` opens with the name, shown beside it already.
                               "why": c.why.removeprefix(f"{chain.label(c.id)}: ")})
    groups = group_coverage(chain, report)
    return {
        "title": f"{name}: vision industry chain gap report",
        "title_zh": f"{chain.nodes.at[region, 'name_zh'] or name} 视觉产业链补链报告",
        "region": region, "region_label": name, "as_of": as_of,
        "counts": {"enterprises": len(cut.ids("enterprise")), "institutes": len(cut.ids("institute")),
                   "segments": len(cut.ids("segment")), "region_actors": len(cut.region_actors(region))},
        "summary": summary, "gaps_by_kind": by_kind, "candidates": candidates,
        "groups": groups, "chart": bar_chart(groups),
        "years": _years(chain, region, years, min_suppliers),
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
    """The report as Markdown to paste into a briefing."""
    s = data["summary"]
    when = f" (as of {data['as_of']})" if data["as_of"] is not None else ""
    lines = [f"# {md_escape(data['title'])}{when}", "", md_escape(data["title_zh"]), "",
             f"{s['covered']} of {s['segments']} leaf segments covered ({s['coverage']:.0%}) by "
             f"{data['counts']['region_actors']} enterprises and institutes of {md_escape(data['region_label'])}. "
             f"Gaps: " + ", ".join(f"{g['count']} {g['kind_zh']}" for g in data["gaps_by_kind"]) + ".", "",
             "Maps: " + " · ".join(f"[{md_escape(m['title'])}]({m['href']})" for m in data["maps"]), ""]
    sections = [
        Section("Coverage by focus area", ["focus area", "leaf segments", "covered", "coverage", "gaps on the way"],
                [[f.get("name", f["id"]), f.get("segments"), f.get("covered"), f"{f['coverage']:.0%}", f.get("gaps")]
                 for f in s["focus_areas"]]),
        Section("Coverage by segment group", ["group", "leaf segments", "covered", "coverage"],
                [[g["label"], g["leaves"], g["covered"], f"{g['coverage']:.0%}"] for g in data["groups"]]),
    ]
    for kind in data["gaps_by_kind"]:
        section = Section(f"{kind['kind_zh']} {kind['kind']} ({kind['count']})",
                          ["severity", "subject", "reason"],
                          # The reason opens with the subject's name: the id is enough beside it.
                          [[g["severity"], g["subject"], g["reason"]] for g in kind["shown"]])
        if kind["count"] > len(kind["shown"]):
            section.notes.append(f"{kind['count'] - len(kind['shown'])} more, less severe: see gaps.json")
        sections.append(section)
    sections.append(Section("招商目标清单 Fill candidates", ["segment", "gap", "#", "candidate", "score", "why"],
                            [[c["segment_label"], f"{c['gap_kind_zh']} ({c['severity']})", c["rank"], c["label"],
                              f"{c['score']:.3f}", c["why"]] for c in data["candidates"]],
                            empty="no candidates: no enterprise outside the region is known in the gap segments"))
    years = data["years"]
    if years:
        c = years["coverage"]
        y = Section(f"{years['from']} vs {years['to']}", ["", str(years["from"]), str(years["to"])], [
            ["leaf segments covered", f"{c['covered_before']} ({c['before']:.0%})",
             f"{c['covered_after']} ({c['after']:.0%})"],
            ["actors in the region", years["actors_before"], years["actors_after"]],
            *[[k, n["before"], n["after"]] for k, n in years["gaps_by_kind"].items()]])
        y.notes.append("arrived: " + (", ".join(a["label"] for a in years["arrived"]) or "none"))
        y.notes.append("left: " + (", ".join(a["label"] for a in years["left"]) or "none"))
        y.notes += [f"closed: {g['kind_zh']} {g['subject']}" for g in years["closed"]]
        y.notes += [f"opened: {g['kind_zh']} {g['subject']}" for g in years["opened"]]
        sections.append(y)
    lines.append(to_markdown(sections).rstrip("\n"))
    lines += ["", _method(data)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _method(data: dict) -> str:
    return (f"Method: a segment is covered when an enterprise of the region operates in it; weak below "
            f"{data['min_suppliers']} enterprises. Severity (0–100) weighs the region's firms downstream, "
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
                  maps=MAP_LINKS) -> tuple[str, str]:
    """(markdown, html) of the report; see report_data for the arguments."""
    data = report_data(chain, region, as_of=as_of, years=years, min_suppliers=min_suppliers,
                       gap_report=gap_report, maps=maps)
    return render_markdown(data), render_html(data)


def write_report(chain, out_dir: Path | str, **kwargs) -> list[Path]:
    """Write report.md and report.html into `out_dir` (each whole or not at all)."""
    from vvalley.publish.files import write_atomic

    markdown, html = render_report(chain, **kwargs)
    out_dir = Path(out_dir)
    return [write_atomic(out_dir / "report.md", markdown), write_atomic(out_dir / "report.html", html)]
