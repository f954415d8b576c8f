"""What if firms from elsewhere open a site in the region, actors leave it, or suppliers are cut off: the gaps that open and close."""

from __future__ import annotations

import pandas as pd

from vvalley.chain.columns import isin, isin_series
from vvalley.analysis.compare import diff_reports
from vvalley.analysis.gaps import analyse
from vvalley.chain.model import Chain

from vvalley.chain.problems import UserError

CUT_MODES = ("all", "any")


class ScenarioProblem(UserError, ValueError):
    """A what-if the data cannot take (a firm already there, a site outside the region …), said in Chinese too."""


def _zh(chain: Chain, node: str) -> str:
    from vvalley.analysis.wording import Names

    return Names(chain).zh(node) if node in chain.nodes.index else node
SCENARIO_EVIDENCE = "what-if scenario (vvalley whatif --add): not a fact"


def attract(chain: Chain, region: str, firms) -> tuple[Chain, list[dict]]:
    """The chain after enterprises of elsewhere each open a site in the region.

    `firms` are ids, or (id, site) pairs where site is the region or a region below it (None: the
    region itself). A located_in edge marked as a scenario is added per firm; everything else
    stays. Returns the new chain and, per firm, {"id", "label", "name_zh", "site", "site_label",
    "segments"}. Raises ValueError for a node that is not an enterprise, a firm already located in
    the region, or a site outside it.
    """
    pairs = [(f, None) if isinstance(f, str) else (f[0], f[1]) for f in firms]
    inside = set(chain.descendants(region))
    local = set(chain.region_actors(region))
    rows, effects = [], []
    ops = chain.relation("operates_in")
    for firm, site in pairs:
        site = site or region
        if firm not in chain.nodes.index or chain.kind_of(firm) != "enterprise":
            raise ScenarioProblem(f"{firm} is not an enterprise", f"{_zh(chain, firm)} 不是企业")
        if firm in local:
            raise ScenarioProblem(f"{chain.label(firm)} is already located in {chain.label(region)}",
                                  f"{_zh(chain, firm)}已在{_zh(chain, region)}")
        if site not in inside:
            raise ScenarioProblem(f"site {chain.label(site) if site in chain.nodes.index else site} is not in "
                                  f"{chain.label(region)}", f"落户地{_zh(chain, site)}不在{_zh(chain, region)}内")
        rows.append({"source": firm, "target": site, "relation": "located_in", "evidence": SCENARIO_EVIDENCE})
        effects.append({"id": firm, "label": chain.label(firm), "name_zh": str(chain.nodes.at[firm, "name_zh"]),
                        "site": site, "site_label": chain.label(site),
                        "segments": sorted(set(ops.loc[ops["source"] == firm, "target"]))})
    if not rows:
        return chain, []
    edges = chain.edges
    added = pd.DataFrame([{c: _blank(edges[c]) for c in edges.columns} | row for row in rows])
    added = added.astype(edges.dtypes.to_dict())
    new_edges = pd.concat([edges, added], ignore_index=True)
    new = Chain(chain.nodes, new_edges, chain.as_of, chain.extra_node_columns, chain.extra_edge_columns)
    from vvalley import engine

    engine.derive(new, chain, changed=("located_in",))  # the other tables on the engine are the chain's
    return new, sorted(effects, key=lambda e: e["id"])


def _blank(column: pd.Series):
    """The empty value of an edge column: "" for text, NA for years, 1.0 for weights."""
    if column.name == "weight":
        return 1.0
    if pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_float_dtype(column.dtype):
        return pd.NA
    return ""


