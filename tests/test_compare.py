"""vvalley compare: two regions side by side, and one region in two years."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.cli import app
from vvalley.analysis.compare import compare_regions, compare_years, group_coverage
from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "analysis" / "whatif"
XIAOSHAN, BINJIANG = "reg.cn.zj.hangzhou.xiaoshan", "reg.cn.zj.hangzhou.binjiang"


@pytest.fixture(scope="module")
def chain():
    return load_chain(FIXTURE)


def test_regions_differ_in_the_segments_each_covers(chain):
    result = compare_regions(chain, XIAOSHAN, BINJIANG, as_of=2024)
    assert [s["id"] for s in result["only_a"]] == ["seg.down.city"]
    # OldLens closed in 2019: by 2024 only Binjiang has a lens maker.
    assert [(s["id"], s["firms_b"]) for s in result["only_b"]] == [("seg.up.lens", 1)]
    assert result["coverage"]["covered_a"] == 2 and result["coverage"]["covered_b"] == 2
    assert result["both"] == 1 and result["neither"] == 1
    groups = {g["id"]: (g["a"], g["b"]) for g in result["groups"]}
    assert groups == {"seg.up": (0.0, 0.5), "seg.mid": (1.0, 1.0), "seg.down": (1.0, 0.0)}
    assert [f["id"] for f in result["focus_areas"]] == ["focus.vision"]


def test_years_list_arrivals_departures_and_the_gaps_that_moved(chain):
    result = compare_years(chain, XIAOSHAN, 2018, 2024)
    assert [a["id"] for a in result["arrived"]] == ["ent.cam2", "inst.lab"]
    assert [(a["id"], a["since"]) for a in result["arrived"]] == [("ent.cam2", 2020), ("inst.lab", 2020)]
    assert [(a["id"], a["until"]) for a in result["left"]] == [("ent.oldlens", 2019)]
    opened = {(g["kind"], g["subject"]) for g in result["opened"]}
    closed = {(g["kind"], g["subject"]) for g in result["closed"]}
    assert ("missing_segment", "seg.up.lens") in opened
    assert ("broken_link", "seg.up.lens->seg.mid.camera") in opened
    assert ("weak_segment", "seg.mid.camera") in closed
    assert (result["coverage"]["before"], result["coverage"]["after"]) == (0.75, 0.5)


def test_today_is_this_year_so_closed_firms_are_gone(chain):
    result = compare_years(chain, XIAOSHAN, 2018)
    assert result["to"] >= 2024 and [a["id"] for a in result["left"]] == ["ent.oldlens"]


def test_group_coverage_is_upstream_first(chain):
    rows = group_coverage(chain, analyse(chain, XIAOSHAN))
    assert [r["id"] for r in rows] == ["seg.up", "seg.mid", "seg.down"]
    assert rows[0]["leaves"] == 2


def test_cli_compare_regions_and_years():
    runner = CliRunner()
    regions = runner.invoke(app, ["compare", "--data", str(FIXTURE), "--region", "萧山区", "--with", "Binjiang",
                                  "--as-of", "2024", "--format", "md", "--lang", "en"])
    assert regions.exit_code == 0, regions.output
    assert "## Covered in Xiaoshan (萧山区), lacking in Binjiang (滨江区)" in regions.output
    assert "| Smart city (智慧城市) | 1 |" in regions.output and "seg.down.city" not in regions.output
    chinese = runner.invoke(app, ["compare", "--data", str(FIXTURE), "--region", "萧山区", "--with", "Binjiang",
                                  "--as-of", "2024", "--format", "md"])
    assert "## 萧山区有、滨江区没有" in chinese.output and "| 智慧城市 | 1 |" in chinese.output
    years = runner.invoke(app, ["compare", "--data", str(FIXTURE), "--as-of", "2018", "--vs", "2024",
                                "--format", "json"])
    assert years.exit_code == 0, years.output
    data = json.loads(years.output)
    assert (data["from"], data["to"]) == (2018, 2024)
    assert [a["id"] for a in data["left"]] == ["ent.oldlens"]
    table = runner.invoke(app, ["compare", "--data", str(FIXTURE), "--as-of", "2018", "--vs", "2024", "--lang", "en"])
    assert table.exit_code == 0 and "Left between 2018 and 2024 (1)" in table.output
    chinese = runner.invoke(app, ["compare", "--data", str(FIXTURE), "--as-of", "2018", "--vs", "2024"])
    assert chinese.exit_code == 0 and "2018—2024 年离开的（1）" in chinese.output


def test_cli_compare_needs_something_to_compare():
    runner = CliRunner()
    assert runner.invoke(app, ["compare", "--data", str(FIXTURE)]).exit_code == 2
    assert runner.invoke(app, ["compare", "--data", str(FIXTURE), "--vs", "2020"]).exit_code == 2
    unknown = runner.invoke(app, ["compare", "--data", str(FIXTURE), "--with", "Binjang"])
    assert unknown.exit_code == 2 and "reg.cn.zj.hangzhou.binjiang" in unknown.output


def test_a_chain_already_cut_to_a_year_is_analysed_in_that_year(chain):
    # OldLens sat in Xiaoshan until 2019: in 2018 the lens segment is covered. A chain cut to
    # 2018 must not be cut again to today inside analyse (that would drop OldLens).
    direct = analyse(chain, XIAOSHAN, as_of=2018)
    again = analyse(chain.at(2018), XIAOSHAN)
    assert again.as_of == 2018
    assert again.to_dict() == direct.to_dict()


def test_regions_compared_in_a_past_year_count_the_firms_of_that_year(chain):
    result = compare_regions(chain, XIAOSHAN, BINJIANG, as_of=2018)
    # 2018: CamOne, CityOne and OldLens (lens) in Xiaoshan; ent.cam2's site opened in 2020.
    assert result["coverage"]["covered_a"] == 3
    assert "seg.up.lens" not in [s["id"] for s in result["only_b"]]
