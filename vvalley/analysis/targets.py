"""The firm-level 招商目标清单: one row per enterprise outside the region that would fill a gap, with what its arrival changes."""

from __future__ import annotations

from vvalley.analysis import wording as _w

# score = 100 × (W_NEED · need + W_ATTRACT · attract), see docs/gaps.md:
#   need    = S / (S + 100), S = Σ severity of the gaps its arrival would fill (0–1, never saturates)
#   attract = its best fill-candidate score (ties, proximity, fit; 0–1), as in `gaps`
W_NEED, W_ATTRACT = 0.6, 0.4
FILL_KINDS = ("missing_segment", "weak_segment", "broken_link")


def _fill_target(gap) -> str | None:
    """The segment a firm must work in to fill the gap, or None for a gap no arrival fills."""
    if gap.kind in ("missing_segment", "weak_segment"):
        return gap.subject
    if gap.kind == "broken_link" and gap.side == "upstream":
        return gap.subject.split("->")[0]
    return None


def _fills(gap, firms_here: int, min_suppliers: int) -> bool:
    """Whether one more firm in the gap's target closes it (a weak segment needs to reach the minimum)."""
    if gap.kind == "weak_segment":
        return firms_here + 1 >= min_suppliers
    return True


def targets(chain, region: str, report, limit: int | None = None, min_suppliers: int = 2,
            with_effects: bool = True, effects_for: int | None = None) -> dict:
    """The target list for `region` from its gap `report` (analyse(chain, region, ...)).

    Returns {"region", "targets": [row], "unfilled": [gap]} where a row is {"id", "name",
    "name_zh", "label", "score" (0–100), "level" (高/中/低), "level_en", "need", "attract",
    "gaps" (subjects it would fill), "fills" ([{kind, kind_zh, subject, side, severity, name_zh}]),
    "covered_before", "covered_after", "opens", "closes", "new_demand" (the opened subjects that
    are new local demand), "focus_areas" ([{id, name_zh, before, after}]), "site", "site_label",
    "city", "province", "sites", "ties", "tie_kinds", "evidence", "confidence", "why", "why_zh"};
    best first (score, then need, attract, then name). The effect fields come from
    vvalley.analysis.whatif.whatif(add=[firm]) — the same engine `whatif --add` runs — and are
    computed for the first `effects_for` rows of the (first `limit`) rows, all when None; without
    `with_effects` they are left out (each costs one analysis of the changed chain). `unfilled` lists the fill gaps no known firm could fill: {"kind", "kind_zh",
    "subject", "side", "severity", "name_zh", "reason_zh", "note_zh": 无已知候选企业：需外部调研}.
    No row scores 0.
    """
    from vvalley.analysis.candidates import proximity_zh as _prox_zh
    from vvalley.analysis.coverage import Footing, Template
    from vvalley.analysis.pools import proximity_levels

    chain = chain.at(report.as_of)
    basis = report.basis if report.basis is not None and report.basis.fits(chain, region) else None
    template = basis.template if basis else Template.of(chain)
    footing = basis.footing if basis else Footing.of(chain, region, template)
    names = _w.Names(chain)
    firms_here = footing.firms_per_segment
    fill = [(g, _fill_target(g)) for g in report.gaps]
    fill = [(g, t) for g, t in fill if t is not None and _fills(g, firms_here.get(t, 0), min_suppliers)]
    wanted = sorted({t for _, t in fill})
    table = _pool(chain, template, footing, wanted, basis) if wanted else None

    by_firm: dict[str, dict] = {}
    targets_with_firms: set[str] = set()
    if table is not None:
        for row in table.to_dict("records"):
            firm, target = str(row["firm"]), str(row["target"])
            targets_with_firms.add(target)
            entry = by_firm.setdefault(firm, {"targets": set(), "best": None})
            entry["targets"].add(target)
            if entry["best"] is None or row["score"] > entry["best"]["score"]:
                entry["best"] = row

    levels = proximity_levels(chain, region)
    sites = _sites(chain, list(by_firm))
    rows = []
    for firm, entry in by_firm.items():
        gaps = [g for g, t in fill if t in entry["targets"]]
        if not gaps:
            continue
        total = sum(g.severity for g in gaps)
        need = total / (total + 100)
        best = entry["best"]
        attract = float(best["score"])
        score = round(100 * (W_NEED * need + W_ATTRACT * attract), 1)
        if score <= 0:
            continue
        level, level_en = _w.level_of(score)
        gaps.sort(key=lambda g: (-g.severity, g.subject, g.kind))
        site = str(best["site"]) if best["site"] else ""
        where_zh = _prox_zh(chain, names, region, levels[site][1]) if site else "所在地不详"
        city, province = _city_province(chain, site)
        why_zh = _w.candidate_zh(names, firm, region, int(best["ties"]), str(best["tie_kinds"]), where_zh,
                                 int(best["other"]), int(best["other_cov"]))
        attract_zh = why_zh.removeprefix(f"{names.zh(firm)}：")
        fills_zh = "、".join(f"{names.subject(g.subject)}（{g.kind_zh}）" for g in gaps[:3])
        why_zh += f"；可补{fills_zh}" + (f"等 {len(gaps)} 处缺口" if len(gaps) > 3 else "")
        rows.append({
            "id": firm, "name": names.en.get(firm, firm), "name_zh": names.zh_full.get(firm, ""),
            "label": names.label(firm), "short_zh": names.zh(firm), "attract_zh": attract_zh, "score": score, "level": level, "level_en": level_en,
            "need": round(need, 4), "attract": round(attract, 4),
            "gaps": [g.subject for g in gaps],
            "fills": [{"kind": g.kind, "kind_zh": g.kind_zh, "subject": g.subject, "side": g.side,
                       "severity": g.severity, "name_zh": names.subject(g.subject),
                       "name": names.subject(g.subject, "en")} for g in gaps],
            "site": site, "site_label": names.label(site) if site else "",
            "city": city, "province": province, "sites": sites.get(firm, []),
            "ties": int(best["ties"]), "tie_kinds": str(best["tie_kinds"]),
            "evidence": str(chain.nodes.at[firm, "evidence"]), "confidence": str(chain.nodes.at[firm, "confidence"]),
            "why_zh": why_zh, "why": f"fills {len(gaps)} gap(s); best candidate score {attract:.2f}",
        })
    rows.sort(key=lambda r: (-r["score"], -r["need"], -r["attract"], r["name"], r["id"]))
    if limit is not None:
        rows = rows[:limit]
    if with_effects and rows:
        from vvalley.analysis.gaps import KINDS

        # The report is the unchanged chain's analysis when it was made with every kind and these settings.
        before = report if basis and basis.min_suppliers == min_suppliers and set(basis.kinds) == set(KINDS) else None
        _add_effects(chain, region, report, rows[:effects_for] if effects_for is not None else rows, template,
                     min_suppliers, before)

    unfilled = []
    seen = set()
    for gap, target in fill:
        if target in targets_with_firms or (gap.kind, gap.subject) in seen:
            continue
        seen.add((gap.kind, gap.subject))
        unfilled.append({"kind": gap.kind, "kind_zh": gap.kind_zh, "subject": gap.subject, "side": gap.side,
                         "severity": gap.severity, "name_zh": names.subject(gap.subject),
                         "name": names.subject(gap.subject, "en"), "reason_zh": gap.reason_zh,
                         "note_zh": _w.NO_CANDIDATE_ZH, "note": _w.NO_CANDIDATE_EN})
    return {"region": region, "targets": rows, "unfilled": unfilled}