def leave(chain: Chain, region: str, actors: list[str]) -> tuple[Chain, list[dict]]:
    """The chain after `actors` (enterprises or institutes of `region`) leave it.

    Their located_in edges to the region (and to regions below it) are dropped; their sites
    elsewhere and every other fact stay, so a firm that leaves may come back as a fill
    candidate from outside. Returns the new chain and, per actor, {"id", "label", "kind",
    "sites_dropped", "sites_kept"}. Raises ValueError for an actor not located in the region.
    """
    inside = set(chain.descendants(region))
    local = set(chain.region_actors(region))
    strangers = [a for a in actors if a not in local]
    if strangers:
        raise ScenarioProblem(f"not located in {chain.label(region)}: {', '.join(strangers)}",
                              f"不在{_zh(chain, region)}：{'、'.join(_zh(chain, a) for a in strangers)}")
    edges = chain.edges
    located = edges["relation"] == "located_in"
    drop = located & edges["source"].isin(actors) & edges["target"].isin(inside)
    effects = []
    for actor in sorted(set(actors)):
        mine = located & (edges["source"] == actor)
        effects.append({"id": actor, "label": chain.label(actor), "kind": chain.kind_of(actor),
                        "sites_dropped": sorted(edges.loc[mine & drop, "target"]),
                        "sites_kept": sorted(edges.loc[mine & ~drop, "target"])})
    return _without(chain, drop), effects


def cut_off(chain: Chain, region: str, cut_regions: list[str], mode: str = "all") -> tuple[Chain, dict]:
    """The chain after suppliers located in `cut_regions` (countries, provinces, cities) are cut off.

    What that means for a firm with sites in several places is `mode`:
    - "all" (default): a firm is cut off when *every* known site of it lies in the cut
      regions; it leaves the chain with all its edges. A firm with a site elsewhere keeps
      supplying from there and only loses its sites in the cut regions (a firm in Shanghai
      and Japan becomes a Japanese supplier when Shanghai is cut).
    - "any": a firm with *any* site in the cut regions is cut off entirely (the strict
      reading, as when a sanction follows the group rather than the plant).
    Only enterprises are cut: institutes stay (the gap engine counts only the region's own).
    A firm with no known site is never cut, nor is a firm of the region itself (in either
    mode it only loses its sites in the cut regions). Cutting the region itself, a region above it or
    one inside it raises ValueError: that is `leave`, not a supply cut.

    Returns the new chain and {"cut_off": [firm], "partly_cut": [firm]}, each firm
    {"id", "label", "sites_cut", "sites_kept"}.
    """
    if mode not in CUT_MODES:
        raise ValueError(f"unknown cut mode {mode!r}; one of: {', '.join(CUT_MODES)}")
    mine = set(chain.region_path(region)) | set(chain.descendants(region))
    overlap = [r for r in cut_regions if r in mine]
    if overlap:
        raise ScenarioProblem(f"cannot cut {', '.join(overlap)}: it contains or is part of {chain.label(region)}; "
                              "use remove for the region's own actors",
                              f"不能切断{'、'.join(_zh(chain, r) for r in overlap)}：它包含{_zh(chain, region)}或属于它；"
                              "本区自己的企业和机构请用 --remove")
    cut_area = {r for c in cut_regions for r in chain.descendants(c)}
    edges = chain.edges
    sites = edges[(edges["relation"] == "located_in") & isin_series(edges["source"], chain.ids("enterprise"))]
    in_cut = isin_series(sites["target"], cut_area)
    touched = set(sites.loc[in_cut, "source"])
    per_firm = in_cut.groupby(sites["source"]).agg(["all", "any"])
    # The region's own firms are never cut off: they lose their sites in the cut area only.
    doomed = (set(per_firm.index[per_firm[mode]]) & touched) - set(chain.region_actors(region))
    partly = touched - doomed

    drop = isin_series(edges["source"], doomed) | isin_series(edges["target"], doomed)
    # A partly cut firm supplies from its other sites: its sites in the cut area go.
    drop |= ((edges["relation"] == "located_in") & isin_series(edges["source"], partly)
             & isin_series(edges["target"], cut_area))
    new = _without(chain, drop, drop_nodes=doomed)

    touched_sites = sites.loc[isin(sites["source"], touched), ["source", "target"]].assign(cut=in_cut)
    cut_sites = touched_sites[touched_sites["cut"]].groupby("source")["target"].agg(sorted).to_dict()
    kept_sites = touched_sites[~touched_sites["cut"]].groupby("source")["target"].agg(sorted).to_dict()

    def describe(ids) -> list[dict]:
        return [{"id": firm, "label": chain.label(firm), "sites_cut": cut_sites.get(firm, []),
                 "sites_kept": kept_sites.get(firm, []) if firm in partly else []} for firm in sorted(ids)]

    return new, {"cut_off": describe(doomed), "partly_cut": describe(partly)}


