"""vvalley whatif: an enterprise leaving opens known gaps; cutting a region off creates a foreign dependency."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.cli import app
from vvalley.chain.load import load_chain
from vvalley.analysis.whatif import cut_off, whatif

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analysis" / "whatif"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"


@pytest.fixture(scope="module")
def chain():
    return load_chain(FIXTURE)


def opened(result):
    return {(g["kind"], g["subject"]) for g in result["opened"]}


def closed(result):
    return {(g["kind"], g["subject"]) for g in result["closed"]}


def test_the_only_smart_city_firm_leaving_opens_the_missing_segment_and_breaks_the_link(chain):
    result = whatif(chain, XIAOSHAN, remove=["ent.city1"])
    assert opened(result) == {("missing_segment", "seg.down.city"),
                              ("broken_link", "seg.mid.camera->seg.down.city")}
    assert ("weak_segment", "seg.down.city") in closed(result)
    # OldLens left Xiaoshan in 2019, so today its lens segment is not covered.
    assert result["coverage"]["covered_before"] == 2 and result["coverage"]["covered_after"] == 1
    assert result["left"] == [{"id": "ent.city1", "label": "CityOne (城市一)", "kind": "enterprise",
                               "sites_dropped": [XIAOSHAN], "sites_kept": []}]
    status = {s["id"]: (s["before"], s["after"]) for s in result["segments_changed"]}
    assert status["seg.down.city"] == ("weak", "missing")


def test_one_of_two_camera_firms_leaving_makes_the_segment_weak(chain):
    result = whatif(chain, XIAOSHAN, remove=["ent.cam2"])
    assert opened(result) == {("weak_segment", "seg.mid.camera")}
    assert result["closed"] == []


def test_removing_an_actor_from_elsewhere_is_refused(chain):
    with pytest.raises(ValueError, match="not located in"):
        whatif(chain, XIAOSHAN, remove=["ent.sensor_jp"])


def test_cutting_shanghai_leaves_only_a_japanese_sensor_supplier(chain):
    result = whatif(chain, XIAOSHAN, cut=["reg.cn.sh"])
    assert opened(result) == {("foreign_dependency", "seg.up.sensor")}
    assert [f["id"] for f in result["cut_off"]] == ["ent.sensor_sh"]
    # MultiLens also has a US site: it keeps supplying from there ("all" mode).
    assert result["partly_cut"] == [{"id": "ent.multi", "label": "MultiLens (多地镜头)",
                                     "sites_cut": ["reg.cn.sh"], "sites_kept": ["reg.us"]}]
    supply = {s["id"]: s for s in result["supply"]}
    sensor = supply["seg.up.sensor"]
    assert sensor["needed"] and (sensor["suppliers_before"], sensor["suppliers_after"]) == (2, 1)
    assert (sensor["home_before"], sensor["home_after"]) == (1, 0) and sensor["lost"] == ["ent.sensor_sh"]
    # MultiLens is no longer a home supplier of lenses, but still a supplier; OldLens has no site today.
    lens = supply["seg.up.lens"]
    assert (lens["suppliers_before"], lens["suppliers_after"], lens["home_after"]) == (2, 2, 1)


def test_any_mode_cuts_a_firm_with_any_site_in_the_region_but_never_a_local_one(chain):
    _, effects = cut_off(chain, XIAOSHAN, ["reg.cn.sh"], mode="any")
    assert [f["id"] for f in effects["cut_off"]] == ["ent.multi", "ent.sensor_sh"]
    _, effects = cut_off(chain, XIAOSHAN, ["reg.jp"], mode="any")
    assert [f["id"] for f in effects["cut_off"]] == ["ent.sensor_jp"]


def test_cutting_the_region_or_its_country_is_refused(chain):
    for region in ("reg.cn", XIAOSHAN, "reg.cn.zj.hangzhou"):
        with pytest.raises(ValueError, match="use remove"):
            cut_off(chain, XIAOSHAN, [region])


def test_cli_whatif_json_and_table():
    runner = CliRunner()
    result = runner.invoke(app, ["whatif", "--data", str(FIXTURE), "--remove", "CityOne", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {g["subject"] for g in data["opened"]} == {"seg.down.city", "seg.mid.camera->seg.down.city"}
    table = runner.invoke(app, ["whatif", "--data", str(FIXTURE), "--cut-country", "上海", "--lang", "en"])
    assert table.exit_code == 0, table.output
    assert "Gaps opened (1)" in table.output and "foreign_dependency" in table.output
    chinese = runner.invoke(app, ["whatif", "--data", str(FIXTURE), "--cut-country", "上海"])
    assert "新出现的缺口（1）" in chinese.output and "卡脖子" in chinese.output
    md = runner.invoke(app, ["whatif", "--data", str(FIXTURE), "--cut-country", "reg.cn.sh", "--format", "md"])
    # Names, not ids: the segment, the cut firm and its site.
    assert "| Image sensors (图像传感器) | 是 | 否 | 2 → 1 | 1 → 0 | 1 |" in md.output
    assert "| 上海传感 | 上海 |" in md.output and "reg.cn.sh |" not in md.output


def test_cli_whatif_usage_errors_exit_2():
    runner = CliRunner()
    assert runner.invoke(app, ["whatif", "--data", str(FIXTURE)]).exit_code == 2
    bad = runner.invoke(app, ["whatif", "--data", str(FIXTURE), "--remove", "ent.sensor_jp"])
    assert bad.exit_code == 2 and "错误：不在" in bad.output
    bad = runner.invoke(app, ["whatif", "--data", str(FIXTURE), "--remove", "ent.sensor_jp", "--lang", "en"])
    assert bad.exit_code == 2 and "not located in" in bad.output
    unknown = runner.invoke(app, ["whatif", "--data", str(FIXTURE), "--cut-country", "Japn"])
    assert unknown.exit_code == 2 and "reg.jp" in unknown.output


def test_whatif_in_a_past_year_starts_from_that_year(chain):
    # In 2018 OldLens still made lenses in Xiaoshan: three leaves covered before the change.
    result = whatif(chain, XIAOSHAN, remove=["ent.city1"], as_of=2018)
    assert result["coverage"]["covered_before"] == 3 and result["coverage"]["covered_after"] == 2
    cli = CliRunner().invoke(app, ["whatif", "--data", str(FIXTURE), "--remove", "ent.city1",
                                   "--as-of", "2018", "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["coverage"]["covered_before"] == 3
