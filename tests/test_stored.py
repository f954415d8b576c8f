"""A chain read from a .duckdb file keeps its edges in the file: the same answers, the edges never read into memory."""

import csv
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.chain.load import load_chain
from vvalley.chain.stored import StoredEdges
from vvalley.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
runner = CliRunner()


def ingested(source: Path, target: Path) -> Path:
    result = runner.invoke(app, ["ingest", str(source), "--to", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_chain import generate

    folder = tmp_path_factory.mktemp("generated")
    generate(folder, scale=0.002)
    return folder


def refuse(self):
    raise AssertionError("the stored edges were read into memory")


@pytest.fixture
def edges_never_read(monkeypatch):
    """Reading a stored chain's whole edge table fails the test."""
    monkeypatch.setattr(StoredEdges, "edges", refuse)


def command(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_gaps_and_rank_of_a_stored_chain_equal_the_folders_without_reading_its_edges(
        which, generated, tmp_path, monkeypatch):
    source = DATA if which == "bundled" else generated
    stored = ingested(source, tmp_path / "chain.duckdb")
    region = [] if which == "bundled" else ["--region", "reg.cn.zj.hangzhou.xiaoshan"]
    asks = {"gaps": ["gaps"], "rank": ["rank"], "compare": ["compare", "--as-of", "2018"]}
    expected = {name: command([*ask, "--data", str(source), "--format", "json", *region]) for name, ask in asks.items()}
    monkeypatch.setattr(StoredEdges, "edges", refuse)  # the expected answers are in: from here on, never
    for name, ask in asks.items():
        assert command([*ask, "--data", str(stored), "--format", "json", *region]) == expected[name], name
    assert json.loads(expected["gaps"])["gaps"]  # a report worth comparing


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_validate_of_a_stored_chain_counts_in_the_file(which, generated, tmp_path, edges_never_read):
    source = DATA if which == "bundled" else generated
    stored = ingested(source, tmp_path / "chain.duckdb")
    for lang in ("zh", "en"):
        from_file = command(["validate", "--data", str(stored), "--lang", lang])
        from_folder = command(["validate", "--data", str(source), "--lang", lang])
        assert from_file.replace(str(stored), "DATA") == from_folder.replace(str(source), "DATA")


def test_the_stored_chain_is_queried_in_the_file(tmp_path, edges_never_read):
    from vvalley import engine
    from vvalley.analysis.gaps import analyse

    chain = load_chain(ingested(DATA, tmp_path / "chain.duckdb"))
    assert chain.store is not None and chain.edge_count == len(load_chain(DATA).edges)
    report = analyse(chain, "萧山区")
    assert chain.edges_in_store  # still in the file after the whole analysis
    assert report.to_dict() == analyse(load_chain(DATA), "萧山区").to_dict()
    for year in (2012, 2018):  # a past year leaves out what had not begun and what had ended
        assert analyse(chain, "萧山区", as_of=year).to_dict() == analyse(load_chain(DATA), "萧山区", as_of=year).to_dict()
    assert engine.tables(chain).relation("operates_in").count().execute() == len(load_chain(DATA).relation("operates_in"))


def test_a_stored_chain_reads_its_edges_when_a_command_needs_them_all(tmp_path):
    chain = load_chain(ingested(DATA, tmp_path / "chain.duckdb"))
    folder = load_chain(DATA)
    assert chain.edges.equals(folder.edges)
    assert chain.relation("supplies").reset_index(drop=True).equals(folder.relation("supplies").reset_index(drop=True))
    assert chain.pairs("located_in").equals(folder.pairs("located_in"))
    for year in (2012, 2018):
        assert chain.at(year).edges.reset_index(drop=True).equals(folder.at(year).edges.reset_index(drop=True))


def test_edges_that_ended_are_cut_from_a_stored_chain(tmp_path):
    # One supplies tie ended in 2020: today's chain (at(None)) leaves it out, as the folder's does.
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "chain_nodes.csv").write_bytes((DATA / "chain_nodes.csv").read_bytes())
    with (DATA / "chain_edges.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    next(r for r in rows if r["relation"] == "supplies")["until"] = "2020"
    with (folder / "chain_edges.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    stored = load_chain(ingested(folder, tmp_path / "chain.duckdb"))
    assert stored.store.ended_before(2021) and not stored.store.ended_before(2020)
    today, expected = stored.at(None), load_chain(folder).at(None)
    unedited = load_chain(ingested(DATA, tmp_path / "unedited.duckdb")).at(None)
    assert len(today.edges) == len(expected.edges) == len(unedited.edges) - 1
    assert today.edge_count == len(today.edges)
    assert today.edges.reset_index(drop=True).equals(expected.edges.reset_index(drop=True))
