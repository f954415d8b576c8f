"""Writing output files whole or not at all, and making text safe for spreadsheets."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from vvalley.sanitize import FORMULA_PREFIXES, for_csv_cell, for_terminal  # noqa: F401  (FORMULA_PREFIXES kept for importers)


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        # mkstemp makes the file private (0600); give it the permissions a plain open() would.
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def dumps_json(data) -> str:
    """JSON as vvalley writes it: UTF-8 text, sorted keys, stable indentation, final newline.

    Controls, bidi overrides and non-characters inside strings are written as \\uXXXX escapes (as
    JSON already does for C0): the values are the same, and `cat gaps.json` cannot drive a terminal.
    """
    return for_terminal(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)) + "\n"


def spreadsheet_safe(value):
    """A CSV cell no spreadsheet runs as a formula, for `,` `;` and tab delimiters (see vvalley.sanitize)."""
    return for_csv_cell(value)
