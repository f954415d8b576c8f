"""Ingest once, ask many times: the content-keyed cache and `vvalley ingest DIR --to FILE.duckdb`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import vvalley.chain.load as load
from vvalley.chain import ingest
from vvalley.chain.load import load_chain
from vvalley.chain.problems import DataError
from vvalley.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("VVALLEY_CACHE_DIR", str(root))
    monkeypatch.setenv("VVALLEY_CACHE", "on")
    return root


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(INVALID / "extra-columns", folder)  # extra columns are kept through the cache too
    return folder


def assert_same_chain(a, b):
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert (a.extra_node_columns, a.extra_edge_columns, a.as_of) == (b.extra_node_columns, b.extra_edge_columns,
                                                                     b.as_of)


def count_parses(monkeypatch) -> list:
    calls = []
    real = load._load
    monkeypatch.setattr(load, "_load", lambda folder: calls.append(folder) or real(folder))
    return calls


def test_a_cache_hit_returns_an_equal_chain_without_parsing(cache, data, monkeypatch):
    calls = count_parses(monkeypatch)
    first = load_chain(data)
    assert len(calls) == 1
    entries = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert len(entries) == 1 and {p.name for p in entries[0].iterdir()} == {"nodes.arrow", "edges.arrow",
                                                                           "meta.json"}
    second = load_chain(data)
    assert len(calls) == 1  # read from the cache
    assert_same_chain(first, second)
    assert_same_chain(second, load_chain(data, cache=False))
    assert second.descendants("seg.chips") == first.descendants("seg.chips")
    assert second.nodes.at["ent.camco", "website"] == "https://camco.example"


def test_editing_a_csv_invalidates_the_cache(cache, data, monkeypatch):
    calls = count_parses(monkeypatch)
    load_chain(data)
    path = data / "chain_nodes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("CamCo,摄像公司", "CamCo2,摄像公司"), encoding="utf-8")
    edited = load_chain(data)
    assert len(calls) == 2
    assert edited.nodes.at["ent.camco", "name"] == "CamCo2"
    load_chain(data)
    assert len(calls) == 2


def test_a_bad_file_is_never_cached(cache, tmp_path, monkeypatch):
    folder = tmp_path / "bad"
    shutil.copytree(INVALID / "duplicate-id", folder)
    calls = count_parses(monkeypatch)
    for _ in range(2):
        with pytest.raises(DataError):
            load_chain(folder)
    assert len(calls) == 2
    assert not cache.exists() or not [p for p in cache.iterdir() if not p.name.startswith(".")]


def test_the_key_covers_both_files_and_the_code(data):
    key = ingest.data_key(data)
    assert key == ingest.data_key(data) and len(key) == 40
    with (data / "chain_edges.csv").open("a", encoding="utf-8") as edges:
        edges.write("\n")
    assert ingest.data_key(data) != key


def test_the_cache_can_be_turned_off(cache, data, monkeypatch):
    monkeypatch.setenv("VVALLEY_CACHE", "off")
    calls = count_parses(monkeypatch)
    load_chain(data)
    load_chain(data)
    assert len(calls) == 2 and not cache.exists()


def test_an_unwritable_cache_is_skipped(tmp_path, data, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("VVALLEY_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setenv("VVALLEY_CACHE", "on")
    assert len(load_chain(data).nodes) == 22


# ---- vvalley ingest DIR --to FILE.duckdb ------------------------------------------------------

runner = CliRunner()


def test_ingest_writes_a_duckdb_file_that_commands_read(tmp_path, data):
    target = tmp_path / "chain.duckdb"
    result = runner.invoke(app, ["ingest", str(data), "--to", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{data}: 22 nodes, 27 edges checked, no problems."
    assert result.output.splitlines()[1].startswith(f"wrote {target} (")
    assert_same_chain(load_chain(target), load_chain(data, cache=False))
    done = runner.invoke(app, ["validate", "--data", str(target), "--lang", "en"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"{target}: OK, 22 nodes")
    gaps = runner.invoke(app, ["gaps", "--data", str(target), "--format", "json"])
    same = runner.invoke(app, ["gaps", "--data", str(data), "--format", "json"])
    assert gaps.exit_code == 0, gaps.output
    assert gaps.output == same.output


def test_ingest_in_chinese_by_default(tmp_path, data):
    result = runner.invoke(app, ["ingest", str(data), "--to", str(tmp_path / "c.duckdb")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"{data}：已检查 22 个节点、27 条边，没有问题。"


def test_ingest_of_bad_data_writes_nothing(tmp_path):
    target = tmp_path / "chain.duckdb"
    result = runner.invoke(app, ["ingest", str(INVALID / "duplicate-id"), "--to", str(target), "--lang", "en"])
    assert result.exit_code == 1
    assert "chain_nodes.csv:24: column 'id'" in result.output
    assert "nothing was written" in result.output
    assert list(tmp_path.iterdir()) == []
    result = runner.invoke(app, ["ingest", str(INVALID / "duplicate-id"), "--to", str(target)])
    assert result.exit_code == 1
    assert "chain_nodes.csv:24: 第 24 行，列 id：id 'ent.camco' 已在第 19 行定义过；每个 id 只应定义一次" in result.output
    assert result.output.splitlines()[-1] == f"{INVALID / 'duplicate-id'} 下 1 个文件中共有 1 个问题；未写入任何文件。"
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_an_ingested_chain_is_a_clear_problem(tmp_path):
    fake = tmp_path / "x.duckdb"
    fake.write_text("hello", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_chain(fake)
    assert [p.code for p in caught.value.problems] == ["not-text"]
    with pytest.raises(DataError) as caught:
        load_chain(tmp_path / "missing.duckdb")
    assert [p.code for p in caught.value.problems] == ["missing-file"]


def test_build_from_an_ingested_file_writes_what_the_folder_gives(tmp_path):
    # The bundled data with its chain.json (name, default region): both travel into the file.
    data = Path(__file__).resolve().parent.parent / "data"
    target = tmp_path / "bundled.duckdb"
    assert runner.invoke(app, ["ingest", str(data), "--to", str(target)]).exit_code == 0
    for source, out in ((target, tmp_path / "from-file"), (data, tmp_path / "from-folder")):
        result = runner.invoke(app, ["build", "--data", str(source), "--out", str(out)])
        assert result.exit_code == 0, result.output
    for name in ("gaps.json", "map.html", "report.md"):
        assert (tmp_path / "from-file" / name).read_bytes() == (tmp_path / "from-folder" / name).read_bytes(), name
