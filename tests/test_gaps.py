"""The gap engine on small hand-made chains whose gaps are known in advance."""

from functools import lru_cache
from pathlib import Path

import pytest

from vvalley.analysis.gaps import KINDS, analyse
from vvalley.chain.load import load_chain
from vvalley.chain.model import LookupProblem

FIXTURES = Path(__file__).parent / "fixtures" / "gaps"
XS = "reg.cn.zj.hz.xs"


@lru_cache(maxsize=None)
def chain(name):
    # A Chain is never changed in place; loading each fixture once keeps the suite fast.
    return load_chain(FIXTURES / name)


def found(report, kind):
    return {g.subject for g in report.gaps if g.kind == kind}


def test_missing_and_weak_segments():
    report = analyse(chain("segments"), XS)
    # cis: only a Shanghai firm; the groups (seg.chips, …) are never gaps themselves.
    assert found(report, "missing_segment") == {"seg.chips.cis"}
    # soc has one Xiaoshan firm, the lens one firm (since 2020), the city one: weak.
    # cam has two Xiaoshan firms (the Binjiang one does not count): not weak.
    assert found(report, "weak_segment") == {"seg.chips.soc", "seg.optics.lens", "seg.apps.city"}
    weak = next(g for g in report.gaps if g.kind == "weak_segment" and g.subject == "seg.chips.soc")
    assert weak.nodes == ["seg.chips.soc", "ent.soc1"]


def test_min_suppliers_moves_the_weak_line():
    data = chain("segments")
    three = {g.subject: g for g in analyse(data, XS, min_suppliers=3).gaps if g.kind == "weak_segment"}
    assert "seg.devices.cam" in three
    # Two firms: one leaving does not empty the segment; one firm: it does.
    assert "fewer than 3" in three["seg.devices.cam"].reason and "gone" not in three["seg.devices.cam"].reason
    assert "if it leaves, the segment is gone" in three["seg.chips.soc"].reason
    assert found(analyse(data, XS, min_suppliers=1), "weak_segment") == set()
    with pytest.raises(ValueError):
        analyse(data, XS, min_suppliers=0)


def test_a_firm_in_a_group_does_not_cover_its_leaves():
    # ent.opticsgroup operates in seg.optics itself; before the lens firm arrived (2020)
    # the lens leaf is missing although the optics group has a Xiaoshan firm.
    report = analyse(chain("segments"), XS, as_of=2018)
    assert "seg.optics.lens" in found(report, "missing_segment")
    optics = next(s for s in report.segments if s["id"] == "seg.optics")
    assert optics["firms"] == 1 and optics["status"] == "weak"


def test_as_of_filters_firms_by_year():
    data = chain("segments")
    assert "seg.optics.lens" not in found(analyse(data, XS), "missing_segment")
    before = analyse(data, XS, as_of=2018)
    assert before.as_of == 2018 and before.to_dict()["as_of"] == 2018
    assert found(before, "missing_segment") == {"seg.chips.cis", "seg.optics.lens"}
    assert "seg.optics.lens" not in found(before, "weak_segment")


def test_broken_and_unlinked_links():
    report = analyse(chain("links"), XS)
    broken = {(g.subject, g.side) for g in report.gaps if g.kind == "broken_link"}
    # a1 has only a Shanghai firm: b buys it from outside. g has no firm: c's output leaves.
    assert broken == {("seg.a1->seg.b", "upstream"), ("seg.c->seg.g", "downstream")}
    # b->c: the only tie runs c -> b (against the feed); b->d: the tie goes to a Binjiang firm.
    assert found(report, "unlinked") == {"seg.b->seg.c", "seg.b->seg.d"}
    # a2->b has a local tie; e->f has no firm on either side: neither is a gap.
    subjects = {g.subject for g in report.gaps}
    assert "seg.a2->seg.b" not in subjects and "seg.e->seg.f" not in subjects
    links = {(row["source"], row["target"]): row for row in report.links}
    assert links[("seg.a2", "seg.b")] == {"source": "seg.a2", "target": "seg.b", "status": "linked", "ties": 1}
    assert links[("seg.e", "seg.f")]["status"] == "absent"
    assert links[("seg.a1", "seg.b")]["status"] == "broken"
    assert links[("seg.b", "seg.c")]["status"] == "unlinked"
    for gap in report.gaps:
        assert (gap.side is not None) == (gap.kind == "broken_link")


