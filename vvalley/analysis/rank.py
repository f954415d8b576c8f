"""Every region of one level at once: coverage, firm counts and location quotients per segment, leaders, peers.

`rank(chain, "district")` counts, for every region at that level, the enterprises located in it (or
below it) that operate in each segment (or below it), in a few queries on the engine in use
(vvalley.engine), whatever the number of regions. From the counts, here in Python:

- coverage: the share of the template's leaf segments with at least one of the region's firms;
- location quotient LQ(r, s) = (firms of r in s / firms of r) / (firms in s / firms), the totals
  over every region of the level: above 1, the region holds more of the segment than its weight;
- the leading regions of each segment (most firms, then highest LQ, then name);
- for one region, Metroverse's presence view: the segments where it is present (LQ ≥ 1), its peers
  (the regions of the level whose sets of present segments overlap most with its own, Jaccard), and
  its possible entrants (segments it is not present in that most of its peers are).

A firm with sites in two regions counts in both, as a site does. A region's level is its `level`
column when the nodes file has one (province, city, district), else its depth below its country
(1 province, 2 city, 3 district); a region at city depth named as a district (浦东新区, 海淀区) is a
municipality's district, and the municipality is then its city as well as a province.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vvalley.chain.problems import UserError

LEVELS = ("province", "city", "district")
LEVEL_ZH = {"province": "省级地区", "city": "城市", "district": "区县"}


class LevelProblem(UserError, ValueError):
    """A region asked about that is not of the level ranked (a ValueError, said in Chinese too)."""
DEPTH = {"province": 1, "city": 2, "district": 3}
PRESENT_LQ = 1.0
PEERS, ENTRANTS = 5, 10


@dataclass(frozen=True)
class RankResult:
    """The regions of one level ranked, with the counts behind every figure (plain data)."""

    level: str
    segment: str | None          # the segment asked about (--segment), or None for all
    segments: list[str]          # the segments reported: the leaves, or the asked one and its leaves
    regions: list[dict]          # one per region of the level, ranked (see `rank`)
    cells: list[dict]            # {"region", "segment", "firms", "lq"} where firms > 0, sorted
    leaders: dict[str, list[dict]]  # segment -> best regions {"region", "firms", "lq", "share"}
    totals: dict                 # {"firms": every firm of the level, "leaves": n, "by_segment": {segment: firms}}
    peers: dict | None = None    # for --region: presence, peers and possible entrants
    names: dict[str, dict] = field(default_factory=dict, compare=False)  # id -> {"name", "name_zh"}

    def to_dict(self) -> dict:
        return {"level": self.level, "segment": self.segment, "segments": list(self.segments),
                "regions": self.regions, "cells": self.cells, "leaders": self.leaders,
                "totals": self.totals, "peers": self.peers}


DISTRICT_SUFFIXES = ("区", "县", " district", " county", " new area")


def region_levels(chain) -> dict[str, str]:
    """Each region's level (province, city, district): its `level` column when set, else its depth
    below its country, except that a region at city depth named as a district (…区, …县, … District)
    is a district (Shanghai's Pudong, Beijing's Haidian: the districts of a municipality)."""
    levels_column = chain.nodes["level"] if "level" in chain.nodes.columns else None
    by_depth = {depth: name for name, depth in DEPTH.items()}
    out = {}
    for region in chain.ids("region"):
        given = str(levels_column.at[region]).strip().lower() if levels_column is not None else ""
        if given in DEPTH:
            out[str(region)] = given
            continue
        name = by_depth.get(len(chain.ancestors(region)))
        if name == "city" and _named_as_district(chain, region):
            name = "district"
        if name and not given:
            out[str(region)] = name
    return out


def _named_as_district(chain, region: str) -> bool:
    names = (str(chain.nodes.at[region, "name_zh"]).strip(), str(chain.nodes.at[region, "name"]).strip().casefold())
    return any(n.endswith(DISTRICT_SUFFIXES) for n in names if n)


def level_units(chain, level: str) -> dict[str, str]:
    """For every region at or below a region of `level`: that region (its unit). A province whose
    children are districts (a municipality) is also the city of those districts."""
    levels = region_levels(chain)
    municipalities = {chain.parent[r] for r, name in levels.items()
                      if name == "district" and levels.get(chain.parent.get(r)) == "province"}

    def is_unit(r: str) -> bool:
        return levels.get(r) == level or (level == "city" and r in municipalities)

    out = {}
    for region in chain.ids("region"):
        unit = next((r for r in chain.region_path(region) if is_unit(r)), None)
        if unit is not None:
            out[str(region)] = unit
    return out


def rank(chain, level: str = "district", segment: str | None = None, region: str | None = None,
         top: int = 5) -> RankResult:
    """Every region of `level`, ranked: by coverage then firms, or with `segment` by its firms there
    then LQ (ties by name). `region` (an id or name of a region of that level) adds its peers.

    Raises ValueError for an unknown level or a segment that is not one, model.LookupProblem for an
    unknown name.
    """
    from vvalley.analysis.coverage import Template

    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of: {', '.join(LEVELS)}")
    template = Template.of(chain)
    if segment is not None:
        segment = chain.resolve(segment, kinds=("segment",))
    if region is not None:
        region = chain.resolve(region, kinds=("region",))
    units = level_units(chain, level)
    regions_of_level = sorted({u for u in units.values()})
    if region is not None and region not in regions_of_level:
        name_zh = str(chain.nodes.at[region, "name_zh"] or chain.nodes.at[region, "name"])
        raise LevelProblem(f"{chain.label(region)} is not a {level}; give a region of that level or another --level",
                           f"{name_zh}不是{LEVEL_ZH[level]}；请给出该层级的地区，或换一个 --level")
    leaves = list(template.leaves)
    wanted = ([segment, *(s for s in template.subtree[segment] if s != segment and s in set(leaves))]
              if segment else leaves)

    counts = _count(chain, template, units)
    unit_firms, seg_firms, total = counts["unit_firms"], counts["seg_firms"], counts["total"]
    cells = counts["cells"]   # (unit, segment) -> firms

    # LQ of every non-empty cell, once (an empty cell's LQ is 0).
    lq_of = {(u, sg): round((n / unit_firms[u]) / (seg_firms[sg] / total), 4)
             for (u, sg), n in cells.items() if n and unit_firms.get(u) and seg_firms.get(sg) and total}

    def lq(unit: str, seg: str) -> float:
        return lq_of.get((unit, seg), 0.0)

    leaf_set = set(leaves)
    names = _all_names(chain, regions_of_level)
    covered_in: dict[str, int] = {}
    for (u, sg), n in cells.items():
        if n and sg in leaf_set:
            covered_in[u] = covered_in.get(u, 0) + 1
    rows = []
    for unit in regions_of_level:
        covered = covered_in.get(unit, 0)
        row = {"region": unit, "name": names[unit]["name"], "name_zh": names[unit]["name_zh"],
               "parent": chain.parent.get(unit), "firms": unit_firms.get(unit, 0), "covered": covered,
               "coverage": round(covered / len(leaves), 4) if leaves else 0.0}
        if segment:
            row["segment_firms"] = cells.get((unit, segment), 0)
            row["lq"] = lq(unit, segment)
        rows.append(row)
    if segment:
        rows.sort(key=lambda r: (-r["segment_firms"], -r["lq"], -r["coverage"], r["name"], r["region"]))
    else:
        rows.sort(key=lambda r: (-r["coverage"], -r["firms"], r["name"], r["region"]))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i

    shown = set(wanted) | leaf_set
    cell_rows = [{"region": u, "segment": s, "firms": n, "lq": lq(u, s)}
                 for (u, s), n in sorted(cells.items()) if n and s in shown]
    by_segment: dict[str, list[tuple[str, int]]] = {}
    for (u, s), n in cells.items():
        if n:
            by_segment.setdefault(s, []).append((u, n))
    leaders = {}
    for seg in wanted:
        holders = by_segment.get(seg, [])
        holders.sort(key=lambda x: (-x[1], -lq(x[0], seg), names[x[0]]["name"], x[0]))
        leaders[seg] = [{"region": u, "firms": n, "lq": lq(u, seg),
                         "share": round(n / seg_firms[seg], 4) if seg_firms.get(seg) else 0.0}
                        for u, n in holders[:top]]
    peers = _peers(region, regions_of_level, leaves, cells, lq, names) if region else None
    totals = {"firms": total, "leaves": len(leaves), "by_segment": {s: seg_firms.get(s, 0) for s in wanted}}
    return RankResult(level, segment, wanted, rows, cell_rows, leaders, totals, peers, names)


def _count(chain, template, units: dict[str, str]) -> dict:
    """The counts behind every figure, on the engine in use: firms per (unit, segment), per unit,
    per segment, and in all, each firm counted once per unit and segment."""
    import ibis

    from vvalley import engine

    t = engine.tables(chain)
    unit_map = engine.memtable({"region": list(units), "unit": list(units.values())})
    lineage = [(s, u) for s in template.segments for u in template.lineage[s]]
    lineage_table = engine.memtable({"segment": [s for s, _ in lineage], "seg": [u for _, u in lineage]})
    located = t.relation("located_in")
    nodes = t.nodes
    firms = nodes.filter(nodes.kind == "enterprise")
    firm_unit = (located.filter(located.source.isin(firms.id))
                 .join(unit_map, located.target == unit_map.region)
                 .select(firm=located.source, unit=unit_map.unit).distinct())
    ops = t.relation("operates_in")
    firm_seg = (ops.join(lineage_table, ops.target == lineage_table.segment)
                .select(firm=ops.source, seg=lineage_table.seg).distinct())
    # Each (firm, unit) and (firm, unit, segment) once, worked out once and held for the four counts.
    firm_unit = engine.materialize(firm_unit)
    placed = engine.materialize(firm_unit.join(firm_seg, "firm"))
    cells = engine.fetch(placed.group_by(["unit", "seg"]).agg(firms=placed.firm.count()))
    per_unit = engine.fetch(firm_unit.group_by("unit").agg(firms=firm_unit.firm.count()))
    per_seg = engine.fetch(placed.group_by("seg").agg(firms=placed.firm.nunique()))
    total = engine.fetch(firm_unit.aggregate(firms=firm_unit.firm.nunique()).select(
        "firms", key=ibis.literal("all")))
    # tolist(): Python values in one pass (iterating Arrow-backed columns goes value by value).
    return {"cells": dict(zip(zip(cells["unit"].astype(str).tolist(), cells["seg"].astype(str).tolist()),
                              cells["firms"].astype(int).tolist())),
            "unit_firms": dict(zip(per_unit["unit"].astype(str).tolist(), per_unit["firms"].astype(int).tolist())),
            "seg_firms": dict(zip(per_seg["seg"].astype(str).tolist(), per_seg["firms"].astype(int).tolist())),
            "total": int(total["firms"].iloc[0]) if len(total) else 0}


def _peers(region: str, regions: list[str], leaves: list[str], cells: dict, lq, names: dict) -> dict:
    """Presence (LQ ≥ 1), the most similar regions by present segments (Jaccard), possible entrants."""
    def present(unit: str) -> frozenset[str]:
        return frozenset(s for s in leaves if lq(unit, s) >= PRESENT_LQ)

    own = present(region)
    presence = [{"segment": s, "firms": cells.get((region, s), 0), "lq": lq(region, s),
                 "present": s in own} for s in leaves]
    scored = []
    for other in regions:
        if other == region:
            continue
        theirs = present(other)
        union = own | theirs
        if not union:
            continue
        shared = len(own & theirs)
        if shared:
            scored.append((round(shared / len(union), 4), shared, other))
    scored.sort(key=lambda x: (-x[0], -x[1], names[x[2]]["name"], x[2]))
    peer_ids = [other for _, _, other in scored[:PEERS]]
    peer_rows = [{"region": other, "similarity": sim, "shared": shared} for sim, shared, other in scored[:PEERS]]
    peer_sets = {p: present(p) for p in peer_ids}
    entrants = []
    for s in leaves:
        if s in own:
            continue
        holders = sorted(p for p in peer_ids if s in peer_sets[p])
        if holders:
            entrants.append({"segment": s, "peers_present": len(holders), "peers": holders,
                             "firms": cells.get((region, s), 0), "lq": lq(region, s)})
    entrants.sort(key=lambda e: (-e["peers_present"], -e["lq"], e["segment"]))
    return {"region": region, "present": sorted(own), "presence": presence, "peers": peer_rows,
            "entrants": entrants[:ENTRANTS]}


def _all_names(chain, ids: list[str]) -> dict[str, dict]:
    """{"name", "name_zh"} of many nodes in one lookup (name_zh falls back to name)."""
    table = chain.nodes.loc[ids, ["name", "name_zh"]]
    return {str(i): {"name": str(n), "name_zh": str(z or n)}
            for i, n, z in zip(table.index, table["name"], table["name_zh"])}


def _names(chain, node: str) -> dict:
    name, name_zh = str(chain.nodes.at[node, "name"]), str(chain.nodes.at[node, "name_zh"] or "")
    return {"name": name, "name_zh": name_zh or name}


def display_name(names: dict, lang: str = "zh") -> str:
    """A name as people read it: Chinese first (zh), or English."""
    return names["name_zh"] if lang == "zh" else names["name"]


def rank_sheet(chain, result: RankResult, lang: str = "zh") -> tuple[list[str], list[list]]:
    """The ranked regions as a workbook sheet: (headers, rows), names not ids, Chinese headers by default."""
    zh = lang == "zh"
    headers = (["排名", "地区", "上级地区", "企业数", "覆盖环节", "覆盖率"] if zh
               else ["Rank", "Region", "Parent", "Firms", "Covered segments", "Coverage"])
    if result.segment:
        headers += ["该环节企业数", "区位商"] if zh else ["Firms in segment", "Location quotient"]
    parents = _all_names(chain, sorted({r["parent"] for r in result.regions if r["parent"]}))
    rows = []
    for r in result.regions:
        parent = display_name(parents[r["parent"]], lang) if r["parent"] else ""
        row = [r["rank"], display_name(result.names[r["region"]], lang), parent, r["firms"],
               r["covered"], r["coverage"]]
        if result.segment:
            row += [r["segment_firms"], r["lq"]]
        rows.append(row)
    return headers, rows


__all__ = ["LEVELS", "RankResult", "display_name", "level_units", "rank", "rank_sheet", "region_levels"]
