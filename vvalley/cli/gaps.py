"""`vvalley gaps`: which links of the region's chain are missing, how badly, and who could fill them."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from vvalley.chain.schema import GAP_KINDS
from vvalley.cli._app import (DEFAULT_DATA, AsOfOpt, DataDir, EngineOpt, Grade, Lang, LangOpt, MinConfidenceOpt,
                              RegionOpt, _user_error, app, console, echo, fail_user, load_or_fail,
                              resolve_region_or_fail)

KIND_NAMES = tuple(GAP_KINDS)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


@app.command()
def gaps(
    data: DataDir = DEFAULT_DATA,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="Only these gap kinds (repeat the option): " + ", ".join(KIND_NAMES) + ".")] = None,
    min_suppliers: Annotated[int, typer.Option(
        "--min-suppliers", min=1, help="A segment with fewer of the region's enterprises is weak.")] = 2,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Show at most this many gaps, most severe first "
                                                              "(0: all).")] = 0,
    candidates: Annotated[int | None, typer.Option("--candidates", min=0,
                                                   help="Fill candidates shown per gap (default 5).")] = None,
    top: Annotated[int | None, typer.Option("--top", min=0, hidden=True,
                                            help="Deprecated: use --candidates.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table (readable), json, csv (Excel) or md.")] = Format.table,
    lang: LangOpt = Lang.zh,
    min_confidence: MinConfidenceOpt = Grade.U,
    engine: EngineOpt = None,
) -> None:
    """List the region's gaps (缺链 弱链 断链 …) by severity, with the enterprises that could fill them."""
    unknown = [k for k in kind or [] if k not in KIND_NAMES]
    if unknown:
        fail_user(_user_error(f"unknown gap kind {unknown[0]!r}; valid kinds: {', '.join(KIND_NAMES)}",
                              f"没有缺口类型 '{unknown[0]}'；可用的类型：{'、'.join(KIND_NAMES)}"))
    if top is not None:
        if candidates is not None and candidates != top:
            fail_user(_user_error("--top is the old name of --candidates: give one of them",
                                  "--top 是 --candidates 的旧名：两者只给一个"))
        echo("提示：--top 已改名，请用 --candidates（每个缺口的候选企业数）或 --limit（显示的缺口数）" if lang is Lang.zh
             else "note: --top is deprecated; use --candidates (candidates per gap) or --limit (gaps shown)", err=True)
    per_gap = candidates if candidates is not None else top if top is not None else 5
    chain = load_or_fail(data, action="no gaps computed", min_confidence=min_confidence)
    region_id = resolve_region_or_fail(chain, region)

    from dataclasses import replace

    from vvalley.analysis.gaps import analyse
    from vvalley.publish.gapfiles import gaps_csv, gaps_json, gaps_markdown

    report = analyse(chain, region_id, as_of=as_of, min_suppliers=min_suppliers, kinds=kind or None, top=per_gap)
    total = len(report.gaps)
    if limit:
        report = replace(report, gaps=report.gaps[:limit])
    if fmt is Format.json:
        echo(gaps_json(report).rstrip("\n"))
    elif fmt is Format.csv:
        # As written to a file: the BOM lets Excel read `vvalley gaps --format csv > gaps.csv` as UTF-8.
        typer.echo(gaps_csv(report), nl=False)
    elif fmt is Format.md:
        echo(gaps_markdown(report, _labels(chain, report, lang.value), lang=lang.value).rstrip("\n"))
    else:
        _print_table(chain, report, lang.value, total)
    if min_confidence is not Grade.U and fmt in (Format.md, Format.table):
        echo(f"\n只计入可信度 {min_confidence.value} 及以上的事实（--min-confidence）。" if lang is Lang.zh else
             f"\nCounting only facts graded {min_confidence.value} or better (--min-confidence).")


def _labels(chain, report, lang: str = "en") -> dict[str, str]:
    """Display names of the nodes a gap table shows: 'English (中文)', or the Chinese name alone."""
    from vvalley.analysis.wording import Names

    named = {report.region, *(p for g in report.gaps for p in g.subject.split("->")),
             *(c.id for g in report.gaps for c in g.candidates)}
    if lang == "zh":
        names = Names(chain)
        return {n: names.zh(n) for n in named}
    return {n: chain.label(n) for n in named}


