"""`vvalley validate` and `vvalley build`."""

from __future__ import annotations

from vvalley.cli._app import (DEFAULT_DATA, DEFAULT_OUT, DataDir, EngineOpt, Grade, Lang, LangOpt, MinConfidenceOpt,
                              OutDir, RegionOpt, app, console, echo, fail, fail_on_problems, load_or_fail)


@app.command()
def validate(data: DataDir = DEFAULT_DATA, lang: LangOpt = Lang.zh) -> None:
    """Check the data files; print every problem with file, line and column (exit 1 if any).

    Relations that are empty or thin and feeds cycles are printed as warnings (exit 0)."""
    from vvalley.analysis.counts import counts
    from vvalley.chain.quality import quality

    chain = load_or_fail(data, "fix them and run validate again")  # reads the files once
    by_kind, by_relation = counts(chain)
    echo(f"{data}: OK, {len(chain.nodes)} nodes ({_join(by_kind)}), "
         f"{len(chain.edges)} edges ({_join(by_relation)}); no problems.")
    for warning in quality(chain)["warnings"]:
        echo(("警告：" + warning["text_zh"]) if lang is Lang.zh else ("warning: " + warning["text"]))


@app.command()
def build(data: DataDir = DEFAULT_DATA, out: OutDir = DEFAULT_OUT, region: RegionOpt = None,
          min_confidence: MinConfidenceOpt = Grade.U, engine: EngineOpt = None) -> None:
    """Validate the data, then write the graph, gaps, maps and report into the output folder."""
    from vvalley.build import build as run_build
    from vvalley.chain.model import LookupProblem
    from vvalley.chain.problems import DataError
    from vvalley.analysis.counts import counts

    try:
        result = run_build(data, out, region, min_confidence.value)
    except DataError as err:
        fail_on_problems(err.problems, data)
    except LookupProblem as err:
        fail(str(err))
    by_kind, by_relation = counts(result.chain)
    console().print(_counts_table(by_kind, by_relation))
    summary = result.gaps.summary
    kinds = ", ".join(f"{n} {kind}" for kind, n in summary["gaps_by_kind"].items() if n)
    echo(f"{result.chain.label(result.gaps.region)}: {summary['covered']} of {summary['segments']} leaf "
         f"segments covered ({summary['coverage']:.0%}); gaps: {kinds or 'none'}")
    for d in result.gaps.data_gaps:
        echo(f"data gap (not ranked): {d['count']} {d['kind']}: {d['reason']}")
    if min_confidence is not Grade.U:
        echo(f"(gaps, maps and report count only facts graded {min_confidence.value} or better)")
    for path in result.written:
        echo(f"wrote {path}")


def _join(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items())


def _counts_table(by_kind: dict[str, int], by_relation: dict[str, int]):
    from rich.table import Table

    table = Table(title="The chain", show_edge=False)
    table.add_column("nodes by kind")
    table.add_column("n", justify="right")
    table.add_column("edges by relation")
    table.add_column("n", justify="right")
    kinds, relations = list(by_kind.items()), list(by_relation.items())
    for i in range(max(len(kinds), len(relations))):
        k = kinds[i] if i < len(kinds) else ("", "")
        r = relations[i] if i < len(relations) else ("", "")
        table.add_row(k[0], str(k[1]), r[0], str(r[1]))
    return table

