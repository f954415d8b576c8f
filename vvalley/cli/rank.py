"""`vvalley rank`: every region of a level at once: coverage, firms and location quotients, leaders, peers."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from vvalley.cli._app import (DEFAULT_DATA, AsOfOpt, DataDir, EngineOpt, Grade, Lang, LangOpt, MinConfidenceOpt,
                              app, console, echo, fail_lookup, fail_user, load_or_fail)


class Level(str, Enum):
    district = "district"
    city = "city"
    province = "province"


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


LEVEL_ZH = {"district": "区县", "city": "城市", "province": "省份"}
LEVEL_EN = {"district": "districts", "city": "cities", "province": "provinces"}


@app.command()
def rank(
    data: DataDir = DEFAULT_DATA,
    level: Annotated[Level, typer.Option("--level", help="Rank every region of this level.")] = Level.district,
    segment: Annotated[str | None, typer.Option(
        "--segment", help="Rank by this segment (id, English or Chinese name): its firms, then location quotient.")] = None,
    region: Annotated[str | None, typer.Option(
        "--region", help="Also show this region's presence, peers and possible entrants (a region of the level).")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Regions shown in the table, and leaders per segment.")] = 20,
    fmt: Annotated[Format, typer.Option("--format", help="table (readable), csv (Excel, every region) or json.")] = Format.table,
    lang: LangOpt = Lang.zh,
    as_of: AsOfOpt = None,
    min_confidence: MinConfidenceOpt = Grade.U,
    engine: EngineOpt = None,
) -> None:
    """Rank every district, city or province: coverage, firms and location quotient per segment (区位商), leaders, peers."""
    from vvalley.analysis.rank import LevelProblem
    from vvalley.analysis.rank import rank as run_rank
    from vvalley.chain.model import LookupProblem

    chain = load_or_fail(data, action="nothing ranked", min_confidence=min_confidence).at(as_of)
    try:
        result = run_rank(chain, level.value, segment=segment, region=region, top=top)
    except LookupProblem as err:
        fail_lookup(err)
    except LevelProblem as err:
        fail_user(err)
    if fmt is Format.json:
        from vvalley.publish.files import dumps_json

        echo(dumps_json(result.to_dict()).rstrip("\n"))
    elif fmt is Format.csv:
        typer.echo(_csv(chain, result, lang.value), nl=False)
    else:
        _print(chain, result, lang.value, top)


def _csv(chain, result, lang: str) -> str:
    import csv
    import io

    from vvalley.analysis.rank import rank_sheet
    from vvalley.publish.files import spreadsheet_safe

    headers, rows = rank_sheet(chain, result, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def _print(chain, result, lang: str, top: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from vvalley.analysis.rank import display_name, rank_sheet

    zh = lang == "zh"
    out = console()

    def name(node: str) -> str:
        row = chain.nodes.loc[node]
        return str(row["name_zh"] or row["name"]) if zh else str(row["name"])

    headers, rows = rank_sheet(chain, result, lang)
    n = len(result.regions)
    if zh:
        title = f"{n} 个{LEVEL_ZH[result.level]}排名" + (f"（按{name(result.segment)}）" if result.segment else "（按覆盖率）")
    else:
        title = f"{n} {LEVEL_EN[result.level]} ranked" + (f" by {name(result.segment)}" if result.segment else " by coverage")
    table = Table(title=Text(title))
    for h in headers:
        table.add_column(Text(h), justify="right" if h not in ("地区", "上级地区", "Region", "Parent") else "left")
    for row in rows[:top]:
        table.add_row(*[Text(_cell(h, v)) for h, v in zip(headers, row)])
    out.print(table)
    if n > top:
        out.print(Text(f"另有 {n - top} 个未列出（--top，或 --format csv 看全部）。" if zh
                       else f"{n - top} more not shown (--top, or --format csv for all)."))

    leaders = Table(title=Text("各环节领先地区（企业数，区位商）" if zh else "Leading regions per segment (firms, LQ)"))
    leaders.add_column(Text("环节" if zh else "Segment"))
    leaders.add_column(Text("企业总数" if zh else "Firms"), justify="right")
    leaders.add_column(Text("领先地区" if zh else "Leaders"))
    for seg in result.segments:
        best = ("；" if zh else "; ").join(f"{display_name(result.names[x['region']], lang)} {x['firms']}（{x['lq']:.2f}）" if zh
                        else f"{display_name(result.names[x['region']], lang)} {x['firms']} ({x['lq']:.2f})"
                        for x in result.leaders[seg][:3])
        leaders.add_row(Text(name(seg)), str(result.totals["by_segment"].get(seg, 0)), Text(best or "—"))
    out.print(leaders)

    if result.peers:
        p = result.peers
        who = display_name(result.names[p["region"]], lang)
        present = "、".join(name(s) for s in p["present"]) if zh else ", ".join(name(s) for s in p["present"])
        out.print(Text((f"{who} 具有优势（区位商 ≥ 1）的环节：{present or '无'}" if zh
                        else f"{who} is present (LQ ≥ 1) in: {present or 'none'}")))
        peers = Table(title=Text(f"{who} 的同类地区" if zh else f"Peers of {who}"))
        peers.add_column(Text("地区" if zh else "Region"))
        peers.add_column(Text("相似度" if zh else "Similarity"), justify="right")
        peers.add_column(Text("共同优势环节" if zh else "Shared present segments"), justify="right")
        for x in p["peers"]:
            peers.add_row(Text(display_name(result.names[x["region"]], lang)), f"{x['similarity']:.2f}", str(x["shared"]))
        out.print(peers)
        entrants = Table(title=Text("可能进入的环节（同类地区有优势、本地区没有）" if zh
                                    else "Possible entrants (present in peers, not here)"))
        entrants.add_column(Text("环节" if zh else "Segment"))
        entrants.add_column(Text("有优势的同类地区" if zh else "Peers present"))
        entrants.add_column(Text("本地企业数" if zh else "Firms here"), justify="right")
        for e in p["entrants"]:
            holders = ("、" if zh else ", ").join(display_name(result.names[r], lang) for r in e["peers"])
            entrants.add_row(Text(name(e["segment"])), Text(f"{e['peers_present']}：{holders}" if zh
                                                           else f"{e['peers_present']}: {holders}"), str(e["firms"]))
        out.print(entrants)


def _cell(header: str, value) -> str:
    if header in ("覆盖率", "Coverage"):
        return f"{value:.0%}"
    if header in ("区位商", "Location quotient"):
        return f"{value:.2f}"
    return str(value)
