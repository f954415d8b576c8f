"""The poster: an SVG that parses and names every local firm, deterministic; PNG ≥1920 px wide; a one-page PDF."""

from __future__ import annotations

import json
import re
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain
from vvalley.chain.meta import ChainMeta, read_meta
from vvalley.chain.problems import DataError
from vvalley.cli import app
from vvalley.render import render_poster
from vvalley.render.poster import SIZES, convert

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = ROOT / "tests" / "fixtures"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"
SVG = "{http://www.w3.org/2000/svg}"
BUNDLED = (DATA / "chain_nodes.csv").exists()


def local_firm_names(chain) -> set[str]:
    local = chain.region_actors(XIAOSHAN)
    firms = [a for a in local if chain.nodes.at[a, "kind"] == "enterprise"]
    ops = set(chain.relation("operates_in")["source"])
    return {str(chain.nodes.at[f, "name_zh"] or chain.nodes.at[f, "name"]) for f in firms if f in ops}


@pytest.fixture(scope="module", params=["bundled", "hostile"])
def chain_and_report(request):
    if request.param == "bundled":
        if not BUNDLED:
            pytest.skip("no bundled data")
        chain, meta = load_chain(DATA), read_meta(DATA)
    else:
        chain, meta = load_chain(FIXTURES / "analysis" / "hostile"), ChainMeta()
    return chain, analyse(chain, XIAOSHAN), meta


@pytest.mark.parametrize("size", list(SIZES))
def test_the_svg_parses_and_holds_every_local_firm_name(chain_and_report, size):
    chain, report, meta = chain_and_report
    svg = render_poster(chain, report, meta=meta, size=size, generated="2026-12-03")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 {} {}".format(*SIZES[size]["box"])
    text = " ".join("".join(el.itertext()) for el in root.iter() if el.tag in (f"{SVG}text", f"{SVG}title"))
    names = local_firm_names(chain)
    assert names and all(name in text for name in names), names - {n for n in names if n in text}
    # Title, region, as-of and generated-on dates, legend words, every leaf by name.
    region_zh = chain.nodes.at[XIAOSHAN, "name_zh"]
    assert region_zh in text and "2026-12-03" in text and "缺" in text and "招商目标" in text
    if meta.as_of:
        assert meta.as_of in text
    for leaf in chain.leaf_segments:
        leaf_name = str(chain.nodes.at[leaf, "name_zh"] or chain.nodes.at[leaf, "name"])
        assert any(leaf_name in (el.findtext(f"{SVG}title") or "") for el in root.iter(f"{SVG}g")), leaf


def test_same_data_gives_the_same_svg_bytes(chain_and_report):
    chain, report, meta = chain_and_report
    first = render_poster(chain, report, meta=meta, generated="2026-12-03")
    again = render_poster(chain, analyse(chain, XIAOSHAN), meta=meta, generated="2026-12-03")
    assert first.encode() == again.encode()
    assert render_poster(chain, report, meta=meta, generated="2027-01-01") != first


def test_hostile_names_are_text_in_the_svg():
    chain = load_chain(FIXTURES / "analysis" / "hostile")
    svg = render_poster(chain, analyse(chain, XIAOSHAN), generated="2026-12-03")
    root = ET.fromstring(svg)  # parses: nothing closed the document early
    assert {el.tag.replace(SVG, "") for el in root.iter()} <= {"svg", "title", "g", "rect", "text"}
    assert "<script" not in svg
    assert "<script>alert(1)</script>" in "".join(root.itertext())


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def bundled_svg():
    folder = DATA if BUNDLED else FIXTURES / "valid"
    chain = load_chain(folder)
    return render_poster(chain, analyse(chain, XIAOSHAN), meta=read_meta(folder), generated="2026-12-03")


def test_png_is_at_least_1920_wide(bundled_svg):
    width, height = _png_size(convert(bundled_svg, "png"))
    assert width >= 1920 and abs(width / height - 16 / 9) < 0.01


