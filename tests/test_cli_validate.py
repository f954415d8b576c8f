"""`vvalley validate` and `vvalley build` on good and bad data, through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from vvalley.cli import app, main
from vvalley.chain.load import load_chain

from test_validate import EXPECTED, INVALID, LOADS, VALID

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_on_valid_data_prints_one_summary_line_in_chinese_by_default():
    result = run("validate", "--data", VALID)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        f"{VALID}：数据无误，共 22 个节点：环节 9、聚焦方向 1、企业 4、研究机构 1、地区 7；27 条关系：隶属 10、"
        "供给（上游→下游） 4、服务聚焦方向 2、从事环节 4、研究环节 1、位于 5、供应 1"]


def test_validate_on_valid_data_prints_one_summary_line():
    result = run("validate", "--data", VALID, "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0] == (f"{VALID}: OK, 22 nodes (9 segment, 1 focus_area, 4 enterprise, 1 institute, 7 region), "
                        "27 edges (10 part_of, 4 feeds, 2 serves, 4 operates_in, 1 researches, 5 located_in, "
                        "1 supplies); no problems.")


@pytest.mark.parametrize("mode", LOADS)
def test_validate_accepts_files_as_excel_saves_them(mode):
    result = run("validate", "--data", INVALID / mode)
    assert result.exit_code == 0, result.output
    assert "数据无误，共 22 个节点" in result.output


@pytest.mark.parametrize("mode", sorted(EXPECTED))
def test_validate_on_bad_data_names_file_and_line_and_exits_1(mode):
    result = run("validate", "--data", INVALID / mode, "--lang", "en")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    expected = EXPECTED[mode]
    assert len(lines) == len(expected) + 1  # every problem, then the count
    for line, (file, number, column, code) in zip(lines, expected):
        where = f"{INVALID / mode / file}:{number}:" if number else f"{INVALID / mode / file}:"
        assert line.startswith(where), line
        assert line.endswith(f"[{code}]")
        if column:
            assert f" column '{column}': " in line
    files = len({file for file, *_ in expected})
    assert lines[-1] == (f"{len(expected)} problem(s) in {files} file(s) under {INVALID / mode}; "
                         "fix them and run validate again.")


def test_validate_on_a_folder_without_data(tmp_path):
    result = run("validate", "--data", tmp_path / "nowhere", "--lang", "en")
    assert result.exit_code == 1
    assert "chain_nodes.csv: no such file" in result.output
    assert "chain_edges.csv: no such file" in result.output
    result = run("validate", "--data", tmp_path / "nowhere")
    assert result.exit_code == 1
    nodes = tmp_path / "nowhere" / "chain_nodes.csv"
    assert f"{nodes}: 文件不存在；应在 {nodes} 有一个 CSV 文件 [missing-file]" in result.output.splitlines()
    assert result.output.splitlines()[-1] == f"{tmp_path / 'nowhere'} 下 2 个文件中共有 2 个问题；请修正后再运行 validate。"


@pytest.mark.parametrize("mode", ["multiple-problems", "not-text", "missing-edges-file", "part-of-cycle",
                                  "mixed-encoding", "unclosed-quote"])
def test_build_on_bad_data_writes_nothing(tmp_path, mode):
    out = tmp_path / "out"
    result = run("build", "--data", INVALID / mode, "--out", out, "--lang", "en")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{INVALID / mode}/chain_" in result.output
    assert "nothing was written" in result.output
    assert not out.exists()
    result = run("build", "--data", INVALID / mode, "--out", out)
    assert result.exit_code == 1
    assert f"{INVALID / mode}/chain_" in result.output
    assert result.output.splitlines()[-1].endswith("个问题；未写入任何文件。")
    assert not out.exists()


def test_build_on_bad_data_leaves_an_existing_out_folder_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.json").write_text("old", encoding="utf-8")
    result = run("build", "--data", INVALID / "duplicate-id", "--out", out)
    assert result.exit_code == 1
    assert [p.name for p in out.iterdir()] == ["graph.json"]
    assert (out / "graph.json").read_text(encoding="utf-8") == "old"


def test_build_on_valid_data_writes_a_graph_networkx_reads_back(tmp_path):
    out = tmp_path / "out"
    result = run("build", "--data", VALID, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"已写入 {out / 'graph.json'}" in result.output
    graph = nx.node_link_graph(json.loads((out / "graph.json").read_text(encoding="utf-8")), edges="edges")
    chain = load_chain(VALID)
    assert graph.number_of_nodes() == len(chain.nodes) == 22
    assert graph.number_of_edges() == len(chain.edges) == 27
    assert graph.nodes["reg.cn.zj.hangzhou.xiaoshan"]["name_zh"] == "萧山区"
    assert graph.is_multigraph() and graph.is_directed()
    assert not any(p.name.endswith(".tmp") for p in out.iterdir())


def test_main_turns_an_unexpected_exception_into_one_line_and_exit_3(monkeypatch, capsys):
    import vvalley.chain.load

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(vvalley.chain.load, "load_chain", boom)
    monkeypatch.delenv("VVALLEY_DEBUG", raising=False)
    monkeypatch.setattr(sys, "argv", ["vvalley", "validate", "--data", str(VALID)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 3
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "internal error: RuntimeError: boom"
    assert "Traceback" not in err
    assert "VVALLEY_DEBUG=1" in err


def test_main_lets_data_problems_exit_1(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["vvalley", "validate", "--data", str(INVALID / "bad-id"), "--lang", "en"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    assert "chain_nodes.csv:24: column 'id'" in capsys.readouterr().err
    monkeypatch.setattr(sys, "argv", ["vvalley", "validate", "--data", str(INVALID / "bad-id")])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    assert "chain_nodes.csv:24: 第 24 行，列 id：发现 'Ent.Hik vision'" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["build", "--help"]])
def test_help_does_not_import_pandas(args):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from vvalley.cli import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'Usage' in result.output\n"
        "heavy = sorted(m for m in ('pandas', 'networkx', 'numpy') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert "pandas" not in done.stdout.split(","), done.stdout


def test_validate_lists_a_kind_up_to_the_cap_and_counts_the_rest(tmp_path):
    import shutil

    from vvalley.chain.problems import MAX_LISTED

    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    with (folder / "chain_edges.csv").open("a", encoding="utf-8") as edges:
        for i in range(MAX_LISTED + 1300):
            edges.write(f"ent.camco,seg.nowhere{i},operates_in,,,fixture,A,\n")
    result = run("validate", "--data", folder, "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == MAX_LISTED + 2
    assert lines[-2] == (f"{folder / 'chain_edges.csv'}:{29 + MAX_LISTED}: column 'target': … and 1,300 more "
                         f"problems of this kind, not listed (the first of them on this line); expected the same "
                         f"as for the {MAX_LISTED} listed above [unknown-node]")
    assert lines[-1] == (f"{MAX_LISTED + 1300} problem(s) in 1 file(s) under {folder}; "
                         "fix them and run validate again.")
    result = run("validate", "--data", folder)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == MAX_LISTED + 2
    assert lines[-2] == (f"{folder / 'chain_edges.csv'}:{29 + MAX_LISTED}: 第 {29 + MAX_LISTED} 行，列 target：… 另有 "
                         f"1,300 个同类问题未列出（第一个在这一行）；改法同上面列出的 {MAX_LISTED} 个 [unknown-node]")
    assert lines[-1] == f"{folder} 下 1 个文件中共有 {MAX_LISTED + 1300} 个问题；请修正后再运行 validate。"
