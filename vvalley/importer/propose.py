"""Rows of a firm list → proposed enterprises and edges, each with its evidence, matched phrases and doubts."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from vvalley.importer.dedup import CREDIT_CODE, Index, normalise
from vvalley.importer.header import FIELDS, Header, find_header
from vvalley.importer.keywords import FIELD_LABELS, Classification, Classifier, read_rules
from vvalley.importer.regions import RegionMatcher
from vvalley.importer.sheets import Sheet
from vvalley.importer.status import founding_year, skip_reason

CONFIDENCE = "C"
TEXT_FIELDS = ("name", "products", "scope", "industry")


@dataclass
class RowResult:
    """One data row of the list, as the review and `--format json` show it."""

    row: int  # as Excel shows it: title and header rows counted
    name: str
    id: str | None = None  # the new node's id (None when the row matches a firm or is left out)
    match: str | None = None  # the existing node it matches
    match_by: str = ""  # credit_code | name | fuzzy
    match_score: float = 0.0
    segments: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    ambiguous: bool = False
    region: str | None = None
    region_phrase: str = ""
    region_field: str = "注册地址"  # the column the placing name was read from
    since: int | None = None
    skip: str | None = None  # Chinese reason
    skip_en: str | None = None
    evidence: str = ""
    code: str = ""
    classification: Classification | None = None
    node: dict | None = None  # proposed node row
    edges: list[dict] = field(default_factory=list)  # proposed edge rows (new firm, or an update of a match)

    def to_json(self) -> dict:
        return {"row": self.row, "name": self.name, "match": self.match, "segments": list(self.segments),
                "region": self.region, "skip": self.skip, "evidence": self.evidence}


@dataclass
class Proposal:
    file: Path
    sheet: str
    header_row: int  # as Excel shows it
    columns: dict[str, str]  # field -> header label
    rows: list[RowResult]

    @property
    def nodes(self) -> list[dict]:
        return [r.node for r in self.rows if r.node]

    @property
    def edges(self) -> list[dict]:
        return [e for r in self.rows for e in r.edges]

    def summary(self) -> dict[str, int]:
        rows = self.rows
        return {
            "rows": len(rows),
            "new": sum(1 for r in rows if r.node),
            "matched": sum(1 for r in rows if r.match),
            "updates": sum(1 for r in rows if r.match and r.edges),
            "skipped": sum(1 for r in rows if r.skip),
            "unmatched": sum(1 for r in rows if not r.skip and not r.segments),
            "ambiguous": sum(1 for r in rows if not r.skip and r.ambiguous),
            "no_region": sum(1 for r in rows if not r.skip and not r.region),
            "edges": len(self.edges),
        }


def propose(sheet: Sheet, chain, data_dir: Path, overrides: dict[str, str] | None = None,
            progress: Callable[[int, int], None] | None = None) -> Proposal:
    """Every data row of `sheet` classified, placed, dated and checked against the firms in `chain`."""
    where = f"{sheet.file.name}" + (f" (工作表 {sheet.name})" if sheet.name else "")
    header = find_header(sheet.rows, where, overrides)
    classifier = Classifier(read_rules(data_dir, chain.leaf_segments))
    regions = RegionMatcher(chain)
    index = Index.of_chain(chain)
    existing = _existing_ties(chain)
    taken_ids = set(map(str, chain.nodes.index))
    seen_rows: dict[str, int] = {}
    results: list[RowResult] = []
    data_rows = sheet.rows[header.row + 1:]
    source = f"import: {sheet.file.name}" + (f", sheet {sheet.name}" if sheet.name else "")
    for offset, cells in enumerate(data_rows):
        if progress and offset % 200 == 0:
            progress(offset, len(data_rows))
        values = _values(cells, header)
        if not any(values.values()):
            continue  # a blank row
        number = header.row + 2 + offset
        results.append(_one(number, values, source, chain, classifier, regions, index, existing, taken_ids,
                            seen_rows))
    if progress:
        progress(len(data_rows), len(data_rows))
    columns = {f: header.labels[i] for f, i in header.columns.items()}
    return Proposal(sheet.file, sheet.name, header.row + 1, columns, results)


def _values(cells: list[str], header: Header) -> dict[str, str]:
    return {f: (cells[i].strip() if i < len(cells) else "") for f, i in header.columns.items()}


def _existing_ties(chain) -> dict[str, set[tuple[str, str]]]:
    ties: dict[str, set[tuple[str, str]]] = {}
    edges = chain.edges[chain.edges["relation"].isin(("operates_in", "located_in"))]
    for source, target, relation in zip(edges["source"], edges["target"], edges["relation"]):
        ties.setdefault(str(source), set()).add((str(relation), str(target)))
    return ties


def _one(number, values, source, chain, classifier, regions, index, existing, taken_ids, seen_rows) -> RowResult:
    name = unicodedata.normalize("NFKC", values.get("name", "")).strip()
    result = RowResult(number, name)
    where = f"{source}, row {number}"
    code = values.get("credit_code", "").strip().upper()
    result.code = code if CREDIT_CODE.match(code) else ""
    if not name:
        result.skip, result.skip_en = "企业名称为空", "no firm name"
        result.evidence = where
        return result
    reason = skip_reason(values.get("status", ""))
    if reason:
        result.skip, result.skip_en = reason
    key = result.code or normalise(name)
    if not result.skip and key in seen_rows:
        result.skip = f"与第 {seen_rows[key]} 行重复"
        result.skip_en = f"same firm as row {seen_rows[key]}"
    result.classification = classifier.classify({f: values.get(f, "") for f in TEXT_FIELDS})
    result.segments = list(result.classification.segments)
    result.scores = result.classification.scores
    result.ambiguous = result.classification.ambiguous
    address = "".join(values.get(f, "") for f in ("province", "city", "district")) + values.get("address", "")
    result.region, result.region_phrase = regions.match(address)
    if result.region_phrase and result.region_phrase not in unicodedata.normalize("NFKC", values.get("address", "")):
        result.region_field = "所属省份/城市/区县"
    result.since = founding_year(values.get("founded", ""))
    phrases = _phrase_text(result)
    result.evidence = where + (f"; {phrases}" if phrases else "")
    if result.skip:
        return result
    seen_rows[key] = number
    duplicate = index.find(name, result.code)
    if duplicate:
        result.match, result.match_by, result.match_score = duplicate.id, duplicate.by, duplicate.score
        result.edges = _update_edges(result, duplicate.id, chain, existing, where)
        return result
    if not result.segments:
        return result  # nothing to put on the chain; listed for review
    node_id = _new_id(name, result.code, taken_ids)
    taken_ids.add(node_id)
    index.add(node_id, [name], result.code, fuzzy=False)
    result.id = node_id
    code_note = f"; 统一社会信用代码 {result.code}" if result.code else ""
    site = values.get("website", "")
    result.node = {"id": node_id, "kind": "enterprise", "name": values.get("name_en") or name, "name_zh": name,
                   "since": "" if result.since is None else str(result.since),
                   "evidence": where + code_note + (f"; 官网 {site}" if site else ""), "confidence": CONFIDENCE,
                   "credit_code": result.code}  # written only where the nodes file has such a column
    result.edges = _edges(node_id, result, result.segments, result.region, where)
    return result


def _edges(node_id, result: RowResult, segments, region, where) -> list[dict]:
    edges = []
    for segment in segments:
        words = ", ".join(f"'{m.phrase}'" for m in result.classification.phrases(segment))
        fields = sorted({FIELD_LABELS[m.field] for m in result.classification.phrases(segment)},
                        key=list(FIELD_LABELS.values()).index)
        edges.append({"source": node_id, "target": segment, "relation": "operates_in",
                      "evidence": f"{where}; {'/'.join(fields)} matched {words}", "confidence": CONFIDENCE})
    if region:
        edges.append({"source": node_id, "target": region, "relation": "located_in",
                      "evidence": f"{where}; {result.region_field} matched '{result.region_phrase}'", "confidence": CONFIDENCE})
    return edges


def _update_edges(result: RowResult, node_id: str, chain, existing, where) -> list[dict]:
    """The ties the list adds to a firm already in the data: segments and a region it does not have yet."""
    have = existing.get(node_id, set())
    segments = [s for s in result.segments if ("operates_in", s) not in have]
    region = result.region
    if region and any(rel == "located_in" and (t == region or region in chain.ancestors(t)) for rel, t in have):
        region = None
    return _edges(node_id, result, segments, region, where)


def _phrase_text(result: RowResult) -> str:
    if not result.classification or not result.classification.matches:
        return ""
    parts = []
    for field_name in FIELD_LABELS:
        words = [m.phrase for m in result.classification.matches
                 if m.field == field_name and m.segment in result.segments]
        if words:
            parts.append(f"{FIELD_LABELS[field_name]} matched " + ", ".join(f"'{w}'" for w in dict.fromkeys(words)))
    return "; ".join(parts)


def _new_id(name: str, code: str, taken: set[str]) -> str:
    base = f"ent.{code.lower()}" if code else "ent.imp." + hashlib.sha1(normalise(name).encode()).hexdigest()[:10]
    node_id, n = base, 2
    while node_id in taken:
        node_id, n = f"{base}-{n}", n + 1
    return node_id


def describe_columns(columns: dict[str, str]) -> str:
    return ", ".join(f"{FIELDS[f][0]}={h}" for f, h in columns.items())
