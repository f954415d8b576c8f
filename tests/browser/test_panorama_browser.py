"""The panorama (全景图) and the relation view in a real browser, on the bundled data and a 500-segment / 5,000-firm chain."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain
from vvalley.chain.meta import read_meta
from vvalley.publish.files import write_atomic
from vvalley.publish.gapfiles import gaps_json
from vvalley.render import render_map

from conftest import MapPage, check_inert  # noqa: E402  (tests/browser is on the path)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_wide import generate as generate_wide  # noqa: E402

pytestmark = pytest.mark.browser
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"
HOSTILE = ROOT / "tests" / "fixtures" / "analysis" / "hostile"
SIZES = [(1280, 720), (1600, 1000)]


class Built:
    """One chain's map, with what the data and gaps.json say it must show."""

    def __init__(self, folder: Path, out: Path, name: str):
        self.chain = load_chain(folder)
        self.report = analyse(self.chain, XIAOSHAN)
        self.path = write_atomic(out / f"{name}.html", render_map(self.chain, self.report, meta=read_meta(folder)))
        gaps = json.loads(gaps_json(self.report))["gaps"]
        kinds = {g["subject"]: g["kind"] for g in gaps if g["kind"] in ("missing_segment", "weak_segment")}
        self.status = {leaf: {"missing_segment": "missing", "weak_segment": "weak"}.get(kinds.get(leaf), "covered")
                       for leaf in self.chain.leaf_segments}
        local = set(self.chain.region_actors(XIAOSHAN))
        ops = self.chain.relation("operates_in")
        self.firms: dict[str, set[str]] = {leaf: set() for leaf in self.chain.leaf_segments}
        for firm, segment in zip(ops["source"], ops["target"]):
            if firm in local and segment in self.firms:
                self.firms[segment].add(firm)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Built]:
    out = tmp_path_factory.mktemp("panorama")
    wide = tmp_path_factory.mktemp("wide-chain")
    counts = generate_wide(wide)
    assert counts["leaves"] >= 500 and counts["firms"] >= 5000
    maps = {"wide": Built(wide, out, "wide"), "hostile": Built(HOSTILE, out, "hostile")}
    if (ROOT / "data" / "chain_nodes.csv").exists():
        maps["data"] = Built(ROOT / "data", out, "data")
    return maps


@pytest.fixture(scope="module")
def pages(browser, built):
    """One page per (map, viewport), opened once for the module."""
    opened: dict[tuple, MapPage] = {}

    def get(name: str, size=(1600, 1000)) -> MapPage:
        if name not in built:
            pytest.skip(f"no {name} map")
        key = (name, size)
        if key not in opened:
            opened[key] = MapPage(browser, *size)
            opened[key].open(built[name].path, tab="panorama")
        return opened[key]

    yield get
    for page in opened.values():
        check_inert(page)
        page.page.close()


CHAINS = ["data", "wide"]


@pytest.mark.parametrize("name", CHAINS)
def test_every_leaf_has_one_box_with_the_status_gaps_json_gives(pages, built, name):
    page = pages(name).page
    drawn = page.evaluate("""() => [...document.querySelectorAll('#vv-panorama [data-segment]')]
        .map(b => [b.getAttribute('data-segment'), b.getAttribute('data-status')])""")
    ids = [i for i, _ in drawn]
    assert len(ids) == len(set(ids)), "a segment has two boxes"
    assert dict(drawn) == built[name].status


