"""Two gap reports side by side: two regions, two years of one region, or a chain before and after a change."""

from __future__ import annotations

import pandas as pd

from vvalley.analysis.gaps import KINDS, GapReport, analyse
from vvalley.chain.schema import LAYERS

_LAYER_ORDER = {layer: i for i, layer in enumerate(LAYERS)}


def gap_key(gap) -> tuple[str, str, str]:
    """What makes two gaps in two reports the same gap: kind, subject and side."""
    return gap.kind, gap.subject, gap.side or ""


def _gap_row(gap) -> dict:
    return {"kind": gap.kind, "kind_zh": KINDS[gap.kind], "subject": gap.subject, "side": gap.side,
            "severity": gap.severity, "reason": gap.reason, "reason_zh": gap.reason_zh, "nodes": list(gap.nodes)}


def _by_severity(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["severity"], r["subject"], r["kind"], r["side"] or ""))


def diff_reports(before: GapReport, after: GapReport, chain=None) -> dict:
    """What changed from one gap report to another (same template; regions or years may differ).

    Returns {"opened": [gap], "closed": [gap], "changed": [gap + severity_before, severity_after,
    delta], "gaps_by_kind": {kind: {"before", "after"}}, "coverage": {"segments", "covered_before",
    "covered_after", "before", "after"}, "focus_areas": [{"id", "name", "before", "after"}],
    "segments_changed": [{"id", "before", "after", "firms_before", "firms_after"}]}.
    A gap is {kind, kind_zh, subject, side, severity, reason, reason_zh, nodes} (+ name, name_zh of
    the subject and of segments when `chain` is given); "closed" gaps carry their severity and
    reason as they were; lists are sorted by severity, then subject.
    """
    old = {gap_key(g): g for g in before.gaps}
    new = {gap_key(g): g for g in after.gaps}
    opened = [_gap_row(new[k]) for k in new.keys() - old.keys()]
    closed = [_gap_row(old[k]) for k in old.keys() - new.keys()]
    changed = []
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        if a.severity != b.severity:
            changed.append({**_gap_row(b), "severity_before": a.severity, "severity_after": b.severity,
                            "delta": b.severity - a.severity})
    changed.sort(key=lambda r: (-abs(r["delta"]), r["subject"], r["kind"], r["side"] or ""))
    s1, s2 = before.summary, after.summary
    focus_before = {f["id"]: f for f in s1["focus_areas"]}
    focus = [{"id": f["id"], "name": f.get("name", f["id"]), "name_zh": f.get("name_zh", ""),
              "before": focus_before.get(f["id"], {}).get("coverage", 0.0), "after": f["coverage"]}
             for f in s2["focus_areas"]]
    rows_before = {r["id"]: r for r in before.segments}
    segments_changed = []
    for row in after.segments:
        old_row = rows_before.get(row["id"])
        if old_row and (old_row["status"], old_row["firms"]) != (row["status"], row["firms"]):
            segments_changed.append({"id": row["id"], "before": old_row["status"], "after": row["status"],
                                     "firms_before": old_row["firms"], "firms_after": row["firms"]})
    if chain is not None:
        from vvalley.analysis.wording import Names

        names = Names(chain)
        for row in (*opened, *closed, *changed):
            row["name"], row["name_zh"] = names.subject(row["subject"], "en"), names.subject(row["subject"])
        for row in segments_changed:
            row["name"], row["name_zh"] = names.en.get(row["id"], row["id"]), names.zh(row["id"])
    return {"opened": _by_severity(opened), "closed": _by_severity(closed), "changed": changed,
            "gaps_by_kind": {k: {"before": s1["gaps_by_kind"].get(k, 0), "after": s2["gaps_by_kind"].get(k, 0)}
                             for k in KINDS},
            "coverage": {"segments": s2["segments"], "covered_before": s1["covered"], "covered_after": s2["covered"],
                         "before": s1["coverage"], "after": s2["coverage"]},
            "focus_areas": focus, "segments_changed": segments_changed}


def group_coverage(chain, report: GapReport) -> list[dict]:
    """Coverage of each top segment group (seg.chips, …): its leaves and how many the region covers.

    Rows {"id", "label", "layer", "leaves", "covered", "coverage"}, upstream groups first.
    """
    status = {r["id"]: r["status"] for r in report.segments}
    segments = set(chain.ids("segment"))
    leaves = set(chain.leaf_segments)
    tops = [s for s in segments if chain.parent.get(s) not in segments]
    rows = []
    for top in tops:
        members = [s for s in chain.descendants(top) if s in leaves]
        covered = sum(status.get(s, "missing") != "missing" for s in members)
        rows.append({"id": top, "label": chain.label(top), "layer": str(chain.nodes.at[top, "layer"]) or None,
                     "leaves": len(members), "covered": covered,
                     "coverage": round(covered / len(members), 4) if members else 0.0})
    rows.sort(key=lambda r: (_LAYER_ORDER.get(r["layer"], len(LAYERS)), r["id"]))
    return rows


