"""`vvalley gaps`: which links of the region's chain are missing, how badly, and who could fill them."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from vvalley.chain.schema import GAP_KINDS
from vvalley.cli._app import (DEFAULT_DATA, AsOfOpt, DataDir, EngineOpt, Grade, MinConfidenceOpt, RegionOpt, app, console, echo, fail,
                   load_or_fail, resolve_region_or_fail)

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
    top: Annotated[int, typer.Option("--top", min=0, help="Fill candidates shown per gap.")] = 5,
    fmt: Annotated[Format, typer.Option("--format", help="table (readable), json, csv (Excel) or md.")] = Format.table,
    min_confidence: MinConfidenceOpt = Grade.U,
    engine: EngineOpt = None,
) -> None:
    """List the region's gaps (缺链 弱链 断链 …) by severity, with the enterprises that could fill them."""
    unknown = [k for k in kind or [] if k not in KIND_NAMES]
    if unknown:
        fail(f"unknown gap kind {unknown[0]!r}; valid kinds: {', '.join(KIND_NAMES)}")
    chain = load_or_fail(data, action="no gaps computed", min_confidence=min_confidence)
    region_id = resolve_region_or_fail(chain, region)

    from vvalley.analysis.gaps import analyse
    from vvalley.publish.gapfiles import gaps_csv, gaps_json, gaps_markdown

    report = analyse(chain, region_id, as_of=as_of, min_suppliers=min_suppliers, kinds=kind or None, top=top)
    if fmt is Format.json:
        echo(gaps_json(report).rstrip("\n"))
    elif fmt is Format.csv:
        # As written to a file: the BOM lets Excel read `vvalley gaps --format csv > gaps.csv` as UTF-8.
        typer.echo(gaps_csv(report), nl=False)
    elif fmt is Format.md:
        named = {report.region, *(p for g in report.gaps for p in g.subject.split("->")),
                 *(c.id for g in report.gaps for c in g.candidates)}
        labels = {n: chain.label(n) for n in named}
        echo(gaps_markdown(report, labels).rstrip("\n"))
    else:
        _print_table(chain, report)
    if min_confidence is not Grade.U and fmt in (Format.md, Format.table):
        echo(f"\nCounting only facts graded {min_confidence.value} or better (--min-confidence).")


def _print_table(chain, report) -> None:
    from rich.table import Table
    from rich.text import Text as RichText

    from vvalley.analysis.gaps import KINDS
    from vvalley.sanitize import for_terminal

    def Text(text: str) -> RichText:  # noqa: N802 - data's control characters escaped before rich measures
        return RichText(for_terminal(text))

    s = report.summary
    title = (f"Gaps in {chain.label(report.region)}" + (f" as of {report.as_of}" if report.as_of else "")
             + f": {s['covered']} of {s['segments']} leaf segments covered ({s['coverage']:.0%})")
    table = Table(title=Text(title), expand=True)
    table.add_column("sev", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("subject", ratio=2)
    table.add_column("reason", ratio=4)
    table.add_column("top candidate", ratio=2)
    for gap in report.gaps:
        subject = " → ".join(chain.label(p) for p in gap.subject.split("->"))
        kind = f"{gap.kind}\n{KINDS[gap.kind]}" + (f" {gap.side}" if gap.side else "")
        top = f"{chain.label(gap.candidates[0].id)} ({gap.candidates[0].score:.2f})" if gap.candidates else ""
        # Text(), not markup: names from the data are shown as they are.
        # The reason starts with the subject's name, already in its own column.
        reason = gap.reason.removeprefix(subject + ": ")
        table.add_row(str(gap.severity), Text(kind), Text(subject), Text(reason), Text(top))
    out = console()
    out.print(table)
    by_kind = ", ".join(f"{n} {k}" for k, n in s["gaps_by_kind"].items() if n)
    focus = "; ".join(f"{f.get('name', f['id'])} {f['coverage']:.0%} covered, {f.get('gaps', 0)} gaps on the way"
                      for f in s["focus_areas"])
    out.print(Text(f"{len(report.gaps)} gaps ({by_kind or 'none'})."))
    if focus:
        out.print(Text(f"Focus areas: {focus}."))
