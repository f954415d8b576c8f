"""Finding the header row under title rows and mapping its columns to fields by Chinese / English synonyms."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from vvalley.importer.problems import ImportProblem

# field -> (Chinese label, synonyms). The first synonym is the name the review file uses.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("企业名称", ("企业名称", "公司名称", "企业(机构)名称", "单位名称", "名称", "企业名", "纳税人名称",
                        "入驻企业", "企业", "company name", "company", "enterprise name", "enterprise", "name")),
    "credit_code": ("统一社会信用代码", ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "纳税人识别号",
                                      "unified social credit code", "credit code", "uscc")),
    "status": ("登记状态", ("登记状态", "经营状态", "企业状态", "存续状态", "状态", "registration status", "status")),
    "founded": ("成立日期", ("成立日期", "成立时间", "注册日期", "成立年份", "date of establishment",
                           "established", "founded", "founding date")),
    "address": ("注册地址", ("注册地址", "企业地址", "住所", "地址", "通信地址", "经营地址", "办公地址",
                           "registered address", "address")),
    "province": ("所属省份", ("所属省份", "省份", "所在省份", "省", "province")),
    "city": ("所属城市", ("所属城市", "城市", "所在城市", "地市", "市", "city")),
    "district": ("所属区县", ("所属区县", "区县", "所在区县", "区/县", "区", "county", "district")),
    "industry": ("国标行业", ("国标行业", "所属行业", "国民经济行业", "行业", "行业门类", "industry")),
    "scope": ("经营范围", ("经营范围", "业务范围", "许可经营范围", "business scope", "scope")),
    "products": ("主营产品", ("主营产品", "主要产品", "主营业务", "产品", "products", "main products")),
    "website": ("官网", ("官网", "企业官网", "网址", "网站", "官方网站", "website", "url", "web")),
    "name_en": ("英文名", ("英文名", "英文名称", "english name", "name (english)")),
}
HEADER_SEARCH_ROWS = 30


@dataclass
class Header:
    """The header row (index into the sheet's rows) and each field's column index."""

    row: int
    columns: dict[str, int]
    labels: list[str]


def norm(text: str) -> str:
    """A header folded: full-width to half-width, no spaces or marks, lower case."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s*:：_\-]+", "", text)


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """`FIELD=HEADER` options as a dict; an unknown field lists the valid ones."""
    overrides: dict[str, str] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        field = field.strip()
        if not sep or not header.strip():
            raise ImportProblem(f"--column {pair!r} 应写作 FIELD=表头，例如 --column name=单位名称",
                                f"--column {pair!r} must be FIELD=HEADER, e.g. --column name=单位名称", "bad-column")
        if field not in FIELDS:
            valid = ", ".join(FIELDS)
            raise ImportProblem(f"--column 的字段 {field!r} 不存在；可用字段：{valid}",
                                f"unknown field {field!r} in --column; valid fields: {valid}", "unknown-field")
        overrides[field] = header.strip()
    return overrides


def find_header(rows: list[list[str]], where: str, overrides: dict[str, str] | None = None) -> Header:
    """The first row among the first few that names the firm column and at least one other known column."""
    overrides = overrides or {}
    wanted = {field: norm(h) for field, h in overrides.items()}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        labels = [norm(cell) for cell in row]
        if len({label for label in labels if label}) < 2:
            continue  # a title row (merged across the columns) or a blank row
        columns = _map(labels, wanted)
        if "name" in columns and len(columns) >= 2:
            missing = [f for f in wanted if wanted[f] not in labels]
            if missing:
                field = missing[0]
                present = "、".join(c for c in row if c)
                raise ImportProblem(
                    f"{where} 第 {index + 1} 行（表头）没有列 {overrides[field]!r}（--column {field}=…）；表头有：{present}",
                    f"{where} row {index + 1} (the header) has no column {overrides[field]!r} "
                    f"(--column {field}=…); its columns: {', '.join(c for c in row if c)}", "unknown-header")
            return Header(index, columns, list(row))
    names = "、".join(FIELDS["name"][1][:4])
    raise ImportProblem(
        f"{where} 的前 {HEADER_SEARCH_ROWS} 行里找不到表头行：应有一行写着企业名称列（{names} …）和至少另一个已知列"
        f"（统一社会信用代码、经营范围、注册地址 …）；表头不同时用 --column name=表头 指定",
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows of {where}: expected a row naming the firm "
        f"column ({', '.join(FIELDS['name'][1][:4])} …) and at least one other known column (统一社会信用代码, "
        f"经营范围, 注册地址 …); name yours with --column name=HEADER", "no-header")


def _map(labels: list[str], wanted: dict[str, str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for field, header in wanted.items():
        if header in labels:
            columns[field] = labels.index(header)
            taken.add(columns[field])
    # exact synonyms first (in the order of the synonym lists), then headers that contain a long synonym
    for exact in (True, False):
        for field, (_zh, synonyms) in FIELDS.items():
            if field in columns:
                continue
            for synonym in synonyms:
                key = norm(synonym)
                if not exact and len(key) < 4:
                    continue
                hit = next((i for i, label in enumerate(labels) if i not in taken and
                            (label == key if exact else key in label)), None)
                if hit is not None:
                    columns[field] = hit
                    taken.add(hit)
                    break
    return columns