def supply_loss(before: Chain, after: Chain, region: str) -> list[dict]:
    """Leaf segments whose known suppliers (firms anywhere operating in them) shrink from `before` to `after`.

    Rows {"id", "label", "needed", "covered", "suppliers_before", "suppliers_after",
    "home_before", "home_after", "lost"}: `home` counts suppliers with a site in the region's
    country; `needed` marks a leaf the region lacks but that feeds one it covers (what the
    foreign_dependency gap watches); `lost` lists the firms cut off. Needed leaves first, then
    fewest suppliers left, then id. Only leaves that lost a supplier or a home supplier appear.
    """
    from vvalley.analysis.coverage import Footing, Template

    template = Template.of(before)
    footing = Footing.of(before, region, template)
    country = before.country_of.get(region, region)
    leaves = list(template.leaves)

    def pool(chain: Chain) -> pd.DataFrame:
        ops = chain.relation("operates_in")
        ops = ops.loc[isin(ops["target"], leaves), ["source", "target"]].drop_duplicates()
        sites = chain.actor_regions()
        home = sites.loc[sites["country"] == country, "actor"].unique()
        return ops.assign(home=isin(ops["source"], home))

    old, new = pool(before), pool(after)
    # Suppliers that are gone (cut off), and home suppliers that lost their home site.
    joined = old.merge(new, on=["source", "target"], how="left", suffixes=("", "_after"), indicator=True)
    joined["lost"] = joined["_merge"] == "left_only"
    joined["home_after"] = joined["home_after"].fillna(False).astype(bool)
    changed = joined[joined["lost"] | (joined["home"] & ~joined["home_after"])]
    counts = old.groupby("target").agg(before=("source", "size"), home_before=("home", "sum"))
    counts = counts.join(new.groupby("target").agg(after=("source", "size"), home_now=("home", "sum")))
    counts = counts.fillna(0).astype(int)
    lost = changed[changed["lost"]].sort_values("source").groupby("target")["source"].agg(list)
    rows = []
    for leaf in sorted(changed["target"].unique()):  # only the leaves that changed: a few
        covered = footing.covered(leaf)
        needed = not covered and any(footing.covered(b) for b in template.feeds_into[leaf])
        c = counts.loc[leaf]
        rows.append({"id": leaf, "label": before.label(leaf), "needed": needed, "covered": covered,
                     "suppliers_before": int(c["before"]), "suppliers_after": int(c["after"]),
                     "home_before": int(c["home_before"]), "home_after": int(c["home_now"]),
                     "lost": [str(f) for f in lost.get(leaf, [])]})
    rows.sort(key=lambda r: (not r["needed"], r["suppliers_after"], r["home_after"], r["id"]))
    return rows


def _without(chain: Chain, drop_edges: pd.Series, drop_nodes=()) -> Chain:
    nodes = chain.nodes[~isin(chain.nodes.index.to_series(), list(drop_nodes))] if drop_nodes else chain.nodes
    edges = chain.edges[~drop_edges].reset_index(drop=True)
    return Chain(nodes, edges, chain.as_of, chain.extra_node_columns, chain.extra_edge_columns)


