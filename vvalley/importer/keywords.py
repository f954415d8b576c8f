"""The keyword table (data/segment_keywords.csv) and classifying a firm's texts onto segments with it."""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from vvalley.importer.problems import ImportProblem

KEYWORDS_FILE = "segment_keywords.csv"
# How much a match counts by the field it is found in.
FIELD_WEIGHTS = {"name": 2.0, "products": 1.5, "scope": 1.0, "industry": 0.5}
FIELD_LABELS = {"name": "企业名称", "products": "主营产品", "scope": "经营范围", "industry": "国标行业"}
# A term in a clause that only sells, rents, repairs or installs it (no 制造 / 研发 …) counts this much.
TRADE_ONLY = 0.25
TRADE_WORDS = re.compile(r"销售|批发|零售|租赁|维修|安装|代理|进出口")
MAKE_WORDS = re.compile(r"制造|研发|开发|生产|设计|加工|技术服务|集成")
CLAUSE_SPLIT = re.compile(r"[；;。\n]")
ITEM_SPLIT = re.compile(r"[、，,]")
MIN_SCORE = 1.0  # a segment needs at least one full match in the 经营范围 (or half of one in the name)
KEEP_SHARE = 0.6  # segments scoring this share of the best one are proposed too
CLOSE_SHARE = 0.8  # two proposed segments this close to each other: the row is ambiguous
SHORT_TERM = 3
_HAS_LATIN = re.compile(r"[a-z0-9]")  # Chinese terms this short must be whole words of the text (jieba), not parts of longer ones


@dataclass
class Rule:
    segment: str
    include: list[str]
    exclude: list[str]
    weight: float
    line: int


@dataclass
class Match:
    segment: str
    field: str
    phrase: str  # as written in the text
    weight: float


@dataclass
class Classification:
    segments: list[str]  # proposed, best first
    scores: dict[str, float]  # every segment that matched at all
    matches: list[Match] = field(default_factory=list)
    ambiguous: bool = False

    def phrases(self, segment: str) -> list[Match]:
        return [m for m in self.matches if m.segment == segment]


def read_rules(data_dir: Path, leaves: list[str]) -> list[Rule]:
    """The table's rows; a row naming anything but a leaf segment is an error."""
    path = Path(data_dir) / KEYWORDS_FILE
    if not path.is_file():
        raise ImportProblem(f"找不到关键词表 {path}", f"no keyword table at {path}", "missing-file")
    leaf_set = set(leaves)
    rules, problems = [], []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"segment", "include"} - set(reader.fieldnames or [])
        if missing:
            raise ImportProblem(f"{path}: 缺少列 {', '.join(sorted(missing))}（应为 segment,include,exclude,weight）",
                                f"{path}: missing column(s) {', '.join(sorted(missing))} "
                                "(expected segment,include,exclude,weight)", "missing-column")
        for line, row in enumerate(reader, start=2):
            segment = (row.get("segment") or "").strip()
            if segment not in leaf_set:
                problems.append((line, segment))
                continue
            try:
                weight = float((row.get("weight") or "1").strip() or 1)
            except ValueError:
                raise ImportProblem(f"{path}:{line}: weight {row.get('weight')!r} 不是数字",
                                    f"{path}:{line}: weight {row.get('weight')!r} is not a number", "bad-number")
            rules.append(Rule(segment, _terms(row.get("include")), _terms(row.get("exclude")), weight, line))
    if problems:
        line, segment = problems[0]
        raise ImportProblem(f"{path}:{line}: {segment!r} 不是链上的末级环节（共 {len(problems)} 行如此）",
                            f"{path}:{line}: {segment!r} is not a leaf segment of the chain "
                            f"({len(problems)} such row(s))", "unknown-node")
    return rules


def _terms(cell) -> list[str]:
    return [t.strip() for t in (cell or "").split("|") if t.strip()]


def _is_ascii(term: str) -> bool:
    return all(ord(ch) < 128 for ch in term)


