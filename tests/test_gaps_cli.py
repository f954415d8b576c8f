"""`vvalley gaps` through typer's CliRunner: exit codes and output."""

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from vvalley.cli import app
from vvalley.cli.gaps import KIND_NAMES
from vvalley.analysis.gaps import KINDS

FIXTURES = Path(__file__).parent / "fixtures" / "gaps"
runner = CliRunner()


def run(*args, width=200):
    return runner.invoke(app, ["gaps", *args], env={"COLUMNS": str(width)})


def test_kind_names_match_the_engine():
    assert KIND_NAMES == tuple(KINDS)


def test_table_by_default_with_summary():
    result = run("--data", str(FIXTURES / "segments"), "--region", "萧山区", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Gaps in Xiaoshan (萧山区): 4 of 5 leaf segments covered (80%)" in result.output
    lines = result.output.splitlines()
    row = next(i for i, line in enumerate(lines) if "missing_segment" in line)
    assert "Image sensors (CIS) (图像传感器)" in lines[row] and "缺链" in lines[row + 1]
    assert "no enterprise of Xiaoshan operates in it" in lines[row]
    assert "Cisout (0.09)" in lines[row]


def test_table_fits_a_narrow_terminal():
    result = run("--data", str(FIXTURES / "segments"), "--region", "Xiaoshan", "--lang", "en", width=80)
    assert result.exit_code == 0
    assert max(len(line) for line in result.output.splitlines() if line.startswith(("┃", "│"))) <= 80
    assert "Focus areas: Visual perception (视觉感知) 100% covered" in result.output


def test_json_output_is_the_report():
    result = run("--data", str(FIXTURES / "links"), "--region", "Xiaoshan", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["region"] == "reg.cn.zj.hz.xs"
    assert {g["subject"] for g in data["gaps"] if g["kind"] == "unlinked"} == {"seg.b->seg.c", "seg.b->seg.d"}


def test_kind_filter_repeats_and_candidates():
    result = run("--data", str(FIXTURES / "candidates"), "--region", "Xiaoshan", "--format", "json",
                 "--kind", "missing_segment", "--kind", "broken_link", "--candidates", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {g["kind"] for g in data["gaps"]} == {"missing_segment", "broken_link"}
    assert all(len(g["candidates"]) <= 1 for g in data["gaps"])
    assert data["gaps"][0]["candidates"][0]["id"] == "ent.cprov"


def test_csv_output_opens_with_bom_and_header():
    result = run("--data", str(FIXTURES / "candidates"), "--region", "Xiaoshan", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\ufeffrank,severity,kind,kind_zh,")
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"))))
    assert rows and rows[0]["rank"] == "1"


def test_markdown_output():
    result = run("--data", str(FIXTURES / "foreign"), "--region", "Xiaoshan", "--format", "md", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Gaps in Xiaoshan (萧山区)")
    assert "foreign_dependency 卡脖子" in result.output
    chinese = run("--data", str(FIXTURES / "foreign"), "--region", "Xiaoshan", "--format", "md")
    assert chinese.output.startswith("# 萧山区的缺口") and "| 卡脖子 |" in chinese.output
    assert "seg." not in chinese.output.split("| # |")[1]


def test_as_of():
    now = json.loads(run("--data", str(FIXTURES / "segments"), "--region", "Xiaoshan", "--format", "json").output)
    then = json.loads(run("--data", str(FIXTURES / "segments"), "--region", "Xiaoshan", "--format", "json",
                          "--as-of", "2018").output)
    missing = lambda d: {g["subject"] for g in d["gaps"] if g["kind"] == "missing_segment"}  # noqa: E731
    assert then["as_of"] == 2018 and missing(then) == {"seg.chips.cis", "seg.optics.lens"}
    assert missing(now) == {"seg.chips.cis"}


def test_unknown_region_exits_2_with_close_matches():
    result = run("--data", str(FIXTURES / "segments"), "--region", "Xiaoshen")
    assert result.exit_code == 2
    assert "错误：没有名为“Xiaoshen”的地区；相近的有：" in result.output and "Xiaoshan" in result.output
    result = run("--data", str(FIXTURES / "segments"), "--region", "Xiaoshen", "--lang", "en")
    assert result.exit_code == 2
    assert "no region called 'Xiaoshen'; close matches: " in result.output
    assert "reg.cn.zj.hz.xs (Xiaoshan)" in result.output


def test_unknown_kind_exits_2_and_lists_the_kinds():
    result = run("--data", str(FIXTURES / "segments"), "--kind", "missing")
    assert result.exit_code == 2
    assert "没有缺口类型 'missing'；可用的类型：" in result.output
    for kind in KINDS:
        assert kind in result.output
    result = run("--data", str(FIXTURES / "segments"), "--kind", "missing", "--lang", "en")
    assert result.exit_code == 2
    assert "unknown gap kind 'missing'" in result.output
    for kind in KINDS:
        assert kind in result.output


def test_bad_data_exits_1():
    result = run("--data", str(FIXTURES / "no-such-folder"))
    assert result.exit_code == 1
    assert "chain_nodes.csv" in result.output


def test_names_from_the_data_are_not_markup(tmp_path):
    for name in ("chain_nodes.csv", "chain_edges.csv"):
        text = (FIXTURES / "segments" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("Image sensors (CIS)", "[bold red]CIS[/]"), encoding="utf-8")
    result = run("--data", str(tmp_path), "--region", "Xiaoshan", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "[bold red]CIS[/]" in result.output


def test_table_keeps_a_reason_whose_segment_name_has_a_colon(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "segments", data)
    nodes = data / "chain_nodes.csv"
    nodes.write_text(nodes.read_text(encoding="utf-8").replace(",Image sensors (CIS),", ",Sensors: CIS,"), encoding="utf-8")
    result = run("--data", str(data), "--kind", "missing_segment", "--lang", "en", width=300)
    assert result.exit_code == 0, result.output
    # The subject column shows the name; the reason column starts after it, not inside it.
    assert "CIS: no enterprise" not in result.output and "│ no enterprise" in result.output


VALID = Path(__file__).parent / "fixtures" / "valid"


def test_min_confidence_counts_only_well_graded_facts():
    # In the valid fixture CloudCo's site in Xiaoshan is graded B: with --min-confidence A
    # the video-cloud segment it alone covers becomes a missing segment.
    everything = json.loads(runner.invoke(app, ["gaps", "--data", str(VALID), "--format", "json"]).output)
    graded_a = runner.invoke(app, ["gaps", "--data", str(VALID), "--format", "json", "--min-confidence", "A"])
    assert graded_a.exit_code == 0, graded_a.output
    graded_a = json.loads(graded_a.output)
    missing = lambda report: {g["subject"] for g in report["gaps"] if g["kind"] == "missing_segment"}
    assert "seg.platforms.cloud" not in missing(everything)
    assert "seg.platforms.cloud" in missing(graded_a)
    assert graded_a["summary"]["covered"] == everything["summary"]["covered"] - 1
    table = runner.invoke(app, ["gaps", "--data", str(VALID), "--min-confidence", "A", "--lang", "en"])
    assert "Counting only facts graded A or better" in table.output
    bad = runner.invoke(app, ["gaps", "--data", str(VALID), "--min-confidence", "X"])
    assert bad.exit_code == 2


def test_build_with_min_confidence_keeps_every_fact_in_graph_json(tmp_path):
    result = runner.invoke(app, ["build", "--data", str(VALID), "--out", str(tmp_path), "--min-confidence", "A"])
    assert result.exit_code == 0, result.output
    assert "只计入可信度 A 及以上的事实" in result.output
    graph = json.loads((tmp_path / "graph.json").read_text(encoding="utf-8"))
    assert any(e["relation"] == "supplies" for e in graph["edges"])  # graded C, still in the graph
    gaps = json.loads((tmp_path / "gaps.json").read_text(encoding="utf-8"))
    assert "seg.platforms.cloud" in {g["subject"] for g in gaps["gaps"] if g["kind"] == "missing_segment"}


def test_limit_limits_gaps_and_candidates_limits_candidates():
    everything = json.loads(run("--data", str(FIXTURES / "candidates"), "--format", "json").output)
    result = run("--data", str(FIXTURES / "candidates"), "--format", "json", "--limit", "2", "--candidates", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["gaps"]) == 2 < len(everything["gaps"])
    assert [g["subject"] for g in data["gaps"]] == [g["subject"] for g in everything["gaps"][:2]]
    assert all(len(g["candidates"]) <= 1 for g in data["gaps"])
    # The summary still counts every gap.
    assert data["summary"] == everything["summary"]
    # --top stays as a hidden, deprecated alias of --candidates.
    old = run("--data", str(FIXTURES / "candidates"), "--format", "json", "--top", "1")
    assert old.exit_code == 0 and all(len(g["candidates"]) <= 1 for g in json.loads(old.stdout)["gaps"])
    assert "--top" not in runner.invoke(app, ["gaps", "--help"]).output


def test_chinese_table_by_default_names_not_ids():
    result = run("--data", str(FIXTURES / "segments"), "--region", "Xiaoshan")
    assert result.exit_code == 0, result.output
    assert "萧山区的缺口" in result.output and "缺链" in result.output and "图像传感器" in result.output
    assert "seg." not in result.output and "ent." not in result.output