def whatif(chain: Chain, region: str, remove: list[str] = (), cut: list[str] = (), cut_mode: str = "all",
           as_of: int | None = None, min_suppliers: int = 2, add=(), *, before=None, template=None) -> dict:
    """The gaps of `region` today and after the change, compared.

    The change is applied in this order: the firms of `add` (ids or (id, site) pairs) open a site
    in the region (attract), the actors of `remove` leave it, suppliers in `cut` are cut off.
    Returns {"region", "region_label", "as_of", "scenario": {"add", "remove", "cut", "cut_mode"},
    "added": [firm], "left": [actor], "cut_off": [firm], "partly_cut": [firm], "supply":
    supply_loss(…), **diff_reports(before, after)} (opened, closed, changed, gaps_by_kind,
    coverage, focus_areas, segments_changed). Every opened and closed gap carries `why`, `why_zh`
    and `new_demand` (an arriving firm's own inputs or customers missing locally: new local
    demand, not a worsening). `supply` shows how the pool of known suppliers of each segment
    shrinks. `before` (the gap report of the unchanged chain) and `template` are reused when given
    (the target list asks this once per candidate).
    """
    from vvalley.analysis import wording
    from vvalley.analysis.coverage import Template

    as_of = chain.as_of if as_of is None else as_of
    chain = chain.at(as_of)
    region = chain.resolve(region, kinds=("region",))
    changed, added = attract(chain, region, list(add)) if add else (chain, [])
    changed, left = leave(changed, region, list(remove)) if remove else (changed, [])
    effects = {"cut_off": [], "partly_cut": []}
    if cut:
        changed, effects = cut_off(changed, region, list(cut), cut_mode)
    template = template or Template.of(chain)
    before = before or analyse(chain, region, min_suppliers=min_suppliers, top=0, template=template)
    footing = None
    if added and not left and not cut and before.basis is not None and before.basis.fits(chain, region):
        # Arrivals only: the region's footing is the unchanged chain's plus the arrivals' segments.
        footing = before.basis.footing.with_arrivals(chain, template, [a["id"] for a in added])
    # Sites and firms change, the segment template does not (a cut firm takes no segment with it).
    after = analyse(changed, region, min_suppliers=min_suppliers, top=0, template=template, footing=footing)
    diff = diff_reports(before, after, chain)
    names = wording.Names(chain)
    arriving = _by_unit(chain, template, [a["id"] for a in added])
    leaving = _by_unit(chain, template, [a["id"] for a in left])
    for key, opened in (("opened", True), ("closed", False)):
        for row in diff[key]:
            why, why_zh, demand = wording.change_why(names, row, opened, region, arriving, leaving, list(cut))
            row.update(why=why, why_zh=why_zh, new_demand=demand)
    scenario = {"add": [{"id": a["id"], "site": a["site"]} for a in added], "remove": sorted(set(remove)),
                "cut": sorted(set(cut)), "cut_mode": cut_mode}
    for a in added:
        a["site_zh"] = names.zh(a["site"])
    # Names of the actors and sites the scenario touches, for the tables people read.
    touched = {e["id"] for e in (*left, *effects["cut_off"], *effects["partly_cut"])}
    touched |= {r for e in (*left, *effects["cut_off"], *effects["partly_cut"])
                for key in ("sites_dropped", "sites_kept", "sites_cut") for r in e.get(key, [])}
    return {"region": region, "region_label": chain.label(region), "region_zh": names.zh(region),
            "as_of": as_of, "scenario": scenario,
            "added": added, "left": left, **effects,
            "names_zh": {n: names.zh(n) for n in sorted(touched)},
            "names_en": {n: names.en.get(n, n) for n in sorted(touched)},
            # Only a cut or a departure can shrink a segment's pool of known (home) suppliers.
            "supply": supply_loss(chain, changed, region) if cut or remove else [],
            **diff}


def _by_unit(chain: Chain, template, firms: list[str]) -> dict[str, list[str]]:
    """Segment (and each group above it) -> the given firms operating in it."""
    if not firms:
        return {}
    ops = chain.relation("operates_in")
    ops = ops[ops["source"].isin(firms)]
    out: dict[str, set[str]] = {}
    for firm, segment in zip(ops["source"], ops["target"]):
        for unit in template.lineage.get(segment, (segment,)):
            out.setdefault(unit, set()).add(firm)
    return {k: sorted(v) for k, v in out.items()}
