"""Is this firm already in the data? By 统一社会信用代码 when both have one, else by normalised (fuzzy) name."""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from dataclasses import dataclass

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
EVIDENCE_CODE = re.compile(r"统一社会信用代码[ :：]*([0-9A-Z]{18})")
CODE_COLUMNS = ("credit_code", "uscc", "统一社会信用代码")
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "总公司", "分公司", "公司",
               "集团", "股份", "控股", "(集团)", "()")
GENERIC_WORDS = ("科技", "技术", "数字", "网络", "信息", "智能", "电子", "实业", "发展", "系统", "工程", "通讯", "通信", "计算", "软件")
PLACES = ("中国", "浙江省", "浙江", "杭州市", "杭州", "萧山区", "萧山", "上海市", "上海", "北京市", "北京", "深圳市",
          "深圳", "广东省", "广东", "江苏省", "江苏", "宁波市", "宁波", "嘉兴市", "嘉兴", "绍兴市", "绍兴", "广州市",
          "广州", "武汉市", "武汉", "合肥市", "合肥", "成都市", "成都", "西安市", "西安", "南京市", "南京", "苏州市",
          "苏州", "天津市", "天津", "重庆市", "重庆", "福建省", "福建", "厦门市", "厦门", "山东省", "山东", "湖南省",
          "湖南", "长沙市", "长沙", "湖北省", "湖北", "安徽省", "安徽", "四川省", "四川")
FUZZY_MIN = 90  # rapidfuzz ratio of the core names
_TRAILING_FORM = re.compile("(?:%s)$" % "|".join(map(re.escape, sorted(LEGAL_FORMS, key=len, reverse=True))))
_LEADING_PLACE = re.compile("^(?:%s)" % "|".join(map(re.escape, sorted(PLACES, key=len, reverse=True))))
_BRACKETED_PLACE = re.compile(r"\((?:%s)\)" % "|".join(map(re.escape, PLACES)))


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """The name without legal form, bracketed place, leading place, full-width forms or spaces."""
    text = unicodedata.normalize("NFKC", str(name or "")).casefold()
    text = _BRACKETED_PLACE.sub("", re.sub(r"\s+", "", text))
    while True:
        stripped = _LEADING_PLACE.sub("", _TRAILING_FORM.sub("", text))
        if stripped == text or len(stripped) < 2:
            return text
        text = stripped


@lru_cache(maxsize=65536)
def core(name: str) -> str:
    """The normalised name without generic words (科技, 技术, 网络 …): 海康威视数字技术 → 海康威视."""
    text = normalise(name)
    for word in GENERIC_WORDS:
        stripped = text.replace(word, "")
        if len(stripped) >= 2:
            text = stripped
    return text


def aliases(name: str) -> list[str]:
    """The name, and what a bracket says it also is: 零跑汽车(浙江零跑科技股份有限公司)."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    out = [text]
    for inner in re.findall(r"\(([^()]*)\)", text):
        inner = re.sub(r"^原\s*", "", inner.strip())
        if len(inner) >= 2:
            out.append(inner)
    if "(" in text:
        out.append(re.sub(r"\([^()]*\)", "", text))
    for part in re.split(r"\s*/\s*", text):
        if part and part != text:
            out.append(part)
    return out


@dataclass
class Duplicate:
    id: str
    by: str  # credit_code | name | fuzzy
    score: float


class Index:
    """The firms already in the data (and those proposed earlier in the same file), by code and by name."""

    def __init__(self):
        self.codes: dict[str, str] = {}
        self.exact: dict[str, str] = {}
        self.cores: dict[str, str] = {}
        self.has_code: set[str] = set()
        self.fuzzy: dict[str, str] = {}  # core names open to fuzzy matching: the data's firms only
        self._pool: list[str] | None = None

    @classmethod
    def of_chain(cls, chain) -> "Index":
        index = cls()
        nodes = chain.nodes[chain.nodes["kind"].isin(("enterprise",))]
        code_column = next((c for c in CODE_COLUMNS if c in nodes.columns), None)
        for node_id, row in nodes.iterrows():
            code = str(row[code_column]).strip().upper() if code_column else ""
            if not code:
                found = EVIDENCE_CODE.search(str(row.get("evidence", "")))
                code = found.group(1) if found else ""
            index.add(str(node_id), [str(row["name_zh"]), str(row["name"])], code)
        return index

    def add(self, node_id: str, names: list[str], code: str = "", fuzzy: bool = True) -> None:
        if code:
            self.codes.setdefault(code, node_id)
            self.has_code.add(node_id)
        for name in names:
            for alias in aliases(name):
                key, key_core = normalise(alias), core(alias)
                if len(key) >= 2:
                    self.exact.setdefault(key, node_id)
                if len(key_core) >= 2:
                    self.cores.setdefault(key_core, node_id)
                    if fuzzy and len(key_core) >= 4:
                        self.fuzzy.setdefault(key_core, node_id)
                        self._pool = None

    def find(self, name: str, code: str = "") -> Duplicate | None:
        if code and code in self.codes:
            return Duplicate(self.codes[code], "credit_code", 100.0)
        hit = self._by_name(name)
        if hit and code and hit.id in self.has_code:
            return None  # both have a code and the codes differ: two firms with similar names
        return hit

    def _by_name(self, name: str) -> Duplicate | None:
        key, key_core = normalise(name), core(name)
        if key in self.exact:
            return Duplicate(self.exact[key], "name", 100.0)
        if key_core in self.cores:
            return Duplicate(self.cores[key_core], "name", 100.0)
        if len(key_core) >= 4 and self.fuzzy:
            from rapidfuzz import fuzz, process

            if self._pool is None:
                self._pool = sorted(self.fuzzy)
            best = process.extractOne(key_core, self._pool, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
            if best:
                return Duplicate(self.fuzzy[best[0]], "fuzzy", round(float(best[1]), 1))
        return None
