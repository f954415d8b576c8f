"""vvalley export: GraphML and GEXF that read back, node-link JSON, an XLSX whose text never runs."""

import io
import json
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from vvalley.cli import app
from vvalley.publish.export import export_graph, to_gexf, to_graphml, to_json, to_xlsx
from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = FIXTURES / "analysis" / "hostile"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def chain():
    return load_chain(HOSTILE)


def test_every_attribute_is_a_string_on_every_node_and_edge(chain):
    graph = export_graph(chain)
    node_keys = {frozenset(d) for _, d in graph.nodes(data=True)}
    edge_keys = {frozenset(d) for _, _, d in graph.edges(data=True)}
    assert len(node_keys) == 1 and len(edge_keys) == 1
    values = [v for _, d in graph.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in graph.edges(data=True) for v in d.values()]
    assert all(isinstance(v, str) for v in values)


def test_graphml_reads_back(chain):
    graph = nx.read_graphml(io.BytesIO(to_graphml(chain)), force_multigraph=True)
    assert graph.number_of_nodes() == len(chain.nodes)
    assert graph.number_of_edges() == len(chain.edges)
    assert graph.nodes["ent.camco"]["name_zh"] == "摄像公司"
    assert graph.nodes["ent.evil"]["name"] == FORMULA
    assert graph.nodes["ent.camco"]["since"] == "2001"
    assert to_graphml(chain) == to_graphml(chain)


def test_gexf_reads_back_with_labels_and_a_fixed_date(chain):
    data = to_gexf(chain)
    graph = nx.read_gexf(io.BytesIO(data))
    assert graph.number_of_nodes() == len(chain.nodes)
    assert graph.number_of_edges() == len(chain.edges)
    assert graph.nodes["ent.camco"]["label"] == "CamCo (摄像公司)"
    assert graph.nodes["ent.camco"]["confidence"] == "A"
    assert b'lastmodifieddate="2000-01-01"' in data


def test_node_link_json_round_trips(chain):
    data = json.loads(to_json(chain))
    graph = nx.node_link_graph(data, edges="edges")
    assert graph.number_of_nodes() == len(chain.nodes)
    assert graph.number_of_edges() == len(chain.edges)
    assert graph.nodes["ent.camco"]["since"] == 2001


def test_xlsx_keeps_hostile_text_as_text(chain):
    data = to_xlsx(chain, analyse(chain, XIAOSHAN))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["nodes", "edges", "gaps", "candidates"]
    nodes = book["nodes"]
    header = [c.value for c in nodes[1]]
    rows = {row[0].value: dict(zip(header, row)) for row in nodes.iter_rows(min_row=2)}
    evil = rows["ent.evil"]
    assert evil["name"].value == FORMULA and evil["name"].data_type == "s"
    assert evil["description"].value.startswith("@SUM") and evil["description"].data_type == "s"
    assert evil["evidence"].value == "-2+3 | pipe" and evil["evidence"].data_type == "s"
    assert rows["ent.errcode"]["name"].value == "#N/A" and rows["ent.errcode"]["name"].data_type == "s"
    assert rows["ent.camco"]["since"].value == 2001  # numbers stay numbers
    # Nothing anywhere is stored as a formula.
    for sheet in book.worksheets:
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_sheets_hold_gaps_and_candidates_and_bytes_repeat(chain):
    report = analyse(chain, XIAOSHAN)
    data = to_xlsx(chain, report)
    book = load_workbook(io.BytesIO(data))
    assert book["gaps"].max_row == len(report.gaps) + 1
    candidates = [r for r in book["candidates"].iter_rows(min_row=2, values_only=True)]
    assert len(candidates) == sum(len(g.candidates) for g in report.gaps)
    assert book.properties.modified.year == 2000
    assert to_xlsx(chain, report) == data


def test_cli_export_writes_each_format(tmp_path):
    runner = CliRunner()
    for fmt in ("graphml", "gexf", "json", "xlsx"):
        out = tmp_path / f"chain.{fmt}"
        result = runner.invoke(app, ["export", "--data", str(HOSTILE), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.exists() and out.stat().st_size > 0
        assert result.output == f"已写入 {out}\n"
    default = runner.invoke(app, ["export", "--data", str(HOSTILE), "--format", "gexf", "--out", str(tmp_path),
                                  "--lang", "en"])
    assert default.output == f"wrote {tmp_path / 'chain.gexf'}\n"
    assert default.exit_code == 0 and (tmp_path / "chain.gexf").exists()
    bad = runner.invoke(app, ["export", "--data", str(HOSTILE), "--format", "pdf"])
    assert bad.exit_code == 2


def test_a_sheet_too_long_for_excel_is_said_in_both_languages(tmp_path, monkeypatch):
    import vvalley.publish.export as export_module

    monkeypatch.setattr(export_module, "_XLSX_MAX_ROWS", 10)  # the bundled chain stands in for a registry
    data = Path(__file__).resolve().parent.parent / "data"
    out = tmp_path / "chain.xlsx"
    said = {}
    for lang in ("zh", "en"):
        result = CliRunner().invoke(app, ["export", "--data", str(data), "--format", "xlsx", "--out", str(out),
                                          "--lang", lang])
        assert result.exit_code == 2 and "Traceback" not in result.output
        said[lang] = result.output
    assert said["zh"].startswith("错误：一个 XLSX 工作表放不下这么多行（") and "请改为导出 graphml、gexf 或 json" in said["zh"]
    assert said["en"].startswith("error: too many rows for one XLSX sheet (")
    assert not out.exists()
