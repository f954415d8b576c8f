"""The Chain model on the valid fixture: time, hierarchies, actors, lookups, the graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from vvalley.chain.load import load_chain
from vvalley.chain.model import LookupProblem

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"


@pytest.fixture(scope="module")
def chain():
    return load_chain(VALID)


def test_tables_are_typed(chain):
    assert chain.nodes.index.name == "id" and chain.nodes.index.is_unique
    assert str(chain.nodes["since"].dtype) == "Int64" and str(chain.edges["until"].dtype) == "Int64"
    assert chain.nodes.at["ent.camco", "since"] == 2001
    assert chain.nodes["until"].isna().all()
    assert chain.edges["weight"].dtype == float
    assert chain.edges["weight"].tolist().count(1.0) == 26 and 0.4 in chain.edges["weight"].tolist()
    assert isinstance(chain.nodes["kind"].dtype, pd.CategoricalDtype)
    assert chain.nodes.at["reg.cn", "layer"] == ""  # empty stays "", not NaN
    assert chain.as_of is None


def test_at_keeps_what_existed_that_year(chain):
    then = chain.at(2012)
    assert then.as_of == 2012
    # cloudco (2015), the lab (2020) and the focus area (2018) did not exist yet
    assert {"ent.cloudco", "inst.lab", "focus.perception"}.isdisjoint(then.nodes.index)
    assert {"ent.camco", "ent.socco", "ent.sensorjp"} <= set(then.nodes.index)
    # their edges go with them; the supplies tie (since 2012) is there
    assert len(then.edges) == 21
    assert set(then.edges["source"]) | set(then.edges["target"]) <= set(then.nodes.index)
    assert len(then.relation("supplies")) == 1 and len(chain.at(2011).relation("supplies")) == 0
    assert len(then.relation("serves")) == 0
    assert chain.at(None) is chain
    assert len(chain.at(2030).nodes) == len(chain.nodes)


def test_at_honours_until(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    nodes = (folder / "chain_nodes.csv").read_text(encoding="utf-8").replace(
        "ent.socco,enterprise,SocCo,芯片公司,,,2004,,", "ent.socco,enterprise,SocCo,芯片公司,,,2004,2016,")
    (folder / "chain_nodes.csv").write_text(nodes, encoding="utf-8")
    chain = load_chain(folder)
    assert "ent.socco" in chain.at(2016).nodes.index
    assert "ent.socco" not in chain.at(2017).nodes.index
    assert not chain.at(2017).edges[["source", "target"]].isin(["ent.socco"]).any().any()


def test_region_actors_include_sub_regions(chain):
    assert chain.region_actors(XIAOSHAN).tolist() == ["ent.camco", "ent.cloudco", "inst.lab"]
    assert chain.region_actors("reg.cn.zj.hangzhou").tolist() == ["ent.camco", "ent.cloudco", "inst.lab"]
    assert chain.region_actors("reg.cn").tolist() == ["ent.camco", "ent.cloudco", "ent.socco", "inst.lab"]
    assert chain.region_actors("reg.jp").tolist() == ["ent.sensorjp"]
    assert chain.region_actors("reg.cn.zj.hangzhou.binjiang").tolist() == []
    assert chain.at(2016).region_actors(XIAOSHAN).tolist() == ["ent.camco", "ent.cloudco"]


def test_hierarchies(chain):
    assert chain.ancestors(XIAOSHAN) == ["reg.cn.zj.hangzhou", "reg.cn.zj", "reg.cn"]
    assert chain.ancestors("reg.cn") == []
    assert chain.descendants("seg.chips") == ["seg.chips", "seg.chips.cis", "seg.chips.soc"]
    assert chain.descendants("seg.chips.cis") == ["seg.chips.cis"]
    assert chain.descendants("reg.cn.zj")[:2] == ["reg.cn.zj", "reg.cn.zj.hangzhou"]
    assert set(chain.descendants("reg.cn")) == {"reg.cn", "reg.cn.zj", "reg.cn.zj.hangzhou", XIAOSHAN,
                                               "reg.cn.zj.hangzhou.binjiang", "reg.cn.sh"}
    assert chain.leaf_segments == ["seg.apps.security", "seg.chips.cis", "seg.chips.soc",
                                   "seg.devices.camera", "seg.platforms.cloud"]
    assert chain.country_of[XIAOSHAN] == "reg.cn" and chain.country_of["reg.jp"] == "reg.jp"
    assert chain.country_of["reg.cn"] == "reg.cn"
    assert chain.region_path(XIAOSHAN)[0] == XIAOSHAN
    assert chain.parent["seg.chips.cis"] == "seg.chips"
    assert chain.children["reg.cn.zj.hangzhou"] == ["reg.cn.zj.hangzhou.binjiang", XIAOSHAN]


def test_ids_and_relations(chain):
    assert chain.ids("enterprise").tolist() == ["ent.camco", "ent.socco", "ent.sensorjp", "ent.cloudco"]
    assert chain.kind_of("inst.lab") == "institute"
    assert len(chain.relation("part_of")) == 10 and len(chain.relation("partners_with")) == 0
    assert set(chain.actors()) == {"ent.camco", "ent.socco", "ent.sensorjp", "ent.cloudco", "inst.lab"}
    regions = chain.actor_regions()
    assert regions.loc[regions["actor"] == "ent.sensorjp", "country"].tolist() == ["reg.jp"]


@pytest.mark.parametrize("text, kinds, expected", [
    (XIAOSHAN, None, XIAOSHAN),
    ("Xiaoshan", None, XIAOSHAN),
    ("萧山区", ("region",), XIAOSHAN),
    ("xiaoshan", None, XIAOSHAN),
    ("  XIAOSHAN ", ("region",), XIAOSHAN),
    ("SEG.CHIPS.CIS", None, "seg.chips.cis"),
    ("image sensors (cis)", ("segment",), "seg.chips.cis"),
    ("视频SoC", None, "seg.chips.soc"),
])
def test_resolve(chain, text, kinds, expected):
    assert chain.resolve(text, kinds=kinds) == expected


def test_resolve_unknown_names_close_matches(chain):
    with pytest.raises(LookupProblem) as caught:
        chain.resolve("Xiaoshn", kinds=("region",))
    assert caught.value.suggestions == [f"{XIAOSHAN} (Xiaoshan)"]
    assert str(caught.value) == f"no region called 'Xiaoshn'; close matches: {XIAOSHAN} (Xiaoshan)"
    # an administrative suffix may be left out: 萧山 for 萧山区, "Xiaoshan District" for Xiaoshan
    assert chain.resolve("萧山", kinds=("region",)) == XIAOSHAN
    assert chain.resolve("Xiaoshan District", kinds=("region",)) == XIAOSHAN
    # a part of exactly one name is enough (short names of 股份有限公司 firms)
    assert chain.resolve("摄像公") == "ent.camco"
    with pytest.raises(LookupProblem):
        chain.resolve("公司")  # part of several names: refused, not guessed
    with pytest.raises(LookupProblem) as caught:
        chain.resolve("萧", kinds=("region",))  # a part of the Chinese name
    assert caught.value.suggestions[0].startswith(XIAOSHAN)
    with pytest.raises(LookupProblem):
        chain.resolve("CamCo", kinds=("region",))  # exists, but not as a region
    with pytest.raises(LookupProblem) as caught:
        chain.resolve("zzzzzz")
    assert caught.value.suggestions == [] and str(caught.value) == "no node called 'zzzzzz'"


@pytest.mark.parametrize("text", ["", "   "])
def test_resolve_empty_text_is_not_a_match(tmp_path, text):
    # A node without a Chinese name must not match an empty query.
    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    nodes = (folder / "chain_nodes.csv").read_text(encoding="utf-8").replace(",Japan,日本,", ",Japan,,")
    (folder / "chain_nodes.csv").write_text(nodes, encoding="utf-8")
    with pytest.raises(LookupProblem):
        load_chain(folder).resolve(text)


def test_labels_and_node(chain):
    assert chain.label(XIAOSHAN) == "Xiaoshan (萧山区)"
    node = chain.node("ent.camco")
    assert node == {"id": "ent.camco", "kind": "enterprise", "name": "CamCo", "name_zh": "摄像公司", "layer": None,
                    "description": None, "since": 2001, "until": None, "evidence": "fixture", "confidence": "A"}
    assert type(node["since"]) is int


def test_graph_has_typed_nodes_and_edges_with_attributes(chain):
    graph = chain.graph
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == 22 and graph.number_of_edges() == 27
    assert graph.nodes["seg.chips.cis"] == {"kind": "segment", "name": "Image sensors (CIS)",
                                            "name_zh": "图像传感器", "layer": "upstream"}
    supplies = graph.edges["ent.socco", "ent.camco", "supplies"]
    assert supplies == {"relation": "supplies", "since": 2012, "evidence": "fixture", "confidence": "C",
                        "weight": 0.4}
    assert type(supplies["since"]) is int
    kinds = nx.get_node_attributes(graph, "kind")
    assert all(kinds[s] == "enterprise" and kinds[t] == "segment"
               for s, t, r in graph.edges(keys=True) if r == "operates_in")
    template = chain.template_graph
    assert set(template.nodes) == set(chain.ids("segment")) | {"focus.perception"}
    assert template.edges["seg.chips.cis", "seg.devices.camera"]["relation"] == "feeds"
    assert chain.at(2012).graph.number_of_nodes() == 19


def test_trusted_keeps_only_facts_graded_high_enough(chain):
    # In the valid fixture CloudCo's located_in is graded B, the SocCo -> CamCo supply tie C.
    assert chain.trusted("U") is chain
    graded_b = chain.trusted("B")
    assert "ent.cloudco" in set(graded_b.region_actors(XIAOSHAN))
    assert graded_b.relation("supplies").empty
    graded_a = chain.trusted("A")
    assert "ent.cloudco" not in set(graded_a.region_actors(XIAOSHAN))
    # the chain template and the nodes are not facts about actors: they stay
    assert len(graded_a.relation("feeds")) == len(chain.relation("feeds"))
    assert len(graded_a.nodes) == len(chain.nodes)
    with pytest.raises(ValueError, match="expected one of: A, B, C, U"):
        chain.trusted("D")


# ---- the part_of tree, walked once ------------------------------------------------------------

def test_the_tree_gives_subtrees_roots_and_membership_in_one_pass(chain):
    tree = chain.tree
    assert chain.descendants("seg.chips") == ["seg.chips", "seg.chips.cis", "seg.chips.soc"]
    assert chain.descendants("reg.cn") == ["reg.cn", "reg.cn.sh", "reg.cn.zj", "reg.cn.zj.hangzhou",
                                           "reg.cn.zj.hangzhou.binjiang", XIAOSHAN]
    assert chain.descendants("ent.camco") == ["ent.camco"]  # on no part_of edge
    assert tree.depth[tree.position[XIAOSHAN]] == 3 and tree.root[tree.position[XIAOSHAN]] == "reg.cn"
    located = chain.relation("located_in")["target"]
    assert chain.within(located, "reg.cn.zj").tolist() == located.isin(chain.descendants("reg.cn.zj")).tolist()
    assert chain.within(located, "reg.jp").tolist() == (located == "reg.jp").tolist()


def test_a_part_of_chain_50000_deep_loads_and_is_walked_without_recursion(tmp_path, write_deep_chain):
    depth = 50_000
    write_deep_chain(tmp_path, depth)
    deep = load_chain(tmp_path)
    assert deep.leaf_segments == [f"seg.d{depth}"]
    assert len(deep.descendants("seg.d0")) == depth + 1
    assert deep.descendants(f"seg.d{depth - 1}") == [f"seg.d{depth - 1}", f"seg.d{depth}"]
    assert len(deep.ancestors(f"seg.d{depth}")) == depth
    assert deep.tree.depth.max() == depth
    assert deep.country_of == {"reg.x": "reg.x"}
    assert list(deep.region_actors("reg.x")) == ["ent.a"]