def _pool(chain, template, footing, wanted: list[str], basis):
    """scored_pool(…, wanted): the rows of the pool the analysis scored already when it covers `wanted`
    (a target's rows do not depend on the other targets), else a new one."""
    from vvalley.analysis.candidates import scored_pool

    if basis is not None and basis.pool is not None and set(wanted) <= set(basis.pool_targets):
        table = basis.pool
        return table[table["target"].isin(wanted)]
    return scored_pool(chain, template, footing, wanted)


def _add_effects(chain, region, report, rows, template, min_suppliers, before=None) -> None:
    """What each firm's arrival changes, from the what-if engine (one analysis per firm). `before`
    is the analysis of the unchanged chain (every kind, these min_suppliers) when the caller has it;
    its fill candidates do not enter the comparison."""
    from vvalley.analysis.gaps import analyse
    from vvalley.analysis.whatif import whatif

    if before is None:
        before = analyse(chain, region, min_suppliers=min_suppliers, top=0, template=template)
    for row in rows:
        result = whatif(chain, region, add=[row["id"]], min_suppliers=min_suppliers, before=before,
                        template=template)
        row.update(effects(result))


def effects(result: dict) -> dict:
    """The target-list view of one `whatif --add` result: coverage, gaps opened and closed."""
    c = result["coverage"]
    return {"covered_before": c["covered_before"], "covered_after": c["covered_after"],
            "segments": c["segments"], "coverage_before": c["before"], "coverage_after": c["after"],
            "opens": [g["subject"] for g in result["opened"]], "closes": [g["subject"] for g in result["closed"]],
            "opens_detail": [{"kind": g["kind"], "subject": g["subject"], "side": g["side"], "why_zh": g["why_zh"]}
                             for g in result["opened"]],
            "closes_detail": [{"kind": g["kind"], "subject": g["subject"], "side": g["side"], "why_zh": g["why_zh"]}
                              for g in result["closed"]],
            "new_demand": [g["subject"] for g in result["opened"] if g.get("new_demand")],
            "focus_areas": [{"id": f["id"], "name": f["name"], "before": f["before"], "after": f["after"]}
                            for f in result["focus_areas"]]}


