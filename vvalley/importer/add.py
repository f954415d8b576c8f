"""One firm typed on the command line → a node row and its edges (names resolved through Chain.resolve)."""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata

from vvalley.importer.dedup import Index, normalise

CONFIDENCE_WITH_SOURCE = "C"
CONFIDENCE_WITHOUT = "U"


def firm_id(name: str, taken) -> str:
    """`ent.<ascii name>` for a Latin name, else `ent.imp.<hash of the normalised name>`; unique in `taken`."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    slug = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    base = f"ent.{slug}" if slug and all(ord(ch) < 128 for ch in folded) else \
        "ent.imp." + hashlib.sha1(normalise(name).encode()).hexdigest()[:10]
    node_id, n = base, 2
    while node_id in taken:
        node_id, n = f"{base}-{n}", n + 1
    return node_id


def firm_rows(chain, name: str, segments: list[str], region: str | None, evidence: str | None,
              since: int | None = None, name_en: str | None = None):
    """(node row, edge rows, id of a firm already in the data with this name or None). Raises LookupProblem."""
    name = name.strip()
    segment_ids = [chain.resolve(s, kinds=("segment",)) for s in segments]
    region_id = chain.resolve(region, kinds=("region",)) if region else None
    duplicate = Index.of_chain(chain).find(name)
    if evidence:
        source, grade = evidence.strip(), CONFIDENCE_WITH_SOURCE
    else:
        source = f"vvalley add firm, {datetime.date.today().isoformat()} (no source given)"
        grade = CONFIDENCE_WITHOUT
    node_id = firm_id(name_en or name, set(map(str, chain.nodes.index)))
    chinese = any(ord(ch) >= 0x2E80 for ch in name)
    node = {"id": node_id, "kind": "enterprise", "name": name_en or name, "name_zh": name if chinese else "",
            "since": "" if since is None else str(since), "evidence": source, "confidence": grade}
    edges = [{"source": node_id, "target": s, "relation": "operates_in", "evidence": source, "confidence": grade}
             for s in dict.fromkeys(segment_ids)]
    if region_id:
        edges.append({"source": node_id, "target": region_id, "relation": "located_in", "evidence": source,
                      "confidence": grade})
    return node, edges, duplicate.id if duplicate else None
