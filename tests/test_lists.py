"""lists.xlsx (the N图N清单 workbook) written by `vvalley build`: six Chinese sheets, safe cells, one analysis."""

from pathlib import Path

import openpyxl
import pytest

from vvalley.build import build, render_outputs
from vvalley.chain.load import load_chain
from vvalley.chain.model import Chain
from vvalley.publish.xlsx import Sheet, write_workbook

DATA = Path(__file__).resolve().parent.parent / "data"
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "analysis" / "hostile"
SHEETS = ["企业清单", "缺口清单", "招商目标清单", "创新平台清单", "对接清单", "数据缺口"]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    result = build(DATA, out)
    assert out / "lists.xlsx" in result.written
    return openpyxl.load_workbook(out / "lists.xlsx")


def test_the_six_sheets_with_chinese_headers_frozen_and_filtered(workbook):
    assert workbook.sheetnames == SHEETS
    for sheet in workbook:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        headers = [c.value for c in sheet[1]]
        assert all(h and any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headers if h != "序号"), headers
        assert sheet.column_dimensions["A"].width > 5


def test_the_lists_hold_the_report(workbook):
    chain = load_chain(DATA)
    gaps = workbook["缺口清单"]
    report, _ = render_outputs(chain)
    assert gaps.max_row - 1 == len(report.gaps)
    firms = {row[3] for row in workbook["企业清单"].iter_rows(min_row=2, values_only=True)}
    assert "先临三维科技股份有限公司" in firms
    targets = [row for row in workbook["招商目标清单"].iter_rows(min_row=2, values_only=True)]
    assert targets[0][0] == 1 and targets[0][3] in ("高", "中", "低")
    assert any(row[1] == "无已知候选企业：需外部调研" for row in targets)
    data_gaps = [row for row in workbook["数据缺口"].iter_rows(min_row=2, values_only=True)]
    assert data_gaps and all(row[2].startswith("无供应关系数据") for row in data_gaps)
    # Names, not ids, everywhere a person reads.
    for sheet in workbook:
        for row in sheet.iter_rows(min_row=2, values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not value.startswith(("seg.", "ent.", "reg.", "inst.")), (sheet.title, value)


def test_no_text_cell_can_run_as_a_formula(tmp_path):
    chain = load_chain(HOSTILE)
    nodes = chain.nodes.copy()
    firm = chain.ids("enterprise")[0]
    nodes.loc[firm, "name_zh"] = "=HYPERLINK(\"http://x\",\"y\")"
    nodes.loc[firm, "evidence"] = "+cmd|' /C calc'!A0"
    hostile = Chain(nodes, chain.edges)
    _, outputs = render_outputs(hostile)
    (tmp_path / "lists.xlsx").write_bytes(outputs["lists.xlsx"])
    book = openpyxl.load_workbook(tmp_path / "lists.xlsx")
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith(("=", "+", "-", "@"))), value
    assert any("'=HYPERLINK" in str(v) for s in book for r in s.iter_rows(values_only=True) for v in r)


def test_same_data_same_bytes():
    rows = [[i, f"名字{i}", "=1+1", None, 1.5] for i in range(50)]
    first = write_workbook([Sheet("表", ["序号", "名称", "公式", "空", "数"], [5, 10, 10, 5, 5], iter(rows))])
    again = write_workbook([Sheet("表", ["序号", "名称", "公式", "空", "数"], [5, 10, 10, 5, 5], iter(rows))])
    assert first == again


def test_build_analyses_once(monkeypatch):
    import vvalley.analysis.gaps as gaps

    calls = []
    real = gaps.analyse

    def counting(*args, **kwargs):
        # The chain as it is (not cut to another year) and not a what-if (which reuses the template).
        calls.append(kwargs.get("template") is None and args[0].as_of is None)
        return real(*args, **kwargs)

    monkeypatch.setattr(gaps, "analyse", counting)
    render_outputs(load_chain(HOSTILE))
    # One analysis of the chain as it is, handed to the map, report, lists and gap files; the target
    # list's what-ifs reuse its template (the report's year comparison analyses other years).
    assert calls.count(True) == 1


def test_target_rows_say_what_changes_or_that_it_was_not_computed(workbook):
    from vvalley.build import TARGET_EFFECTS_IN_BUILD
    from vvalley.publish.lists import NOT_COMPUTED_ZH

    rows = [r for r in workbook["招商目标清单"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(rows) > TARGET_EFFECTS_IN_BUILD
    for row in rows[:TARGET_EFFECTS_IN_BUILD]:
        before, after = map(int, row[5].split("→"))
        assert after >= before and isinstance(row[6], int)
    assert all(row[5] == NOT_COMPUTED_ZH for row in rows[TARGET_EFFECTS_IN_BUILD:])
