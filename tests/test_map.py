"""The HTML map: deterministic, offline, injection-safe, faithful to the chain, and grouped at scale."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from vvalley.cli import app
from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain
from vvalley.render import render_map
from vvalley.render.html import CSP
from vvalley.render.panorama import share_band

FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(__file__).resolve().parent.parent / "data"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"
HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>",
           "Xiaoshan<script>alert(4)</script>", "萧山区<svg onload=alert(5)>",
           "Visual perception<option>x</option><svg/onload=alert(6)>"]


def render(folder: str | Path = "valid", view: str = "chain", **kwargs) -> str:
    chain = load_chain(FIXTURES / folder if isinstance(folder, str) else folder)
    return render_map(chain, analyse(chain, XIAOSHAN), view=view, **kwargs)


def embedded(page: str) -> dict:
    """The JSON data block the page draws from."""
    match = re.search(r'<script type="application/json" id="vv-data">(.*?)</script>', page, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


class Tags(HTMLParser):
    """Every real element of the page with its attributes (script and style contents are not markup)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_same_data_gives_the_same_bytes():
    for view, kwargs in (("chain", {}), ("full", {}), ("ego", {"focus": "seg.devices.camera"})):
        first = render(view=view, **kwargs).encode("utf-8")
        again = render(view=view, **kwargs).encode("utf-8")
        assert first == again, view