def compare_regions(chain, region_a: str, region_b: str, as_of: int | None = None,
                    min_suppliers: int = 2) -> dict:
    """Two regions side by side: which leaf segments one covers and the other lacks, and coverage.

    Returns {"a", "b" (region ids), "as_of", "only_a", "only_b" (leaf segments: {"id", "label",
    "firms_a", "firms_b"}), "both", "neither" (counts), "coverage": {"a", "b", "segments",
    "covered_a", "covered_b"}, "focus_areas": [{"id", "name", "a", "b"}], "groups": [{"id",
    "label", "leaves", "covered_a", "covered_b", "a", "b"}], "gaps_by_kind": {kind: {"a", "b"}}}.
    """
    as_of = chain.as_of if as_of is None else as_of
    chain = chain.at(as_of)
    report_a = analyse(chain, region_a, min_suppliers=min_suppliers, top=0)
    report_b = analyse(chain, region_b, min_suppliers=min_suppliers, top=0)
    firms_a = {r["id"]: r["firms"] for r in report_a.segments}
    firms_b = {r["id"]: r["firms"] for r in report_b.segments}
    leaves = chain.leaf_segments

    from vvalley.analysis.wording import Names

    names = Names(chain)

    def row(s: str) -> dict:
        return {"id": s, "label": chain.label(s), "name_zh": names.zh(s), "firms_a": firms_a.get(s, 0),
                "firms_b": firms_b.get(s, 0)}

    only_a = [row(s) for s in leaves if firms_a.get(s, 0) and not firms_b.get(s, 0)]
    only_b = [row(s) for s in leaves if firms_b.get(s, 0) and not firms_a.get(s, 0)]
    both = sum(1 for s in leaves if firms_a.get(s, 0) and firms_b.get(s, 0))
    sa, sb = report_a.summary, report_b.summary
    focus_b = {f["id"]: f["coverage"] for f in sb["focus_areas"]}
    groups_b = {g["id"]: g for g in group_coverage(chain, report_b)}
    groups = [{"id": g["id"], "label": g["label"], "name_zh": names.zh(g["id"]), "leaves": g["leaves"],
               "covered_a": g["covered"], "covered_b": groups_b[g["id"]]["covered"],
               "a": g["coverage"], "b": groups_b[g["id"]]["coverage"]} for g in group_coverage(chain, report_a)]
    return {"a": report_a.region, "b": report_b.region, "as_of": as_of,
            "a_label": chain.label(report_a.region), "b_label": chain.label(report_b.region),
            "a_zh": names.zh(report_a.region), "b_zh": names.zh(report_b.region),
            "only_a": only_a, "only_b": only_b, "both": both,
            "neither": len(leaves) - len(only_a) - len(only_b) - both,
            "coverage": {"segments": sa["segments"], "covered_a": sa["covered"], "covered_b": sb["covered"],
                         "a": sa["coverage"], "b": sb["coverage"]},
            "focus_areas": [{"id": f["id"], "name": f.get("name", f["id"]), "name_zh": f.get("name_zh", ""),
                             "a": f["coverage"],
                             "b": focus_b.get(f["id"], 0.0)} for f in sa["focus_areas"]],
            "groups": groups,
            "gaps_by_kind": {k: {"a": sa["gaps_by_kind"].get(k, 0), "b": sb["gaps_by_kind"].get(k, 0)}
                             for k in KINDS}}


def compare_years(chain, region: str, year: int, versus: int | None = None, min_suppliers: int = 2) -> dict:
    """One region in two years: actors that arrived or left, gaps closed and opened, coverage.

    `versus` None means today: the current calendar year, so that firms and sites whose
    `until` has passed are gone (the year used is returned as "to"). Returns {"region", "from",
    "to", "arrived", "left" (actors: {"id", "label", "kind", "segments", "since", "until"}),
    **diff_reports(report in `year`, report in `versus`)}. `since`/`until` are the years of the
    actor's site in the region (or of the actor itself when its sites carry none).
    """
    region = chain.resolve(region, kinds=("region",))
    versus = this_year() if versus is None else versus
    before, after = chain.at(year), chain.at(versus)
    actors_before, actors_after = set(before.region_actors(region)), set(after.region_actors(region))
    report_before = analyse(before, region, min_suppliers=min_suppliers, top=0)
    report_after = analyse(after, region, min_suppliers=min_suppliers, top=0)
    from vvalley.analysis.wording import Names

    return {"region": region, "region_label": chain.label(region), "region_zh": Names(chain).zh(region),
            "from": year, "to": versus,
            "actors_before": len(actors_before), "actors_after": len(actors_after),
            "arrived": _actors(chain, region, sorted(actors_after - actors_before)),
            "left": _actors(chain, region, sorted(actors_before - actors_after)),
            **diff_reports(report_before, report_after, chain)}


def this_year() -> int:
    """The current calendar year: what "today" means when comparing years."""
    import datetime

    return datetime.date.today().year


def _actors(chain, region: str, ids: list[str]) -> list[dict]:
    """Rows for the actors that arrived or left, built with group-bys (no scan per actor)."""
    located = chain.relation("located_in")
    located = located[located["source"].isin(ids) & located["target"].isin(chain.descendants(region))]
    by_actor = located.groupby("source")
    since = by_actor["since"].min()
    # A site still open (no until) keeps the actor's until open.
    until = by_actor["until"].max().where(~located["until"].isna().groupby(located["source"]).any())
    work = pd.concat([chain.relation(r).loc[lambda e: e["source"].isin(ids), ["source", "target"]]
                      for r in ("operates_in", "researches")])
    segments = work.drop_duplicates().sort_values(["source", "target"]).groupby("source")["target"].agg(list)
    return [{"id": actor, "label": chain.label(actor), "kind": chain.kind_of(actor),
             "segments": list(segments.get(actor, [])),
             "segment_labels": [chain.label(x) for x in segments.get(actor, [])],
             "since": _year(since.get(actor, pd.NA)) or _year(chain.nodes.at[actor, "since"]),
             "until": _year(until.get(actor, pd.NA)) or _year(chain.nodes.at[actor, "until"])}
            for actor in ids]


def _year(value) -> int | None:
    return None if pd.isna(value) else int(value)
