"""Every data-file problem in Chinese: each code, each way of making it, and the lines the CLI prints."""

from __future__ import annotations

import ast
import errno
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.chain import ingest
from vvalley.chain.load import validate
from vvalley.chain.meta import read_meta
from vvalley.chain.problems import CODES, MAX_LISTED, DataError, Problem
from vvalley.cli import app

from test_encodings import western_nodes
from test_validate import EXPECTED, INVALID, copy_valid, valid_text

N, E = "chain_nodes.csv", "chain_edges.csv"
ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# English prose words: none may be left in a Chinese line once the data in it (quoted values, paths,
# `commands`, another library's own report) is taken out. Column, kind and relation names are data.
ENGLISH = {
    "expected", "found", "column", "columns", "line", "lines", "more", "did", "you", "mean", "the", "is", "are",
    "not", "of", "an", "to", "from", "and", "with", "in", "at", "on", "value", "values", "empty", "each", "once",
    "already", "given", "defined", "header", "fields", "field", "listed", "edge", "edges", "cycle", "parent",
    "after", "number", "problems", "problem", "no", "such", "file", "cannot", "be", "read", "one", "appears",
    "twice", "this", "here", "itself", "holds", "invisible", "character", "quote", "opened", "never", "closed",
    "bytes", "byte", "text", "would", "as", "for", "its", "or", "node", "nodes", "year", "between", "same",
    "above", "format", "stored", "another", "run", "again", "key", "string", "valid", "object", "a", "that",
    "must", "should", "delimiter", "save", "use", "binary", "data", "workbook", "permissions", "program",
}


def english_left(line: str, *data: str) -> set[str]:
    for text in data:
        line = line.replace(text, " ")
    line = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", " ", line)  # quoted values, commands
    line = re.sub(r"（[A-Za-z ]+报告：[^）]*）", " ", line)  # "（DuckDB 报告：…）": that library's own words
    return {t for t in re.findall(r"[A-Za-z][A-Za-z0-9_.\-]*", line) if t in ENGLISH}


def assert_chinese(problem: Problem, *data: str) -> str:
    """The Chinese line keeps the English one's file:line and code, and says the rest in Chinese."""
    zh = problem.text("zh")
    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
    assert str(problem).startswith(where + ":")
    assert zh.startswith(where + ": "), zh
    assert zh.endswith(f"[{problem.code}]"), zh
    body = zh[len(where) + 2: -len(problem.code) - 2]
    assert re.search("[\u4e00-\u9fff]", body), zh
    data = (*data, f"列 {problem.column}") if problem.column else data
    assert not english_left(body, *data), (english_left(body, *data), zh)
    assert problem.text("en") == str(problem)
    assert problem.to_dict()["message_zh"] == zh and problem.to_dict()["message"] == str(problem)
    return zh


# ---- every Problem made anywhere says its Chinese -------------------------------------------------

