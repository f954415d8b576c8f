"""`vvalley map`: write the interactive HTML map (panorama and relation views) as one offline file."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from vvalley.cli._app import (DEFAULT_DATA, DEFAULT_OUT, AsOfOpt, DataDir, EngineOpt, Grade, Lang, LangOpt, MinConfidenceOpt, RegionOpt,
                              app, echo, fail, fail_on_problems, load_or_fail, resolve_or_fail, resolve_region_or_fail)


class View(str, Enum):
    chain = "chain"
    full = "full"
    ego = "ego"


DEFAULT_FILES = {"chain": "map.html", "full": "map-full.html", "ego": "map-ego.html"}
VIEW_ZH = {"chain": "产业链全景", "full": "企业与机构", "ego": "邻域"}  # as the page's own subheading (render.VIEW_TITLES)


def meta_or_fail(data: Path):
    """The chain's names and defaults (data/chain.json), or its problems printed and exit 1."""
    from vvalley.chain.meta import read_meta
    from vvalley.chain.problems import DataError

    try:
        return read_meta(data)
    except DataError as err:
        fail_on_problems(err.problems, data)


def meta_region(chain, meta) -> str | None:
    """chain.json's default region when the data has it."""
    return meta.region if meta.region and meta.region in chain.nodes.index else None


@app.command("map")
def map_command(
    data: DataDir = DEFAULT_DATA,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    view: Annotated[View, typer.Option(
        "--view", help="chain: segments and focus areas; full: plus the region's enterprises and institutes; "
                       "ego: one node and its neighbourhood.")] = View.chain,
    focus: Annotated[str | None, typer.Option(
        "--focus", help="The ego view's centre: node id, English or Chinese name.")] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=6, help="How many links out the ego view reaches.")] = 2,
    min_suppliers: Annotated[int, typer.Option(
        "--min-suppliers", min=1, help="A segment with fewer of the region's enterprises is weak.")] = 2,
    out: Annotated[Path | None, typer.Option(
        "--out", help="The HTML file to write (default: output/map.html, map-full.html or map-ego.html).",
        dir_okay=False)] = None,
    min_confidence: MinConfidenceOpt = Grade.U,
    lang: LangOpt = Lang.zh,
    engine: EngineOpt = None,
) -> None:
    """Write the map: the panorama (全景图: a box per segment with its firms, status and 招商目标) and the relation view; works offline."""
    if view is View.ego and focus is None:
        fail("邻域视图（--view ego）需要 --focus 节点" if lang is Lang.zh else "the ego view needs --focus NODE")
    if view is not View.ego and focus is not None:
        fail("--focus 只用于 --view ego" if lang is Lang.zh else "--focus only applies to --view ego")
    chain = load_or_fail(data, min_confidence=min_confidence)
    meta = meta_or_fail(data)
    region_id = resolve_region_or_fail(chain, region or meta_region(chain, meta))
    cut = chain.at(as_of)
    focus_id = resolve_or_fail(cut, focus) if focus is not None else None

    from vvalley.analysis.gaps import analyse
    from vvalley.publish.files import write_atomic
    from vvalley.render import render_map

    report = analyse(chain, region_id, as_of=as_of, min_suppliers=min_suppliers)
    page = render_map(cut, report, view=view.value, focus=focus_id, depth=depth, meta=meta)
    path = write_atomic(out or DEFAULT_OUT / DEFAULT_FILES[view.value], page)
    size = len(page.encode("utf-8")) / 1e6
    echo(f"已写入 {path}（{VIEW_ZH[view.value]}视图，{size:.1f} MB）；用浏览器打开即可，无需联网" if lang is Lang.zh else
         f"wrote {path} ({view.value} view, {size:.1f} MB); open it in a browser, no internet needed")
