"""The map in a real browser: offline, drawn as the data says, interactive, and inert to hostile names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain
from vvalley.publish.files import write_atomic
from vvalley.render import render_map

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"


@pytest.fixture(scope="module")
def maps(tmp_path_factory) -> dict[str, Path]:
    """The hostile fixture's chain and full views, and the bundled data's (when present) for screenshots."""
    folder = tmp_path_factory.mktemp("maps")
    out = {}
    sources = {"hostile": FIXTURES / "hostile"}
    if (ROOT / "data" / "chain_nodes.csv").exists():
        sources["data"] = ROOT / "data"
    for name, source in sources.items():
        chain = load_chain(source)
        report = analyse(chain, XIAOSHAN)
        for view in ("chain", "full"):
            out[f"{name}-{view}"] = write_atomic(folder / f"{name}-{view}.html", render_map(chain, report, view=view))
    return out


def embedded(path: Path) -> dict:
    page = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="vv-data">(.*?)</script>', page, re.S).group(1))


def test_page_loads_offline_with_no_error(map_page, maps):
    page = map_page.open(maps["hostile-full"])
    assert page.locator("#vv-map canvas").count() == 1
    assert page.evaluate("document.querySelectorAll('script[src], link, img, iframe').length") == 0
    # The page's own CSS applied (a mangled declaration would silently fall back to the default font).
    assert "Noto Sans CJK SC" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert map_page.errors == []


def test_the_relation_view_opens_readable(map_page, maps):
    """Labels at least 12 px on screen; the whole chain when it reads at that zoom, else the top gap in view."""
    for name in ("data-chain", "hostile-chain"):
        if name not in maps:
            continue
        page = map_page.open(maps[name])
        state = page.evaluate("""() => {
            const m = window.vvalleyMap, net = m.network;
            const box = document.getElementById('vv-map').getBoundingClientRect();
            const sizes = m.nodes.get().filter(n => !n.hidden).map(n => n.font.size);
            const inView = id => { const d = net.canvasToDOM(net.getPositions([id])[id]);
                return d.x >= 0 && d.y >= 0 && d.x <= box.width && d.y <= box.height; };
            return {scale: net.getScale(), smallest: Math.min(...sizes),
                    all: m.nodes.getIds().every(inView),
                    top: m.data.gaps.length ? m.data.gaps[0].nodes.every(inView) : true};
        }""")
        assert state["scale"] * state["smallest"] >= 12 - 1e-6, (name, state)
        assert state["all"] or state["top"], (name, state)
    assert map_page.errors == []


def test_drawn_nodes_and_edges_match_the_data(map_page, maps):
    for name in ("hostile-chain", "hostile-full"):
        data = embedded(maps[name])
        page = map_page.open(maps[name])
        counts = page.evaluate("""() => {
            const m = window.vvalleyMap;
            return {nodes: m.nodes.length, edges: m.edges.length,
                    drawnNodes: Object.keys(m.network.body.nodes).length,
                    drawnEdges: Object.keys(m.network.body.edges).length,
                    ids: m.nodes.getIds().sort()};
        }""")
        assert counts["nodes"] == counts["drawnNodes"] == len(data["nodes"])
        assert counts["edges"] == counts["drawnEdges"] == len(data["edges"])
        assert counts["ids"] == sorted(n["id"] for n in data["nodes"])
    chain = load_chain(FIXTURES / "hostile")
    assert len(embedded(maps["hostile-chain"])["nodes"]) == int(chain.nodes["kind"].isin(["segment", "focus_area"]).sum())
    assert map_page.errors == []


def test_a_missing_segment_is_drawn_as_missing(map_page, maps):
    page = map_page.open(maps["hostile-chain"])
    drawn = page.evaluate("""() => {
        const node = window.vvalleyMap.network.body.nodes['seg.chips.cis'].options;
        const link = window.vvalleyMap.edges.get({filter: e => e.status === 'broken'})[0];
        const shown = window.vvalleyMap.network.body.edges[link.id].options;
        return {status: window.vvalleyMap.nodes.get('seg.chips.cis').status, border: node.color.border,
                dashes: node.shapeProperties.borderDashes, edgeColor: shown.color.color, edgeDashes: shown.dashes};
    }""")
    assert drawn["status"] == "missing"
    assert drawn["border"] == "#c62828" and drawn["dashes"]
    assert drawn["edgeColor"] == "#c62828" and drawn["edgeDashes"]


def test_clicking_a_gap_selects_its_nodes(map_page, maps):
    data = embedded(maps["hostile-chain"])
    page = map_page.open(maps["hostile-chain"])
    page.locator("#vv-gaps button").first.click()
    selected = page.evaluate("window.vvalleyMap.network.getSelectedNodes()")
    assert sorted(selected) == sorted(data["gaps"][0]["nodes"])
    assert "active" in page.locator("#vv-gaps button").first.get_attribute("class")
    assert data["gaps"][0]["reason_zh"] in page.locator("#vv-details").text_content()
    page.click("#vv-lang")  # the English reason in the English view
    page.locator("#vv-gaps button").first.click()
    assert data["gaps"][0]["reason"] in page.locator("#vv-details").text_content()
    page.click("#vv-lang")
    # A link gap selects both ends.
    link = next(i for i, g in enumerate(data["gaps"]) if "->" in g["subject"])
    page.locator("#vv-gaps button").nth(link).click()
    assert sorted(page.evaluate("window.vvalleyMap.network.getSelectedNodes()")) == sorted(data["gaps"][link]["nodes"])
    assert map_page.errors == []


def test_search_finds_a_node_by_its_chinese_name(map_page, maps):
    page = map_page.open(maps["hostile-full"])
    page.fill("#vv-search", "视频云")
    first = page.locator("#vv-results button").first
    assert "视频云平台" in first.text_content() and "seg.platforms.cloud" in first.text_content()
    first.click()
    assert page.evaluate("window.vvalleyMap.network.getSelectedNodes()") == ["seg.platforms.cloud"]
    page.fill("#vv-search", "cloudco")
    page.press("#vv-search", "Enter")
    assert page.evaluate("window.vvalleyMap.network.getSelectedNodes()") == ["ent.cloudco"]
    assert map_page.errors == []


def test_filters_hide_and_show(map_page, maps):
    page = map_page.open(maps["hostile-full"])
    hidden = "() => window.vvalleyMap.nodes.get({filter: n => n.hidden}).map(n => n.id).sort()"
    page.check("#vv-gaps-only")
    gaps_only = page.evaluate(hidden)
    data = embedded(maps["hostile-full"])
    assert gaps_only == sorted(n["id"] for n in data["nodes"] if not n["gap"])
    page.uncheck("#vv-gaps-only")
    page.uncheck("#vv-kinds input[value=enterprise]")
    assert page.evaluate(hidden) == sorted(n["id"] for n in data["nodes"] if n["kind"] == "enterprise")
    page.click("#vv-reset")
    assert page.evaluate(hidden) == []
    assert map_page.errors == []


def test_hostile_names_show_as_text_and_run_nothing(map_page, maps):
    page = map_page.open(maps["hostile-full"])
    payload = "<img src=x onerror=alert(1)>"
    # Hover: vis-network's tooltip shows the title as text.
    page.evaluate("window.vvalleyMap.network.focus('ent.camco', {scale: 1.5, animation: false})")
    x, y = map_page.node_point("ent.camco")
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=4)
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert payload in tooltip.inner_text()
    assert tooltip.locator("img, iframe, a, b").count() == 0
    # Click: the side panel shows the facts as text.
    page.mouse.click(x, y)
    assert page.evaluate("window.vvalleyMap.network.getSelectedNodes()") == ["ent.camco"]
    details = page.locator("#vv-details").text_content()
    assert payload in details and '<a href="javascript:alert(3)">click</a>' in details
    # Search results, the heading and the focus-area filter show the names as typed.
    page.fill("#vv-search", "onerror")
    assert payload in page.locator("#vv-results button").first.text_content()
    page.locator("#vv-results button").first.click()
    assert "Xiaoshan<script>alert(4)</script>" in page.locator("#vv-heading").text_content()
    assert "<svg/onload=alert(6)>" in page.locator("#vv-focus option").nth(1).text_content()
    # Nothing ran, nothing was injected.
    assert page.evaluate("window.__ran") == []
    assert page.evaluate("document.querySelectorAll('img, iframe, a, b, option').length") == 2
    # The one svg is the print poster, drawn by vvalley (its text escaped).
    assert page.evaluate("[...document.querySelectorAll('svg')].map(s => s.parentNode.id)") == ["vv-print"]
    assert page.locator("body").is_visible()
    assert map_page.errors == []


def test_screenshots_for_a_person_to_look_at(map_page, maps, artifacts):
    views = [k for k in ("data-chain", "data-full") if k in maps] or ["hostile-chain"]
    for name in views:
        page = map_page.open(maps[name])
        page.wait_for_timeout(200)
        shot = artifacts / f"map-{name}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
    if "data-chain" in maps:
        page = map_page.open(maps["data-chain"])
        page.locator("#vv-gaps button").first.click()
        page.wait_for_timeout(100)
        page.screenshot(path=str(artifacts / "map-data-chain-gap.png"))
    assert map_page.errors == []