def test_same_bytes_whatever_the_hash_seed():
    """Sets inside the renderer must not leak their (per-process) order into the page."""
    script = ("import hashlib, sys; from vvalley.chain.load import load_chain; from vvalley.analysis.gaps import analyse; "
              "from vvalley.render import render_map; c = load_chain(sys.argv[1]); "
              "r = analyse(c, 'reg.cn.zj.hangzhou.xiaoshan'); "
              "print([hashlib.sha256(render_map(c, r, view=v, focus=f, depth=2, max_actors=m).encode()).hexdigest() "
              "for v, f, m in [('chain', None, 2000), ('full', None, 2000), ('full', None, 1), "
              "('ego', sys.argv[2], 2000), ('ego', 'reg.cn.zj.hangzhou.xiaoshan', 2000)]])")
    bundled = (DATA / "chain_nodes.csv").exists()
    folder, segment = (str(DATA), "seg.devices.security_cameras") if bundled else (str(FIXTURES / "valid"), "seg.devices.camera")
    outputs = {subprocess.run([sys.executable, "-c", script, folder, segment], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3", "4")}
    assert len(outputs) == 1, outputs


def test_nothing_is_fetched_from_outside():
    for view in ("chain", "full"):
        page = render(view=view)
        tags = Tags(page).tags
        names = [name for name, _ in tags]
        assert "link" not in names and "iframe" not in names and "img" not in names
        for name, attrs in tags:
            assert "src" not in attrs and "href" not in attrs, (name, attrs)
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
        assert not re.search(r"@import|url\(\s*['\"]?\s*(?:https?:)?//", page, re.I)
        scripts = [attrs for name, attrs in tags if name == "script"]
        assert len(scripts) == 5 and all("src" not in attrs for attrs in scripts)


def test_content_security_policy_blocks_stray_fetches():
    page = render()
    metas = [attrs for name, attrs in Tags(page).tags if name == "meta"
             and attrs.get("http-equiv", "").lower() == "content-security-policy"]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert "default-src 'none'" in CSP and "connect-src" not in CSP
    assert page.index("Content-Security-Policy") < page.index("<script")


def test_vis_network_from_pyvis_is_inlined():
    page = render()
    assert "vis-network" in page and "9.1.2" in page
    assert "bootstrap" not in page.lower() and "tom-select" not in page.lower()


def test_hostile_names_are_text_never_markup():
    page = render("hostile", view="full")
    for payload in HOSTILE:
        assert payload not in page, payload
    # Real elements: only those of the template (no img/svg/iframe/option smuggled in by data).
    tags = Tags(page).tags
    assert not {"img", "iframe", "a", "b"} & {name for name, _ in tags}
    # The one svg is the print poster; it holds only what the poster draws.
    poster = re.search(r'<div id="vv-print" aria-hidden="true">(<svg .*?</svg>)\s*</div>', page, re.S).group(1)
    assert [name for name, _ in tags].count("svg") == 1
    assert {name for name, _ in Tags(poster).tags} <= {"svg", "title", "g", "rect", "text"}
    assert len([1 for name, _ in tags if name == "script"]) == 5
    options = [attrs for name, attrs in tags if name == "option"]
    assert len(options) == 2  # "All" and the one focus area
    # The data survives as text: the JSON carries every payload verbatim.
    data = embedded(page)
    names = {n["name"] for n in data["nodes"]} | {n["name_zh"] for n in data["nodes"]}
    assert "<img src=x onerror=alert(1)>" in names and "</script><script>alert(2)</script>" in names
    camco = next(n for n in data["nodes"] if n["id"] == "ent.camco")
    assert "javascript:alert(3)" in camco["title"] and "<iframe src=//evil>" in camco["title"]
    # The heading shows the hostile region name escaped.
    assert "Xiaoshan&lt;script&gt;alert(4)&lt;/script&gt;" in page


def test_hostile_style_text_cannot_close_the_style_block():
    page = render("hostile", view="full")
    assert page.count("</style>") == 2
    assert "*{display:none}" not in page.split('<script type="application/json"')[0]


def test_chain_view_draws_every_segment_and_focus_area_and_their_links():
    chain = load_chain(FIXTURES / "valid")
    data = embedded(render())
    template = chain.nodes.index[chain.nodes["kind"].isin(["segment", "focus_area"])]
    assert sorted(n["id"] for n in data["nodes"]) == sorted(template)
    edges = chain.edges[chain.edges["relation"].isin(["part_of", "feeds", "serves"])
                        & chain.edges["source"].isin(template) & chain.edges["target"].isin(template)]
    expected = {(s, t, str(r)) for s, t, r in zip(edges["source"], edges["target"], edges["relation"])}
    assert {(e["from"], e["to"], e["relation"]) for e in data["edges"]} == expected
    assert len(data["edges"]) == len(expected)
    assert len({e["id"] for e in data["edges"]}) == len(data["edges"])


def test_full_view_adds_the_regions_actors_and_their_ties():
    chain = load_chain(FIXTURES / "valid")
    data = embedded(render(view="full"))
    actors = set(chain.region_actors(XIAOSHAN))
    drawn = {n["id"] for n in data["nodes"] if n["kind"] in ("enterprise", "institute")}
    assert drawn == actors == {"ent.camco", "ent.cloudco", "inst.lab"}
    relations = {(e["from"], e["relation"]) for e in data["edges"]}
    assert ("ent.camco", "operates_in") in relations and ("inst.lab", "researches") in relations
    # socco is in Shanghai: neither it nor its supply tie to camco is on Xiaoshan's full map.
    assert all("ent.socco" not in (e["from"], e["to"]) for e in data["edges"])


def test_statuses_are_drawn_from_the_gap_report():
    chain = load_chain(FIXTURES / "valid")
    report = analyse(chain, XIAOSHAN)
    data = embedded(render_map(chain, report))
    nodes = {n["id"]: n for n in data["nodes"]}
    statuses = {s["id"]: s["status"] for s in report.segments}
    for segment, status in statuses.items():
        assert nodes[segment]["status"] == status
    missing = [s for s, st in statuses.items() if st == "missing"]
    assert "seg.chips.cis" in missing
    on_gap = {n for gap in data["gaps"] for n in gap["nodes"]}
    leaves = [s for s in missing if s not in chain.children]
    for segment in leaves:
        node = nodes[segment]
        assert node["shapeProperties"]["borderDashes"], segment
        assert node["color"]["border"] == "#c62828" and node["gap"] is (segment in on_gap)
        # a missing segment is drawn at least as big as any covered one
        assert node["size"] >= max(n["size"] for n in nodes.values() if n["kind"] == "segment" and n.get("shape") == "dot")
    assert all(n["gap"] is (n["id"] in on_gap) for n in nodes.values())
    # group boxes: coloured by the share of their leaves covered, not by the group's own status
    for group in (s for s in statuses if s in chain.children):
        leaves_below = [d for d in chain.descendants(group) if d not in chain.children]
        share = sum(statuses[d] != "missing" for d in leaves_below) / len(leaves_below)
        assert nodes[group]["share"] == round(share, 4)
        assert nodes[group]["color"]["background"] == share_band(share)[0]
    covered = nodes["seg.devices.camera"]
    assert covered["status"] != "missing" and covered["shapeProperties"]["borderDashes"] is False
    links = {(e["from"], e["to"]): e for e in data["edges"] if e["relation"] == "feeds"}
    for link in report.links:
        edge = links[(link["source"], link["target"])]
        assert edge["status"] == link["status"]
        assert bool(edge["dashes"]) == (link["status"] != "linked")
    assert any(e["status"] == "broken" and e["color"]["color"] == "#c62828" for e in links.values())


def test_labels_and_tooltips_carry_both_names_and_evidence():
    data = embedded(render(view="full"))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["seg.chips.cis"]["label"] == "图像传感器\nImage sensors (CIS)"
    title, english = nodes["ent.camco"]["title"], nodes["ent.camco"]["title_en"]
    assert "摄像公司" in title and "CamCo" in title and "来源：fixture" in title and "可信度：A（官方/备案）" in title
    assert "evidence: fixture" in english and "confidence: A (official / filing)" in english
    assert "<br" not in title and "\n" in title
    # Chinese first, names not ids: no tooltip line shows a node id.
    ids = set(nodes)
    for node in nodes.values():
        assert not any(i in node["title"].split() for i in ids), node["id"]
    assert nodes["seg.chips.cis"]["title"].split("\n")[1].startswith("产业环节")


def test_layout_runs_left_to_right_by_layer():
    chain = load_chain(DATA if (DATA / "chain_nodes.csv").exists() else FIXTURES / "valid")
    data = embedded(render_map(chain, analyse(chain, XIAOSHAN)))
    layer = chain.nodes["layer"]
    x = {n["id"]: n["x"] for n in data["nodes"]}
    columns = {name: [x[n] for n in x if chain.nodes.at[n, "kind"] == "segment" and layer[n] == name]
               for name in ("upstream", "midstream", "downstream")}
    columns["focus"] = [x[n] for n in x if chain.nodes.at[n, "kind"] == "focus_area"]
    assert max(columns["upstream"]) < min(columns["midstream"])
    assert max(columns["midstream"]) < min(columns["downstream"])
    assert max(columns["downstream"]) < min(columns["focus"])
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == len(data["nodes"])  # no two nodes on one spot


def test_gap_side_list_points_at_drawn_nodes():
    chain = load_chain(FIXTURES / "valid")
    report = analyse(chain, XIAOSHAN)
    page = render_map(chain, report)
    data = embedded(page)
    drawn = {n["id"] for n in data["nodes"]}
    assert data["gaps"] and data["gaps"][0]["severity"] == report.gaps[0].severity
    for gap in data["gaps"]:
        assert gap["nodes"] and set(gap["nodes"]) <= drawn
    assert page.count('data-gap="') == len(data["gaps"])


def test_ego_view_is_the_neighbourhood():
    data = embedded(render(view="ego", focus="seg.chips.cis", depth=1))
    ids = {n["id"] for n in data["nodes"]}
    assert ids == {"seg.chips.cis", "seg.chips", "seg.devices.camera", "ent.sensorjp", "inst.lab"}
    assert data["focus"] == "seg.chips.cis"
    deeper = {n["id"] for n in embedded(render(view="ego", focus="seg.chips.cis", depth=2))["nodes"]}
    assert ids < deeper and "reg.jp" in deeper


def test_bad_view_or_focus_is_refused():
    chain = load_chain(FIXTURES / "valid")
    report = analyse(chain, XIAOSHAN)
    with pytest.raises(ValueError):
        render_map(chain, report, view="bogus")
    with pytest.raises(ValueError):
        render_map(chain, report, view="ego")
    with pytest.raises(KeyError):
        render_map(chain, report, view="ego", focus="seg.nope")


def big_chain(tmp_path: Path, n_firms: int) -> Path:
    """The valid fixture plus `n_firms` enterprises in Xiaoshan spread over its leaf segments."""
    nodes = pd.read_csv(FIXTURES / "valid" / "chain_nodes.csv", dtype=str, keep_default_na=False)
    edges = pd.read_csv(FIXTURES / "valid" / "chain_edges.csv", dtype=str, keep_default_na=False)
    leaves = ["seg.chips.cis", "seg.chips.soc", "seg.devices.camera", "seg.platforms.cloud", "seg.apps.security"]
    ids = [f"ent.gen{i:05d}" for i in range(n_firms)]
    firms = pd.DataFrame({"id": ids, "kind": "enterprise", "name": [f"Firm {i}" for i in range(n_firms)],
                          "name_zh": [f"企业{i}" for i in range(n_firms)], "evidence": "generated", "confidence": "U"})
    ties = pd.concat([
        pd.DataFrame({"source": ids, "target": XIAOSHAN, "relation": "located_in", "evidence": "generated"}),
        pd.DataFrame({"source": ids, "target": [leaves[i % 5] for i in range(n_firms)],
                      "relation": "operates_in", "evidence": "generated"}),
        pd.DataFrame({"source": ids[1:], "target": ids[:-1], "relation": "supplies", "evidence": "generated"}),
    ])
    folder = tmp_path / "big"
    folder.mkdir()
    pd.concat([nodes, firms]).fillna("").to_csv(folder / "chain_nodes.csv", index=False)
    pd.concat([edges, ties]).fillna("").to_csv(folder / "chain_edges.csv", index=False)
    return folder


def test_full_view_groups_enterprises_past_the_limit(tmp_path):
    folder = big_chain(tmp_path, 2500)
    chain = load_chain(folder)
    report = analyse(chain, XIAOSHAN)
    started = time.perf_counter()
    page = render_map(chain, report, view="full")
    assert time.perf_counter() - started < 5
    data = embedded(page)
    kinds = pd.Series([n["kind"] for n in data["nodes"]]).value_counts()
    assert "enterprise" not in kinds and kinds["group"] >= 5
    groups = [n for n in data["nodes"] if n["kind"] == "group"]
    enterprise_groups = [g for g in groups if g["member_kind"] == "enterprise"]
    assert sum(g["count"] for g in enterprise_groups) == 2500 + 2  # camco and cloudco are in Xiaoshan too
    camera = next(g for g in enterprise_groups if g["id"].endswith("seg.devices.camera"))
    assert camera["label"] == "501 家企业" and camera["label_en"] == "501 enterprises"
    assert any("drawn as one node per segment" in note["en"] and "按环节和类别各画成一个点" in note["zh"]
               for note in data["notes"])
    assert len(data["nodes"]) < 50
    # Under the limit the same region is drawn firm by firm.
    small = embedded(render_map(chain, report, view="full", max_actors=5000))
    assert sum(1 for n in small["nodes"] if n["kind"] == "enterprise") == 2502


def test_chain_view_stays_small_at_any_size(tmp_path):
    chain = load_chain(big_chain(tmp_path, 3000))
    data = embedded(render_map(chain, analyse(chain, XIAOSHAN)))
    assert len(data["nodes"]) == 10
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["seg.devices.camera"]["firms"] == 601
    # Dots are sized relative to the fullest segment: thousands of firms do not blow them up.
    dots = [n["size"] for n in data["nodes"] if n["kind"] == "segment" and n.get("shape") == "dot"]
    assert nodes["seg.devices.camera"]["size"] == max(dots) <= 48


@pytest.mark.skipif(not (DATA / "chain_nodes.csv").exists(), reason="bundled data not present")
def test_bundled_map_stays_small():
    """Speed is measured in benchmarks/bench_map.py and bench_panorama.py (a timed unit test fails on a busy machine)."""
    chain = load_chain(DATA)
    report = analyse(chain, XIAOSHAN)
    for view in ("chain", "full"):
        assert len(render_map(chain, report, view=view).encode("utf-8")) < 2_500_000


def test_cli_writes_the_map(tmp_path):
    runner = CliRunner()
    out = tmp_path / "map.html"
    result = runner.invoke(app, ["map", "--data", str(FIXTURES / "valid"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == render().encode("utf-8")
    size = len(out.read_bytes()) / 1e6
    assert result.output == f"已写入 {out}（产业链全景视图，{size:.1f} MB）；用浏览器打开即可，无需联网\n"
    english = runner.invoke(app, ["map", "--data", str(FIXTURES / "valid"), "--out", str(out), "--lang", "en"])
    assert english.output == f"wrote {out} (chain view, {size:.1f} MB); open it in a browser, no internet needed\n"
    ego = tmp_path / "ego.html"
    result = runner.invoke(app, ["map", "--data", str(FIXTURES / "valid"), "--view", "ego",
                                 "--focus", "图像传感器", "--depth", "1", "--out", str(ego)])
    assert result.exit_code == 0, result.output
    assert embedded(ego.read_text(encoding="utf-8"))["focus"] == "seg.chips.cis"
    result = runner.invoke(app, ["map", "--data", str(FIXTURES / "valid"), "--view", "ego", "--out", str(ego)])
    assert result.exit_code == 2 and "邻域视图（--view ego）需要 --focus 节点" in result.output
    result = runner.invoke(app, ["map", "--data", str(FIXTURES / "valid"), "--view", "ego", "--focus", "nowhere"])
    assert result.exit_code == 2 and "没有名为“nowhere”的节点" in result.output


def test_barycentre_ordering_never_adds_crossings_and_removes_some_on_the_bundled_data():
    from vvalley.render.layout import crossings, template_columns

    for folder in ([DATA] if (DATA / "chain_nodes.csv").exists() else []) + [FIXTURES / "valid"]:
        chain = load_chain(folder)
        template = [n for n in chain.nodes.index if chain.nodes.at[n, "kind"] in ("segment", "focus_area")]
        feeds = chain.relation("feeds")
        pairs = list(zip(feeds["source"], feeds["target"]))
        ordered, as_filed = template_columns(chain, template), template_columns(chain, template, order_by_feeds=False)
        assert crossings(ordered, pairs) <= crossings(as_filed, pairs)
        # Same nodes, each still under its parent.
        assert sorted(ordered) == sorted(as_filed)
        for column in ordered:
            assert sorted(ordered[column]) == sorted(as_filed[column])
        if folder == DATA:
            assert crossings(ordered, pairs) < 0.7 * crossings(as_filed, pairs)


def test_the_panorama_has_one_box_per_leaf_with_hooks():
    page = render("valid")
    chain = load_chain(FIXTURES / "valid")
    report = analyse(chain, XIAOSHAN)
    tags = Tags(page).tags
    boxes = [attrs for name, attrs in tags if name == "article"]
    status = {s["id"]: s["status"] for s in report.segments}
    assert sorted(b["data-segment"] for b in boxes) == sorted(chain.leaf_segments)
    assert all(b["data-status"] == status[b["data-segment"]] for b in boxes)
    firms = [attrs["data-firm"] for name, attrs in tags if "data-firm" in attrs]
    assert firms and set(firms) <= set(chain.region_actors(XIAOSHAN))
    candidates = {attrs["data-candidate"] for name, attrs in tags if "data-candidate" in attrs}
    expected = {c.id for g in report.gaps if g.kind in ("missing_segment", "weak_segment") for c in g.candidates}
    assert candidates and candidates <= expected
    assert 'data-tab="panorama"' in page
    assert 'data-tab="relation"' in render("valid", view="ego", focus="seg.devices.camera")


def test_a_firm_filed_under_a_group_shows_on_the_group(tmp_path):
    import shutil

    for name in ("chain_nodes.csv", "chain_edges.csv"):
        shutil.copy(FIXTURES / "valid" / name, tmp_path / name)
    with (tmp_path / "chain_edges.csv").open("a", encoding="utf-8") as handle:
        handle.write("ent.camco,seg.devices,operates_in,,,fixture,A,\n")
    chain = load_chain(tmp_path)
    tags = Tags(render_map(chain, analyse(chain, XIAOSHAN))).tags
    assert [a["data-firm"] for _, a in tags if a.get("data-group-firm") == "seg.devices"] == ["ent.camco"]


class Chips(HTMLParser):
    """Each panorama chip (firm, institute, candidate): its id, title and the text the Chinese view shows."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.chips: list[dict] = []
        self._chip, self._span = None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = next((k for k in ("data-firm", "data-candidate", "data-institute") if k in attrs), None)
        if tag == "button" and key:
            self._chip = {"id": attrs[key], "title": attrs.get("title", ""), "zh": ""}
            self.chips.append(self._chip)
        elif self._chip is not None and tag == "span":
            self._span = attrs.get("class")

    def handle_endtag(self, tag):
        if tag == "button":
            self._chip = None
        self._span = None

    def handle_data(self, data):
        if self._chip is not None and self._span in (None, "zh-only"):  # en-only is hidden in the Chinese view
            self._chip["zh"] += data


def test_chips_show_the_short_firm_name_and_keep_the_full_name_in_the_title():
    from vvalley.analysis.wording import Names

    chain = load_chain(DATA)
    names = Names(chain)
    chips = Chips(render_map(chain, analyse(chain, XIAOSHAN))).chips
    assert chips
    for chip in chips:
        assert chip["zh"] == names.zh(chip["id"]), chip
        assert chip["title"].startswith(chain.nodes.at[chip["id"], "name_zh"]), chip
    shortened = {c["id"]: c["zh"] for c in chips if c["zh"] != chain.nodes.at[c["id"], "name_zh"]}
    assert shortened and not any(name.endswith("有限公司") for name in shortened.values())
    candidates = [c for c in chips if c["id"] == "ent.hikrobot"]
    assert candidates and {c["zh"] for c in candidates} == {"海康机器人"}
    assert all(c["title"] == "杭州海康机器人股份有限公司 · Hikrobot" for c in candidates)