def _print_table(chain, report, lang: str, total: int) -> None:
    from rich.table import Table
    from rich.text import Text as RichText

    from vvalley.analysis.gaps import KINDS
    from vvalley.sanitize import for_terminal

    def Text(text: str) -> RichText:  # noqa: N802 - data's control characters escaped before rich measures
        return RichText(for_terminal(text))
    from vvalley.analysis.wording import SIDE_ZH, Names

    names = Names(chain)
    zh = lang == "zh"
    s = report.summary
    if zh:
        title = (f"{names.zh(report.region)}的缺口" + (f"（{report.as_of} 年）" if report.as_of else "")
                 + f"：{s['segments']} 个末级环节中已覆盖 {s['covered']} 个（{s['coverage']:.0%}）")
        headers = ("严重度", "类型", "环节/链接", "原因", "首选候选企业")
    else:
        title = (f"Gaps in {chain.label(report.region)}" + (f" as of {report.as_of}" if report.as_of else "")
                 + f": {s['covered']} of {s['segments']} leaf segments covered ({s['coverage']:.0%})")
        headers = ("sev", "kind", "subject", "reason", "top candidate")
    table = Table(title=Text(title), expand=True)
    table.add_column(headers[0], justify="right", no_wrap=True)
    table.add_column(headers[1], no_wrap=True)
    table.add_column(headers[2], ratio=2)
    table.add_column(headers[3], ratio=4)
    table.add_column(headers[4], ratio=2)
    for gap in report.gaps:
        if zh:
            subject = names.subject(gap.subject)
            kind = KINDS[gap.kind] + (f"（{SIDE_ZH[gap.side]}）" if gap.side else "")
            reason = gap.reason_zh
            top = f"{names.zh(gap.candidates[0].id)}（{gap.candidates[0].score:.2f}）" if gap.candidates else ""
        else:
            subject = " → ".join(chain.label(p) for p in gap.subject.split("->"))
            kind = f"{gap.kind}\n{KINDS[gap.kind]}" + (f" {gap.side}" if gap.side else "")
            top = f"{chain.label(gap.candidates[0].id)} ({gap.candidates[0].score:.2f})" if gap.candidates else ""
            # The reason starts with the subject's name, already in its own column.
            reason = gap.reason.removeprefix(subject + ": ")
        # Text(), not markup: names from the data are shown as they are.
        table.add_row(str(gap.severity), Text(kind), Text(subject), Text(reason), Text(top))
    out = console()
    out.print(table)
    shown = len(report.gaps)
    if zh:
        by_kind = "，".join(f"{KINDS[k]} {n}" for k, n in s["gaps_by_kind"].items() if n)
        more = f"（显示前 {shown} 个，--limit）" if shown < total else ""
        out.print(Text(f"共 {total} 个缺口{more}：{by_kind or '无'}。"))
        focus = "；".join(f"{f.get('name_zh') or f.get('name', f['id'])} 覆盖 {f['coverage']:.0%}，沿途缺口 "
                         f"{f.get('gaps', 0)} 个" for f in s["focus_areas"])
        if focus:
            out.print(Text(f"聚焦方向：{focus}。"))
        for d in report.data_gaps:
            out.print(Text(f"数据缺口（不计入上面的排名）：{d['kind_zh']} {d['count']} 处，{d['reason_zh']}"))
    else:
        by_kind = ", ".join(f"{n} {k}" for k, n in s["gaps_by_kind"].items() if n)
        more = f" (showing {shown}, --limit)" if shown < total else ""
        out.print(Text(f"{total} gaps{more} ({by_kind or 'none'})."))
        focus = "; ".join(f"{f.get('name', f['id'])} {f['coverage']:.0%} covered, {f.get('gaps', 0)} gaps on the way"
                          for f in s["focus_areas"])
        if focus:
            out.print(Text(f"Focus areas: {focus}."))
        for d in report.data_gaps:
            out.print(Text(f"Data gap (not ranked above): {d['count']} {d['kind']}: {d['reason']}"))
