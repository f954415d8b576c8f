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
        raise DataError([Problem(label, 0, "", "encoding", "bytes that are not UTF-8", "a UTF-8 JSON file",
                                 found_zh="含有不是 UTF-8 的字节", expected_zh="应为 UTF-8 编码的 JSON 文件")]) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError([Problem(label, err.lineno, f"col {err.colno}", "bad-row", err.msg, "valid JSON",
                                 column_zh=f"第 {err.colno} 个字符", found_zh=_json_error_zh(err.msg),
                                 expected_zh="应为合乎语法的 JSON")]) from None
    if not isinstance(raw, dict):
        raise DataError([Problem(label, 1, "", "bad-row", type(raw).__name__, "a JSON object {\"name_zh\": …}",
                                 found_zh=f"JSON 的 {type(raw).__name__}，不是对象",
                                 expected_zh="应为一个 JSON 对象 {\"name_zh\": …}")])
    known = {f.name for f in fields(ChainMeta)}
    problems = []
    for key, value in raw.items():
        if key not in known:
            problems.append(Problem(label, _line_of(text, key), key, "unknown-choice", f"key {key!r}",
                                    "one of " + ", ".join(sorted(known)),
                                    found_zh=f"键 {key!r}", expected_zh="应为以下之一：" + "、".join(sorted(known))))
        elif value is not None and not isinstance(value, str):
            problems.append(Problem(label, _line_of(text, key), key, "unknown-choice", repr(value), "a string or null",
                                    found_zh=f"值 {value!r}", expected_zh="应为字符串或 null"))
    if problems:
        raise DataError(problems)
    return ChainMeta(**{k: v for k, v in raw.items() if v is not None})


# What the json module says (a fixed set of messages, some with a detail after them), in Chinese.
_JSON_ERRORS_ZH = (
    ("Expecting value", "这里缺少一个值"),
    ("Expecting ',' delimiter", "这里缺少逗号 ,"),
    ("Expecting ':' delimiter", "这里缺少冒号 :"),
    ("Expecting property name enclosed in double quotes", "这里应是用双引号括起的键名"),
    ("Unterminated string starting at", "从这里开始的字符串没有结束的引号"),
    ("Invalid control character", "这里有字符串中不允许的控制字符"),
    ("Invalid \\uXXXX escape", "这里有无效的 \\uXXXX 转义"),
    ("Invalid \\escape", "这里有无效的 \\ 转义"),
    ("Illegal trailing comma", "最后一项后面多了逗号"),
    ("Extra data", "JSON 结束后还有多余的内容"),
)


def _json_error_zh(message: str) -> str:
    for english, chinese in _JSON_ERRORS_ZH:
        if message.startswith(english):
            return chinese
    return f"JSON 语法错误（json 模块报告：{message}）"


def _line_of(text: str, key: str) -> int:
    needle = json.dumps(key, ensure_ascii=False)
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 1