def test_every_problem_made_in_the_code_gives_its_chinese():
    sites = []
    for path in sorted((ROOT / "vvalley").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Problem":
                given = {k.arg for k in node.keywords}
                sites.append((path.name, node.lineno))
                assert {"found_zh", "expected_zh"} <= given, f"{path}:{node.lineno} makes a Problem without Chinese"
    assert len(sites) >= 25  # the walk saw the creation sites (csvfile, checks, hierarchy, meta, ingest)


def test_a_problem_cannot_be_made_without_its_chinese():
    with pytest.raises(TypeError):
        Problem("f.csv", 1, "id", "bad-id", "found 'X'", "an id")  # type: ignore[call-arg]


# ---- the walk: every fixture, every code ---------------------------------------------------------

def _edited(tmp_path, name, nodes=None, edges=None):
    folder = copy_valid(tmp_path / name, nodes=nodes, edges=edges)
    return folder, validate(folder)


def _cases(tmp_path, monkeypatch):
    """(folder, problems) for the fixtures and for the edits that make the codes they do not."""
    for mode in sorted(EXPECTED):
        yield INVALID / mode, validate(INVALID / mode)
    n, e = valid_text(N), valid_text(E)
    yield _edited(tmp_path, "utf16", nodes=n.encode("utf-16"))
    yield _edited(tmp_path, "western", nodes=western_nodes().encode("cp1252"))
    yield _edited(tmp_path, "bom", nodes=b"\xef\xbb\xbf" + n.encode("utf-8").replace(b"CamCo", b"Cam\xffCo"))
    yield _edited(tmp_path, "nul", nodes=n.replace("CamCo,", "Cam\x00Co,"))
    yield _edited(tmp_path, "wide", nodes=n.replace("confidence\n", "confidence," + ",".join(
        f"x{i}" for i in range(1010)) + "\n", 1))
    yield _edited(tmp_path, "invisible", nodes=n.replace("confidence\n", "confidence,no\x1bte\n", 1))
    yield _edited(tmp_path, "twice", nodes=n.replace("confidence\n", "name\n", 1))
    yield _edited(tmp_path, "huge", nodes=n.replace("ent.camco,enterprise,CamCo", 'ent.camco,enterprise,"CamCo')
                  + "x" * 200_000 + "\n")
    yield _edited(tmp_path, "blank-cells", nodes=n.replace("ent.camco,enterprise,CamCo,", "ent.camco,,,"),
                  edges=e + ",seg.chips,,,,,,\n")
    yield _edited(tmp_path, "edge-columns", edges=e.replace("source,target,relation,", "source,target,rel,", 1))
    yield _edited(tmp_path, "edge-edits", edges=e + "seg.chips,reg.cn,part_of,,,,,\n"
                  "ent.camco,inst.lab,partners_with,,,fixture,B,\n"
                  "ent.camco,seg.chips.cis,operates_in,2019,2018,,A,\n")
    loop = "".join(f"seg.loop{i},segment,Loop {i},环 {i},upstream,,,,,\n" for i in range(15))
    ring = "".join(f"seg.loop{i},seg.loop{(i + 1) % 15},part_of,,,,,\n" for i in range(15))
    yield _edited(tmp_path, "long-cycle", nodes=n + loop, edges=e + ring)
    yield _edited(tmp_path, "capped", edges=e + "".join(
        f"ent.camco,seg.nowhere{i},operates_in,,,fixture,A,\n" for i in range(MAX_LISTED + 5)))
    yield _edited(tmp_path, "blank-file", nodes=" \r\n\r\n")
    unreadable = copy_valid(tmp_path / "unreadable")
    real = Path.read_bytes

    def read_bytes(self):
        if self == unreadable / N:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", read_bytes)
        yield unreadable, validate(unreadable)
    for name, text in (("bad-json", '{"name_zh": "产业链",\n "region" "x"}'), ("list", "[1]"),
                       ("keys", '{"name_zh": 1,\n "colour": "red"}'), ("gbk", "GBK")):
        folder = copy_valid(tmp_path / name)
        path = folder / "chain.json"
        if text == "GBK":
            path.write_bytes('{"name_zh": "产业链"}'.encode("gbk"))
        else:
            path.write_text(text, encoding="utf-8")
        with pytest.raises(DataError) as caught:
            read_meta(folder)
        yield folder, caught.value.problems
    yield from _duckdb_cases(tmp_path)


def _duckdb_cases(tmp_path):
    import duckdb

    folder = tmp_path / "duckdb"
    folder.mkdir()
    old = folder / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("CREATE TABLE meta (meta VARCHAR)")
        con.execute("INSERT INTO meta VALUES (?)", [json.dumps({"format": "0"})])
    (folder / "junk.duckdb").write_text("not a database", encoding="utf-8")
    for path in (old, folder / "junk.duckdb", folder / "none.duckdb"):
        with pytest.raises(DataError) as caught:
            ingest.read_duckdb(path)
        yield folder, caught.value.problems


def test_every_problem_of_every_code_reads_in_chinese(tmp_path, monkeypatch):
    seen = set()
    for folder, problems in _cases(tmp_path, monkeypatch):
        assert problems, folder
        for problem in problems:
            assert_chinese(problem, str(folder), str(folder.resolve()))
            seen.add(problem.code)
    assert seen == set(CODES)


# ---- through the command line: the exact lines ----------------------------------------------------

def lines(*args) -> list[str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 1, result.output
    return result.output.splitlines()


def test_an_unknown_kind_in_chinese_and_in_english():
    folder = INVALID / "unknown-kind"
    assert lines("validate", "--data", folder) == [
        f"{folder / N}:22: 第 22 行，列 kind：发现 'company'；应为以下之一：segment、focus_area、enterprise、institute、"
        "region [unknown-choice]",
        f"{folder} 下 1 个文件中共有 1 个问题；请修正后再运行 validate。"]
    assert lines("validate", "--data", folder, "--lang", "en") == [
        f"{folder / N}:22: column 'kind': found 'company'; expected one of: segment, focus_area, enterprise, "
        "institute, region [unknown-choice]",
        f"1 problem(s) in 1 file(s) under {folder}; fix them and run validate again."]


def test_a_misspelt_kind_gets_the_close_choice(tmp_path):
    folder = copy_valid(tmp_path, nodes=valid_text(N).replace("ent.camco,enterprise,", "ent.camco,enterprize,"))
    assert lines("validate", "--data", folder)[0] == (
        f"{folder / N}:19: 第 19 行，列 kind：发现 'enterprize'；应为以下之一：segment、focus_area、enterprise、"
        "institute、region（是否想写 'enterprise'？）[unknown-choice]")


def test_a_bad_choice_is_quoted_as_typed_not_as_normalised(tmp_path):
    # Case is normalised ('Enterprise' is enterprise), but the message quotes the cell as the file has it.
    folder = copy_valid(tmp_path, nodes=valid_text(N).replace("ent.camco,enterprise,", "ent.camco,Enterprize,"))
    assert lines("validate", "--data", folder)[0] == (
        f"{folder / N}:19: 第 19 行，列 kind：发现 'Enterprize'；应为以下之一：segment、focus_area、enterprise、"
        "institute、region（是否想写 'enterprise'？）[unknown-choice]")


def test_a_row_shifted_in_excel_is_one_problem_in_both_languages():
    folder = INVALID / "shifted-row"
    assert lines("validate", "--data", folder)[0] == (
        f"{folder / E}:26: 第 26 行，列 relation：从 relation 列起，各值似乎向左错了一列（删掉了一个单元格？）："
        "relation 列的 '2012' 应在 since 列；每个值应在自己的列：补回缺少的 relation 值，并把其后的单元格右移一列 "
        "[shifted-row]")
    assert lines("validate", "--data", folder, "--lang", "en")[1] == (
        f"{folder / N}:19: column 'kind': from column 'kind' on, the values sit one column to the left (a cell "
        "deleted?): 'CamCo' in 'kind' belongs in 'name'; expected each value in its column: put the missing 'kind' "
        "value back and move the cells after it one column right [shifted-row]")


def test_a_cell_inserted_in_excel_is_one_problem(tmp_path):
    # "Insert cell, shift right" after source: the target column holds the empty cell, the rest one late.
    edges = valid_text(E).replace("ent.socco,ent.camco,supplies,2012,,fixture,C,0.4",
                                  "ent.socco,,ent.camco,supplies,2012,,fixture,C")
    folder = copy_valid(tmp_path, edges=edges)
    assert lines("validate", "--data", folder)[:-1] == [
        f"{folder / E}:26: 第 26 行，列 target：从 target 列起，各值似乎向右错了一列（多插入了一个单元格？）："
        "relation 列的 'ent.camco' 应在 target 列；每个值应在自己的列：删去 target 列多出的单元格 ''，"
        "并把其后的单元格左移一列 [shifted-row]"]


def test_two_real_problems_on_one_row_are_not_taken_for_a_shift(tmp_path):
    # A self-loop and a bad weight: no shift of the row makes every cell fit, so both are said.
    edges = valid_text(E).replace("ent.socco,ent.camco,supplies,2012,,fixture,C,0.4",
                                  "ent.socco,ent.socco,supplies,2012,,fixture,C,40%")
    folder = copy_valid(tmp_path, edges=edges)
    codes = [line.rsplit("[", 1)[-1] for line in lines("validate", "--data", folder, "--lang", "en")[:-1]]
    assert codes == ["self-loop]", "bad-number]"]


def test_names_for_ids_in_chinese():
    folder = INVALID / "name-for-id"
    assert lines("gaps", "--data", folder)[:2] == [
        f"{folder / E}:18: 第 18 行，列 target：'萧山区' 是名称，不是 chain_nodes.csv 中的 id；应为 chain_nodes.csv "
        "中节点的 id，而不是名称（是否想写 'reg.cn.zj.hangzhou.xiaoshan'（Xiaoshan, 萧山区）？）[unknown-node]",
        f"{folder / E}:23: 第 23 行，列 target：'图像传感器' 是名称，不是 chain_nodes.csv 中的 id；应为 chain_nodes.csv "
        "中节点的 id，而不是名称（是否想写 'seg.chips.cis'（Image sensors (CIS), 图像传感器）？）[unknown-node]"]
    assert lines("gaps", "--data", folder)[-1] == f"{folder} 下 1 个文件中共有 3 个问题；未计算缺口。"


def test_a_part_of_cycle_in_chinese(tmp_path):
    folder = INVALID / "part-of-cycle"
    out = tmp_path / "out"
    assert lines("build", "--data", folder, "--out", out) == [
        f"{folder / E}:7: 第 7 行，列 target：part_of 关系成环：seg.chips.cis -> seg.chips -> seg.chips.cis（第 7、29 行）；"
        "part_of 关系应构成一棵树，每条都指向更大的环节或地区 [cycle]",
        f"{folder} 下 1 个文件中共有 1 个问题；未写入任何文件。"]
    assert not out.exists()


def test_a_gbk_line_in_a_utf8_file_in_chinese():
    folder = INVALID / "mixed-encoding"
    assert lines("report", "--data", folder)[0] == (
        f"{folder / N}:13: 第 13 行：这一行是 GBK/GB18030 文本，不是 UTF-8（'seg.devices.camera,segment,Security "
        "cameras,安防摄像机,midstream…'，第 45 个字节起为 b0 b2 b7 c0）；整个文件应使用同一种编码：UTF-8 或 "
        "GBK/GB18030；在 Excel 中用“另存为”，文件类型选“CSV UTF-8(逗号分隔)”[encoding]")


def test_a_missing_column_and_a_missing_file_in_chinese(tmp_path):
    folder = INVALID / "missing-column"
    assert lines("map", "--data", folder)[0] == (
        f"{folder / N}:1: 第 1 行，列 kind：表头中没有列 'kind'（现有的列：id, name, name_zh, layer, description, since, "
        "until, evidence, confidence）；应有名为 'kind' 的列：节点是什么：segment、focus_area、enterprise、institute "
        "或 region [missing-column]")
    folder = INVALID / "missing-edges-file"
    assert lines("rank", "--data", folder) == [
        f"{folder / E}: 文件不存在；应在 {folder / E} 有一个 CSV 文件 [missing-file]",
        f"{folder} 下 1 个文件中共有 1 个问题；未排序。"]


def test_every_action_a_command_gives_has_its_chinese():
    from vvalley.cli._app import ACTIONS_ZH

    given = set()
    for path in (ROOT / "vvalley" / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None) and getattr(node.func, "id", "")
            if isinstance(node, ast.Call) and name in ("load_or_fail", "fail_on_problems"):
                at = 1 if name == "load_or_fail" else 2
                args = [*node.args[at:at + 1], *(k.value for k in node.keywords if k.arg == "action")]
                given |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    assert given and given <= set(ACTIONS_ZH), given - set(ACTIONS_ZH)
