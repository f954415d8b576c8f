"""`vvalley whatif` and `vvalley compare`: the gaps after a change, and two regions or years side by side."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from vvalley.cli._app import (DEFAULT_DATA, AsOfOpt, DataDir, EngineOpt, Lang, LangOpt, RegionOpt, _user_error, app, fail_user,
                              load_or_fail, resolve_or_fail, resolve_region_or_fail)
from vvalley.cli._format import FormatOpt, OutputFormat, show

MinSuppliersOpt = Annotated[int, typer.Option("--min-suppliers", min=1,
                                              help="A segment with fewer of the region's firms is weak (弱链).")]


class CutMode(str, Enum):
    all = "all"
    any = "any"


@app.command()
def whatif(data: DataDir = DEFAULT_DATA, region: RegionOpt = None,
           add: Annotated[list[str] | None, typer.Option(
               "--add", help="An enterprise of elsewhere that opens a site in the region (repeat for several).")] = None,
           site: Annotated[list[str] | None, typer.Option(
               "--site", help="Where in the region it opens (a district below it); one per --add, in order, "
                              "or one for all (default: the region itself).")] = None,
           remove: Annotated[list[str] | None, typer.Option(
               "--remove", help="An enterprise or institute that leaves the region (repeat for several).")] = None,
           cut_country: Annotated[list[str] | None, typer.Option(
               "--cut-country", help="Cut off suppliers located in this country or region (repeat for several).")] = None,
           cut_mode: Annotated[CutMode, typer.Option(
               "--cut-mode", help="all: a firm is cut off when all its sites are in the cut regions (it keeps "
                                  "supplying from its other sites); any: when any site is.")] = CutMode.all,
           as_of: AsOfOpt = None, min_suppliers: MinSuppliersOpt = 2,
           fmt: FormatOpt = OutputFormat.table, lang: LangOpt = Lang.zh,
           engine: EngineOpt = None) -> None:
    """The gaps that open or close if firms of elsewhere open a site here, actors leave, or suppliers are cut off."""
    from vvalley.analysis.whatif import ScenarioProblem
    from vvalley.analysis.whatif import whatif as run_whatif
    from vvalley.analysis.wording import Names
    from vvalley.publish.answers import whatif_sections

    if not add and not remove and not cut_country:
        fail_user(_user_error("nothing to change: give --add FIRM, --remove ID and/or --cut-country REGION",
                              "没有给出变化：请给 --add 企业、--remove 企业或机构，和/或 --cut-country 地区"))
    if site and len(site) not in (1, len(add or [])):
        fail_user(_user_error(f"give one --site for all --add, or one per --add ({len(add or [])}); got {len(site)}",
                              f"--site 要么给一个（用于所有 --add），要么每个 --add 一个（{len(add or [])} 个）；"
                              f"现在给了 {len(site)} 个"))
    if site and not add:
        fail_user(_user_error("--site needs --add FIRM", "--site 要和 --add 企业一起用"))
    chain = load_or_fail(data, "nothing to analyse").at(as_of)
    region = resolve_region_or_fail(chain, region)
    firms = [resolve_or_fail(chain, f, kinds=("enterprise",)) for f in add or []]
    sites = [resolve_or_fail(chain, s, kinds=("region",)) for s in site or []]
    sites = sites * len(firms) if len(sites) == 1 else sites or [None] * len(firms)
    actors = [resolve_or_fail(chain, r, kinds=("enterprise", "institute")) for r in remove or []]
    cut = [resolve_or_fail(chain, r, kinds=("region",)) for r in cut_country or []]
    try:
        result = run_whatif(chain, region, actors, cut, cut_mode.value, min_suppliers=min_suppliers,
                            add=list(zip(firms, sites)))
    except ScenarioProblem as err:
        fail_user(err)
    names = Names(chain)
    zh = lang is Lang.zh
    change = ("，".join([*(f"{names.zh(f)}落户" for f in firms), *(f"{names.zh(a)}离开" for a in actors),
                        *(f"{names.zh(c)}供应被切断" for c in cut)]) if zh else
              ", ".join([*(f"{names.en[f]} arrives" for f in firms), *(f"{names.en[a]} leaves" for a in actors),
                         *(f"{names.en[c]} cut off" for c in cut)]))
    title = f"假如{change}：{names.zh(region)}" if zh else f"What if {change} — {result['region_label']}"
    show(result, whatif_sections(result, lang.value), fmt, title)


@app.command()
def compare(data: DataDir = DEFAULT_DATA, region: RegionOpt = None,
            with_region: Annotated[str | None, typer.Option(
                "--with", help="Compare the region with this one (id, English or Chinese name).")] = None,
            as_of: AsOfOpt = None,
            vs: Annotated[int | None, typer.Option(
                "--vs", min=1800, max=2100, help="With --as-of Y1: compare Y1 with this year (default: this year).")] = None,
            min_suppliers: MinSuppliersOpt = 2, fmt: FormatOpt = OutputFormat.table, lang: LangOpt = Lang.zh,
            engine: EngineOpt = None) -> None:
    """Compare two regions (--with B), or the region in two years (--as-of Y1 [--vs Y2])."""
    from vvalley.analysis.compare import compare_regions, compare_years
    from vvalley.publish.answers import compare_regions_sections, compare_years_sections

    if with_region is None and as_of is None:
        fail_user(_user_error("give --with REGION to compare regions, or --as-of YEAR [--vs YEAR] to compare years",
                              "对比两个地区请给 --with 地区；对比两个年份请给 --as-of 年份 [--vs 年份]"))
    if vs is not None and as_of is None:
        fail_user(_user_error("--vs needs --as-of: compare --as-of 2018 --vs 2024",
                              "--vs 要和 --as-of 一起用，例如：compare --as-of 2018 --vs 2024"))
    chain = load_or_fail(data, "nothing to compare")
    region = resolve_region_or_fail(chain, region)
    if with_region is not None:
        if vs is not None:
            fail_user(_user_error("compare regions (--with) or years (--vs), not both at once",
                                  "一次只能对比地区（--with）或年份（--vs），不能同时"))
        other = resolve_or_fail(chain, with_region, kinds=("region",))
        result = compare_regions(chain, region, other, as_of=as_of, min_suppliers=min_suppliers)
        zh = lang is Lang.zh
        when = (f"（{as_of} 年）" if zh else f" as of {as_of}") if as_of is not None else ""
        title = (f"{result['a_zh']}与{result['b_zh']}对比{when}" if zh else
                 f"{result['a_label']} vs {result['b_label']}{when}")
        show(result, compare_regions_sections(result, lang.value), fmt, title)
    else:
        result = compare_years(chain, region, as_of, vs, min_suppliers=min_suppliers)
        title = (f"{result['region_zh']}：{result['from']} 年与 {result['to']} 年对比" if lang is Lang.zh else
                 f"{result['region_label']}: {result['from']} vs {result['to']}")
        show(result, compare_years_sections(result, lang.value), fmt, title)
