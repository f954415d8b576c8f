"""Results as titled tables (Section), and those tables as Markdown to paste into a briefing."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Section:
    """One titled table: column headers, rows of plain values, and notes shown under it.

    Both human formats (rich tables in the terminal, Markdown) are drawn from the same
    sections, so they always say the same thing.
    """

    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    empty: str = "none"


def cell_text(value) -> str:
    """A value as shown in a table: None as empty, floats to two decimals, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def md_escape(text: str) -> str:
    """Text as literal Markdown: no formatting, no HTML, no broken table cells (vvalley.sanitize.for_markdown)."""
    from vvalley.sanitize import for_markdown

    return for_markdown(text)


def to_markdown(sections: list[Section], title: str | None = None) -> str:
    """The sections as Markdown: a heading and a pipe table each, notes as a list."""
    out: list[str] = []
    if title:
        out += [f"# {md_escape(title)}", ""]
    for section in sections:
        out += [f"## {md_escape(section.title)}", ""]
        if section.rows:
            out.append("| " + " | ".join(md_escape(c) for c in section.columns) + " |")
            out.append("|" + "|".join("---" for _ in section.columns) + "|")
            for row in section.rows:
                out.append("| " + " | ".join(md_escape(cell_text(v)) for v in row) + " |")
        else:
            out.append(f"_{md_escape(section.empty)}_")
        out.append("")
        for note in section.notes:
            out.append(f"- {md_escape(note)}")
        if section.notes:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
