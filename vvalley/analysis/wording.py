"""The sentences people read about gaps, candidates, data gaps and what-ifs: Chinese first, names not ids."""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping

import pandas as pd

# How many names a sentence lists before it says "等 N 家".
NAMES_IN_SENTENCE = 3

_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "股份公司")
_PLACE_PREFIXES = ("浙江省", "浙江", "杭州市", "杭州", "上海市", "上海", "北京市", "北京", "深圳市", "深圳",
                   "江苏", "苏州", "南京", "广东", "广州")
_PAREN = re.compile(r"[（(][^（）()]{1,8}[）)]")

TIE_ZH = {"supplies": "供应", "partners_with": "合作", "subsidiary_of": "同一集团"}
STATUS_ZH = {"covered": "强", "weak": "弱", "missing": "缺"}
SIDE_ZH = {"upstream": "缺上游", "downstream": "缺下游"}


class _Column(Mapping):
    """One text column of the nodes table as a read-only mapping id -> text, read per id on demand
    (a command names hundreds of nodes, not the million a registry holds)."""

    def __init__(self, column, fallback: "_Column | None" = None):
        self._column, self._fallback, self._read = column, fallback, {}

    def __getitem__(self, node: str) -> str:
        try:
            return self._read[node]
        except KeyError:
            pass
        if node not in self._column.index:
            raise KeyError(node)
        value = self._column.at[node]
        text = "" if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)
        if not text and self._fallback is not None:
            text = self._fallback[node]
        self._read[node] = text
        return text

    def __iter__(self):
        return iter(self._column.index)

    def __len__(self) -> int:
        return len(self._column)

    def __contains__(self, node) -> bool:
        return node in self._column.index


class Names:
    """Display names of a chain's nodes, one per chain: Chinese (short for firms), English, labels."""

    # One per chain object (chains are not changed in place; a what-if makes a new one), so the
    # many callers of Names(chain) in one command share what was read.
    _made: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()

    def __new__(cls, chain):
        made = cls._made.get(chain)
        if made is None:
            made = super().__new__(cls)
            nodes = chain.nodes
            made.en = _Column(nodes["name"])
            made.zh_full = _Column(nodes["name_zh"], fallback=made.en)
            made.kind = _Column(nodes["kind"])
            cls._made[chain] = made
        return made

    def zh(self, node: str) -> str:
        """The Chinese name; for an enterprise without its legal suffix and home-town prefix
        (杭州海康机器人股份有限公司 → 海康机器人)."""
        name = self.zh_full.get(node, node)
        return short_firm_name(name) if self.kind.get(node) == "enterprise" else name

    def name(self, node: str, lang: str = "zh") -> str:
        return self.zh(node) if lang == "zh" else self.en.get(node, node)

    def label(self, node: str) -> str:
        """'English (中文)', as chain.label."""
        en, zh = self.en.get(node, node), self.zh_full.get(node, "")
        return f"{en} ({zh})" if zh and zh != en else en

    def subject(self, subject: str, lang: str = "zh") -> str:
        """A gap subject by name: a segment, or 'A → B' for a link."""
        return " → ".join(self.name(p, lang) for p in subject.split("->"))

    def listing(self, nodes, lang: str = "zh", limit: int = NAMES_IN_SENTENCE) -> str:
        """'甲、乙、丙等 5 家' / 'A, B, C and 2 more'."""
        nodes = list(nodes)
        shown = [self.name(n, lang) for n in nodes[:limit]]
        if lang == "zh":
            text = "、".join(shown)
            return text + (f"等 {len(nodes)} 家" if len(nodes) > limit else "")
        text = ", ".join(shown)
        return text + (f" and {len(nodes) - limit} more" if len(nodes) > limit else "")


