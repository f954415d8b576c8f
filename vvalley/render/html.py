"""The map page: our own Jinja template (autoescape on) with the vis-network that pyvis ships inlined."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from vvalley.sanitize import clean, harden_jinja

VIS_VERSION = "9.1.2"
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as pyvis ships them (read from its package folder, without importing pyvis)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis is not installed: the map inlines the vis-network it ships")
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib" / f"vis-{VIS_VERSION}"
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    # Inlined text must not be able to close its own <script>/<style> element.
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError(f"the vis-network bundle in {folder} cannot be inlined safely")
    return js, css


def both_names(item: dict) -> Markup:
    """A name in both languages, the page's language toggle showing one (escaped: data is text)."""
    name, name_zh = clean(item.get("name") or ""), clean(item.get("name_zh") or "")
    if name and name_zh and name != name_zh:
        return Markup('<span class="zh-only">%s</span><span class="en-only">%s</span>') % (name_zh, name)
    return escape(name_zh or name or "")


def chip_name(item: dict) -> Markup:
    """A chip's text: the short Chinese name (海康机器人) or the English name, the toggle showing one."""
    name, short = clean(item.get("name") or ""), clean(item.get("short_zh") or item.get("name_zh") or "")
    if name and short and name != short:
        return Markup('<span class="zh-only">%s</span><span class="en-only">%s</span>') % (short, name)
    return escape(short or name or "")


def full_name(item: dict) -> str:
    """A chip's title (tooltip): the full Chinese (legal) name, and the English name when it differs."""
    name, name_zh = clean(item.get("name") or ""), clean(item.get("name_zh") or "")
    return f"{name_zh} · {name}" if name and name_zh and name != name_zh else (name_zh or name)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vvalley.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # tojson escapes <, >, & and ' as \u003c …; sorted keys keep the page byte-identical run to run.
    env.filters["bi"] = both_names
    env.filters["chip"] = chip_name
    env.filters["full"] = full_name
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    return harden_jinja(env)  # control characters and non-characters from the data never reach the page


def page(data: dict, legend: dict, heading: dict, subheading: dict, summary: list[dict], title: str,
         pano: dict, meta, tab: str = "panorama", print_svg: str = "") -> str:
    """The whole HTML page as text: the panorama and relation tabs, their data as JSON, every script inline.

    `print_svg` is the A3 poster (render/poster.py), shown only when the page is printed.
    """
    from vvalley.render.panorama import STATUS, STATUS_MEANING, SHARE_BANDS, MARKS

    js, css = vis_assets()
    template = environment().get_template("map.html")
    cards = {"segments": {box["id"]: {k: box[k] for k in ("name_zh", "name", "status", "firms", "institutes",
                                                            "candidates", "gaps", "up", "down", "marks")}
                          for col in pano["columns"] for group in col["groups"] for box in group["leaves"]},
             "actors": pano["actors"], "gaps": pano["gaps"], "focus": pano["focus"],
             "status": {k: {"zh": v[0], "en": v[1]} for k, v in STATUS.items()}}
    return template.render(data=data, legend=legend, heading=heading, subheading=subheading,
                           summary=summary, title=title, csp=CSP, vis_js=js, vis_css=css,
                           vis_version=VIS_VERSION, pano=pano, cards=cards, meta=meta, tab=tab,
                           status=STATUS, status_meaning=STATUS_MEANING, bands=SHARE_BANDS, marks=MARKS,
                           print_svg=print_svg)
