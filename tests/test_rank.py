"""`vvalley rank`: every region of a level, on a synthetic fixture whose counts are worked out by hand below."""

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.analysis.rank import level_units, rank, rank_sheet, region_levels
from vvalley.chain.load import load_chain
from vvalley.cli import app

# tests/fixtures/rank (synthetic): Province A holds City X (District One with Town T below it, District
# Two) and City Y (District Three, District Four); Far Province sits in another country. Leaves s1, s2
# (group seg.up) and s3 (group seg.down). Firms: f1 in Town T (s1, s3), f2 in One (s1), f3 in Two (s2),
# f4 in Two and Three (s3), f5 in Three (s1), f6 in Far Province (s2); one institute in One.
FIXTURE = Path(__file__).parent / "fixtures" / "rank"
D1, D2, D3, D4 = (f"reg.cn.a.{c}" for c in ("x.d1", "x.d2", "y.d3", "y.d4"))
runner = CliRunner()


@pytest.fixture(scope="module")
def chain():
    return load_chain(FIXTURE)


def by_region(result):
    return {r["region"]: r for r in result.regions}


def lq(result, region, segment):
    return next((c["lq"] for c in result.cells if c["region"] == region and c["segment"] == segment), 0.0)


def test_levels_by_depth_and_towns_count_in_their_district(chain):
    levels = region_levels(chain)
    assert levels["reg.cn.a"] == "province" and levels["reg.jp.o"] == "province"
    assert levels["reg.cn.a.x"] == "city" and levels[D1] == "district"
    assert "reg.cn" not in levels and "reg.cn.a.x.d1.t" not in levels
    units = level_units(chain, "district")
    assert units["reg.cn.a.x.d1.t"] == D1 and "reg.cn.a.x" not in units


def test_district_counts_coverage_and_location_quotients(chain):
    result = rank(chain, "district")
    rows = by_region(result)
    assert set(rows) == {D1, D2, D3, D4}  # District Four has no firm and still ranks
    # Firms of a district: f1 (through Town T) and f2 in One; f3, f4 in Two; f4, f5 in Three.
    assert [rows[d]["firms"] for d in (D1, D2, D3, D4)] == [2, 2, 2, 0]
    assert [rows[d]["covered"] for d in (D1, D2, D3, D4)] == [2, 2, 2, 0]
    assert rows[D1]["coverage"] == round(2 / 3, 4)
    # Ties in coverage and firms break by name: One, Three, Two; Four last.
    assert [r["region"] for r in result.regions] == [D1, D3, D2, D4]
    assert [r["rank"] for r in result.regions] == [1, 2, 3, 4]
    # 5 firms sit in districts (f6 is abroad); s1 has 3 of them (f1 f2 f5), s2 one (f3), s3 two (f1 f4).
    assert result.totals["firms"] == 5
    assert result.totals["by_segment"] == {"seg.down.s3": 2, "seg.up.s1": 3, "seg.up.s2": 1}
    assert lq(result, D1, "seg.up.s1") == round((2 / 2) / (3 / 5), 4)
    assert lq(result, D2, "seg.up.s2") == round((1 / 2) / (1 / 5), 4)
    assert lq(result, D3, "seg.up.s1") == round((1 / 2) / (3 / 5), 4)
    assert lq(result, D4, "seg.up.s1") == 0.0


def test_leaders_per_segment(chain):
    result = rank(chain, "district", top=2)
    assert [x["region"] for x in result.leaders["seg.up.s1"]] == [D1, D3]
    assert result.leaders["seg.up.s1"][0]["share"] == round(2 / 3, 4)
    # Three districts with one firm each and the same LQ in s3: by name, cut at top=2.
    assert [x["region"] for x in result.leaders["seg.down.s3"]] == [D1, D3]


def test_a_firm_with_two_sites_counts_once_per_region_and_once_in_the_totals(chain):
    result = rank(chain, "city")
    rows = by_region(result)
    assert rows["reg.cn.a.x"]["firms"] == 4 and rows["reg.cn.a.y"]["firms"] == 2
    assert result.totals["firms"] == 5  # f4 is in both cities, counted once
    assert lq(result, "reg.cn.a.x", "seg.down.s3") == round((2 / 4) / (2 / 5), 4)


def test_province_level_reaches_abroad(chain):
    result = rank(chain, "province")
    assert {r["region"] for r in result.regions} == {"reg.cn.a", "reg.jp.o"}
    assert lq(result, "reg.jp.o", "seg.up.s2") == round((1 / 1) / (2 / 6), 4)
    assert lq(result, "reg.cn.a", "seg.up.s2") == round((1 / 5) / (2 / 6), 4)


