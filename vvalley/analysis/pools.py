"""The table queries behind the gap engine: who outside a region could fill a segment, and which
segments are supplied only from abroad. The rest of the engine reads their (small) results."""

from __future__ import annotations

import pandas as pd

from vvalley.chain.columns import isin

TIE_RELATIONS = ("supplies", "partners_with", "subsidiary_of")


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


def candidate_pool(chain, template, footing, targets: list[str]) -> pd.DataFrame | None:
    """Every enterprise outside the region operating in a target segment (or below it), one row per
    (target, firm), with what the score is made of: other/other_cov (its other segments, and how many
    of them the region covers), fit, ties/tie_kinds (actors of the region it is tied to), proximity and
    site (its nearest site to the region). None when no firm qualifies.

    Three queries on the engine in use (the pool's segments, its ties, its sites); the counting per
    (target, firm) and the shares are done here on their results."""
    from vvalley import engine

    t = engine.tables(chain)
    subtree = pd.DataFrame([(t_, s) for t_ in targets for s in template.subtree[t_]], columns=["target", "segment"])
    ops = t.relation("operates_in")
    ops = ops.select(firm=ops.source, segment=ops.target)
    wanted = engine.isin(ops.segment, subtree["segment"])
    pool = ops.filter(wanted, ~ops.firm.isin(footing.firm_table.firm)).select("firm").distinct()
    # Every segment of every pool firm (once each: repeats are dropped after the pool is taken out, not
    # over all of operates_in); its rows in the target segments are the (target, firm) pairs.
    pool_ops = engine.fetch(ops.semi_join(pool, "firm").distinct(), order=["firm", "segment"])
    pairs = pool_ops.merge(subtree, on="segment")
    if pairs.empty:
        return None

    covered_segments = pd.Index([s for s, n in footing.firms_per_segment.items() if n > 0])
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
    located = t.relation("located_in")
    sites = engine.fetch(located.semi_join(pool, located.source == pool.firm).select("source", "target"),
                         order=["source", "target"])
    sites = sites.assign(proximity=sites["target"].map({r: v[0] for r, v in levels.items()}).fillna(0.0))
    best_site = (sites.sort_values(["source", "proximity", "target"], ascending=[True, False, True])
                 .drop_duplicates("source").set_index("source"))
    table["proximity"] = table["firm"].map(best_site["proximity"]).fillna(0.0)
    table["site"] = table["firm"].map(best_site["target"]).fillna("")
    return table


def _ties(chain, footing, pool) -> pd.DataFrame:
    """For each firm of the pool (an Ibis table of `firm`): distinct actors of the region it is tied
    to, and over which relations (one query, both directions of every tie relation)."""
    import ibis

    from vvalley import engine

    t = engine.tables(chain)
    local = footing.actor_table
    parts = []
    for relation in TIE_RELATIONS:
        edges = t.relation(relation)
        for a, b in (("source", "target"), ("target", "source")):
            hit = edges.filter(edges[a].isin(pool.firm), edges[b].isin(local.actor))
            parts.append(hit.select(firm=hit[a], actor=hit[b], relation=ibis.literal(relation)))
    links = engine.fetch(ibis.union(*parts, distinct=True))
    if links.empty:
        return pd.DataFrame({"ties": pd.Series(dtype=int), "tie_kinds": pd.Series(dtype=object)})
    ties = links.groupby("firm")["actor"].nunique().rename("ties")
    kinds = (links[["firm", "relation"]].drop_duplicates().sort_values(["firm", "relation"])
             .groupby("firm")["relation"].agg(", ".join).rename("tie_kinds"))
    return pd.concat([ties, kinds], axis=1)


def suppliers_abroad(chain, leaves: list[str], country: str) -> dict[str, tuple[list[str], list[str]]]:
    """For each leaf whose known suppliers (firms operating in it) all sit outside `country`:
    (those firms, their countries). A supplier without a known site keeps the leaf off the list.

    One query on the engine in use: the leaves' suppliers with their sites; countries are read off
    the region tree here."""
    if not leaves:
        return {}
    from vvalley import engine

    t = engine.tables(chain)
    ops = t.relation("operates_in")
    ops = ops.filter(engine.isin(ops.target, leaves)).select(firm=ops.source, leaf=ops.target).distinct()
    located = t.relation("located_in")
    joined = ops.left_join(located, ops.firm == located.source).select(ops.firm, ops.leaf, region=located.target)
    rows = engine.fetch(joined.distinct(), order=["leaf", "firm", "region"])
    table = rows[["firm", "leaf"]].drop_duplicates().rename(columns={"firm": "source", "leaf": "target"})
    sites = rows.dropna(subset=["region"])[["firm", "region"]].drop_duplicates()
    sites = sites.rename(columns={"firm": "source", "region": "target"})
    sites = sites.assign(country=sites["target"].map(chain.country_of))
    home = sites.assign(home=sites["country"] == country).groupby("source")["home"].any()
    table = table.assign(home=table["source"].map(home))
    # No known site: not known to be foreign, so it counts as a possible home supplier.
    table["home"] = table["home"].astype("boolean").fillna(True).astype(bool)
    by_leaf = table.groupby("target")["home"].any()
    abroad = by_leaf.index[~by_leaf.to_numpy()]
    if not len(abroad):
        return {}
    rows = table[isin(table["target"], abroad)]
    firms = rows.sort_values("source").groupby("target")["source"].agg(list)
    countries = (rows.merge(sites[["source", "country"]], on="source")[["target", "country"]]
                 .drop_duplicates().sort_values("country").groupby("target")["country"].agg(list))
    return {str(leaf): (list(map(str, firms[leaf])), list(map(str, countries.get(leaf, []))))
            for leaf in abroad}


def supplied_pairs(chain, template, wanted: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of the `wanted` (segment a, segment b) pairs have a supplies tie, anywhere in the data,
    between a firm in a (or below it) and a firm in b (or below it), in either direction.

    One query on the engine in use: the distinct (segment, segment) pairs that supplies ties join,
    over the firms of the segments the wanted pairs hold (each firm's own segments: a few hundred
    pairs at most, whatever the number of ties); they are lifted to the groups above them here."""
    if not wanted:
        return set()
    from vvalley import engine

    relevant = sorted({s for pair in wanted for unit in pair for s in template.subtree[unit]})
    t = engine.tables(chain)
    ops = t.relation("operates_in")
    ops = ops.filter(engine.isin(ops.target, relevant)).select(firm=ops.source, segment=ops.target)
    supplies = t.relation("supplies")  # repeated ties give the same segment pairs: no distinct of millions first
    ends_a = ops.select(firm_a=ops.firm, segment_a=ops.segment)
    ends_b = ops.select(firm_b=ops.firm, segment_b=ops.segment)
    pairs = (supplies.join(ends_a, supplies.source == ends_a.firm_a)
             .join(ends_b, supplies.target == ends_b.firm_b)
             .select("segment_a", "segment_b").distinct())
    found = engine.fetch(pairs)
    lineage = template.lineage
    tied: set[tuple[str, str]] = set()
    for a, b in zip(found["segment_a"].tolist(), found["segment_b"].tolist()):
        for unit_a in lineage.get(a, (a,)):
            for unit_b in lineage.get(b, (b,)):
                tied.add((unit_a, unit_b))
    return {(a, b) for a, b in wanted if (a, b) in tied or (b, a) in tied}