def short_firm_name(name: str) -> str:
    """A Chinese firm name as people say it: legal suffix, bracketed town and home-province prefix off."""
    short = name.strip()
    bare = _PAREN.sub("", short).strip()
    short = bare if len(bare) >= 2 else short
    for suffix in _SUFFIXES:
        if short.endswith(suffix) and len(short) > len(suffix) + 1:
            short = short[: -len(suffix)]
            break
    for prefix in _PLACE_PREFIXES:
        if short.startswith(prefix) and len(short) - len(prefix) >= 3:
            short = short[len(prefix):]
            break
    return short.strip() or name


# ---- gaps ---------------------------------------------------------------------------------------

def cycle_note_zh(names: Names, hub: str, group: list[str]) -> str:
    """The clause saying a feeds cycle was collapsed when counting what lies downstream."""
    others = [g for g in group if g != hub]
    return (f"（{names.zh(hub)}与{names.listing(others, limit=2)}互为上下游，构成闭环，"
            f"下游按整个闭环一并计算）")


def cycle_note_en(names: Names, hub: str, group: list[str]) -> str:
    return f" ({names.en[hub]} is in a feeds cycle with {len(group) - 1} other segment(s), counted as one group)"


def missing_segment_zh(names: Names, region: str, leaf: str, downstream_firms: list[str]) -> str:
    r, s = names.zh(region), names.zh(leaf)
    if downstream_firms:
        return (f"{r}没有做{s}的企业，而本区下游的{names.listing(downstream_firms)}需要它")
    return f"{r}没有做{s}的企业"


def weak_segment_zh(names: Names, region: str, leaf: str, firms: list[str], minimum: int) -> str:
    r, s, n = names.zh(region), names.zh(leaf), len(firms)
    if n == 1:
        return f"{r}只有{names.zh(firms[0])}一家做{s}（少于 {minimum} 家），它一旦离开，这一环就断了"
    return f"{r}只有{names.listing(firms)}共 {n} 家做{s}，少于 {minimum} 家，基础薄弱"


def broken_upstream_zh(names: Names, region: str, a: str, b: str, firms_b: list[str]) -> str:
    return (f"{names.zh(region)}的{names.listing(firms_b)}做{names.zh(b)}，"
            f"但本区没有{names.zh(a)}企业，只能从区外采购")


def broken_downstream_zh(names: Names, region: str, a: str, b: str, firms_a: list[str]) -> str:
    return (f"{names.zh(region)}的{names.listing(firms_a)}做{names.zh(a)}，"
            f"但本区没有{names.zh(b)}企业承接，产品只能销往区外")


def unlinked_zh(names: Names, region: str, a: str, b: str, firms_a: list[str], firms_b: list[str]) -> str:
    return (f"{names.zh(region)}既有做{names.zh(a)}的{names.listing(firms_a)}，也有做{names.zh(b)}的"
            f"{names.listing(firms_b)}，但尚无已知的供应关系：可组织对接")


def research_gap_zh(names: Names, region: str, leaf: str, firms: list[str]) -> str:
    return f"{names.zh(region)}有{names.listing(firms)}做{names.zh(leaf)}，但本区没有研究这一环节的院所"


def unabsorbed_zh(names: Names, region: str, leaf: str, institutes: list[str]) -> str:
    return (f"{names.zh(region)}的{names.listing(institutes)}研究{names.zh(leaf)}，"
            f"但本区没有企业做它：成果尚未在本地转化")


def foreign_dependency_zh(names: Names, region: str, leaf: str, customers: list[str], firms: list[str],
                          country: str, countries: list[str]) -> str:
    who = (f"唯一已知供应商{names.zh(firms[0])}" if len(firms) == 1
           else f"已知的 {len(firms)} 家供应商（{names.listing(firms)}）全部")
    return (f"{names.zh(region)}的{names.listing(customers, limit=2)}需要{names.zh(leaf)}，"
            f"{who}在{names.zh(country)}以外（{'、'.join(names.zh(c) for c in countries)}）：有卡脖子风险")


