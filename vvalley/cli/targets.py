"""`vvalley targets`: the firm-level 招商目标清单, each firm once, with what its arrival would change."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from vvalley.cli._app import (DEFAULT_DATA, DEFAULT_OUT, AsOfOpt, DataDir, EngineOpt, Grade, Lang, LangOpt, MinConfidenceOpt,
                              RegionOpt, app, echo, load_or_fail, resolve_region_or_fail)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    xlsx = "xlsx"


@app.command()
def targets(
    data: DataDir = DEFAULT_DATA,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=0,
                                       help="At most this many firms, best first (0: all; each costs one what-if).")] = 20,
    min_suppliers: Annotated[int, typer.Option("--min-suppliers", min=1,
                                               help="A segment with fewer of the region's firms is weak.")] = 2,
    fmt: Annotated[Format, typer.Option("--format", help="table, json (a list, one object per firm), csv, md, "
                                                         "or xlsx (written to --out).")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", help="The xlsx file to write (default: output/targets.xlsx).",
                                             dir_okay=False)] = None,
    lang: LangOpt = Lang.zh,
    min_confidence: MinConfidenceOpt = Grade.U,
    engine: EngineOpt = None,
) -> None:
    """The 招商目标清单: firms outside the region that would fill its gaps, ranked, with what each would change."""
    from vvalley.analysis.gaps import analyse
    from vvalley.analysis.targets import targets as run_targets
    from vvalley.publish import targetfiles

    chain = load_or_fail(data, "no targets computed", min_confidence=min_confidence)
    region_id = resolve_region_or_fail(chain, region)
    report = analyse(chain, region_id, as_of=as_of, min_suppliers=min_suppliers, top=0)
    result = run_targets(chain, region_id, report, limit=limit or None, min_suppliers=min_suppliers)
    if fmt is Format.json:
        echo(targetfiles.targets_json(result).rstrip("\n"))
    elif fmt is Format.csv:
        typer.echo(targetfiles.targets_csv(result, lang.value), nl=False)
    elif fmt is Format.xlsx:
        from vvalley.publish.files import write_atomic

        path = write_atomic(out or DEFAULT_OUT / "targets.xlsx", targetfiles.targets_xlsx(result, lang.value))
        echo(f"已写入 {path}" if lang is Lang.zh else f"wrote {path}")
    else:
        from vvalley.analysis.wording import Names
        from vvalley.cli._format import OutputFormat, show

        name = Names(chain).zh(region_id) if lang is Lang.zh else chain.label(region_id)
        title = f"{name}招商目标清单" if lang is Lang.zh else f"Target list for {name}"
        show(result, targetfiles.targets_sections(result, lang.value),
             OutputFormat.md if fmt is Format.md else OutputFormat.table, title)