def test_pdf_opens_as_one_page(bundled_svg):
    pdf = convert(bundled_svg, "pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) == 1


def test_poster_command_writes_each_format(tmp_path):
    folder = DATA if BUNDLED else FIXTURES / "valid"
    runner = CliRunner()
    for args, name, magic, label in ((["--format", "svg"], "p.svg", b"<svg", "16x9，svg"),
                                     (["--size", "a3", "--format", "pdf"], "p.pdf", b"%PDF", "a3，pdf")):
        out = tmp_path / name
        result = runner.invoke(app, ["poster", "--data", str(folder), "--out", str(out), "--date", "2026-12-03", *args])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
        assert result.output == f"已写入 {out}（{label}，{out.stat().st_size / 1e3:.0f} kB）\n"
    again = tmp_path / "again.svg"
    runner.invoke(app, ["poster", "--data", str(folder), "--out", str(again), "--date", "2026-12-03"])
    assert again.read_bytes() == (tmp_path / "p.svg").read_bytes()


def test_chain_meta_is_read_with_defaults_and_bad_files_are_reported(tmp_path):
    assert read_meta(tmp_path) == ChainMeta()
    assert ChainMeta().title("zh") == "产业链"
    (tmp_path / "chain.json").write_text(json.dumps({"name_zh": "汽车产业链", "name_en": "Auto chain",
                                                     "region": None}), encoding="utf-8")
    meta = read_meta(tmp_path)
    assert meta.title("zh") == "汽车产业链" and meta.title("en") == "Auto chain" and meta.region is None
    (tmp_path / "chain.json").write_text('{\n  "name_zh": "x",\n  "colour": "red"\n}', encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_meta(tmp_path)
    [problem] = err.value.problems
    assert problem.line == 3 and problem.column == "colour" and "chain.json" in problem.file
    (tmp_path / "chain.json").write_text('{"name_zh": ', encoding="utf-8")
    with pytest.raises(DataError):
        read_meta(tmp_path)
    if BUNDLED:
        bundled = read_meta(DATA)
        assert bundled.brand_zh == "中国视谷" and bundled.region == XIAOSHAN


def test_titles_come_from_the_chain_meta_not_from_vision(tmp_path):
    from vvalley.render import render_map

    chain = load_chain(FIXTURES / "valid")
    report = analyse(chain, XIAOSHAN)
    meta = ChainMeta(name_zh="新能源汽车产业链", name_en="EV industry chain")
    page = render_map(chain, report, meta=meta)
    heading = re.search(r'<h1 id="vv-heading">(.*?)</h1>', page, re.S).group(1)
    assert "新能源汽车产业链" in heading and "EV industry chain" in heading
    assert "视觉" not in heading and "ision" not in heading
    assert "新能源汽车产业链" in render_poster(chain, report, meta=meta, generated="2026-12-03")


def test_control_characters_in_names_do_not_break_the_svg(tmp_path):
    import shutil

    for name in ("chain_nodes.csv", "chain_edges.csv"):
        shutil.copy(FIXTURES / "valid" / name, tmp_path / name)
    nodes = (tmp_path / "chain_nodes.csv").read_text(encoding="utf-8")
    (tmp_path / "chain_nodes.csv").write_text(nodes.replace("CamCo", "Cam\x01Co\x1b[31m"), encoding="utf-8")
    try:
        chain = load_chain(tmp_path)
    except DataError:
        pytest.skip("the loader refuses control characters in names")
    svg = render_poster(chain, analyse(chain, XIAOSHAN), generated="2026-12-03")
    ET.fromstring(svg)  # well-formed XML 1.0
    assert "\x01" not in svg and "\x1b" not in svg
    convert(svg, "pdf")


def test_boxes_draw_firms_and_candidates_by_short_name_and_title_them_by_full_name():
    from vvalley.analysis.wording import Names

    chain = load_chain(DATA if BUNDLED else FIXTURES / "valid")
    report = analyse(chain, XIAOSHAN)
    root = ET.fromstring(render_poster(chain, report, generated="2026-12-03"))
    drawn = " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))
    titles = " ".join(el.text or "" for el in root.iter(f"{SVG}title"))
    names = Names(chain)
    candidates = {c.id for g in report.gaps if g.kind in ("missing_segment", "weak_segment") for c in g.candidates[:1]}
    shortened = [c for c in candidates if names.zh(c) != chain.nodes.at[c, "name_zh"]]
    assert shortened
    for firm in shortened:  # the first candidate of a box opens its 招商 line
        assert f"招商：{names.zh(firm)}"[:6] in drawn, firm
        assert chain.nodes.at[firm, "name_zh"] in titles, firm
    assert "招商：杭州" not in drawn and "股份有限公司" not in drawn
    for firm in local_firm_names(chain):
        assert firm in titles
