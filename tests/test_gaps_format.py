"""The gap report as JSON (the DESIGN.md shape), CSV (Excel-safe) and Markdown."""

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from vvalley.analysis.gaps import KINDS, analyse
from vvalley.publish.gapfiles import gaps_csv, gaps_json, gaps_markdown
from vvalley.chain.load import load_chain
from vvalley.chain.model import Chain

FIXTURES = Path(__file__).parent / "fixtures" / "gaps"
XS = "reg.cn.zj.hz.xs"


def report(name="candidates", **kw):
    return analyse(load_chain(FIXTURES / name), XS, **kw)


def test_json_shape_keys_and_types():
    data = json.loads(gaps_json(report()))
    assert set(data) == {"region", "as_of", "summary", "gaps", "data_gaps"}
    assert data["region"] == XS and data["as_of"] is None
    s = data["summary"]
    assert {"segments", "covered", "coverage", "gaps_by_kind", "focus_areas"} <= set(s)
    assert type(s["segments"]) is int and type(s["covered"]) is int and type(s["coverage"]) is float
    assert list(s["gaps_by_kind"]) == sorted(KINDS) and all(type(n) is int for n in s["gaps_by_kind"].values())
    assert data["gaps"]
    for gap in data["gaps"]:
        assert set(gap) == {"kind", "subject", "severity", "reason", "nodes", "components", "candidates", "side",
                            "reason_zh"}
        # Chinese first, names not ids: the sentence names no node by its id.
        assert gap["reason_zh"] and not any(n in gap["reason_zh"] for n in gap["nodes"])
        assert gap["kind"] in KINDS and type(gap["severity"]) is int and 0 <= gap["severity"] <= 100
        assert isinstance(gap["reason"], str) and all(isinstance(n, str) for n in gap["nodes"])
        assert gap["side"] in (None, "upstream", "downstream")
        assert type(gap["components"]["downstream_firms"]) is int
        for key in ("reach", "focus", "relatedness", "kind_weight"):
            assert type(gap["components"][key]) is float
        for cand in gap["candidates"]:
            assert set(cand) == {"id", "score", "why", "components", "why_zh"}
            assert cand["why_zh"] and cand["id"] not in cand["why_zh"]
            assert type(cand["score"]) is float and isinstance(cand["why"], str)
            assert type(cand["components"]["ties"]) is int


def test_to_dict_is_plain_python():
    def walk(value):
        if isinstance(value, dict):
            assert all(type(k) is str for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert value is None or type(value) in (str, int, float, bool), (value, type(value))

    r = report()
    walk(r.to_dict())
    walk(r.segments)
    walk(r.links)


def test_json_is_stable_text():
    first, second = gaps_json(report()), gaps_json(report())
    assert first == second and first.endswith("\n")
    assert "图像传感器" in first  # not \u-escaped


def test_csv_has_bom_header_and_one_row_per_gap():
    r = report()
    text = gaps_csv(r)
    assert text.startswith("\ufeffrank,severity,kind,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == len(r.gaps)
    first = rows[0]
    assert first["kind"] == r.gaps[0].kind and int(first["severity"]) == r.gaps[0].severity
    cis = next(row for row in rows if row["subject"] == "seg.cis" and row["kind"] == "missing_segment")
    assert cis["kind_zh"] == "缺链"
    assert cis["candidates"].startswith("ent.cprov (0.425); ent.ctied (0.267)")
    # Excel reads the file through pandas as well: the BOM is taken as an encoding mark.
    frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), encoding="utf-8-sig")
    assert list(frame.columns)[:3] == ["rank", "severity", "kind"]


def test_csv_neutralises_formula_cells():
    chain = load_chain(FIXTURES / "candidates")
    nodes = chain.nodes.copy()
    nodes.loc["seg.cis", "name"] = "=HYPERLINK(\"http://x\",\"y\")"
    nodes.loc["seg.cis", "name_zh"] = ""
    hostile = Chain(nodes, chain.edges)
    text = gaps_csv(analyse(hostile, XS))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    reasons = [row["reason"] for row in rows if row["subject"] == "seg.cis"]
    assert reasons and all(r.startswith("'=HYPERLINK") for r in reasons)
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_markdown_has_summary_and_a_row_per_gap():
    r = report()
    text = gaps_markdown(r)
    assert text.startswith(f"# Gaps in {XS}\n")
    assert "| missing_segment | 缺链 |" in text
    gap_rows = [line for line in text.splitlines() if line.startswith("| ") and line.split("|")[1].strip().isdigit()]
    assert len(gap_rows) == len(r.gaps)
    named = gaps_markdown(r, {"seg.cis": "Image sensors", "seg.cam": "Cameras"})
    assert "| Image sensors → Cameras |" in named and "-&gt;" not in named


def test_markdown_escapes_table_breaking_text():
    chain = load_chain(FIXTURES / "candidates")
    nodes = chain.nodes.copy()
    nodes.loc["seg.cis", "name"] = "A|B <script>"
    text = gaps_markdown(analyse(Chain(nodes, chain.edges), XS))
    assert "A\\|B &lt;script>" in text and "<script>" not in text


@pytest.mark.parametrize("lang, heading", [("en", "## Data gaps (not ranked)"), ("zh", "## 数据缺口（不计入排名）")])
def test_markdown_lists_the_data_gaps_in_both_languages(lang, heading):
    chain = load_chain(Path(__file__).resolve().parent.parent / "data")
    r = analyse(chain, "reg.cn.zj.hangzhou.xiaoshan")
    assert r.data_gaps
    text = gaps_markdown(r, lang=lang)
    rows = text.split(heading + "\n\n", 1)[1].splitlines()[2:]
    assert len(rows) == len(r.data_gaps) and all(str(d["count"]) in row for d, row in zip(r.data_gaps, rows))
