"""What the data says about itself: the chain's name (zh/en), its default region and as-of date (data/chain.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from vvalley.chain.problems import DataError, Problem

META_FILE = "chain.json"


@dataclass(frozen=True)
class ChainMeta:
    """Names and defaults read from chain.json; every field optional (a chain without the file gets these)."""

    name_zh: str = "产业链"
    name_en: str = "Industry chain"
    brand_zh: str = ""
    brand_en: str = ""
    region: str | None = None
    as_of: str | None = None
    source_zh: str = ""
    source_en: str = ""

    def title(self, lang: str = "zh") -> str:
        """'中国视谷 · 视觉智能产业链' / 'China V Valley · Visual intelligence industry chain' (brand when given)."""
        brand, name = (self.brand_zh, self.name_zh) if lang == "zh" else (self.brand_en, self.name_en)
        return f"{brand} · {name}" if brand else name

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def read_meta(data_dir: Path | str) -> ChainMeta:
    """The chain's meta from `data_dir`/chain.json, or the defaults when there is no such file.

    Raises DataError (file, line, column) when the file is not a JSON object of strings with known keys.
    """
    path = Path(data_dir) / META_FILE
    if Path(data_dir).suffix == ".duckdb" and Path(data_dir).is_file():  # written by `vvalley ingest`
        from vvalley.chain.ingest import stored_chain_json

        text = stored_chain_json(Path(data_dir))
        if text is None:
            return ChainMeta()
    elif not path.is_file():
        return ChainMeta()
    else:
        text = None
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig") if text is None else text
    except UnicodeDecodeError:
        raise DataError([Problem(label, 0, "", "encoding", "bytes that are not UTF-8", "a UTF-8 JSON file")]) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError([Problem(label, err.lineno, f"col {err.colno}", "bad-row", err.msg, "valid JSON")]) from None
    if not isinstance(raw, dict):
        raise DataError([Problem(label, 1, "", "bad-row", type(raw).__name__, "a JSON object {\"name_zh\": …}")])
    known = {f.name for f in fields(ChainMeta)}
    problems = []
    for key, value in raw.items():
        if key not in known:
            problems.append(Problem(label, _line_of(text, key), key, "unknown-choice", f"key {key!r}",
                                    "one of " + ", ".join(sorted(known))))
        elif value is not None and not isinstance(value, str):
            problems.append(Problem(label, _line_of(text, key), key, "unknown-choice", repr(value), "a string or null"))
    if problems:
        raise DataError(problems)
    return ChainMeta(**{k: v for k, v in raw.items() if v is not None})


def _line_of(text: str, key: str) -> int:
    needle = json.dumps(key, ensure_ascii=False)
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 1