def _sites(chain, firms: list[str]) -> dict[str, list[str]]:
    """Each firm's sites (located_in targets), sorted, once each: one pass over the sites, not one per firm."""
    located = chain.relation("located_in")
    located = located[located["source"].isin(firms)]
    return {str(firm): sorted(set(group)) for firm, group in located.groupby("source", sort=False)["target"]}


def _city_province(chain, site: str) -> tuple[str, str]:
    """The Chinese names of the site's city and province (country = depth 0), "" when not that deep."""
    if not site:
        return "", ""
    path = list(reversed(chain.region_path(site)))  # country first
    zh = chain.nodes["name_zh"]
    name = lambda r: str(zh.get(r) or chain.nodes.at[r, "name"])  # noqa: E731
    province = name(path[1]) if len(path) > 1 else name(path[0])
    city = name(path[2]) if len(path) > 2 else ""
    return city, province


def targets_table_rows(result: dict, lang: str = "zh") -> list[list]:
    """The rows people read (table, md, csv, xlsx): names, not ids."""
    out = []
    for rank, r in enumerate(result["targets"], start=1):
        shown = r["fills"][:3]
        if lang == "zh":
            fills = "、".join(f["name_zh"] for f in shown) + (f"等 {len(r['fills'])} 处" if len(r["fills"]) > 3 else "")
        else:
            fills = "; ".join(f["name"] for f in shown) + (f" and {len(r['fills']) - 3} more" if len(r["fills"]) > 3
                                                           else "")
        change = ""
        if "covered_before" in r:
            change = (f"覆盖 {r['covered_before']}→{r['covered_after']}；消除 {len(r['closes'])} 处缺口，"
                      f"新增本地需求 {len(r['new_demand'])} 处" if lang == "zh" else
                      f"covered {r['covered_before']}→{r['covered_after']}, closes {len(r['closes'])}, "
                      f"opens {len(r['opens'])} ({len(r['new_demand'])} new local demand)")
        where = "".join(x for x in (r["province"], r["city"]) if x) or r["site_label"]
        out.append([rank, r["short_zh"] if lang == "zh" else r["name"],
                    f"{r['score']:.1f} {r['level'] if lang == 'zh' else r['level_en']}", fills, change, where,
                    r["ties"], r["confidence"], r["attract_zh"] if lang == "zh" else r["why"]])
    return out
