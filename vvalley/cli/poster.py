"""`vvalley poster`: the panorama as a one-page poster (SVG, PNG or PDF; 16:9 slide or A3 landscape)."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from vvalley.cli._app import (DEFAULT_DATA, DEFAULT_OUT, AsOfOpt, DataDir, EngineOpt, Grade, Lang, LangOpt, MinConfidenceOpt,
                              RegionOpt, app, echo, fail, load_or_fail, resolve_region_or_fail)
from vvalley.cli.map import meta_or_fail, meta_region


class Size(str, Enum):
    slide = "16x9"
    a3 = "a3"


class Format(str, Enum):
    svg = "svg"
    png = "png"
    pdf = "pdf"


@app.command("poster")
def poster_command(
    data: DataDir = DEFAULT_DATA,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    size: Annotated[Size, typer.Option("--size", help="16x9: a slide (1920×1080); a3: A3 landscape.")] = Size.slide,
    fmt: Annotated[Format, typer.Option("--format", help="svg (drawn by vvalley), png (≥1920 px wide) or pdf.")] = Format.svg,
    out: Annotated[Path | None, typer.Option("--out", dir_okay=False,
                                             help="The file to write (default: output/poster[-a3].FORMAT).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Generated-on date printed on the poster "
                                             "(default: today, or SOURCE_DATE_EPOCH's day).")] = None,
    min_suppliers: Annotated[int, typer.Option("--min-suppliers", min=1,
                                               help="A segment with fewer of the region's enterprises is weak.")] = 2,
    min_confidence: MinConfidenceOpt = Grade.U,
    lang: LangOpt = Lang.zh,
    engine: EngineOpt = None,
) -> None:
    """Write the panorama (全景图) as one page: title, region, as-of date, legend, every segment box, source line."""
    if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        fail(f"--date 应写作 YYYY-MM-DD，而不是 {date!r}" if lang is Lang.zh else f"--date must be YYYY-MM-DD, not {date!r}")
    chain = load_or_fail(data, min_confidence=min_confidence)
    meta = meta_or_fail(data)
    region_id = resolve_region_or_fail(chain, region or meta_region(chain, meta))

    from vvalley.analysis.gaps import analyse
    from vvalley.publish.files import write_atomic
    from vvalley.render import render_poster
    from vvalley.render.poster import convert

    report = analyse(chain, region_id, as_of=as_of, min_suppliers=min_suppliers)
    svg = render_poster(chain.at(as_of), report, meta=meta, size=size.value, generated=date)
    try:
        payload = convert(svg, fmt.value, size.value)
    except RuntimeError as err:
        fail(str(err))
    name = f"poster{'-a3' if size is Size.a3 else ''}.{fmt.value}"
    path = write_atomic(out or DEFAULT_OUT / name, payload)
    kb = len(payload) / 1e3
    echo(f"已写入 {path}（{size.value}，{fmt.value}，{kb:.0f} kB）" if lang is Lang.zh else
         f"wrote {path} ({size.value}, {fmt.value}, {kb:.0f} kB)")
