"""Fill candidates (招商目标): enterprises outside a region that could fill a gap segment, ranked over tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .columns import isin

# The score is a weighted sum of three shares in [0, 1]; weights are documented in docs/gaps.md.
WEIGHT_TIES, WEIGHT_PROXIMITY, WEIGHT_FIT = 0.40, 0.35, 0.25
# Ties saturate: three distinct actors of the region already know the firm well enough.
TIES_FULL = 3
TIE_RELATIONS = ("supplies", "partners_with", "subsidiary_of")


@dataclass(frozen=True)
class Candidate:
    """An enterprise outside the region that operates in the gap's segment."""

    id: str
    score: float
    why: str
    components: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"id": self.id, "score": self.score, "why": self.why, "components": dict(self.components)}


def proximity_levels(chain, region: str) -> dict[str, tuple[float, str | None]]:
    """For every region: (proximity to `region` in [0, 1], their nearest common ancestor or None).

    With R a district (district < city < province < country): same city 0.75, same province 0.5,
    same country 0.25, abroad 0. Loops over the region tree, not over firms.
    """
    path = chain.region_path(region)
    index = {r: i for i, r in enumerate(path)}
    out = {}
    for other in chain.ids("region"):
        common = next((index[r] for r in chain.region_path(other) if r in index), None)
        out[other] = (0.0, None) if common is None else (round(1 - common / len(path), 4), path[common])
    return out


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
    subtree = pd.DataFrame([(t, s) for t in targets for s in template.subtree[t]], columns=["target", "segment"])
    ops = chain.relation("operates_in")[["source", "target"]].rename(columns={"source": "firm", "target": "segment"})
    ops = ops.drop_duplicates()
    in_targets = ops[isin(ops["segment"], subtree["segment"]) & ~isin(ops["firm"], footing.firms)]
    pairs = in_targets.merge(subtree, on="segment")
    if pairs.empty:
        return {t: [] for t in targets}
    pool = pd.Index(pairs["firm"].unique())

    covered_segments = pd.Index([s for s, n in footing.firms_per_segment.items() if n > 0])
    pool_ops = ops[isin(ops["firm"], pool)]
    pool_ops = pool_ops.assign(covered=isin(pool_ops["segment"], covered_segments))
    totals = pool_ops.groupby("firm").agg(n_seg=("segment", "size"), n_cov=("covered", "sum"))
    pairs = pairs.assign(covered=isin(pairs["segment"], covered_segments))
    inside = pairs.groupby(["target", "firm"]).agg(n_in=("segment", "size"), n_in_cov=("covered", "sum"))
    table = inside.join(totals, on="firm").reset_index()
    other = table["n_seg"] - table["n_in"]
    other_cov = table["n_cov"] - table["n_in_cov"]
    table["other"] = other
    table["other_cov"] = other_cov
    table["fit"] = (other_cov / other.where(other > 0)).fillna(0.0)

    ties = _ties(chain, footing, pool)
    table = table.join(ties, on="firm")
    table["ties"] = table["ties"].fillna(0).astype(int)
    table["tie_kinds"] = table["tie_kinds"].fillna("")

    levels = proximity_levels(chain, footing.region)
    sites = chain.relation("located_in")
    sites = sites.loc[isin(sites["source"], pool), ["source", "target"]]
    sites = sites.assign(proximity=sites["target"].map({r: v[0] for r, v in levels.items()}).fillna(0.0))
    best_site = (sites.sort_values(["source", "proximity", "target"], ascending=[True, False, True])
                 .drop_duplicates("source").set_index("source"))
    table["proximity"] = table["firm"].map(best_site["proximity"]).fillna(0.0)
    table["site"] = table["firm"].map(best_site["target"]).fillna("")

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


def _ties(chain, footing, pool: pd.Index) -> pd.DataFrame:
    """For each firm of the pool: distinct actors of the region it is tied to, and over which relations."""
    local = footing.firms.union(footing.institutes)
    frames = []
    for relation in TIE_RELATIONS:
        edges = chain.relation(relation)[["source", "target"]]
        for a, b in (("source", "target"), ("target", "source")):
            hit = edges[isin(edges[a], pool) & isin(edges[b], local)]
            frames.append(pd.DataFrame({"firm": hit[a].to_numpy(), "actor": hit[b].to_numpy(), "relation": relation}))
    links = pd.concat(frames, ignore_index=True)
    if links.empty:
        return pd.DataFrame({"ties": pd.Series(dtype=int), "tie_kinds": pd.Series(dtype=object)})
    ties = links.groupby("firm")["actor"].nunique().rename("ties")
    kinds = (links[["firm", "relation"]].drop_duplicates().sort_values(["firm", "relation"])
             .groupby("firm")["relation"].agg(", ".join).rename("tie_kinds"))
    return pd.concat([ties, kinds], axis=1)


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