def test_research_gaps_and_unabsorbed_research():
    report = analyse(chain("research"), XS)
    # s1 researched directly, s2 through its group g2, s4 through focus.x: only s5 lacks research
    # (the Shanghai lab researching s5 is not Xiaoshan's).
    assert found(report, "research_gap") == {"seg.s5"}
    # s3 (group research) and s7 (direct) have no firm; s6 is researched only outside Xiaoshan,
    # s8 only through its focus area (too broad to name the segment).
    assert found(report, "unabsorbed_research") == {"seg.g2.s3", "seg.s7"}
    s7 = next(g for g in report.gaps if g.kind == "unabsorbed_research" and g.subject == "seg.s7")
    assert s7.nodes == ["seg.s7", "inst.one"]
    assert "Lab One (一号实验室)" in s7.reason


def test_foreign_dependency():
    report = analyse(chain("foreign"), XS)
    # p: its makers sit in Japan and the US and it feeds Xiaoshan's q.
    # r has a Shanghai maker; t has no known maker; u feeds an uncovered segment;
    # w's maker has a Shanghai site too; x has a maker with no known site.
    assert found(report, "foreign_dependency") == {"seg.p"}
    gap = next(g for g in report.gaps if g.kind == "foreign_dependency")
    assert gap.nodes == ["seg.p", "ent.jp1", "ent.us1", "seg.q"]
    assert "China (中国)" in gap.reason and "Japan (日本)" in gap.reason and "United States (美国)" in gap.reason


def test_reasons_are_readable_and_name_chinese_segments():
    report = analyse(chain("segments"), XS)
    missing = next(g for g in report.gaps if g.kind == "missing_segment")
    assert missing.reason == ("Image sensors (CIS) (图像传感器): no enterprise of Xiaoshan operates in it; "
                              "3 Xiaoshan firms sit downstream")
    assert all(g.reason and "\n" not in g.reason for g in report.gaps)


def test_order_is_severity_then_components_then_name_and_stable():
    data = chain("links")
    first, second = analyse(data, XS), analyse(data, XS)
    keys = [(-g.severity, -g.components["downstream_firms"], -g.components["focus"], -g.components["relatedness"],
             " → ".join(data.nodes.at[p, "name"] for p in g.subject.split("->")), g.kind) for g in first.gaps]
    assert keys == sorted(keys)
    assert first.to_dict() == second.to_dict()
    assert all(0 <= g.severity <= 100 and type(g.severity) is int for g in first.gaps)


def test_severity_rises_with_what_hangs_on_the_gap():
    report = analyse(chain("links"), XS)
    sev = {(g.kind, g.subject): g for g in report.gaps}
    # a1 sits above four Xiaoshan firms, g above none; same kind, same relatedness.
    a1, g = sev[("missing_segment", "seg.a1")], sev[("missing_segment", "seg.g")]
    assert a1.components["downstream_firms"] == 4 and g.components["downstream_firms"] == 0
    assert a1.severity > g.severity
    # A segment that serves a focus area outranks an otherwise equal one.
    research = analyse(chain("research"), XS)
    s8, s6 = (next(x for x in research.gaps if x.kind == "missing_segment" and x.subject == s)
              for s in ("seg.s8", "seg.s6"))
    assert s8.components["focus"] == 1.0 and s6.components["focus"] == 0.0
    assert s8.severity > s6.severity


def test_components_are_the_same_for_every_kind():
    report = analyse(chain("links"), XS)
    keys = {tuple(sorted(g.components)) for g in report.gaps}
    assert keys == {("cycle", "downstream_firms", "focus", "kind_weight", "reach", "relatedness")}


def test_kinds_filter():
    data = chain("links")
    report = analyse(data, XS, kinds=["unlinked", "broken_link"])
    assert {g.kind for g in report.gaps} == {"unlinked", "broken_link"}
    # kinds not looked for are not listed, so a 0 always means "none"
    assert set(report.summary["gaps_by_kind"]) == {"broken_link", "unlinked"}
    with pytest.raises(ValueError, match="valid kinds: missing_segment"):
        analyse(data, XS, kinds=["missing"])


def test_region_by_english_or_chinese_name():
    data = chain("segments")
    by_id = analyse(data, XS).to_dict()
    assert analyse(data, "Xiaoshan").to_dict() == by_id
    assert analyse(data, "萧山区").to_dict() == by_id
    with pytest.raises(LookupProblem):
        analyse(data, "Xiaoshann District of Nowhere")


def test_a_larger_region_covers_more():
    data = chain("segments")
    # Hangzhou includes Binjiang's camera maker: three firms in cam, and the city still weak.
    report = analyse(data, "Hangzhou")
    cam = next(s for s in report.segments if s["id"] == "seg.devices.cam")
    assert cam["firms"] == 3


def test_summary_and_focus_areas():
    report = analyse(chain("segments"), XS)
    s = report.summary
    # 5 leaves; all but cis are covered.
    assert (s["segments"], s["covered"], s["coverage"]) == (5, 4, 0.8)
    assert s["gaps_by_kind"] == {k: sum(g.kind == k for g in report.gaps) for k in KINDS}
    (focus,) = s["focus_areas"]
    assert focus["id"] == "focus.perception" and focus["coverage"] == 1.0
    # Every gap upstream of (or in) the camera segment lies on the way to visual perception;
    # the city segment lies downstream of it.
    assert focus["gaps"] == sum(1 for g in report.gaps if not g.subject.startswith("seg.apps.city")
                                and not g.subject.startswith("seg.devices.cam->"))


