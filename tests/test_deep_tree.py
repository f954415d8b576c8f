"""A segment tree far deeper than any taxonomy is refused by the analysis with one sentence, fast."""

from typer.testing import CliRunner

from vvalley.cli import app


def test_gaps_and_build_refuse_a_50000_deep_segment_tree(tmp_path, write_deep_chain):
    write_deep_chain(tmp_path, 50_000)
    runner = CliRunner()
    gaps = runner.invoke(app, ["gaps", "--data", str(tmp_path), "--lang", "en"])
    assert gaps.exit_code == 2, gaps.output
    assert "the segment tree (part_of) is 50,000 levels deep; the analysis takes trees up to 100 levels" in gaps.output
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", "--data", str(tmp_path), "--out", str(out)])
    assert built.exit_code == 2, built.output
    assert "环节树（part_of）深达 50,000 层" in built.output
    assert not out.exists()


def test_a_tree_of_100_levels_is_analysed(tmp_path, write_deep_chain):
    write_deep_chain(tmp_path, 100)
    result = CliRunner().invoke(app, ["gaps", "--data", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"region": "reg.x"' in result.output
