"""vvalley query: a node's neighbours, a segment from a region, value-chain paths, fill candidates."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.cli import app
from vvalley.chain.load import load_chain
from vvalley.analysis.query import fill_candidates, node_info, segment_info, value_paths

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"


@pytest.fixture(scope="module")
def chain():
    return load_chain(VALID)


def run(*args):
    return CliRunner().invoke(app, [*args, "--data", str(VALID)])


def test_node_lists_facts_and_neighbours_by_relation_and_direction(chain):
    info = node_info(chain, "ent.camco")
    assert info["node"]["label"] == "CamCo (摄像公司)"
    assert info["evidence"] == "fixture" and info["confidence"] == "A"
    assert info["confidence_meaning"] == "official / filing"
    seen = {(n["relation"], n["direction"], n["id"]) for n in info["neighbours"]}
    assert seen == {("operates_in", "out", "seg.devices.camera"),
                    ("located_in", "out", XIAOSHAN),
                    ("supplies", "in", "ent.socco")}
    supply = next(n for n in info["neighbours"] if n["relation"] == "supplies")
    assert (supply["since"], supply["weight"], supply["confidence"]) == (2012, 0.4, "C")


def test_segment_splits_firms_into_local_and_elsewhere_with_their_location(chain):
    info = segment_info(chain, "seg.chips", XIAOSHAN)
    assert info["local_firms"] == []
    elsewhere = {f["id"]: (f["regions"], f["countries"]) for f in info["outside_firms"]}
    assert elsewhere == {"ent.socco": (["reg.cn.sh"], ["reg.cn"]), "ent.sensorjp": (["reg.jp"], ["reg.jp"])}
    assert [(s["id"], s["local_firms"]) for s in info["downstream"]] == [("seg.devices.camera", 1)]
    assert info["upstream"] == []
    assert [(i["id"], i["local"], i["researches"]) for i in info["institutes"]] == [
        ("inst.lab", True, ["seg.chips.cis"])]
    camera = segment_info(chain, "seg.devices.camera", XIAOSHAN)
    assert [f["id"] for f in camera["local_firms"]] == ["ent.camco"]
    assert [s["id"] for s in camera["upstream"]] == ["seg.chips.cis", "seg.chips.soc"]


def test_paths_run_downstream_from_an_actor_and_report_the_reverse_direction(chain):
    down = value_paths(chain, "ent.sensorjp", "seg.apps")
    assert down["direction"] == "downstream"
    assert down["paths"][0]["segments"] == ["seg.chips.cis", "seg.devices.camera", "seg.platforms.cloud",
                                            "seg.apps.security"]
    assert down["paths"][0]["links"] == 3
    up = value_paths(chain, "seg.apps", "seg.chips")
    assert up["direction"] == "upstream"
    # Two equally short paths, in id order, listed upstream first.
    assert [p["segments"][0] for p in up["paths"]] == ["seg.chips.cis", "seg.chips.soc"]
    assert value_paths(chain, "seg.apps", "seg.chips", limit=1)["paths"][0]["segments"][0] == "seg.chips.cis"
    same = value_paths(chain, "ent.camco", "focus.perception")
    assert same["direction"] == "same" and same["paths"][0]["links"] == 0


def test_no_path_between_unconnected_segments(chain):
    result = value_paths(chain, "seg.chips.cis", "seg.chips.soc")
    assert result["direction"] is None and result["paths"] == []


def test_candidates_come_from_the_gap_engine_ranking(chain):
    from vvalley.analysis.gaps import analyse

    result = fill_candidates(chain, "seg.chips.soc", XIAOSHAN)
    assert [c["id"] for c in result["candidates"]] == ["ent.socco"]
    socco = result["candidates"][0]
    # SocCo supplies CamCo in Xiaoshan: one tie, same country.
    assert socco["components"]["ties"] == 1 and socco["components"]["proximity"] == 0.25
    engine = next(g for g in analyse(chain, XIAOSHAN).gaps if g.subject == "seg.chips.soc")
    assert engine.candidates[0].score == socco["score"]
    assert {g["kind"] for g in result["gaps"]} >= {"missing_segment"}


def test_cli_node_by_chinese_name_and_json(chain):
    result = run("query", "node", "摄像公司", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["node"]["id"] == "ent.camco"


def test_cli_unknown_name_suggests_close_matches_and_exits_2():
    result = run("query", "node", "camcoo")
    assert result.exit_code == 2
    assert "相近的有" in result.output and "ent.camco" in result.output


def test_cli_segment_markdown_and_table():
    md = run("query", "segment", "Chips", "--format", "md")
    assert md.exit_code == 0, md.output
    assert "## Enterprises elsewhere" in md.output
    # Names, not ids, in every table.
    assert "| SensorJP (传感日本) | Image sensors (CIS) (图像传感器) | Japan (日本) | Japan (日本) |" in md.output
    assert "## Gaps on it" in md.output and "| missing_segment | Image sensors (CIS) (图像传感器) |" in md.output
    assert "ent.sensorjp" not in md.output
    table = run("query", "segment", "seg.chips")
    assert table.exit_code == 0 and "Institutes researching it" in table.output


def test_cli_path_and_candidates():
    path = run("query", "path", "SensorJP", "Public security", "--format", "json")
    assert path.exit_code == 0, path.output
    assert json.loads(path.output)["paths"][0]["links"] == 3
    wrong = run("query", "path", "Xiaoshan", "seg.apps")
    assert wrong.exit_code == 2
    candidates = run("query", "candidates", "视频SoC", "--format", "md")
    assert candidates.exit_code == 0, candidates.output
    assert "SocCo (芯片公司)" in candidates.output and "ent.socco" not in candidates.output


def test_segment_and_candidates_take_a_region_by_its_chinese_name(chain):
    by_name = segment_info(chain, "seg.chips", "萧山区")
    assert by_name == segment_info(chain, "seg.chips", XIAOSHAN)
    assert fill_candidates(chain, "seg.chips.soc", "萧山区") == fill_candidates(chain, "seg.chips.soc", XIAOSHAN)