def test_segment_and_link_rows():
    report = analyse(chain("segments"), XS)
    rows = {r["id"]: r for r in report.segments}
    assert set(rows) == {"seg.chips", "seg.chips.cis", "seg.chips.soc", "seg.optics", "seg.optics.lens",
                         "seg.devices", "seg.devices.cam", "seg.apps", "seg.apps.city"}
    assert rows["seg.chips.cis"] == {"id": "seg.chips.cis", "layer": "upstream", "firms": 0,
                                     "institutes": 0, "status": "missing"}
    assert rows["seg.devices.cam"]["status"] == "covered" and rows["seg.devices.cam"]["firms"] == 2
    assert rows["seg.chips"]["firms"] == 1  # soc's firm, counted in its group
    assert [(r["source"], r["target"]) for r in report.links] == sorted((r["source"], r["target"]) for r in report.links)


def test_candidates_ranked_by_ties_proximity_and_fit():
    report = analyse(chain("candidates"), XS)
    gap = next(g for g in report.gaps if g.kind == "missing_segment" and g.subject == "seg.cis")
    # cprov: Ningbo (same province) and its other segment (cam) covered; ctied: abroad but two
    # ties (supplies a Xiaoshan firm, partner of a Xiaoshan lab); ccity: Binjiang, nothing else;
    # ccountry: Shanghai, one of two other segments covered; csub: a subsidiary of a Xiaoshan firm.
    assert [c.id for c in gap.candidates] == ["ent.cprov", "ent.ctied", "ent.ccity", "ent.ccountry", "ent.csub"]
    by_id = {c.id: c for c in gap.candidates}
    assert by_id["ent.cprov"].components == {"ties": 0, "proximity": 0.5, "fit": 1.0}
    assert by_id["ent.ctied"].components == {"ties": 2, "proximity": 0.0, "fit": 0.0}
    assert by_id["ent.ccity"].components == {"ties": 0, "proximity": 0.75, "fit": 0.0}
    assert by_id["ent.ccountry"].components == {"ties": 0, "proximity": 0.25, "fit": 0.5}
    assert by_id["ent.csub"].components["ties"] == 1
    assert by_id["ent.cprov"].score == pytest.approx(0.35 * 0.5 + 0.25 * 1.0)
    assert by_id["ent.ctied"].score == pytest.approx(0.40 * 2 / 3, abs=1e-4)
    assert "same province (Zhejiang (浙江))" in by_id["ent.cprov"].why
    assert "tied to 2 Xiaoshan actors (partners_with, supplies)" in by_id["ent.ctied"].why
    assert "abroad" in by_id["ent.ctied"].why
    # The same candidates for the upstream broken link into the camera segment.
    link = next(g for g in report.gaps if g.kind == "broken_link" and g.subject == "seg.cis->seg.cam")
    assert [c.id for c in link.candidates] == [c.id for c in gap.candidates]


def test_top_limits_candidates_and_only_some_kinds_have_them():
    data = chain("candidates")
    report = analyse(data, XS, top=2)
    gap = next(g for g in report.gaps if g.subject == "seg.cis" and g.kind == "missing_segment")
    assert [c.id for c in gap.candidates] == ["ent.cprov", "ent.ctied"]
    assert all(not g.candidates for g in analyse(data, XS, top=0).gaps)
    for g in analyse(chain("links"), XS).gaps:
        if g.kind in ("unlinked", "research_gap", "unabsorbed_research", "foreign_dependency") or (
                g.kind == "broken_link" and g.side == "downstream"):
            assert g.candidates == []


def test_candidates_exclude_the_regions_own_firms():
    report = analyse(chain("links"), XS)
    weak_d = next(g for g in report.gaps if g.kind == "weak_segment" and g.subject == "seg.d")
    assert [c.id for c in weak_d.candidates] == ["ent.fdout"]
    # fdout is in Binjiang (same city) and is supplied by a Xiaoshan firm.
    assert weak_d.candidates[0].components == {"ties": 1, "proximity": 0.75, "fit": 0.0}


def test_a_weak_segment_with_more_firms_than_named_says_so():
    # Four firms of China in seg.cam, fewer than 10: the reason names three and marks the rest.
    gap = next(g for g in analyse(chain("candidates"), "reg.cn", min_suppliers=10).gaps
               if g.kind == "weak_segment" and g.subject == "seg.cam")
    assert "only 4 enterprises" in gap.reason and " …)" in gap.reason