# ---- data gaps ----------------------------------------------------------------------------------

def data_gap_texts(names: Names, kind: str, cause: str, region: str, count: int,
                   country: str | None = None) -> tuple[str, str]:
    """(reason, reason_zh) of one data gap: why a gap kind cannot be judged from the data."""
    r_en, r_zh = names.en.get(region, region), names.zh(region)
    if kind == "unlinked" and cause == "no_supplies_in_region":
        return (f"no supplies tie in the data: no firm of {r_en} has any recorded supply tie, so {count} "
                f"pair(s) of covered upstream/downstream segments cannot be judged linked or not",
                f"无供应关系数据：数据中{r_zh}的企业没有任何供应关系记录，{count} 对上下游环节是否已对接无法判断")
    if kind == "unlinked":
        return (f"no supplies tie in the data between the firms of these segments anywhere ({count} link(s)): "
                f"no tie cannot be told from no record",
                f"无供应关系数据：数据中任何地区这些上下游环节的企业之间都没有供应关系记录（{count} 对），"
                f"无法区分“没有对接”和“没有记录”")
    c_en, c_zh = names.en.get(country, country or ""), names.zh(country) if country else ""
    return (f"no institute in the data for {c_en}: whether {count} covered segment(s) lack local research "
            f"cannot be judged",
            f"无研究机构数据：数据中{c_zh}没有任何研究机构，{count} 个已覆盖环节是否缺少本地创新支撑无法判断")


# ---- candidates ---------------------------------------------------------------------------------

def proximity_zh(names: Names, region: str, common: str | None, level: int | None) -> str:
    if common is None:
        return "在国外"
    if common == region:
        return f"已在{names.zh(region)}"
    return {2: f"同在{names.zh(common)}", 1: f"同省（{names.zh(common)}）",
            0: f"同在{names.zh(common)}"}.get(level, f"同在{names.zh(common)}")


def candidate_zh(names: Names, firm: str, region: str, ties: int, tie_kinds: str, proximity: str,
                 other: int, other_cov: int, segment: str | None = None) -> str:
    """Why a firm outside the region could fill a gap, in one Chinese sentence."""
    r = names.zh(region)
    parts = []
    if segment:
        parts.append(f"做{names.zh(segment)}")
    if ties:
        kinds = "、".join(TIE_ZH.get(k.strip(), k.strip()) for k in tie_kinds.split(",") if k.strip())
        parts.append(f"已与{r}的 {ties} 家单位有往来（{kinds}）")
    else:
        parts.append(f"与{r}尚无已知往来")
    parts.append(proximity)
    if other:
        parts.append(f"其另外 {other} 个业务环节中有 {other_cov} 个{r}已有企业")
    return f"{names.zh(firm)}：" + "；".join(parts)


# ---- levels and targets -------------------------------------------------------------------------

LEVELS = (("高", "high", 50), ("中", "medium", 30), ("低", "low", 0))


def level_of(score: float) -> tuple[str, str]:
    """(高/中/低, high/medium/low) of a target score from 0 to 100."""
    for zh, en, floor in LEVELS:
        if score >= floor:
            return zh, en
    return LEVELS[-1][0], LEVELS[-1][1]


NO_CANDIDATE_ZH = "无已知候选企业：需外部调研"
NO_CANDIDATE_EN = "no known candidate: needs outside research"


# ---- what-if explanations -----------------------------------------------------------------------

