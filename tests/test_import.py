"""`vvalley import` and `vvalley add firm` through the command line: import → review → apply, on a copy of data/."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from vvalley.chain.load import load_chain
from vvalley.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "import"
XLSX = FIXTURE / "firms.xlsx"
GBK = FIXTURE / "firms_gbk.csv"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def truth() -> dict[int, dict]:
    with open(FIXTURE / "truth.csv", encoding="utf-8", newline="") as handle:
        return {int(r["row"]): r for r in csv.DictReader(handle)}


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for path in (ROOT / "data").iterdir():
        if path.is_file():
            shutil.copyfile(path, target / path.name)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def as_json(*args) -> list[dict]:
    result = run("import", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_is_one_object_per_row_with_the_row_numbers_excel_shows(data):
    rows = as_json(XLSX, "--data", data)
    expected = truth()
    assert [r["row"] for r in rows] == sorted(expected)  # title, note and header rows counted: data from row 4
    assert rows[0]["row"] == 4
    for row in rows:
        assert set(row) == {"row", "name", "match", "segments", "region", "skip", "evidence"}
        t = expected[row["row"]]
        assert row["name"] == t["name"].replace("（", "(").replace("）", ")")
        assert bool(row["skip"]) == bool(t["skip"]), row
        if t["skip"] in ("注销", "吊销，未注销"):
            assert row["skip"] == f"登记状态为{t['skip'][:2]}（{t['skip']}）"
        if t["skip"] == "repeat":
            assert row["skip"].startswith("与第 ") and row["skip"].endswith(" 行重复")
        if not t["skip"]:
            assert row["match"] == (t["match"] or None)
            assert row["region"] == (t["region"] or None)
        assert row["evidence"].startswith(f"import: firms.xlsx, sheet 企业列表, row {row['row']}")
    first = next(r for r in rows if r["segments"] and not r["match"])
    assert "; 经营范围 matched '" in first["evidence"]


def test_gbk_csv_and_xlsx_versions_of_the_same_rows_import_the_same(data):
    from_xlsx = as_json(XLSX, "--data", data)
    from_csv = as_json(GBK, "--data", data)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "evidence"} for r in rows]  # noqa: E731
    assert strip(from_csv) == strip(from_xlsx)
    assert from_csv[0]["evidence"].startswith("import: firms_gbk.csv, row 4")


def test_import_writes_the_review_workbook_and_leaves_data_alone(data, tmp_path):
    before = snapshot(data)
    review = tmp_path / "review.xlsx"
    result = run("import", XLSX, "--data", data, "--review", review)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"读取 firms.xlsx（工作表 企业列表）：表头在第 3 行，{len(truth())} 行企业；列 name=企业名称, ")
    assert lines[-1] == (f"审核文件已写入 {review}；在「采纳」列确认后运行：vvalley import {XLSX} --apply {review}"
                         f"（或不经修改直接 vvalley import {XLSX} --apply）；{data} 尚未改动")
    assert snapshot(data) == before
    book = openpyxl.load_workbook(review, read_only=True)
    assert book.sheetnames == ["汇总", "企业", "关系", "匹配词", "待定", "重复", "跳过"]
    expected = truth()
    duplicates = list(book["重复"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[2]) for r in duplicates) == sorted((n, t["match"]) for n, t in expected.items() if t["match"])
    skipped = list(book["跳过"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in skipped) == sorted(n for n, t in expected.items() if t["skip"])
    doubts = [r[2] for r in book["待定"].iter_rows(min_row=2, values_only=True)]
    assert "未匹配任何环节 matched no segment" in doubts and "地址未能定位 address not placed" in doubts
    # the same proposal gives the same bytes
    again = tmp_path / "again.xlsx"
    assert run("import", XLSX, "--data", data, "--review", again).exit_code == 0
    assert again.read_bytes() == review.read_bytes()


def test_apply_appends_the_proposal_validates_and_a_second_import_proposes_nothing_new(data):
    old = load_chain(data)
    rows = as_json(XLSX, "--data", data)
    new_rows = [r for r in rows if not r["match"] and not r["skip"] and r["segments"]]
    result = run("import", XLSX, "--data", data, "--apply")
    assert result.exit_code == 0, result.output
    chain = load_chain(data)  # valid
    added = chain.nodes.index.difference(old.nodes.index)
    assert len(added) == len(new_rows)
    edges = sum(len(r["segments"]) + bool(r["region"]) for r in new_rows)
    last = result.stdout.splitlines()[-1]
    assert last.startswith(f"已追加 {len(new_rows)} 家企业、{edges} 条关系到 {data}；数据校验通过；备份在 {data}/.backup/")
    backups = list((data / ".backup").iterdir())
    assert len(backups) == 1 and (backups[0] / "chain_nodes.csv").read_bytes() == (ROOT / "data/chain_nodes.csv").read_bytes()
    assert set(chain.nodes.loc[added, "confidence"]) == {"C"} and set(chain.nodes.loc[added, "kind"]) == {"enterprise"}
    firm = new_rows[0]
    node_id = chain.resolve(firm["name"], kinds=("enterprise",))
    ops = chain.edges[(chain.edges["source"] == node_id) & (chain.edges["relation"] == "operates_in")]
    assert sorted(ops["target"]) == sorted(firm["segments"])
    assert all(e.startswith(firm["evidence"].split(";")[0]) for e in ops["evidence"])
    # a second import finds every firm it added: nothing new is proposed, and --apply adds nothing
    second = as_json(XLSX, "--data", data)
    matches = {r["row"]: r["match"] for r in second}
    assert [matches[n["row"]] for n in new_rows] == [chain.resolve(n["name"], kinds=("enterprise",)) for n in new_rows]
    assert not any(r["match"] is None and not r["skip"] and r["segments"] for r in second)
    before = snapshot(data)
    result = run("import", XLSX, "--data", data, "--apply")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"没有要追加的新行；{data} 未改动"
    assert snapshot(data) == before


def _mark(review: Path, sheet: str, keep) -> None:
    book = openpyxl.load_workbook(review)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        values = dict(zip(header, [c.value for c in row]))
        row[0].value = "是" if keep(values) else "否"
    book.save(review)


def test_apply_of_a_reviewed_workbook_takes_only_the_rows_marked_yes(data, tmp_path):
    review = tmp_path / "review.xlsx"
    assert run("import", XLSX, "--data", data, "--review", review).exit_code == 0
    nodes = [r for r in openpyxl.load_workbook(review, read_only=True)["企业"].iter_rows(min_row=2, values_only=True)]
    rejected = nodes[0][2]
    _mark(review, "企业", lambda v: v["id"] != rejected)
    _mark(review, "关系", lambda v: v["source"] != rejected and v["说明 note"] in (None, ""))
    result = run("import", XLSX, "--data", data, "--apply", review)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(f"读取审核文件 {review}（firms.xlsx 的审核）：采纳 {len(nodes) - 1} 家企业")
    chain = load_chain(data)
    assert rejected not in chain.nodes.index
    assert all(n[2] in chain.nodes.index for n in nodes[1:])
    # applying the same review again adds nothing
    before = snapshot(data)
    again = run("import", XLSX, "--data", data, "--apply", review)
    assert again.exit_code == 0
    assert again.stdout.splitlines()[-1].startswith("没有要追加的新行（") and again.stdout.endswith(f" 行已在 {data} 中）；{data} 未改动\n")
    assert snapshot(data) == before


def test_a_segment_or_region_typed_by_name_in_the_review_is_resolved(data, tmp_path):
    review = tmp_path / "review.xlsx"
    assert run("import", XLSX, "--data", data, "--review", review).exit_code == 0
    book = openpyxl.load_workbook(review)
    ws = book["关系"]
    firm = ws["C2"].value
    ws["D2"] = "工业相机/机器视觉相机"
    located = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 5).value == "located_in")
    ws.cell(located, 4).value = "滨江"
    book.save(review)
    assert run("import", XLSX, "--data", data, "--apply", review).exit_code == 0
    chain = load_chain(data)
    ops = chain.edges[chain.edges["source"] == firm]
    assert "seg.devices.mv_cameras" in set(ops["target"])
    where = chain.edges[chain.edges["source"] == ws.cell(located, 3).value]
    assert "reg.cn.zj.hangzhou.binjiang" in set(where[where["relation"] == "located_in"]["target"])


def test_a_review_edit_that_breaks_the_data_changes_nothing(data, tmp_path):
    review = tmp_path / "review.xlsx"
    assert run("import", XLSX, "--data", data, "--review", review).exit_code == 0
    book = openpyxl.load_workbook(review)
    book["关系"]["D2"] = "seg.no_such_segment"
    book.save(review)
    before = snapshot(data)
    result = run("import", XLSX, "--data", data, "--apply", review)
    assert result.exit_code == 1
    assert "seg.no_such_segment" in result.stderr and "[unknown-node]" in result.stderr
    assert "'seg.no_such_segment' 不是 chain_nodes.csv 中的 id" in result.stderr  # the problems in Chinese too
    assert result.stderr.splitlines()[-1].endswith(f"；{data} 未改动")
    assert snapshot(data) == before


def test_problems_of_an_apply_print_escapes_not_the_hostile_characters_of_a_cell(data, tmp_path):
    # A relation typed with a C1 CSI byte and a right-to-left override on a row made to point at
    # itself: the self-loop problem quotes the relation as typed.
    review = tmp_path / "review.xlsx"
    assert run("import", XLSX, "--data", data, "--review", review).exit_code == 0
    book = openpyxl.load_workbook(review)
    ties = book["关系"]
    ties["D2"], ties["E2"] = ties["C2"].value, "operates\x9b31m\u202e_in"
    book.save(review)
    result = run("import", XLSX, "--data", data, "--apply", review)
    assert result.exit_code == 1 and "[self-loop]" in result.stderr
    assert "operates\\u009b31m\\u202e_in" in result.stderr  # quoted by the self-loop problem: shown, not obeyed
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", result.output)


def test_a_failure_in_the_middle_of_apply_leaves_data_exactly_as_before(data, monkeypatch):
    import vvalley.importer.apply as apply_module

    before = snapshot(data)
    real, calls = apply_module._replace, []

    def fail_second(path, payload):
        calls.append(path.name)
        if len(calls) == 2:  # the nodes file is replaced already; the edges file fails
            raise OSError("disk full (forced by the test)")
        real(path, payload)

    monkeypatch.setattr(apply_module, "_replace", fail_second)
    result = run("import", XLSX, "--data", data, "--apply")
    assert calls == ["chain_nodes.csv", "chain_edges.csv"]
    assert result.exit_code == 2
    assert result.stderr == (f"错误：写入 {data} 时出错（disk full (forced by the test)）；已恢复原文件，"
                             f"{data} 未改动\n")
    assert snapshot(data) == before  # byte-identical, and no backup left behind
    load_chain(data)


@pytest.mark.parametrize("args, code, message", [
    (["missing.xlsx"], 2, "错误：找不到文件 missing.xlsx"),
    (["missing.xlsx", "--lang", "en"], 2, "error: no such file: missing.xlsx"),
    ([XLSX, "--column", "firm=单位"], 2,
     "错误：--column 的字段 'firm' 不存在；可用字段：name, credit_code, status, founded, address, province, city, "
     "district, industry, scope, products, website, name_en"),
    ([XLSX, "--column", "firm=单位", "--lang", "en"], 2,
     "error: unknown field 'firm' in --column; valid fields: name, credit_code, status, founded, address, province, "
     "city, district, industry, scope, products, website, name_en"),
    ([XLSX, "--sheet", "Sheet9"], 2, f"错误：{XLSX} 里没有工作表 'Sheet9'；有：企业列表、说明"),
    ([XLSX, "--sheet", "Sheet9", "--lang", "en"], 2, f"error: no sheet 'Sheet9' in {XLSX}; its sheets: 企业列表, 说明"),
    ([XLSX, "--sheet", "说明"], 2, "错误：firms.xlsx (工作表 说明) 的前 30 行里找不到表头行"),
    ([XLSX, "--sheet", "说明", "--lang", "en"], 2, "error: no header row found in the first 30 rows of firms.xlsx"),
    ([XLSX, "--format", "json", "--apply"], 2, "错误：--format json 只打印提议，不能与 --apply 同用"),
    ([XLSX, "output/x.review.xlsx"], 2, "错误：多给了一个文件 output/x.review.xlsx：审核文件要跟在 --apply 后面"),
    ([XLSX, "--column", "scope=业务描述"], 2, "错误：firms.xlsx (工作表 企业列表) 第 3 行（表头）没有列 '业务描述'"),
])
def test_bad_input_gets_a_clear_message_and_no_traceback(data, args, code, message):
    before = snapshot(data)
    result = run("import", *args, "--data", data)
    assert result.exit_code == code, result.output
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert snapshot(data) == before


def test_import_and_add_need_the_csv_folder_not_a_file():
    for args in (["import", XLSX], ["add", "firm", "示例", "--segment", "工业相机"]):
        result = run(*args, "--data", XLSX)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"错误：--data {XLSX} 是文件；导入和添加要写入数据文件夹"), result.stderr


def test_column_overrides_read_a_list_with_unusual_headers(data, tmp_path):
    path = tmp_path / "tenants.csv"
    path.write_text("园区入驻名单\n单位,业务,地点\n杭州示例测试视觉有限公司,工业相机研发、制造；机器视觉相机研发,"
                    "浙江省杭州市萧山区示例路1号\n", encoding="utf-8-sig")
    result = run("import", path, "--data", data, "--format", "json")
    assert result.exit_code == 2 and "找不到表头行" in result.stderr
    rows = as_json(path, "--data", data, "--column", "name=单位", "--column", "scope=业务", "--column", "address=地点")
    assert rows == [{"row": 3, "name": "杭州示例测试视觉有限公司", "match": None, "segments": ["seg.devices.mv_cameras"],
                     "region": "reg.cn.zj.hangzhou.xiaoshan", "skip": None,
                     "evidence": "import: tenants.csv, row 3; 经营范围 matched '工业相机', '机器视觉相机'"}]


def test_add_firm_resolves_names_generates_an_id_and_validates(data):
    result = run("add", "firm", "杭州示例测试视觉有限公司", "--segment", "工业相机/机器视觉相机", "--region", "萧山",
                 "--evidence", "https://example.com/a", "--data", data)
    assert result.exit_code == 0, result.output
    chain = load_chain(data)
    node_id = chain.resolve("杭州示例测试视觉有限公司", kinds=("enterprise",))
    assert node_id.startswith("ent.imp.")
    assert result.stdout.startswith(f"已添加 {node_id}（杭州示例测试视觉有限公司）：Industrial / machine-vision cameras "
                                    "(工业相机/机器视觉相机), Xiaoshan District (萧山区)；")
    edges = chain.edges[chain.edges["source"] == node_id]
    assert sorted(zip(edges["relation"], edges["target"])) == [("located_in", "reg.cn.zj.hangzhou.xiaoshan"),
                                                                ("operates_in", "seg.devices.mv_cameras")]
    assert set(edges["evidence"]) == {"https://example.com/a"} and set(edges["confidence"]) == {"C"}


def test_add_firm_refuses_unknown_names_and_firms_already_there(data):
    before = snapshot(data)
    result = run("add", "firm", "示例", "--segment", "相机模组", "--data", data)
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：没有名为“相机模组”的环节；相近的有：")
    result = run("add", "firm", "杭州海康威视数字技术股份有限公司", "--segment", "安防摄像机/录像设备", "--data", data)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("错误：杭州海康威视数字技术股份有限公司 已在数据中：ent.hikvision"
                                     "（Hikvision (杭州海康威视数字技术股份有限公司)）；未添加")
    assert snapshot(data) == before


@pytest.mark.parametrize("folder, encoding, newline", [("gbk-valid", "gb18030", b"\n"),
                                                        ("excel-crlf-bom", "utf-8-sig", b"\r\n")])
def test_appended_rows_keep_the_files_encoding_line_ends_and_old_bytes(tmp_path, folder, encoding, newline):
    data = tmp_path / folder
    shutil.copytree(ROOT / "tests" / "fixtures" / "invalid" / folder, data)
    old = {name: (data / name).read_bytes() for name in ("chain_nodes.csv", "chain_edges.csv")}
    result = run("add", "firm", "杭州示例追加测试有限公司", "--segment", "seg.chips.cis", "--region", "萧山",
                 "--evidence", "https://example.com/b", "--data", data)
    assert result.exit_code == 0, result.output
    for name, before in old.items():
        after = (data / name).read_bytes()
        assert after.startswith(before) and after.endswith(newline)
        added = after[len(before):].decode(encoding)
        assert "杭州示例追加测试有限公司" in added or "https://example.com/b" in added
    assert "ent.imp." in (data / "chain_nodes.csv").read_bytes()[len(old["chain_nodes.csv"]):].decode(encoding)
    load_chain(data)


def test_a_progress_bar_on_a_terminal_and_none_otherwise(data, tmp_path, monkeypatch):
    import importlib.util
    import io

    from rich.console import Console

    import vvalley.cli.importer as cli_importer

    spec = importlib.util.spec_from_file_location("make_import_fixture", FIXTURE / "make_import_fixture.py")
    fx = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fx)
    rows, _truth = fx.rows(chain_firms=1000, seed=3)
    path = tmp_path / "big.csv"
    fx.write_csv(rows, path, encoding="utf-8")
    result = run("import", path, "--data", data, "--review", tmp_path / "r1.xlsx")
    assert result.exit_code == 0 and result.stderr == ""  # not a terminal: no bar
    screen = io.StringIO()
    real = cli_importer.console
    monkeypatch.setattr(cli_importer, "console", lambda stderr=False: Console(file=screen, force_terminal=True,
                                                                              width=100) if stderr else real())
    result = run("import", path, "--data", data, "--review", tmp_path / "r2.xlsx")
    assert result.exit_code == 0
    assert "导入 big.csv" in screen.getvalue() and "100%" in screen.getvalue()
