"""Fill candidates (招商目标): enterprises outside a region that could fill a gap segment, ranked over tables."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def to_dict(self) -> dict:
        return {"id": self.id, "score": self.score, "why": self.why, "components": dict(self.components)}


def proximity_words(chain, region: str, common: str | None) -> str:
    """'same city (Hangzhou (杭州))', 'same country (China (中国))', 'abroad' …"""
    if common is None:
        return "abroad"
    path = chain.region_path(region)
    level = len(path) - 1 - path.index(common)  # 0 = country, 1 = province, 2 = city
    if common == region:
        return f"in {chain.label(region)}"
    return f"same {({0: 'country', 1: 'province', 2: 'city'}.get(level, 'region'))} ({chain.label(common)})"


def rank(chain, template, footing, targets: list[str], top: int) -> dict[str, list[Candidate]]:
    """The best `top` candidates for each target segment, best first (score desc, then id)."""
    if not targets or top <= 0:
        return {t: [] for t in targets}
    table = candidate_pool(chain, template, footing, targets)
    if table is None:
        return {t: [] for t in targets}
    levels = proximity_levels(chain, footing.region)
    table["score"] = (WEIGHT_TIES * table["ties"].clip(upper=TIES_FULL) / TIES_FULL
                      + WEIGHT_PROXIMITY * table["proximity"] + WEIGHT_FIT * table["fit"]).round(4)
    table = table.sort_values(["target", "score", "firm"], ascending=[True, False, True])
    best = table.groupby("target", sort=False).head(top)

    region_name = str(chain.nodes.at[footing.region, "name"])
    out: dict[str, list[Candidate]] = {t: [] for t in targets}
    # At most top × targets rows: the few lines a person reads.
    for row in best.to_dict("records"):
        out[row["target"]].append(_candidate(chain, row, levels, footing.region, region_name))
    return out


def _candidate(chain, row: dict, levels: dict, region: str, region_name: str) -> Candidate:
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
    return Candidate(str(row["firm"]), float(row["score"]), why,
                     {"ties": ties, "proximity": proximity, "fit": fit})