def change_why(names: Names, row: dict, opened: bool, region: str, added: dict[str, list[str]],
               removed: dict[str, list[str]], cut: list[str] = ()) -> tuple[str, str, bool]:
    """(why, why_zh, new_demand) for one gap a scenario opens or closes.

    `added` / `removed` map a leaf segment to the firms that arrive in it / leave it. A gap that
    opens because an arriving firm's own inputs or customers are missing locally is new local
    demand, not a worsening.
    """
    kind, parts = row["kind"], [*row["subject"].split("->"), *row.get("nodes", [])]
    r_zh, r_en = names.zh(region), names.en.get(region, region)

    def who(segments, table):
        firms = sorted({f for s in segments for f in table.get(s, [])})
        return firms

    arrivals = who(parts, added)
    leavers = who(parts, removed)
    ends = row["subject"].split("->")
    if arrivals and kind == "broken_link" and len(ends) == 2:
        a, b = ends
        in_a, in_b = who([a], added), who([b], added)
        if opened and in_b:  # the newcomer makes b but nobody local makes a: it must buy a from outside
            return (f"new local demand: {names.listing(in_b, 'en')} would make {names.en.get(b, b)} "
                    f"and needs {names.en.get(a, a)}, which {r_en} lacks",
                    f"新增本地需求：{names.listing(in_b)}落户后做{names.zh(b)}，需要{names.zh(a)}，"
                    f"但本区还没有这类企业（不是情况变差）", True)
        if opened and in_a:
            return (f"new local demand: {names.listing(in_a, 'en')} would make {names.en.get(a, a)}, "
                    f"which no firm of {r_en} in {names.en.get(b, b)} buys yet",
                    f"新增本地需求：{names.listing(in_a)}落户后做{names.zh(a)}，本区还没有{names.zh(b)}企业承接"
                    f"（不是情况变差）", True)
        if not opened and in_a:
            return (f"{names.listing(in_a, 'en')} would supply {names.en.get(a, a)} locally to {names.en.get(b, b)}",
                    f"{names.listing(in_a)}落户后，本区{names.zh(b)}企业可就近采购{names.zh(a)}", False)
        if not opened and in_b:
            return (f"{names.listing(in_b, 'en')} would be a local customer for {names.en.get(a, a)}",
                    f"{names.listing(in_b)}落户后，本区{names.zh(a)}企业有了本地客户", False)
    if arrivals:
        firms_zh, firms_en = names.listing(arrivals), names.listing(arrivals, "en")
        if opened:
            demand = kind in ("broken_link", "research_gap", "foreign_dependency", "unlinked")
            if kind == "weak_segment":
                return (f"{firms_en} would be the only firm(s) of {r_en} here: a missing segment becomes weak",
                        f"{firms_zh}落户后填补了空白，但暂时只有这一家，由缺链变为弱链", False)
            what = {"broken_link": "需要的上游或下游本地还没有", "research_gap": "本地还没有研究它的院所",
                    "foreign_dependency": "它所需的上游只能从国外采购",
                    "unlinked": "与本地上下游企业尚无已知供应关系"}.get(kind, "带来新的配套需求")
            return (f"new local demand: {firms_en} arrive(s) and what they need is not local yet",
                    f"新增本地需求：{firms_zh}落户后，{what}（不是情况变差）", demand)
        return (f"{firms_en} would fill it", f"{firms_zh}落户后补上了这一环", False)
    if leavers:
        firms_zh, firms_en = names.listing(leavers), names.listing(leavers, "en")
        if opened:
            return (f"{firms_en} leave(s) {r_en}", f"{firms_zh}离开{r_zh}后出现", False)
        return (f"{firms_en} leave(s): the gap no longer applies", f"{firms_zh}离开后，这一缺口不再成立", False)
    if cut:
        where_en, where_zh = ", ".join(names.en.get(c, c) for c in cut), "、".join(names.zh(c) for c in cut)
        if opened:
            return (f"suppliers in {where_en} are cut off", f"{where_zh}的供应商被切断后出现", False)
        return (f"suppliers in {where_en} are cut off: the gap no longer applies",
                f"{where_zh}的供应商被切断后，这一缺口不再成立", False)
    if opened:
        return ("follows from the segments whose status changed",
                "随相关环节的状态变化而出现", False)
    return ("follows from the segments whose status changed", "随相关环节的状态变化而消失", False)
