"""The interactive HTML map: one self-contained, offline, deterministic page per view."""

from __future__ import annotations

from vvalley.render.selection import MAX_ACTORS, VIEWS

__all__ = ["render_map", "render_poster", "VIEWS", "MAX_ACTORS"]

VIEW_TITLES = {  # view: (中文, English)
    "chain": ("产业链全景", "chain view"),
    "full": ("企业与机构", "full view"),
    "ego": ("邻域", "ego view"),
}


def render_map(chain, report, view: str = "chain", focus: str | None = None, depth: int = 2,
               max_actors: int = MAX_ACTORS, meta=None) -> str:
    """The map of `chain` and its gap report (`vvalley.analysis.gaps.analyse`) as one HTML page (text).

    view: "chain" (segments and focus areas), "full" (plus the region's enterprises and institutes;
    grouped per segment past `max_actors`) or "ego" (`focus` and its neighbourhood to `depth`).
    The page opens on the panorama (全景图) tab, the relation view (关系图) on the second; the ego view
    opens on the relation view. `meta` (vvalley.chain.meta.ChainMeta) names the chain in the titles.
    The same inputs give the same text, byte for byte. Raises ValueError for an unknown view or
    an ego view without a focus, KeyError for an unknown focus id.
    """
    from vvalley.render import html
    from vvalley.render import mapdata
    from vvalley.render import selection as views
    from vvalley.render.panorama import panorama
    from vvalley.render.poster import poster
    from vvalley.chain.meta import ChainMeta

    meta = meta or ChainMeta()

    chain = chain.at(report.as_of) if report.as_of is not None else chain
    if focus is not None and focus not in chain.nodes.index:
        raise KeyError(focus)
    selection = views.select(chain, report.region, view, focus, depth, max_actors)
    region = _region_label(chain, report.region)
    data = mapdata.map_data(chain, report, selection, region)
    year = report.as_of is not None
    where = view == "ego"
    region_zh, region_en = _names(chain, report.region)
    heading = {"zh": f"{region_zh} · {meta.title('zh')}图谱", "en": f"{region_en} · {meta.title('en')} map"}
    subheading = {
        "zh": (f"{VIEW_TITLES[view][0]}" + (f" · 以{_line(chain, focus)}为中心 {depth} 步" if where else "")
               + (f" · 截至{report.as_of}年" if year else "") + f" · {len(data['nodes'])} 个节点、{len(data['edges'])} 条连线"),
        "en": (f"{VIEW_TITLES[view][1]}" + (f" · around {_line(chain, focus)} depth {depth}" if where else "")
               + (f" · as of {report.as_of}" if year else "") + f" · {len(data['nodes'])} nodes, {len(data['edges'])} links"),
    }
    pano = panorama(chain, report)
    # Printed, the page is the A3 poster of the same panorama (no generated-on date: the page stays byte-stable).
    print_svg = poster(pano, f"{region_zh} · {meta.title('zh')}全景图",
                       f"{region_en} · {meta.title('en')} panorama", meta, "", "a3")
    return html.page(data, mapdata.legend(view), heading, subheading, _summary(report),
                     f"{region_zh} · {meta.title('zh')} · vvalley ({view})", pano=pano, meta=meta,
                     tab="relation" if view == "ego" else "panorama", print_svg=print_svg)


def render_poster(chain, report, meta=None, size: str = "16x9", generated: str | None = None) -> str:
    """The panorama of `chain` and its gap report as a one-page poster, SVG text (render.poster.convert
    makes PNG or PDF of it). `generated` is the date printed as generated-on (default: today, or
    SOURCE_DATE_EPOCH when set); the same inputs give the same bytes.
    """
    from vvalley.chain.meta import ChainMeta
    from vvalley.render.panorama import panorama
    from vvalley.render.poster import poster

    meta = meta or ChainMeta()
    chain = chain.at(report.as_of) if report.as_of is not None else chain
    region_zh, region_en = _names(chain, report.region)
    return poster(panorama(chain, report), f"{region_zh} · {meta.title('zh')}全景图",
                  f"{region_en} · {meta.title('en')} panorama", meta, generated or generated_on(), size)


def generated_on() -> str:
    """Today as YYYY-MM-DD (UTC), or the day of SOURCE_DATE_EPOCH when it is set (reproducible builds)."""
    import datetime
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch and epoch.isdigit()
            else datetime.datetime.now(datetime.timezone.utc))
    return when.strftime("%Y-%m-%d")


def _line(chain, node_id: str) -> str:
    name, name_zh = chain.nodes.at[node_id, "name"], chain.nodes.at[node_id, "name_zh"]
    return f"{name_zh} {name}" if name_zh and name_zh != name else str(name)


def _names(chain, node_id: str) -> tuple[str, str]:
    """(Chinese name or English, English name) of a node; the id itself when the node is unknown."""
    if node_id not in chain.nodes.index:
        return node_id, node_id
    name, name_zh = str(chain.nodes.at[node_id, "name"]), str(chain.nodes.at[node_id, "name_zh"])
    return name_zh or name, name


def _region_label(chain, region: str) -> str:
    return _line(chain, region) if region in chain.nodes.index else region


def _summary(report) -> list[dict]:
    """A few lines of the report's summary for the side panel, each {"zh": …, "en": …}."""
    from vvalley.render.mapdata import GAP_KINDS_ZH

    summary = report.summary
    covered, segments, share = summary.get("covered", 0), summary.get("segments", 0), summary.get("coverage", 0.0)
    lines = [{"zh": f"已覆盖末级环节：{covered} / {segments}（{share:.0%}）",
              "en": f"leaf segments covered: {covered} / {segments} ({share:.0%})"}]
    kinds = {k: n for k, n in summary.get("gaps_by_kind", {}).items() if n}
    lines.append({"zh": f"缺口：{'、'.join(f'{GAP_KINDS_ZH.get(k, k)} {n}' for k, n in kinds.items()) or '无'}",
                  "en": f"gaps: {', '.join(f'{n} {k}' for k, n in kinds.items()) or 'none'}"})
    for focus in summary.get("focus_areas", []):
        name = focus.get("name", focus["id"])
        lines.append({"zh": f"{focus.get('name_zh') or name}：覆盖 {focus.get('coverage', 0.0):.0%}",
                      "en": f"{name}: {focus.get('coverage', 0.0):.0%} covered"})
    return lines
