"""One analysis per run: the target list and its what-ifs reuse what the gap analysis computed, with the same results."""

from dataclasses import replace
from pathlib import Path

import pytest

from vvalley.analysis.gaps import analyse
from vvalley.analysis.targets import targets
from vvalley.chain.load import load_chain

DATA = Path(__file__).resolve().parent.parent / "data"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"


@pytest.fixture(scope="module")
def chain():
    return load_chain(DATA)


@pytest.mark.parametrize("top", [0, 5])
def test_targets_from_the_reports_basis_equal_targets_computed_afresh(chain, top):
    report = analyse(chain, XIAOSHAN, top=top)
    assert report.basis is not None and report.basis.fits(chain.at(None), XIAOSHAN)
    reused = targets(chain, XIAOSHAN, report, effects_for=3)
    fresh = targets(chain, XIAOSHAN, replace(report, basis=None), effects_for=3)
    assert reused == fresh
    assert "closes" in reused["targets"][0]


def test_a_basis_of_other_settings_is_not_reused(chain):
    weak3 = analyse(chain, XIAOSHAN, min_suppliers=3, top=0)
    only_missing = analyse(chain, XIAOSHAN, kinds=["missing_segment"])
    # The target list asks for min_suppliers=2 and every kind: neither report is its `before`.
    assert targets(chain, XIAOSHAN, weak3, effects_for=2) == targets(chain, XIAOSHAN, replace(weak3, basis=None),
                                                                     effects_for=2)
    assert targets(chain, XIAOSHAN, only_missing, effects_for=2) == targets(
        chain, XIAOSHAN, replace(only_missing, basis=None), effects_for=2)


def test_the_basis_is_not_part_of_the_reports_value(chain):
    report = analyse(chain, XIAOSHAN, top=0)
    assert report == replace(report, basis=None)
    assert "basis" not in report.to_dict()


@pytest.mark.parametrize("firms", [["ent.alibaba_cloud"], ["ent.huaray", "ent.yitu"]])
def test_the_footing_after_arrivals_equals_the_footing_read_from_the_changed_chain(chain, firms):
    import pandas as pd

    from vvalley.analysis.coverage import Footing, Template
    from vvalley.analysis.whatif import attract

    today = chain.at(None)
    template = Template.of(today)
    base = Footing.of(today, XIAOSHAN, template)
    changed, _ = attract(today, XIAOSHAN, firms)
    derived = base.with_arrivals(today, template, firms)
    read = Footing.of(changed, XIAOSHAN, template)
    assert list(derived.firms) == list(read.firms)
    for name in ("firm_segments", "firm_units", "research"):
        pd.testing.assert_frame_equal(getattr(derived, name), getattr(read, name))
    assert derived.firms_per_segment == read.firms_per_segment


def test_a_chain_with_an_arrival_shares_the_unchanged_tables_on_the_engine(chain):
    from vvalley import engine
    from vvalley.analysis.whatif import attract

    today = chain.at(None)
    changed, _ = attract(today, XIAOSHAN, ["ent.alibaba_cloud"])
    base, derived = engine.tables(today), engine.tables(changed)
    assert derived.relation("operates_in") is base.relation("operates_in")
    assert derived.nodes is base.nodes
    located = engine.fetch(derived.relation("located_in"))
    assert len(located) == len(today.relation("located_in")) + 1
    assert ("ent.alibaba_cloud", XIAOSHAN) in set(zip(located["source"], located["target"]))
