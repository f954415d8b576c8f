"""The bundled data set (data/chain_nodes.csv, data/chain_edges.csv) is valid and complete enough to analyse."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from vvalley.chain.load import DataError, load_chain

DATA = Path(__file__).resolve().parent.parent / "data"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"
FACT_RELATIONS = {"operates_in", "researches", "located_in", "supplies", "partners_with", "subsidiary_of"}
GRADES = {"A", "B", "C", "U"}


@pytest.fixture(scope="module")
def chain():
    try:
        return load_chain(DATA)
    except DataError as err:  # show every problem, not just that there were some
        pytest.fail("bundled data does not validate:\n" + "\n".join(str(p) for p in err.problems))


@pytest.fixture(scope="module")
def raw_rows():
    """The CSV rows as written (strings), to check the evidence columns exactly as shipped."""
    with open(DATA / "chain_nodes.csv", encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with open(DATA / "chain_edges.csv", encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    return nodes, edges


def test_files_are_plain_utf8_with_lf_line_endings():
    for name in ("chain_nodes.csv", "chain_edges.csv"):
        raw = (DATA / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), f"{name} has a BOM"
        assert b"\r" not in raw, f"{name} has CR line endings"
        raw.decode("utf-8")


def test_bundled_data_validates_without_problems(chain):
    assert len(chain.nodes) > 0 and len(chain.edges) > 0


def test_every_actor_is_located_and_placed_in_the_chain(chain):
    edges = chain.edges
    located = set(edges.loc[edges["relation"] == "located_in", "source"])
    placed = set(edges.loc[edges["relation"].isin(["operates_in", "researches"]), "source"])
    actors = set(chain.actors())
    assert actors - located == set(), "actors without a located_in edge"
    assert actors - placed == set(), "actors without an operates_in or researches edge"
    enterprises = set(chain.ids("enterprise"))
    institutes = set(chain.ids("institute"))
    operates = set(edges.loc[edges["relation"] == "operates_in", "source"])
    researches = set(edges.loc[edges["relation"] == "researches", "source"])
    assert enterprises - operates == set(), "enterprises without an operates_in edge"
    assert institutes - researches == set(), "institutes without a researches edge"


def test_actors_and_fact_edges_carry_evidence_and_a_grade(raw_rows):
    nodes, edges = raw_rows
    for n in nodes:
        if n["kind"] in ("enterprise", "institute"):
            assert n["evidence"].strip(), f"{n['id']}: no evidence"
            assert n["confidence"] in GRADES, f"{n['id']}: confidence {n['confidence']!r}"
    for line, e in enumerate(edges, start=2):
        if e["relation"] in FACT_RELATIONS:
            where = f"chain_edges.csv:{line} {e['source']} {e['relation']} {e['target']}"
            assert e["evidence"].strip(), f"{where}: no evidence"
            assert e["confidence"] in GRADES, f"{where}: confidence {e['confidence']!r}"


def test_structural_edges_cite_a_source(raw_rows):
    """Template edges (segment part_of, feeds, serves) cite an industry-chain source with its grade."""
    nodes, edges = raw_rows
    segments = {n["id"] for n in nodes if n["kind"] == "segment"}
    for e in edges:
        if e["relation"] in ("feeds", "serves") or (e["relation"] == "part_of" and e["source"] in segments):
            assert e["evidence"].strip() and e["confidence"] in GRADES, (e["source"], e["relation"], e["target"])


def test_the_2018_release_enterprises_and_focus_areas_are_present(chain):
    ids = set(chain.nodes.index)
    for enterprise in ("ent.netease", "ent.sensetime", "ent.iflytek", "ent.wedoctor", "ent.shining3d"):
        assert enterprise in ids
        assert chain.kind_of(enterprise) == "enterprise"
    for focus in ("focus.perception", "focus.uhd", "focus.applications"):
        assert focus in ids
        assert chain.kind_of(focus) == "focus_area"
        assert chain.nodes.at[focus, "since"] == 2018


def test_no_leaf_segment_is_isolated(chain):
    edges = chain.edges
    feeds = edges[edges["relation"] == "feeds"]
    serves = edges[edges["relation"] == "serves"]
    linked = set(feeds["source"]) | set(feeds["target"]) | set(serves["source"])
    isolated = [s for s in chain.leaf_segments if s not in linked]
    assert isolated == []


def test_feeds_join_leaf_segments_only(chain):
    feeds = chain.edges[chain.edges["relation"] == "feeds"]
    leaves = set(chain.leaf_segments)
    assert set(feeds["source"]) <= leaves
    assert set(feeds["target"]) <= leaves


def test_every_leaf_segment_has_a_layer_and_a_group(chain):
    for leaf in chain.leaf_segments:
        assert chain.nodes.at[leaf, "layer"] in ("upstream", "midstream", "downstream"), leaf
        assert chain.parent.get(leaf, "").startswith("seg."), leaf


def test_every_region_chain_ends_at_a_country(chain):
    for region, country in chain.country_of.items():
        assert country.count(".") == 1, f"{region} ends at {country}"


def test_sizes(chain):
    assert len(chain.leaf_segments) >= 35
    assert len(chain.ids("enterprise")) >= 60
    assert len(chain.ids("institute")) >= 15


def test_xiaoshan_had_fewer_actors_in_2018_than_today(chain):
    today = set(chain.region_actors(XIAOSHAN))
    in_2018 = set(chain.at(2018).region_actors(XIAOSHAN))
    assert in_2018 < today
    # the named 2018 digital enterprises with a sourced Xiaoshan site by 2018
    assert {"ent.shining3d", "ent.iflytek_zhejiang", "ent.netease", "ent.sensetime"} <= in_2018
    # later arrivals
    assert {"ent.silergy_hz", "ent.chipanalog", "inst.zju_hiic", "inst.xidian_hz"} <= today - in_2018


def test_taiwan_sits_under_china(chain):
    assert chain.parent["reg.cn.tw"] == "reg.cn"
    assert chain.country_of["reg.cn.tw.hsinchu"] == "reg.cn"
