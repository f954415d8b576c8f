"""Honest gaps: kinds the data cannot show are data gaps, not findings; cycles, ties and quality warnings."""

from pathlib import Path

from typer.testing import CliRunner

from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain
from vvalley.chain.quality import quality
from vvalley.cli import app

FIXTURES = Path(__file__).parent / "fixtures" / "gaps"
DATA = Path(__file__).parent.parent / "data"
XS = "reg.cn.zj.hz.xs"


def test_no_supplies_and_no_institutes_make_data_gaps_not_findings():
    # A synthetic chain with no supplies tie and no institute at all.
    report = analyse(load_chain(FIXTURES / "nodata"), XS)
    kinds = {g.kind for g in report.gaps}
    assert "unlinked" not in kinds and "research_gap" not in kinds
    assert report.summary["gaps_by_kind"]["unlinked"] == 0 and report.summary["gaps_by_kind"]["research_gap"] == 0
    held = {(d["kind"], d["cause"]): d for d in report.data_gaps}
    unlinked = held[("unlinked", "no_supplies_in_region")]
    assert unlinked["subjects"] == ["seg.a->seg.b", "seg.b->seg.c", "seg.c->seg.b"] and unlinked["count"] == 3
    assert unlinked["reason_zh"].startswith("无供应关系数据")
    research = held[("research_gap", "no_institute_in_country")]
    assert research["subjects"] == ["seg.a", "seg.b", "seg.c"] and research["reason_zh"].startswith("无研究机构数据")
    assert report.summary["data_gaps"] == 6
    # The data gaps have their own list in the JSON, apart from the ranked gaps.
    data = report.to_dict()
    assert [d["kind"] for d in data["data_gaps"]] == ["research_gap", "unlinked"]
    held_pairs = {(d["kind"], s) for d in data["data_gaps"] for s in d["subjects"]}
    assert not held_pairs & {(g["kind"], g["subject"]) for g in data["gaps"]}


def test_a_pair_with_no_tie_anywhere_is_a_data_gap_but_a_tied_pair_stays_a_finding():
    report = analyse(load_chain(FIXTURES / "links"), XS)
    # b->c and b->d: their firms have supplies ties somewhere (against the feed, or outside the region).
    assert {g.subject for g in report.gaps if g.kind == "unlinked"} == {"seg.b->seg.c", "seg.b->seg.d"}
    assert not any(d["kind"] == "unlinked" for d in report.data_gaps)


def test_a_collapsed_feeds_cycle_is_said_in_the_gap():
    report = analyse(load_chain(FIXTURES / "nodata"), XS)
    weak_b = next(g for g in report.gaps if g.kind == "weak_segment" and g.subject == "seg.b")
    assert weak_b.components["cycle"] == 2
    assert "闭环" in weak_b.reason_zh and "feeds cycle" in weak_b.reason
    weak_a = next(g for g in report.gaps if g.kind == "weak_segment" and g.subject == "seg.a")
    assert weak_a.components["cycle"] == 0 and "闭环" not in weak_a.reason_zh


def test_bundled_findings_stay_where_the_data_exists():
    chain = load_chain(DATA)
    report = analyse(chain, "reg.cn.zj.hangzhou.xiaoshan")
    # The bundled data has institutes in China: research gaps stay findings.
    assert report.summary["gaps_by_kind"]["research_gap"] > 0
    assert not any(d["kind"] == "research_gap" for d in report.data_gaps)
    # Xiaoshan's firms have no supplies tie in the data: every unlinked pair is a data gap, said so.
    assert report.summary["gaps_by_kind"]["unlinked"] == 0
    assert [d["cause"] for d in report.data_gaps] == ["no_supplies_in_region"]
    # Every gap has a Chinese reason naming things, not ids.
    assert all(g.reason_zh and "seg." not in g.reason_zh and "ent." not in g.reason_zh for g in report.gaps)


def test_quality_says_which_relations_are_empty_or_thin():
    q = quality(load_chain(FIXTURES / "nodata"))
    status = {r["relation"]: r["status"] for r in q["relations"]}
    assert status["supplies"] == "empty" and status["researches"] == "empty"
    assert status["operates_in"] == "ok" and status["feeds"] == "ok"
    assert q["cycles"] == [["seg.b", "seg.c"]]
    bundled = {r["relation"]: r for r in quality(load_chain(DATA))["relations"]}
    assert bundled["supplies"]["status"] == "thin" and bundled["supplies"]["edges"] == 13


def test_validate_warns_but_does_not_fail():
    result = CliRunner().invoke(app, ["validate", "--data", str(FIXTURES / "nodata")])
    assert result.exit_code == 0, result.output
    assert "警告：supplies 无数据" in result.output and "上下游闭环" in result.output
    english = CliRunner().invoke(app, ["validate", "--data", str(FIXTURES / "nodata"), "--lang", "en"])
    assert "warning: feeds cycle of 2 segments (Modules, Cameras)" in english.output