def test_segment_ranks_by_its_firms_and_counts_a_group_through_its_leaves(chain):
    result = rank(chain, "district", segment="Upstream")
    assert result.segment == "seg.up" and result.segments == ["seg.up", "seg.up.s1", "seg.up.s2"]
    rows = by_region(result)
    assert [rows[d]["segment_firms"] for d in (D1, D2, D3, D4)] == [2, 1, 1, 0]
    assert rows[D1]["lq"] == round((2 / 2) / (4 / 5), 4)
    assert [r["region"] for r in result.regions] == [D1, D3, D2, D4]


def test_peers_and_possible_entrants(chain):
    result = rank(chain, "district", region="一区")
    p = result.peers
    # One is present (LQ >= 1) in s1 and s3; Two in s2 and s3; Three in s3 only (s1 at 0.83); Four nowhere.
    assert p["present"] == ["seg.down.s3", "seg.up.s1"]
    assert [(x["region"], x["similarity"]) for x in p["peers"]] == [(D3, 0.5), (D2, round(1 / 3, 4))]
    assert [(e["segment"], e["peers"]) for e in p["entrants"]] == [("seg.up.s2", [D2])]


def test_bad_arguments(chain):
    with pytest.raises(ValueError, match="unknown level"):
        rank(chain, "county")
    with pytest.raises(ValueError, match="is not a district"):
        rank(chain, "district", region="City X")


def test_sheet_has_names_not_ids(chain):
    headers, rows = rank_sheet(chain, rank(chain, "district"))
    assert headers[:4] == ["排名", "地区", "上级地区", "企业数"]
    assert rows[0][:4] == [1, "一区", "X市", 2]
    headers, rows = rank_sheet(chain, rank(chain, "district", segment="seg.up"), lang="en")
    assert headers[-2:] == ["Firms in segment", "Location quotient"] and rows[0][1] == "District One"


def run(*args):
    return runner.invoke(app, ["rank", "--data", str(FIXTURE), *args], env={"COLUMNS": "160"})


def test_cli_table_in_chinese_and_english():
    result = run("--region", "District One")
    assert result.exit_code == 0, result.output
    assert "4 个区县排名" in result.output and "一区" in result.output and "reg.cn" not in result.output
    assert "可能进入的环节" in result.output and "镜头" in result.output
    result = run("--lang", "en", "--level", "city")
    assert result.exit_code == 0, result.output
    assert "2 citys" not in result.output and "City X" in result.output and "X市" not in result.output


def test_cli_csv_and_json():
    result = run("--format", "csv", "--segment", "seg.up.s1")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(result.output.lstrip("\ufeff"))))
    assert rows[0][-2:] == ["该环节企业数", "区位商"] and rows[1][1] == "一区" and len(rows) == 5
    result = run("--format", "json")
    data = json.loads(result.output)
    assert data["level"] == "district" and len(data["regions"]) == 4


def test_cli_errors_are_messages():
    result = run("--region", "City X")
    assert result.exit_code == 2 and "不是区县；请给出该层级的地区，或换一个 --level" in result.output
    assert "Traceback" not in result.output
    result = run("--region", "City X", "--lang", "en")
    assert result.exit_code == 2 and "is not a district" in result.output and "Traceback" not in result.output
    result = run("--segment", "nothing like it")
    assert result.exit_code == 2 and "没有名为“nothing like it”的环节" in result.output
    result = run("--segment", "nothing like it", "--lang", "en")
    assert result.exit_code == 2 and "no segment called" in result.output


def test_a_municipality_is_a_city_and_its_districts_are_districts(tmp_path):
    """A district right below a province-level city (上海市 → 浦东新区) is a district, and the
    municipality is its city too (synthetic rows added to the fixture)."""
    nodes = (FIXTURE / "chain_nodes.csv").read_text(encoding="utf-8")
    edges = (FIXTURE / "chain_edges.csv").read_text(encoding="utf-8")
    nodes += ("reg.cn.m,region,Metro,京市,,,,,,\nreg.cn.m.c,region,Central District,中区,,,,,,\n"
              "ent.f7,enterprise,Firm Seven,七号企业,,,,,synthetic,U\n")
    edges += ("reg.cn.m,reg.cn,part_of,,,,,\nreg.cn.m.c,reg.cn.m,part_of,,,,,\n"
              "ent.f7,reg.cn.m.c,located_in,,,synthetic,U,\nent.f7,seg.up.s2,operates_in,,,synthetic,U,\n")
    (tmp_path / "chain_nodes.csv").write_text(nodes, encoding="utf-8")
    (tmp_path / "chain_edges.csv").write_text(edges, encoding="utf-8")
    chain = load_chain(tmp_path)
    assert region_levels(chain)["reg.cn.m.c"] == "district" and region_levels(chain)["reg.cn.m"] == "province"
    assert by_region(rank(chain, "district"))["reg.cn.m.c"]["firms"] == 1
    cities = by_region(rank(chain, "city"))
    assert set(cities) == {"reg.cn.a.x", "reg.cn.a.y", "reg.cn.m"} and cities["reg.cn.m"]["firms"] == 1
    assert "reg.cn.m" in by_region(rank(chain, "province"))
