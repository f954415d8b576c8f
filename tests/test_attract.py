"""Attract scenarios (whatif --add) and the firm-level target list (vvalley targets) on the bundled data."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.analysis.gaps import analyse
from vvalley.analysis.targets import targets
from vvalley.analysis.whatif import attract, leave, whatif
from vvalley.chain.load import load_chain
from vvalley.cli import app

DATA = Path(__file__).resolve().parent.parent / "data"
XS = "reg.cn.zj.hangzhou.xiaoshan"
runner = CliRunner()


@pytest.fixture(scope="module")
def chain():
    return load_chain(DATA)


@pytest.fixture(scope="module")
def target_list(chain):
    result = runner.invoke(app, ["targets", "--limit", "5", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_adding_a_firm_then_removing_it_gives_the_original_gap_report(chain):
    added, effects = attract(chain, XS, ["ent.hikrobot"])
    assert effects[0]["site"] == XS and "seg.devices.mv_cameras" in effects[0]["segments"]
    back, _ = leave(added, XS, ["ent.hikrobot"])
    assert analyse(back, XS).to_dict() == analyse(chain, XS).to_dict()
    assert analyse(added, XS).to_dict() != analyse(chain, XS).to_dict()


def test_add_then_remove_in_one_scenario_changes_nothing(chain):
    result = whatif(chain, XS, add=["ent.hikrobot"], remove=["ent.hikrobot"])
    assert result["opened"] == [] and result["closed"] == [] and result["changed"] == []


def test_attracting_a_firm_closes_its_gaps_and_says_why(chain):
    result = whatif(chain, XS, add=["ent.guide_ir"])
    closed = {(g["kind"], g["subject"]): g for g in result["closed"]}
    assert ("missing_segment", "seg.sensors.ir_detectors") in closed
    link = closed[("broken_link", "seg.sensors.ir_detectors->seg.devices.thermal")]
    assert "高德红外" in link["why_zh"] and "红外探测器" in link["why_zh"]
    assert result["coverage"]["covered_after"] == result["coverage"]["covered_before"] + 1
    # Every opened and closed gap is explained, in Chinese, with names.
    for row in result["opened"] + result["closed"]:
        assert row["why_zh"] and row["why"] and "seg." not in row["why_zh"]


def test_a_newcomers_missing_inputs_are_new_local_demand(chain):
    result = whatif(chain, XS, add=["ent.hikrobot"])
    demand = [g for g in result["opened"] if g["new_demand"]]
    assert demand, "an arriving camera maker needs lenses and sensors the region lacks"
    upstream = next(g for g in demand if g["subject"] == "seg.optics.lenses->seg.devices.mv_cameras")
    assert upstream["why_zh"].startswith("新增本地需求") and "光学镜头" in upstream["why_zh"]
    # A missing segment that becomes weak is not new demand: it is a gap half filled.
    weak = next(g for g in result["opened"] if g["kind"] == "weak_segment")
    assert not weak["new_demand"]


def test_add_combines_with_remove_and_cut_and_keeps_the_json_shape(chain):
    result = whatif(chain, XS, add=[("ent.guide_ir", XS)], remove=["ent.huagan"], cut=["reg.us"])
    assert result["scenario"]["add"] == [{"id": "ent.guide_ir", "site": XS}]
    assert result["scenario"]["remove"] == ["ent.huagan"] and result["scenario"]["cut"] == ["reg.us"]
    for key in ("coverage", "opened", "closed", "changed", "gaps_by_kind", "focus_areas", "segments_changed",
                "left", "cut_off", "partly_cut", "supply", "added"):
        assert key in result
    assert {"covered_before", "covered_after"} <= set(result["coverage"])


def test_adding_a_local_firm_or_a_non_firm_is_refused(chain):
    with pytest.raises(ValueError, match="already located"):
        attract(chain, XS, ["ent.shining3d"])
    with pytest.raises(ValueError, match="not an enterprise"):
        attract(chain, XS, ["seg.chips"])
    with pytest.raises(ValueError, match="not in"):
        attract(chain, XS, [("ent.hikrobot", "reg.cn.sh")])


def test_whatif_add_on_the_command_line(chain):
    result = runner.invoke(app, ["whatif", "--add", "海康机器人", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scenario"]["add"] == [{"id": "ent.hikrobot", "site": XS}]
    table = runner.invoke(app, ["whatif", "--add", "海康机器人"])
    assert "新增本地需求" in table.output and "ent.hikrobot" not in table.output
    bad = runner.invoke(app, ["whatif", "--add", "先临三维"])
    assert bad.exit_code == 2 and bad.output.strip() == "错误：先临三维科技已在萧山区"
    bad = runner.invoke(app, ["whatif", "--add", "先临三维", "--lang", "en"])
    assert bad.exit_code == 2 and "already located" in bad.output


def test_targets_list_each_firm_once_with_a_gap_it_fills(chain):
    result = targets(chain, XS, analyse(chain, XS), with_effects=False)
    ids = [r["id"] for r in result["targets"]]
    assert len(ids) == len(set(ids)) and len(ids) > 10
    assert all(r["gaps"] and r["score"] > 0 for r in result["targets"])
    assert all(r["level"] in ("高", "中", "低") for r in result["targets"])
    scores = [r["score"] for r in result["targets"]]
    assert scores == sorted(scores, reverse=True)
    local = set(chain.region_actors(XS))
    assert not local & set(ids)
    # Gaps no known firm could fill are listed, not dropped.
    assert result["unfilled"] and all(u["note_zh"] == "无已知候选企业：需外部调研" for u in result["unfilled"])


def test_the_top_five_targets_claim_what_whatif_add_reports(target_list):
    assert len(target_list) == 5
    for row in target_list:
        assert set(row) >= {"id", "name", "score", "level", "gaps", "covered_before", "covered_after", "opens",
                            "closes"}
        result = runner.invoke(app, ["whatif", "--add", row["id"], "--format", "json"])
        data = json.loads(result.output)
        assert row["covered_before"] == data["coverage"]["covered_before"]
        assert row["covered_after"] == data["coverage"]["covered_after"]
        assert row["opens"] == [g["subject"] for g in data["opened"]]
        assert row["closes"] == [g["subject"] for g in data["closed"]]
        # The gaps it claims to fill are gaps its arrival closes.
        assert set(row["gaps"]) <= set(row["closes"])


def test_targets_formats(tmp_path):
    table = runner.invoke(app, ["targets", "--limit", "3"])
    assert table.exit_code == 0 and "招商目标清单" in table.output and "无已知候选企业" in table.output
    assert "ent." not in table.output and "seg." not in table.output
    english = runner.invoke(app, ["targets", "--limit", "3", "--lang", "en"])
    assert "Target list" in english.output and "no known candidate" in english.output
    csv_text = runner.invoke(app, ["targets", "--limit", "3", "--format", "csv"]).output
    assert csv_text.startswith("\ufeff#,企业")
    md = runner.invoke(app, ["targets", "--limit", "3", "--format", "md"]).output
    assert md.startswith("# 萧山区招商目标清单")
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["targets", "--limit", "3", "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"已写入 {out}\n"
    import openpyxl

    sheet = openpyxl.load_workbook(out)["招商目标清单"]
    assert sheet.cell(1, 2).value == "企业" and sheet.max_row >= 4
