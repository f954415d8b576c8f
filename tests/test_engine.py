"""The table engine: choosing it, its queries, and the same gap report on DuckDB and on Spark."""

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley import engine
from vvalley.cli import app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _clean(reset_engine, monkeypatch):
    monkeypatch.delenv("VVALLEY_ENGINE", raising=False)
    yield


def command_json(command: str, data: Path, engine_name: str, *extra) -> str:
    result = runner.invoke(app, [command, "--data", str(data), "--format", "json", "--engine", engine_name, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def gaps_json(data: Path, engine_name: str, *extra) -> str:
    return command_json("gaps", data, engine_name, *extra)


# ---- choosing the engine ----------------------------------------------------------------

def test_default_env_and_use(monkeypatch):
    assert engine.current() == "duckdb"
    monkeypatch.setenv("VVALLEY_ENGINE", "Spark")
    assert engine.current() == "spark"
    with engine.use("duckdb"):
        assert engine.current() == "duckdb"
        with engine.use("spark"):
            assert engine.current() == "spark"
        assert engine.current() == "duckdb"
    with pytest.raises(ValueError, match="unknown engine 'oracle'; expected one of: duckdb, spark"):
        engine.use("oracle").__enter__()
    monkeypatch.setenv("VVALLEY_ENGINE", "oracle")
    with pytest.raises(engine.EngineUnavailable, match="VVALLEY_ENGINE='oracle' is not an engine"):
        engine.current()
    # A command without --engine (map, report …) says so too, as a message.
    result = runner.invoke(app, ["gaps", "--data", str(DATA)], env={"VVALLEY_ENGINE": "oracle"})
    assert result.exit_code == 2 and "oracle" in result.output


def test_queries_run_on_the_chosen_engine_and_come_back_sorted():
    before = engine.queries_run().get("duckdb", 0)
    table = engine.memtable({"a": ["b", "a", "b", "c"], "n": [2, 1, 1, 3]}, types={"n": "int64"})
    out = engine.fetch(table.filter(engine.isin(table.a, ["b", "a"])))
    assert out.to_dict("list") == {"a": ["a", "b", "b"], "n": [1, 1, 2]}
    assert engine.fetch(table.filter(engine.isin(table.a, []))).empty  # no values: no rows, no SQL error
    assert engine.queries_run()["duckdb"] == before + 2


def test_the_chain_tables_are_built_once_per_chain():
    from vvalley.chain.load import load_chain

    chain = load_chain(DATA)
    tables = engine.tables(chain)
    assert engine.tables(chain) is tables
    assert tables.relation("operates_in") is tables.relation("operates_in")
    ops = engine.fetch(tables.relation("operates_in"))
    assert len(ops) == len(chain.relation("operates_in"))
    assert engine.tables(chain.at(1990)) is not tables


def test_spark_missing_says_how_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    problem = engine.spark_problem()
    assert 'pip install "vvalley[spark]"' in problem
    result = runner.invoke(app, ["gaps", "--data", str(DATA), "--engine", "spark"])
    assert result.exit_code == 2 and "vvalley[spark]" in result.output and "Traceback" not in result.output


def test_spark_without_java_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    assert "needs Java 17+" in engine.spark_problem()
    assert "需要 Java 17+" in engine.spark_problem("zh")
    result = runner.invoke(app, ["gaps", "--data", str(DATA), "--engine", "spark"])
    assert result.exit_code == 2 and "错误：spark 引擎在本机运行 Spark，需要 Java 17+" in result.output
    monkeypatch.setenv("SPARK_REMOTE", "sc://spark.example:15002")
    assert engine.spark_problem() is None  # a Spark Connect server needs no local Java


def test_engine_error_reaches_the_user_as_a_message(monkeypatch, capsys):
    """An engine that fails to start (here: a stand-in) is one line on stderr and exit 2, not a traceback."""
    from vvalley.cli import _app

    def broken():
        raise engine.EngineUnavailable("could not start a local Spark: no JVM", "无法启动本机 Spark：no JVM")

    monkeypatch.setattr(_app, "app", broken)
    for lang, said in (("en", "error: could not start a local Spark: no JVM\n"),
                       ("zh", "错误：无法启动本机 Spark：no JVM\n")):
        monkeypatch.setitem(_app._STATE, "lang", lang)
        monkeypatch.setattr(sys, "argv", ["vvalley"])
        with pytest.raises(SystemExit) as exit_info:
            _app.main()
        assert exit_info.value.code == 2
        assert capsys.readouterr().err == said


# ---- the same answers on Spark ----------------------------------------------------------

def test_bundled_gaps_identical_on_spark(spark):
    duck = gaps_json(DATA, "duckdb")
    runs = engine.queries_run().get("spark", 0)
    on_spark = gaps_json(DATA, "spark")
    assert engine.queries_run().get("spark", 0) > runs  # it really ran there
    assert on_spark == duck
    assert json.loads(duck)["gaps"]


def test_generated_chain_gaps_identical_on_spark(spark, tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_chain import generate

    generate(tmp_path, scale=0.002)
    duck = gaps_json(tmp_path, "duckdb")
    kinds = {g["kind"] for g in json.loads(duck)["gaps"]}
    assert {"missing_segment", "broken_link", "foreign_dependency"} <= kinds  # a report worth comparing
    assert gaps_json(tmp_path, "spark") == duck


def test_rank_identical_on_spark(spark):
    duck = command_json("rank", DATA, "duckdb", "--region", "萧山区")
    assert command_json("rank", DATA, "spark", "--region", "萧山区") == duck


def test_a_stored_chain_gives_the_same_gaps_on_spark(spark, tmp_path):
    # On DuckDB its edges are queried in the file; on Spark they are read from it as Arrow.
    stored = tmp_path / "chain.duckdb"
    assert runner.invoke(app, ["ingest", str(DATA), "--to", str(stored)]).exit_code == 0
    duck = gaps_json(stored, "duckdb")
    assert gaps_json(stored, "spark") == duck == gaps_json(DATA, "duckdb")
    from vvalley.analysis.gaps import analyse
    from vvalley.chain.load import load_chain

    chain = load_chain(stored)  # one chain object asked on both engines keeps their tables apart
    with engine.use("duckdb"):
        first = analyse(chain, "萧山区").to_dict()
    with engine.use("spark"):
        assert analyse(chain, "萧山区").to_dict() == first


@pytest.mark.parametrize("command", ["gaps", "rank", "build", "targets", "whatif", "compare", "report", "map", "poster"])
def test_every_command_that_analyses_takes_engine(command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "--engine" in result.output


def test_targets_identical_on_spark(spark):
    duck = command_json("targets", DATA, "duckdb", "--limit", "2")
    assert json.loads(duck) and command_json("targets", DATA, "spark", "--limit", "2") == duck
