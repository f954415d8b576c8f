"""`vvalley validate` and `vvalley build`."""

from __future__ import annotations

from pathlib import Path

from ._app import DEFAULT_DATA, DEFAULT_OUT, DataDir, OutDir, app, echo, fail_on_problems, load_or_fail


@app.command()
def validate(data: DataDir = DEFAULT_DATA) -> None:
    """Check the data files; print every problem with file, line and column (exit 1 if any)."""
    from ..summary import counts

    chain = load_or_fail(data, "fix them and run validate again")  # reads the files once
    by_kind, by_relation = counts(chain)
    echo(f"{data}: OK, {len(chain.nodes)} nodes ({_join(by_kind)}), "
         f"{len(chain.edges)} edges ({_join(by_relation)}); no problems.")


@app.command()
def build(data: DataDir = DEFAULT_DATA, out: OutDir = DEFAULT_OUT) -> None:
    """Validate the data, then write the graph, gaps, maps and report into the output folder."""
    from ..build import build as run_build
    from ..problems import DataError
    from ..summary import counts

    try:
        result = run_build(data, out)
    except DataError as err:
        fail_on_problems(err.problems, data)
    by_kind, by_relation = counts(result.chain)
    table = _counts_table(by_kind, by_relation)
    from ._app import console

    console().print(table)
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


__all__ = ["validate", "build", "Path"]