class Classifier:
    """Every include term of every rule in one regular expression, longest first, so that at each place of a
    text the longest term wins (机器视觉相机 is a camera, not 机器视觉 plus 相机)."""

    def __init__(self, rules: list[Rule]):
        self.rules = {r.segment: r for r in rules}
        self.order = [r.segment for r in rules]
        self.by_term: dict[str, list[str]] = {}
        for rule in rules:
            for term in rule.include:
                self.by_term.setdefault(term.casefold(), []).append(rule.segment)
        ascii_terms = sorted((t for t in self.by_term if _is_ascii(t)), key=lambda t: (-len(t), t))
        self.ascii_pattern = re.compile("|".join(r"(?<![a-z0-9])" + re.escape(t) + r"(?![a-z0-9])"
                                                 for t in ascii_terms) or r"(?!)")
        # the other terms by their first two characters (every term has two or more), longest first
        self.by_bigram: dict[str, list[str]] = {}
        for term in sorted((t for t in self.by_term if not _is_ascii(t)), key=lambda t: (-len(t), t)):
            self.by_bigram.setdefault(term[:2], []).append(term)
        self.excludes = {r.segment: [t.casefold() for t in r.exclude] for r in rules}
        self._tokenizer = None
        self._bounds: dict[str, set[int]] = {}  # registries word scopes alike: the same items come back

    # ---- words --------------------------------------------------------------------
    def _hits(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Non-overlapping term occurrences in text[start:end], the longer one where two overlap."""
        spans = []
        index, i = self.by_bigram, start
        while i < end - 1:
            for term in index.get(text[i:i + 2], ()):
                if text.startswith(term, i) and i + len(term) <= end:
                    spans.append((i, i + len(term)))
                    i += len(term) - 1
                    break
            i += 1
        if _HAS_LATIN.search(text, start, end):
            spans += [m.span() for m in self.ascii_pattern.finditer(text, start, end)]
        if len(spans) < 2:
            return spans
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        out, last = [], -1
        for span in spans:
            if span[0] >= last:
                out.append(span)
                last = span[1]
            elif span[1] - span[0] > out[-1][1] - out[-1][0]:
                out[-1] = span
                last = span[1]
        return out

    def _boundaries(self, text: str) -> set[int]:
        """Where jieba's words of `text` start and end."""
        cached = self._bounds.get(text)
        if cached is not None:
            return cached
        if self._tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            for term in self.by_term:
                if not _is_ascii(term) and len(term) > SHORT_TERM:
                    tokenizer.add_word(term, freq=2000)
            self._tokenizer = tokenizer
        bounds = {0, len(text)}
        for _word, start, end in self._tokenizer.tokenize(text):
            bounds.add(start)
            bounds.add(end)
        if len(self._bounds) < 100_000:
            self._bounds[text] = bounds
        return bounds

    # ---- classifying ------------------------------------------------------------------
    def classify(self, texts: dict[str, str]) -> Classification:
        scores: dict[str, float] = {}
        best: dict[tuple[str, str], Match] = {}  # (segment, term) -> strongest match
        for field_name, text in texts.items():
            if not text:
                continue
            factor = FIELD_WEIGHTS.get(field_name, 1.0)
            folded = text.casefold()
            for c0, c1 in _spans(CLAUSE_SPLIT, folded):
                clause = None
                for h0, h1 in self._hits(folded, c0, c1):
                    term = folded[h0:h1]
                    item_start, item = _item_around(folded, h0, h1, c0, c1)
                    if not _is_ascii(term) and len(term) <= SHORT_TERM:
                        bounds = self._boundaries(item)
                        if h0 - item_start not in bounds or h1 - item_start not in bounds:
                            continue  # 封测 inside 密封测试, 视频云 inside 视频云台
                    if clause is None:
                        clause = folded[c0:c1]
                    trade = TRADE_ONLY if (TRADE_WORDS.search(item) and not MAKE_WORDS.search(item)) else 1.0
                    for segment in self.by_term[term]:
                        if any(x in clause for x in self.excludes[segment]):
                            continue  # 安防 in a door-lock maker's clause
                        weight = factor * trade * self.rules[segment].weight
                        key = (segment, term)
                        if key not in best or best[key].weight < weight:
                            best[key] = Match(segment, field_name, text[h0:h1], weight)
        for (segment, _term), match in best.items():
            scores[segment] = scores.get(segment, 0.0) + match.weight
        ranked = sorted((s for s in scores if scores[s] >= MIN_SCORE), key=lambda s: (-scores[s], s))
        chosen: list[str] = []
        if ranked:
            top = scores[ranked[0]]
            chosen = [s for s in ranked if scores[s] >= KEEP_SHARE * top]
        ambiguous = len(chosen) > 1 and scores[chosen[1]] >= CLOSE_SHARE * scores[chosen[0]]
        matches = sorted(best.values(), key=lambda m: (m.segment, -m.weight, m.phrase))
        return Classification(chosen, {s: round(v, 2) for s, v in sorted(scores.items())}, matches, ambiguous)


def _spans(pattern: re.Pattern, text: str):
    start = 0
    for sep in pattern.finditer(text):
        yield start, sep.start()
        start = sep.end()
    yield start, len(text)


def _item_around(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, str]:
    """The 、-separated item of a clause that holds text[start:end], and where it starts."""
    left = max((m.end() for m in ITEM_SPLIT.finditer(text, lo, start)), default=lo)
    right = next((m.start() for m in ITEM_SPLIT.finditer(text, end, hi)), hi)
    return left, text[left:right]