@pytest.mark.parametrize("name", CHAINS)
def test_every_local_firm_is_in_the_box_of_each_of_its_segments(pages, built, name):
    page = pages(name).page
    chips = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#vv-panorama [data-segment]')]
        .map(b => [b.getAttribute('data-segment'),
                   [...b.querySelectorAll('[data-firm]')].map(c => c.getAttribute('data-firm'))]))""")
    assert {k: set(v) for k, v in chips.items()} == built[name].firms
    assert all(len(v) == len(set(v)) for v in chips.values())
    assert sum(map(len, built[name].firms.values())) > 0


# Every visible text run: its rectangles, font size and where it is (for messages).
TEXT_BOXES = """(root) => {
    const out = [], walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let node;
    while ((node = walker.nextNode())) {
        if (!node.textContent.trim()) continue;
        const el = node.parentElement;
        if (!el.getClientRects().length) continue;  // hidden
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
            if (r.width < 0.5 || r.height < 0.5) continue;
            out.push({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, size: parseFloat(style.fontSize),
                      text: node.textContent.trim().slice(0, 30)});
        }
    }
    return out;
}"""


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    boxes = sorted(boxes, key=lambda b: b["y0"])
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b["y0"] >= a["y1"] - 0.5:
                break
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 0.5 and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > 0.5:
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", CHAINS)
def test_no_text_overlaps_and_none_is_under_12px(pages, name, size):
    page = pages(name, size).page
    if name == "wide":  # collapsed at this size: open two groups so their boxes are measured too
        page.evaluate("document.querySelectorAll('.ghead')[0].click(); document.querySelectorAll('.ghead')[9].click()")
    for root in ("header", "#vv-panorama"):
        boxes = page.evaluate(TEXT_BOXES, root)
        assert boxes, root
        small = {(b["text"], b["size"]) for b in boxes if b["size"] < 12}
        assert not small, small
        assert _overlaps(boxes) == []


def test_a_large_chain_opens_with_its_groups_collapsed_and_expands_on_click(pages, built):
    page = pages("wide").page
    page.evaluate("document.querySelectorAll('.ghead').forEach(b => b.getAttribute('aria-expanded') === 'true' && b.click())")
    assert page.locator(".boxes:not([hidden])").count() == 0
    headers = page.locator(".ghead")
    assert headers.count() == 24
    assert re.search(r"\d+/21", headers.first.text_content())
    headers.nth(3).click()
    group = page.locator(".group").nth(3)
    assert group.locator(".boxes").is_visible()
    assert group.locator("[data-segment]").count() == 21
    assert headers.nth(3).get_attribute("aria-expanded") == "true"
    headers.nth(3).click()
    assert not group.locator(".boxes").is_visible()


def test_a_segment_card_opens_on_click_and_closes_with_escape(pages, built):
    b = built["data"] if "data" in built else built["hostile"]
    name = "data" if "data" in built else "hostile"
    page = pages(name).page
    leaf = next(s for s, firms in b.firms.items() if firms)
    box = page.locator(f'[data-segment="{leaf}"]')
    box.locator(".bname").focus()
    page.keyboard.press("Enter")
    card = page.locator("#vv-card")
    assert card.is_visible()
    text = card.text_content()
    assert b.chain.nodes.at[leaf, "name_zh"] in text
    for firm in b.firms[leaf]:
        assert str(b.chain.nodes.at[firm, "name_zh"] or b.chain.nodes.at[firm, "name"]) in text
    # Evidence is a link only when it is an http(s) URL; no id in the prose.
    assert all(re.match(r"https?://", h) for h in card.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))"))
    assert leaf not in text
    page.keyboard.press("Escape")
    assert not card.is_visible()
    assert page.evaluate("document.activeElement.className") == "bname"
    # A firm chip opens the firm card: its segments and its sites by name.
    firm = sorted(b.firms[leaf])[0]
    box.locator(f'[data-firm="{firm}"]').click()
    text = card.text_content()
    assert b.chain.nodes.at[leaf, "name_zh"] in text
    assert "萧山区" in text or "Xiaoshan" in text
    page.keyboard.press("Escape")
    assert not card.is_visible()


def test_search_finds_segments_and_firms_by_chinese_and_english_name(pages, built):
    if "data" not in built:
        pytest.skip("no bundled data")
    page = pages("data").page
    chain = built["data"].chain
    leaf = next(s for s, firms in built["data"].firms.items() if firms)
    page.fill("#vv-psearch", chain.nodes.at[leaf, "name_zh"])
    page.press("#vv-psearch", "Enter")
    assert chain.nodes.at[leaf, "name_zh"] in page.locator("#vv-card-title").text_content()
    assert "flash" in page.locator(f'#vv-panorama [data-segment="{leaf}"]').get_attribute("class")
    page.keyboard.press("Escape")
    firm = sorted(built["data"].firms[leaf])[0]
    page.fill("#vv-psearch", chain.nodes.at[firm, "name"][:12])
    first = page.locator("#vv-presults button").first
    assert chain.nodes.at[firm, "name"][:12] in first.text_content()
    first.click()
    assert page.locator("#vv-card").is_visible()
    page.keyboard.press("Escape")
    # Pinyin initials: 红外探测器 → hwtcq
    ir = next(s for s in chain.leaf_segments if chain.nodes.at[s, "name_zh"] == "红外探测器")
    page.fill("#vv-psearch", "hwtcq")
    page.press("#vv-psearch", "Enter")
    assert "红外探测器" in page.locator("#vv-card-title").text_content()
    assert "flash" in page.locator(f'#vv-panorama [data-segment="{ir}"]').get_attribute("class")
    page.keyboard.press("Escape")


def test_language_toggle_switches_the_words(pages, built):
    page = pages("data" if "data" in built else "hostile").page
    assert page.locator(".pkey .zh-only").first.is_visible()
    page.click("#vv-lang")
    assert page.locator(".pkey .en-only").first.is_visible() and not page.locator(".pkey .zh-only").first.is_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("#vv-lang")
    assert page.locator(".pkey .zh-only").first.is_visible()


@pytest.mark.parametrize("name", CHAINS)
def test_print_preview_is_one_a3_landscape_page(pages, name, tmp_path):
    page = pages(name).page
    pdf = page.pdf(format="A3", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    pages_found = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pages_found == 1, pages_found


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", CHAINS)
def test_relation_view_opens_readable_and_a_gap_click_focuses_it(pages, built, name, size):
    opened = pages(name, size)
    page = opened.page
    page.click("#vv-tab-relation")
    page.wait_for_function("window.vvalleyMap !== undefined")
    state = """() => {
        const m = window.vvalleyMap, net = m.network, box = document.getElementById('vv-map').getBoundingClientRect();
        const shown = m.nodes.get().filter(n => !n.hidden);
        const inView = id => { const d = net.canvasToDOM(net.getPositions([id])[id]);
            return d.x >= 0 && d.y >= 0 && d.x <= box.width && d.y <= box.height; };
        return {label: net.getScale() * Math.min(...shown.map(n => n.font.size)),
                selected: net.getSelectedNodes().sort(), inView: net.getSelectedNodes().every(inView)};
    }"""
    assert page.evaluate(state)["label"] >= 12 - 1e-6
    data = page.evaluate("window.vvalleyMap.data.gaps")
    link = next((i for i, g in enumerate(data) if "->" in g["subject"]), len(data) - 1)
    for i in (0, link):
        page.locator("#vv-gaps button").nth(i).click()
        now = page.evaluate(state)
        assert now["selected"] == sorted(data[i]["nodes"])
        assert now["inView"], (i, now)
    # Gaps only: every node that is not on a listed gap is hidden.
    page.check("#vv-gaps-only")
    shown = set(page.evaluate("window.vvalleyMap.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    assert shown == {n for g in data for n in g["nodes"]}
    page.uncheck("#vv-gaps-only")
    # absent and serves lines are hidden until asked for.
    faint = "window.vvalleyMap.edges.get({filter: e => e.faint && !e.hidden}).length"
    assert page.evaluate(faint) == 0
    page.check("#vv-faint")
    assert page.evaluate(faint) > 0
    page.uncheck("#vv-faint")
    page.click("#vv-tab-panorama")


def test_hostile_names_are_inert_in_the_panorama_and_every_card(pages, built):
    opened = pages("hostile")
    page = opened.page
    page.evaluate("""() => { const p = window.vvalleyPanorama;
        Object.keys(p.cards.segments).forEach(id => p.segmentCard(id));
        Object.keys(p.cards.actors).forEach(id => p.actorCard(id));
        document.querySelectorAll('.focuscard').forEach(c => c.click()); }""")
    page.keyboard.press("Escape")
    page.fill("#vv-psearch", "alert(1)")
    assert "<script>alert(1)</script>" in page.locator("#vv-presults button").first.text_content()
    page.locator("#vv-presults button").first.click()
    text = page.locator("#vv-card").text_content()
    assert "<script>alert(1)</script>" in text and '=HYPERLINK("http://x","y")' in text
    # Evidence: only http(s) addresses became links; a javascript: "link" stays text.
    hrefs = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert all(re.match(r"https?://", h) for h in hrefs), hrefs
    assert page.evaluate("window.__ran") == []
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed, b').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 5
    assert page.evaluate("[...document.querySelectorAll('svg')].map(s => s.parentNode.id)") == ["vv-print"]
    page.keyboard.press("Escape")


# Every visible text of the page, the placeholders and titles of visible elements (what a reader sees).
VISIBLE_TEXT = """(root) => {
    const out = [], walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
    let node;
    const shown = el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden';
    while ((node = walker.nextNode())) {
        if (node.textContent.trim() && node.parentElement.closest('script, style, #vv-print') === null
            && shown(node.parentElement)) out.push(node.textContent.trim());
    }
    document.querySelector(root).querySelectorAll('[placeholder], [title]').forEach(el => {
        if (!shown(el)) return;
        if (el.placeholder) out.push(el.placeholder);
        if (el.title) out.push(el.title);
    });
    return out;
}"""
# Latin letters a Chinese reader may meet: the button that switches to English, the Esc key.
ALLOWED_LATIN = ("English", "Esc")


def _latin_prose(texts: list[str], chain) -> list[str]:
    """The texts that still hold a Latin word once names, ids and the allowed words are taken out."""
    known = sorted({str(v) for c in ("name", "name_zh") for v in chain.nodes[c] if str(v)} | set(chain.nodes.index)
                   | set(ALLOWED_LATIN), key=len, reverse=True)
    left = []
    for text in texts:
        rest = text
        for word in known:
            if word in rest:
                rest = rest.replace(word, " ")
        if re.search(r"[A-Za-z]{2,}", rest):
            left.append(text)
    return left


def test_the_default_chinese_view_shows_no_english_prose(browser, built):
    if "data" not in built:
        pytest.skip("no bundled data")
    chain = built["data"].chain
    opened = MapPage(browser)
    page = opened.open(built["data"].path, tab="panorama")
    assert _latin_prose(page.evaluate(VISIBLE_TEXT, "body"), chain) == []
    # Every card: a gap segment with its candidates, a local firm; past the evidence (the data's own text).
    firm = sorted(f for firms in built["data"].firms.values() for f in firms)[0]
    gap = next(s for s, st in built["data"].status.items() if st == "missing")
    for opener in (f"window.vvalleyPanorama.segmentCard({json.dumps(gap)})",
                   f"window.vvalleyPanorama.actorCard({json.dumps(firm)})"):
        page.evaluate(opener)
        texts = page.evaluate(VISIBLE_TEXT.replace("shown(node.parentElement)",
                                                   "shown(node.parentElement) && !node.parentElement.closest('.ev')"),
                              "#vv-card")
        assert len(texts) > 5 and _latin_prose(texts, chain) == [], opener
        page.keyboard.press("Escape")
    page.click("#vv-tab-relation")
    page.wait_for_function("window.vvalleyMap !== undefined")
    assert _latin_prose(page.evaluate(VISIBLE_TEXT, "body"), chain) == []
    # What the canvas draws: node labels, and the column titles.
    labels = page.evaluate("window.vvalleyMap.nodes.get().map(n => n.label)")
    assert _latin_prose(labels, chain) == []
    headers = page.evaluate("window.vvalleyMap.data.headers.map(h => h.text_zh)")
    assert headers and _latin_prose(headers, chain) == []
    # Tooltips, past the data's own text (descriptions, evidence), are Chinese too.
    own = {str(d) for d in chain.nodes["description"] if str(d)}
    tips = [line for t in page.evaluate("window.vvalleyMap.nodes.get().concat(window.vvalleyMap.edges.get())"
                                        ".map(n => n.title)")
            for line in t.split("\n") if line not in own and not line.startswith("来源：")]
    assert _latin_prose(tips, chain) == []
    page.locator("#vv-gaps button").first.click()
    assert _latin_prose([page.locator("#vv-details").text_content()], chain) == []
    # English is one click away, and the words switch.
    page.click("#vv-lang")
    assert page.get_attribute("#vv-search", "placeholder").startswith("Search")
    assert "nodes" in page.locator("header .sub").inner_text()
    assert page.evaluate("window.vvalleyMap.nodes.get().some(n => /covered/.test(n.label))")
    page.click("#vv-lang")
    assert page.get_attribute("#vv-search", "placeholder").startswith("搜索")
    check_inert(opened)
    opened.page.close()
