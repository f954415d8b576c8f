"""Text made safe for each place it goes: terminal, HTML, Markdown, XML, spreadsheet cells, names.

Data is typed by hand in Excel or comes from registries, so any character can arrive. Each sink
gets one function here, and every writer calls it (never its own regex):

| sink | function | what happens to a control character, U+FFFE/U+FFFF, a lone surrogate |
|---|---|---|
| terminal (echo, rich, errors) | `for_terminal` | shown as a visible escape (`\\u001b`, `\\u202e`); tab and newline kept |
| HTML | `for_html` | removed; the rest HTML-escaped |
| Markdown | `for_markdown` | removed; Markdown/HTML syntax backslash-escaped; one line |
| XML (GraphML, GEXF, xlsx) | `for_xml` | removed, so the file is always well-formed XML 1.0 |
| CSV cell | `for_csv_cell` | removed, bidi overrides too; no piece of the cell, split at `,` `;` tab or newline, can start a formula |
| XLSX cell | `for_xlsx_cell` | removed; `needs_formula_guard` says when to store it as quoted text |
| an id or column name | `first_unsafe` | the load refuses it (file:line:column) |
"""

from __future__ import annotations

import html
import re

# C0 controls except tab and newline, DEL, C1 controls: terminals obey ESC (0x1b) and CSI (0x9b).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Lone surrogates and the two XML non-characters.
_NONCHARS = "\ud800-\udfff\ufffe\uffff"
# Bidirectional overrides and isolates: they reorder what a terminal shows ("Trojan Source").
_BIDI = "\u202a-\u202e\u2066-\u2069"

_UNSAFE = re.compile(f"[{_CONTROLS}{_NONCHARS}]")
_TERMINAL_UNSAFE = re.compile(f"[{_CONTROLS}{_NONCHARS}{_BIDI}]")
# A spreadsheet shows a CSV cell as plain text with no markup: a bidi override there reorders what
# the reader sees ("Trojan Source" in a cell), so the CSV sink drops it with the controls.
_CSV_UNSAFE = _TERMINAL_UNSAFE
# In a name (id, column, sheet) not even tab and newline are allowed.
_NAME_UNSAFE = re.compile(f"[\t\n{_CONTROLS}{_NONCHARS}{_BIDI}]")
# What XML 1.0 cannot hold, plus the C1 controls it only discourages (Excel refuses them).
_XML_UNSAFE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Characters that would start Markdown formatting inside a table cell. "_" inside a word
# (seg.chips.video_soc) formats nothing, so ids stay readable. "<" becomes &lt;, not "\<": not
# every renderer honours that escape (Python-Markdown does not), all honour &lt;. Without a "<"
# no tag can open, and ">" not at a line start formats nothing, so "a->b" stays as it is.
_MD_SPECIAL = re.compile(r"([\\`*\[\]|]|(?<!\w)_|_(?!\w))")

# A spreadsheet runs a cell as a formula when it starts with one of these (tab and CR too:
# Excel drops them and looks at what follows).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Where Excel may split a CSV line into cells, whatever delimiter the file was written with.
_SPLIT_THEN_FORMULA = re.compile(r"([,;\t\n][ \t]*)(?=[=+\-@])")
_STARTS_FORMULA = re.compile(r"[ \t]*[=+\-@]")


def visible(ch: str) -> str:
    """One character as a visible escape, \\u001b: readable, and valid inside a JSON string."""
    return f"\\u{ord(ch):04x}"


def clean(text) -> str:
    """`text` as a string without control characters (tab and newline kept), U+FFFE/U+FFFF or lone surrogates."""
    return _UNSAFE.sub("", str(text))


def for_terminal(text) -> str:
    """Text a terminal shows and never obeys: every control, bidi override or non-character
    shown as a visible escape (\\u001b); tab and newline kept. The escapes are JSON's, so JSON
    printed through here stays valid and means the same."""
    return _TERMINAL_UNSAFE.sub(lambda m: visible(m.group()), str(text))


def for_html(text) -> str:
    """Text as HTML text or an attribute value: cleaned, then &, <, >, " and ' escaped."""
    return html.escape(clean(text), quote=True)


def for_markdown(text) -> str:
    """Text as literal Markdown on one line: no formatting, no HTML, no broken table cells."""
    text = " ".join(clean(text).split())
    return _MD_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")


def for_xml(text) -> str:
    """Text XML 1.0 can hold: controls (but tab, LF, CR), C1, U+FFFE/U+FFFF and lone surrogates removed."""
    return _XML_UNSAFE.sub("", str(text))


def for_csv_cell(value):
    """A CSV cell that no spreadsheet runs as a formula, whichever of `,` `;` tab it splits on.

    Non-text values pass as they are. Text is cleaned (bidi overrides and isolates dropped too,
    since a spreadsheet would obey them); when it starts with = + - @ (or tab /
    CR) it gets Excel's quote prefix ('), and where a `,` `;` tab or line break inside it is
    followed by one of = + - @ — a cell of its own when Excel splits on that character — the
    same quote goes before it (`a;=cmd` becomes `a;'=cmd`).
    """
    if not isinstance(value, str):
        return value
    text = _CSV_UNSAFE.sub("", value)
    if value.startswith(FORMULA_PREFIXES) or _STARTS_FORMULA.match(text):
        text = "'" + text
    return _SPLIT_THEN_FORMULA.sub(r"\1'", text)


def for_xlsx_cell(value):
    """A workbook cell's text: what XML can hold (non-text values pass as they are)."""
    return for_xml(value) if isinstance(value, str) else value


def needs_formula_guard(text: str) -> bool:
    """Whether a text cell would read as a formula or an error code, so it must be stored as quoted text."""
    return text.startswith(FORMULA_PREFIXES) or text in _ERROR_CODES


_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})


def first_unsafe(name: str) -> str | None:
    """The first character a name (id, column) may not hold, or None: controls (tab and newline
    too), bidi overrides, U+FFFE/U+FFFF, lone surrogates."""
    match = _NAME_UNSAFE.search(name)
    return match.group() if match else None


def deep_clean(value):
    """`value` (dicts, lists, strings) with every string cleaned, for JSON embedded in a page."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {deep_clean(k): deep_clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [deep_clean(v) for v in value]
    return value


def harden_jinja(env):
    """A Jinja environment whose every `{{ value }}` and `|tojson` is cleaned before escaping.

    Text already marked safe (Markup: inlined scripts, escaped HTML) is left as it is.
    """
    import json

    from markupsafe import Markup

    env.finalize = lambda value: value if isinstance(value, Markup) or not isinstance(value, str) else clean(value)
    env.policies["json.dumps_function"] = lambda obj, **kwargs: json.dumps(deep_clean(obj), **kwargs)
    return env
