"""`vvalley report` and `vvalley export`: the briefing report, and the chain for other tools."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from vvalley.chain.problems import UserError
from vvalley.cli._app import (DEFAULT_DATA, DEFAULT_OUT, AsOfOpt, DataDir, EngineOpt, Grade, Lang, LangOpt, MinConfidenceOpt, OutDir,
                              RegionOpt, app, echo, fail, fail_user, load_or_fail, resolve_region_or_fail)


class ReportFormat(str, Enum):
    md = "md"
    html = "html"
    docx = "docx"


class ExportFormat(str, Enum):
    graphml = "graphml"
    gexf = "gexf"
    json = "json"
    xlsx = "xlsx"


@app.command()
def report(data: DataDir = DEFAULT_DATA, region: RegionOpt = None, out: OutDir = DEFAULT_OUT,
           as_of: AsOfOpt = None,
           year: Annotated[int, typer.Option("--year", min=1800, max=2100,
                                             help="Compare the region in this year ...")] = 2018,
           vs: Annotated[int | None, typer.Option("--vs", min=1800, max=2100,
                                                  help="... with this one (default: this year).")] = None,
           no_years: Annotated[bool, typer.Option("--no-years", help="Leave the year comparison out.")] = False,
           min_suppliers: Annotated[int, typer.Option("--min-suppliers", min=1,
                                                      help="A segment with fewer of the region's firms is weak.")] = 2,
           min_confidence: MinConfidenceOpt = Grade.U,
           fmt: Annotated[list[ReportFormat] | None, typer.Option(
               "--format", help="md, html (self-contained, printable) or docx (Word); repeat for several "
                                "(default: md and html).")] = None,
           lang: LangOpt = Lang.zh,
           engine: EngineOpt = None,
           ) -> None:
    """Write the briefing report (领导版摘要 first) as report.md, report.html and/or report.docx into the output folder."""
    from vvalley.cli.map import meta_or_fail
    from vvalley.publish.report import write_report

    chain = load_or_fail(data, min_confidence=min_confidence)
    region = resolve_region_or_fail(chain, region)
    formats = [f.value for f in fmt] if fmt else ["md", "html"]
    for path in write_report(chain, out, formats=list(dict.fromkeys(formats)), region=region, as_of=as_of,
                             min_suppliers=min_suppliers, years=None if no_years else (year, vs),
                             meta=meta_or_fail(data)):
        echo(_wrote(path, lang))


@app.command()
def export(data: DataDir = DEFAULT_DATA,
           fmt: Annotated[ExportFormat, typer.Option("--format", help="graphml or gexf (Gephi, Cytoscape), "
                                                     "json (networkx node-link), xlsx (nodes, edges, gaps, candidates).")]
           = ExportFormat.graphml,
           out: Annotated[Path | None, typer.Option("--out", help="File to write, or a folder to write "
                                                    "chain.<format> into (default: output/).")] = None,
           region: RegionOpt = None, as_of: AsOfOpt = None, lang: LangOpt = Lang.zh) -> None:
    """Write the chain as GraphML, GEXF, node-link JSON or an XLSX workbook (with the region's gaps)."""
    from vvalley.publish.export import SUFFIX, export as run_export
    from vvalley.publish.files import write_atomic

    chain = load_or_fail(data).at(as_of)
    target = _target(out, f"chain{SUFFIX[fmt.value]}")
    report = None
    if fmt is ExportFormat.xlsx:
        from vvalley.analysis.gaps import analyse

        report = analyse(chain, resolve_region_or_fail(chain, region))
    try:
        payload = run_export(chain, fmt.value, report)
    except ValueError as err:
        fail_user(err) if isinstance(err, UserError) else fail(str(err))
    write_atomic(target, payload)
    echo(_wrote(target, lang))


def _wrote(path: Path, lang: Lang) -> str:
    return f"已写入 {path}" if lang is Lang.zh else f"wrote {path}"


def _target(out: Path | None, name: str) -> Path:
    """--out as given when it names a file; inside it when it is a folder (or has no suffix)."""
    if out is None:
        return DEFAULT_OUT / name
    if out.is_dir() or not out.suffix:
        return out / name
    return out


