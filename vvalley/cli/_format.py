"""The --format option and printing a result as a rich table, JSON or Markdown."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from vvalley.cli._app import console, echo


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    md = "md"


FormatOpt = Annotated[OutputFormat, typer.Option(
    "--format", help="table (for people), json (for scripts, stable), md (Markdown to paste into a briefing).")]


def show(data, sections, fmt: OutputFormat, title: str) -> None:
    """Print `data` as JSON, or its `sections` as Markdown or rich tables."""
    if fmt is OutputFormat.json:
        from vvalley.publish.files import dumps_json

        echo(dumps_json(data).rstrip("\n"))
    elif fmt is OutputFormat.md:
        from vvalley.publish.sections import to_markdown

        echo(to_markdown(sections, title).rstrip("\n"))
    else:
        print_tables(sections, title)


def print_tables(sections, title: str) -> None:
    from rich.markup import escape as markup_escape
    from rich.table import Table

    from vvalley.publish.sections import cell_text
    from vvalley.sanitize import for_terminal

    def escape(text: str) -> str:
        # Cells are text, never rich markup (a name like "[red]x" shows as typed), and a control
        # character shows as \u001b before rich measures the cell, so the columns line up.
        return markup_escape(for_terminal(text))

    out = console()
    out.print(f"[bold]{escape(title)}[/bold]")
    for section in sections:
        out.print()
        if not section.rows:
            out.print(f"[bold]{escape(section.title)}[/bold]: {escape(section.empty)}")
        else:
            table = Table(title=escape(section.title), title_justify="left", show_edge=False, header_style="bold")
            for column in section.columns:
                table.add_column(column, overflow="fold")
            for row in section.rows:
                # Cells are text, never rich markup: a name like "[red]x" shows as typed.
                table.add_row(*(escape(cell_text(v)) for v in row))
            out.print(table)
        for note in section.notes:
            out.print(f"  {escape(note)}")
