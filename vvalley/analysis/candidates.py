"""Fill candidates (招商目标): enterprises outside a region that could fill a gap segment, ranked over tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from vvalley.analysis import wording as _w
from vvalley.analysis.pools import candidate_pool, proximity_levels

# The score is a weighted sum of three shares in [0, 1]; weights are documented in docs/gaps.md.
WEIGHT_TIES, WEIGHT_PROXIMITY, WEIGHT_FIT = 0.40, 0.35, 0.25
# Ties saturate: three distinct actors of the region already know the firm well enough.
TIES_FULL = 3


@dataclass(frozen=True)
class Candidate:
    """An enterprise outside the region that operates in the gap's segment."""

    id: str
    score: float
    why: str
    components: dict = field(default_factory=dict)
    why_zh: str = ""

    def to_dict(self) -> dict:
        return {"id": self.id, "score": self.score, "why": self.why, "components": dict(self.components),
                "why_zh": self.why_zh}


def proximity_words(chain, region: str, common: str | None) -> str:
    """'same city (Hangzhou (杭州))', 'same country (China (中国))', 'abroad' …"""
    if common is None:
        return "abroad"
    path = chain.region_path(region)
    level = len(path) - 1 - path.index(common)  # 0 = country, 1 = province, 2 = city
    if common == region:
        return f"in {chain.label(region)}"
    return f"same {({0: 'country', 1: 'province', 2: 'city'}.get(level, 'region'))} ({chain.label(common)})"


def scored_pool(chain, template, footing, targets: list[str]):
    """Every (target, firm) of the candidate pool with its score, best first within each target
    (score, then ties, proximity, fit, then the firm's name: never the id alone). None when empty."""
    table = candidate_pool(chain, template, footing, targets)
    if table is None:
        return None
    table["score"] = (WEIGHT_TIES * table["ties"].clip(upper=TIES_FULL) / TIES_FULL
                      + WEIGHT_PROXIMITY * table["proximity"] + WEIGHT_FIT * table["fit"]).round(4)
    table["firm_name"] = table["firm"].map(chain.nodes["name"]).fillna("")
    return table.sort_values(["target", "score", "ties", "proximity", "fit", "firm_name", "firm"],
                             ascending=[True, False, False, False, False, True, True])


_UNSET = object()


def rank(chain, template, footing, targets: list[str], top: int, table=_UNSET) -> dict[str, list[Candidate]]:
    """The best `top` candidates for each target segment, best first (see scored_pool; `table` is
    scored_pool(chain, template, footing, targets) when the caller has it already)."""
    if not targets or top <= 0:
        return {t: [] for t in targets}
    if table is _UNSET:
        table = scored_pool(chain, template, footing, targets)
    if table is None:
        return {t: [] for t in targets}
    levels = proximity_levels(chain, footing.region)
    best = table.groupby("target", sort=False).head(top)

    region_name = str(chain.nodes.at[footing.region, "name"])
    names = _w.Names(chain)
    out: dict[str, list[Candidate]] = {t: [] for t in targets}
    # At most top × targets rows: the few lines a person reads.
    for row in best.to_dict("records"):
        out[row["target"]].append(_candidate(chain, row, levels, footing.region, region_name, names))
    return out


def proximity_zh(chain, names, region: str, common: str | None) -> str:
    """'同在杭州市', '同省（浙江省）', '同在中国', '在国外' …"""
    if common is None:
        return _w.proximity_zh(names, region, None, None)
    path = chain.region_path(region)
    return _w.proximity_zh(names, region, common, len(path) - 1 - path.index(common))


def _candidate(chain, row: dict, levels: dict, region: str, region_name: str, names=None) -> Candidate:
    ties, proximity, fit = int(row["ties"]), float(row["proximity"]), float(round(row["fit"], 4))
    parts = []
    if ties:
        parts.append(f"tied to {ties} {region_name} actor{'s' if ties != 1 else ''} ({row['tie_kinds']})")
    else:
        parts.append(f"no known tie to {region_name}")
    parts.append(proximity_words(chain, region, levels[row["site"]][1]) if row["site"] else "location unknown")
    other, other_cov = int(row["other"]), int(row["other_cov"])
    if other:
        parts.append(f"{other_cov} of its {other} other segment{'s' if other != 1 else ''} covered in {region_name}")
    else:
        parts.append("no other segment")
    why = f"{chain.label(row['firm'])}: " + "; ".join(parts)
    names = names or _w.Names(chain)
    where_zh = proximity_zh(chain, names, region, levels[row["site"]][1]) if row["site"] else "所在地不详"
    why_zh = _w.candidate_zh(names, str(row["firm"]), region, ties, row["tie_kinds"], where_zh, other, other_cov,
                             segment=str(row["target"]))
    return Candidate(str(row["firm"]), float(row["score"]), why,
                     {"ties": ties, "proximity": proximity, "fit": fit}, why_zh)
