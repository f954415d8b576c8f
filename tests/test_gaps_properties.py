"""Properties of the gap engine: more firms of the region never make a segment's gap worse."""

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain
from vvalley.chain.model import Chain

FIXTURES = Path(__file__).parent / "fixtures" / "gaps"
XS = "reg.cn.zj.hz.xs"
NAMES = ("segments", "links", "candidates", "foreign")
BADNESS = {"missing_segment": 2, "weak_segment": 1}


@lru_cache(maxsize=None)
def chain(name):
    return load_chain(FIXTURES / name)


def badness(report) -> dict[str, int]:
    out: dict[str, int] = {}
    for gap in report.gaps:
        if gap.kind in BADNESS:
            out[gap.subject] = max(out.get(gap.subject, 0), BADNESS[gap.kind])
    return out


def with_firm(base: Chain, firm: str, region: str, segment: str) -> Chain:
    node = pd.DataFrame([{"kind": "enterprise", "name": firm, "name_zh": "", "layer": "", "description": "",
                          "since": pd.NA, "until": pd.NA, "evidence": "test", "confidence": "U"}],
                        index=pd.Index([firm], name="id"))
    node[["since", "until"]] = node[["since", "until"]].astype("Int64")
    edges = pd.DataFrame([
        {"source": firm, "target": region, "relation": "located_in"},
        {"source": firm, "target": segment, "relation": "operates_in"},
    ]).assign(since=pd.NA, until=pd.NA, evidence="test", confidence="U", weight=1.0)
    edges[["since", "until"]] = edges[["since", "until"]].astype("Int64")
    return Chain(pd.concat([base.nodes, node]), pd.concat([base.edges, edges], ignore_index=True))


def without(base: Chain, firm: str) -> Chain:
    edges = base.edges[(base.edges["source"] != firm) & (base.edges["target"] != firm)]
    return Chain(base.nodes.drop(index=firm), edges.reset_index(drop=True))


def leaves(name):
    return chain(name).leaf_segments


def local_firms(name):
    report = analyse(chain(name), XS, top=0)
    return sorted({n for g in report.gaps for n in g.nodes if n.startswith("ent.")}
                  | set(chain(name).region_actors(XS)) & set(chain(name).ids("enterprise")))


@st.composite
def addition(draw):
    name = draw(st.sampled_from(NAMES))
    return name, draw(st.sampled_from(leaves(name))), draw(st.integers(1, 3)), draw(st.integers(1, 3))


@st.composite
def removal(draw):
    name = draw(st.sampled_from(NAMES))
    return name, draw(st.sampled_from(local_firms(name))), draw(st.integers(1, 3))


SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(addition())
def test_adding_a_local_firm_never_adds_a_missing_or_weak_gap(case):
    name, segment, n_firms, min_suppliers = case
    before = badness(analyse(chain(name), XS, min_suppliers=min_suppliers, top=0))
    grown = chain(name)
    for i in range(n_firms):
        grown = with_firm(grown, f"ent.new{i}", XS, segment)
    after = badness(analyse(grown, XS, min_suppliers=min_suppliers, top=0))
    for subject, level in after.items():
        assert level <= before.get(subject, 0), (subject, before, after)
    if before.get(segment) == BADNESS["missing_segment"]:
        assert after.get(segment, 0) < BADNESS["missing_segment"]


@SETTINGS
@given(removal())
def test_removing_a_local_firm_never_removes_a_missing_or_weak_gap(case):
    name, firm, min_suppliers = case
    before = badness(analyse(chain(name), XS, min_suppliers=min_suppliers, top=0))
    after = badness(analyse(without(chain(name), firm), XS, min_suppliers=min_suppliers, top=0))
    for subject, level in before.items():
        assert after.get(subject, 0) >= level, (subject, before, after)


def test_adding_a_firm_outside_the_region_changes_no_segment_gap():
    base = chain("segments")
    grown = with_firm(base, "ent.elsewhere", "reg.cn.sh", "seg.chips.cis")
    assert badness(analyse(grown, XS)) == badness(analyse(base, XS))
    assert badness(analyse(base, XS))["seg.chips.cis"] == BADNESS["missing_segment"]
    local = with_firm(base, "ent.here", XS, "seg.chips.cis")
    assert badness(analyse(local, XS))["seg.chips.cis"] == BADNESS["weak_segment"]


def _baseline():
    import importlib.util

    path = Path(__file__).parent.parent / "benchmarks" / "nx_baseline.py"
    spec = importlib.util.spec_from_file_location("nx_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", [*NAMES, "research"])
@pytest.mark.parametrize("min_suppliers", [1, 2, 3])
def test_the_gap_set_agrees_with_a_plain_networkx_walk(name, min_suppliers):
    # benchmarks/nx_baseline.py is written independently, straight off the definitions.
    expected = _baseline().gap_set(chain(name), XS, min_suppliers)
    report = analyse(chain(name), XS, min_suppliers=min_suppliers, top=0)
    assert findings_and_data_gaps(report) == expected


def findings_and_data_gaps(report) -> set:
    """The findings plus the gaps held back as data gaps: together, the gap set of the definitions."""
    findings = {(g.kind, g.subject, g.side) for g in report.gaps}
    held = {(d["kind"], s, None) for d in report.data_gaps for s in d["subjects"]}
    assert not findings & held
    return findings | held


def test_the_bundled_data_agrees_with_a_plain_networkx_walk():
    bundled = load_chain(Path(__file__).parent.parent / "data")
    for region in ("reg.cn.zj.hangzhou.xiaoshan", "reg.cn.zj.hangzhou"):
        report = analyse(bundled, region, top=0)
        assert findings_and_data_gaps(report) == _baseline().gap_set(bundled.at(None), region)
