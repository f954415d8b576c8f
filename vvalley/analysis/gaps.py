"""The seven gap kinds of a region's chain, their severity, and the report that holds them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from vvalley.analysis import candidates as _candidates
from vvalley.analysis import wording as _w
from vvalley.analysis.candidates import Candidate
from vvalley.analysis.pools import supplied_pairs, suppliers_abroad
from vvalley.analysis.coverage import Footing, Template
from vvalley.chain.schema import GAP_KINDS

KINDS = GAP_KINDS  # kind -> 中文, from the schema

# severity = 100 × kind weight × (W_REACH·reach + W_FOCUS·focus + W_RELATED·relatedness); see docs/gaps.md.
W_REACH, W_FOCUS, W_RELATED = 0.5, 0.3, 0.2
KIND_WEIGHT = {
    "missing_segment": 1.0,
    "foreign_dependency": 1.0,
    ("broken_link", "upstream"): 0.9,
    "weak_segment": 0.8,
    ("broken_link", "downstream"): 0.7,
    "unlinked": 0.6,
    "research_gap": 0.5,
    "unabsorbed_research": 0.5,
}
FOCUS_DIRECT, FOCUS_DOWNSTREAM = 1.0, 0.5
# A gap's node list names the actors it rests on; past this many it is cut (the reason gives the count).
MAX_NODES = 20


@dataclass(frozen=True)
class Gap:
    """One missing link: what, where, how bad, why, and who could fill it."""

    kind: str
    subject: str
    severity: int
    reason: str
    nodes: list[str]
    components: dict
    candidates: list[Candidate] = field(default_factory=list)
    side: str | None = None
    reason_zh: str = ""

    @property
    def kind_zh(self) -> str:
        return KINDS[self.kind]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "subject": self.subject, "severity": self.severity,
                "reason": self.reason, "nodes": list(self.nodes), "components": dict(self.components),
                "candidates": [c.to_dict() for c in self.candidates], "side": self.side,
                "reason_zh": self.reason_zh}


@dataclass(frozen=True)
class Basis:
    """What an analysis was computed on, kept with its report so later steps of the same run (the
    target list, its what-ifs) reuse it instead of computing it again. Not part of the report's value."""

    chain: object             # the chain as analysed (cut to the report's year)
    min_suppliers: int
    kinds: tuple[str, ...]
    template: Template
    footing: Footing
    pool: object = None       # candidates.scored_pool over `pool_targets` (None: not computed, or empty)
    pool_targets: tuple[str, ...] = ()

    def fits(self, chain, region: str) -> bool:
        """Whether this basis is the analysis of `chain` (the same object) for `region`."""
        return self.chain is chain and self.footing.region == region


@dataclass(frozen=True)
class GapReport:
    """The gaps of one region in one year, with the status of every segment and feeds link."""

    region: str
    as_of: int | None
    gaps: list[Gap]
    segments: list[dict]
    links: list[dict]
    summary: dict
    # Gap kinds the data cannot show (no supplies ties, no institutes): never ranked among the gaps.
    data_gaps: list[dict] = field(default_factory=list)
    # What it was computed on, for reuse in the same run (see Basis); not compared, not written out.
    basis: Basis | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {"region": self.region, "as_of": self.as_of, "summary": self.summary,
                "gaps": [g.to_dict() for g in self.gaps], "data_gaps": [dict(d) for d in self.data_gaps]}


def analyse(chain, region: str, as_of: int | None = None, min_suppliers: int = 2,
            kinds=None, top: int = 5, template: Template | None = None, footing: Footing | None = None) -> GapReport:
    """The gaps in `region`'s chain (as of a year): every kind, or only `kinds`, sorted by severity.

    `region` may be an id or an English/Chinese name (raises model.LookupProblem when unknown);
    an unknown kind raises ValueError. A chain already cut to a year (`chain.at(2018)`) is
    analysed in that year unless `as_of` says otherwise. `template` reuses Template.of(chain) when
    only actors' sites changed (what-if loops); `footing` is Footing.of(chain, region, template) when
    the caller has it (a what-if derives it from the unchanged chain's).

    `unlinked` and `research_gap` are findings only where the data could show otherwise: without
    any supplies tie for the region's firms (or between the two segments' firms anywhere), or
    without any institute in the region's country, they go to `data_gaps` instead.
    """
    wanted = _check_kinds(kinds)
    if min_suppliers < 1:
        raise ValueError("min_suppliers must be at least 1")
    # as_of None would mean today: on a chain cut to 2018 that drops what ended since.
    as_of = chain.as_of if as_of is None else as_of
    chain = chain.at(as_of)
    region = chain.resolve(region, kinds=("region",))
    template = template or Template.of(chain)
    if footing is not None and footing.region != region:
        raise ValueError(f"the footing given is of {footing.region}, not of {region}")
    footing = footing or Footing.of(chain, region, template)
    ctx = _Context(chain, region, template, footing, min_suppliers)

    gaps: list[Gap] = []
    for kind in KINDS:
        if kind in wanted:
            gaps.extend(getattr(ctx, kind)())
    gaps = [ctx.with_cycle_note(g) for g in gaps]
    fill = [g for g in gaps if g.kind in ("missing_segment", "weak_segment")
            or (g.kind == "broken_link" and g.side == "upstream")]
    targets = sorted({_fill_target(g) for g in fill})
    pool = _candidates.scored_pool(chain, template, footing, targets) if targets and top > 0 else None
    ranked = _candidates.rank(chain, template, footing, targets, top, table=pool)
    fill_ids = {id(g) for g in fill}
    gaps = [replace(g, candidates=ranked[_fill_target(g)]) if id(g) in fill_ids else g for g in gaps]
    gaps.sort(key=ctx.order)
    basis = Basis(chain, min_suppliers, wanted, template, footing, pool, tuple(targets) if pool is not None else ())
    return GapReport(region, as_of, gaps, ctx.segment_rows(), ctx.link_rows(), ctx.summary(gaps, wanted),
                     ctx.data_gap_rows(), basis)


def _check_kinds(kinds) -> tuple[str, ...]:
    if kinds is None:
        return tuple(KINDS)
    if isinstance(kinds, str):
        kinds = [kinds]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown gap kind {unknown[0]!r}; valid kinds: {', '.join(KINDS)}")
    return tuple(kinds)


def _fill_target(gap: Gap) -> str:
    """The segment a fill candidate would operate in: the subject, or a link's upstream end."""
    return gap.subject.split("->")[0]


def _hub(gap: Gap) -> str:
    """The segment a gap's consequences flow down from: the subject, or a link's downstream end."""
    return gap.subject.split("->")[-1]


class _Context:
    """What every gap kind reads: coverage, reach and relatedness of each segment, ties of each link."""

    def __init__(self, chain, region: str, template: Template, footing: Footing, min_suppliers: int):
        self.chain, self.region, self.t, self.f = chain, region, template, footing
        self.min_suppliers = min_suppliers
        self.names = _w.Names(chain)
        self.name = self.names.en[region]
        self.held: dict[tuple[str, str], list[str]] = {}  # (kind, cause) -> subjects held back as data gaps
        self.firms = footing.firms_per_segment
        self.below, self.from_on = footing.firms_downstream(template)
        self.total_firms = len(footing.firms)
        ties = footing.ties_between(chain)
        self.ties = {(a, b): int(n) for a, b, n in zip(ties["source"], ties["target"], ties["ties"])}
        self.country = chain.country_of.get(region, region)

    # ---- what the data can show ---------------------------------------------------------
    @property
    def supplies_in_region(self) -> bool:
        """Whether any supplies tie touches one of the region's firms (one query on the engine)."""
        from vvalley import engine

        if not len(self.f.firms):
            return False
        supplies = engine.tables(self.chain).relation("supplies")
        firms = self.f.firm_table.firm
        touching = supplies.filter(supplies.source.isin(firms) | supplies.target.isin(firms))
        return bool(len(engine.fetch(touching.select("source").limit(1))))

    @property
    def institutes_in_country(self) -> bool:
        """Whether any institute of the data sits in the region's country (one query on the engine for
        the institutes' sites; a registry has few institutes and thousands of regions)."""
        from vvalley import engine

        t = engine.tables(self.chain)
        located, nodes = t.relation("located_in"), t.nodes
        institutes = nodes.filter(nodes.kind == "institute")
        sites = engine.fetch(located.semi_join(institutes, located.source == institutes.id).select("target").distinct())
        country_of = self.chain.country_of
        return any(country_of.get(region, region) == self.country for region in sites["target"].tolist())

    def firms_under(self, segment: str) -> list[str]:
        """R's firms in a segment or below it, sorted."""
        return sorted({f for s in self.t.subtree[segment] for f in self.f.firms_in.get(s, [])})

    def firms_below(self, segment: str) -> list[str]:
        """R's firms downstream of a segment (its own left out), sorted."""
        own = set(self.firms_under(segment))
        return sorted({f for s in self.t.downstream[segment] for f in self.f.firms_in.get(s, [])} - own)

    def cycle_notes(self, hub: str) -> tuple[str, str]:
        group = self.t.cycle_of.get(hub)
        if not group:
            return "", ""
        members = sorted(group)
        return _w.cycle_note_en(self.names, hub, members), _w.cycle_note_zh(self.names, hub, members)

    def with_cycle_note(self, gap: Gap) -> Gap:
        """The gap, its reasons saying so when its reach was counted over a collapsed feeds cycle."""
        if not gap.components.get("cycle"):
            return gap
        note, note_zh = self.cycle_notes(_hub(gap))
        return replace(gap, reason=gap.reason + note, reason_zh=gap.reason_zh + note_zh)

    def order(self, gap: Gap) -> tuple:
        """Severity, then its components (more firms hanging on it, focus, relatedness), then the name."""
        c = gap.components
        return (-gap.severity, -c.get("downstream_firms", 0), -c.get("focus", 0.0), -c.get("relatedness", 0.0),
                self.names.subject(gap.subject, "en"), gap.kind, gap.side or "", gap.subject)

    def data_gap_rows(self) -> list[dict]:
        rows = []
        for (kind, cause), subjects in sorted(self.held.items()):
            reason, reason_zh = _w.data_gap_texts(self.names, kind, cause, self.region, len(subjects),
                                                  self.country)
            rows.append({"kind": kind, "kind_zh": KINDS[kind], "cause": cause, "reason": reason,
                         "reason_zh": reason_zh, "count": len(subjects), "subjects": sorted(subjects),
                         "names_zh": [self.names.subject(s) for s in sorted(subjects)]})
        return rows

    # ---- the components of severity -----------------------------------------------------
    def covered(self, segment: str) -> bool:
        return self.firms.get(segment, 0) > 0

    def relatedness(self, segment: str) -> float:
        near = self.t.neighbours[segment]
        return round(sum(self.covered(n) for n in near) / len(near), 4) if near else 0.0

    def focus(self, segment: str) -> float:
        if self.t.serves[segment]:
            return FOCUS_DIRECT
        return FOCUS_DOWNSTREAM if self.t.reaches_focus[segment] else 0.0

    def severity(self, kind, hub: str, related: float, link: bool = False) -> tuple[int, dict]:
        """Severity of a gap whose consequences flow down from segment `hub`: a segment gap
        weighs the firms downstream of it; a link gap, the firms in its target and downstream."""
        firms = self.from_on[hub] if link else self.below[hub]
        reach = math.log1p(firms) / math.log1p(self.total_firms) if self.total_firms else 0.0
        reach = min(1.0, reach)
        focus = self.focus(hub)
        weight = KIND_WEIGHT[kind]
        score = 100 * weight * (W_REACH * reach + W_FOCUS * focus + W_RELATED * related)
        components = {"downstream_firms": firms, "reach": round(reach, 4), "focus": focus,
                      "relatedness": related, "kind_weight": weight,
                      "cycle": len(self.t.cycle_of.get(hub, ()))}
        return max(0, min(100, int(round(score)))), components

    def label(self, node: str) -> str:
        return self.names.label(node)

    def _downstream_words(self, hub: str) -> str:
        n = self.below[hub]
        return f"{_n(n, self.name + ' firm')} {'sits' if n == 1 else 'sit'} downstream"

    # ---- the kinds ---------------------------------------------------------------------
    def missing_segment(self) -> list[Gap]:
        out = []
        for leaf in self.t.leaves:
            if self.covered(leaf):
                continue
            severity, comp = self.severity("missing_segment", leaf, self.relatedness(leaf))
            reason = (f"{self.label(leaf)}: no enterprise of {self.name} operates in it; "
                      f"{self._downstream_words(leaf)}")
            zh = _w.missing_segment_zh(self.names, self.region, leaf, self.firms_below(leaf))
            out.append(Gap("missing_segment", leaf, severity, reason, [leaf], comp, reason_zh=zh))
        return out

    def weak_segment(self) -> list[Gap]:
        out = []
        for leaf in self.t.leaves:
            n = self.firms.get(leaf, 0)
            if not 0 < n < self.min_suppliers:
                continue
            firms = self.f.firms_in.get(leaf, [])
            severity, comp = self.severity("weak_segment", leaf, self.relatedness(leaf))
            who = ", ".join(self.label(f) for f in firms[:3]) + (" …" if len(firms) > 3 else "")
            reason = (f"{self.label(leaf)}: only {n} enterprise{'s' if n != 1 else ''} of {self.name} "
                      f"({who}) operate{'s' if n == 1 else ''} in it, fewer than {self.min_suppliers}"
                      f"{'; if it leaves, the segment is gone' if n == 1 else ''}; {self._downstream_words(leaf)}")
            zh = _w.weak_segment_zh(self.names, self.region, leaf, self.firms_under(leaf), self.min_suppliers)
            out.append(Gap("weak_segment", leaf, severity, reason, [leaf, *firms[:MAX_NODES]], comp, reason_zh=zh))
        return out

    def broken_link(self) -> list[Gap]:
        out = []
        for a, b in self.t.feeds:
            up, down = self.covered(a), self.covered(b)
            if up == down:
                continue
            subject = f"{a}->{b}"
            if down:
                severity, comp = self.severity(("broken_link", "upstream"), b, self.relatedness(a), link=True)
                reason = (f"{self.label(a)} → {self.label(b)}: {self.name} has {_n(self.firms[b], 'firm')} in "
                          f"{self.chain.nodes.at[b, 'name']} but none in {self.chain.nodes.at[a, 'name']}; "
                          f"they buy it from outside")
                zh = _w.broken_upstream_zh(self.names, self.region, a, b, self.firms_under(b))
                out.append(Gap("broken_link", subject, severity, reason, [a, b], comp, side="upstream",
                               reason_zh=zh))
            else:
                severity, comp = self.severity(("broken_link", "downstream"), b, self.relatedness(b), link=True)
                reason = (f"{self.label(a)} → {self.label(b)}: {self.name} has {_n(self.firms[a], 'firm')} in "
                          f"{self.chain.nodes.at[a, 'name']} but no local customer in "
                          f"{self.chain.nodes.at[b, 'name']}; the output leaves {self.name}")
                zh = _w.broken_downstream_zh(self.names, self.region, a, b, self.firms_under(a))
                out.append(Gap("broken_link", subject, severity, reason, [a, b], comp, side="downstream",
                               reason_zh=zh))
        return out

    def unlinked(self) -> list[Gap]:
        out = []
        in_region = self.supplies_in_region
        untied = [(a, b) for a, b in self.t.feeds
                  if self.covered(a) and self.covered(b) and not self.ties.get((a, b), 0)]
        anywhere = supplied_pairs(self.chain, self.t, untied) if in_region else set()
        for a, b in untied:
            if not in_region or (a, b) not in anywhere:
                cause = "no_supplies_in_region" if not in_region else "no_supplies_between_segments"
                self.held.setdefault(("unlinked", cause), []).append(f"{a}->{b}")
                continue
            related = round((self.relatedness(a) + self.relatedness(b)) / 2, 4)
            severity, comp = self.severity("unlinked", b, related, link=True)
            reason = (f"{self.label(a)} → {self.label(b)}: {self.name} has firms on both sides "
                      f"({self.firms[a]} and {self.firms[b]}) but no known supply tie between them; "
                      f"a matchmaking (对接) opportunity")
            zh = _w.unlinked_zh(self.names, self.region, a, b, self.firms_under(a), self.firms_under(b))
            out.append(Gap("unlinked", f"{a}->{b}", severity, reason, [a, b], comp, reason_zh=zh))
        return out

    def research_gap(self) -> list[Gap]:
        out = []
        known = self.institutes_in_country
        for leaf in self.t.leaves:
            if not self.covered(leaf) or self.f.institutes_per_leaf.get(leaf):
                continue
            if not known:
                self.held.setdefault(("research_gap", "no_institute_in_country"), []).append(leaf)
                continue
            severity, comp = self.severity("research_gap", leaf, self.relatedness(leaf))
            n = self.firms[leaf]
            reason = (f"{self.label(leaf)}: {n} {self.name} firm{'s' if n != 1 else ''} operate"
                      f"{'s' if n == 1 else ''} in it but no institute of {self.name} researches it")
            zh = _w.research_gap_zh(self.names, self.region, leaf, self.firms_under(leaf))
            out.append(Gap("research_gap", leaf, severity, reason, [leaf], comp, reason_zh=zh))
        return out

    def unabsorbed_research(self) -> list[Gap]:
        out = []
        for leaf in self.t.leaves:
            institutes = self.f.institutes_direct.get(leaf, [])
            if not institutes or self.covered(leaf):
                continue
            severity, comp = self.severity("unabsorbed_research", leaf, self.relatedness(leaf))
            who = ", ".join(self.label(i) for i in institutes[:3]) + (" …" if len(institutes) > 3 else "")
            reason = (f"{self.label(leaf)}: researched by {who} in {self.name}, "
                      f"but no enterprise of {self.name} operates in it")
            zh = _w.unabsorbed_zh(self.names, self.region, leaf, institutes)
            out.append(Gap("unabsorbed_research", leaf, severity, reason,
                           [leaf, *institutes[:MAX_NODES]], comp, reason_zh=zh))
        return out

    def foreign_dependency(self) -> list[Gap]:
        needed = [leaf for leaf in self.t.leaves if not self.covered(leaf)
                  and any(self.covered(b) for b in self.t.feeds_into[leaf])]
        suppliers = suppliers_abroad(self.chain, needed, self.chain.country_of.get(self.region, self.region))
        country = self.label(self.chain.country_of.get(self.region, self.region))
        out = []
        for leaf in needed:
            info = suppliers.get(leaf)
            if info is None:
                continue
            firms, countries = info
            customers = sorted(b for b in self.t.feeds_into[leaf] if self.covered(b))
            severity, comp = self.severity("foreign_dependency", leaf, self.relatedness(leaf))
            names = ", ".join(self.label(f) for f in firms[:3]) + (" …" if len(firms) > 3 else "")
            reason = (f"{self.label(leaf)}: feeds {self.name}'s "
                      f"{', '.join(self.chain.nodes.at[c, 'name'] for c in customers[:3])}; "
                      f"{'its only known supplier' if len(firms) == 1 else f'all {len(firms)} known suppliers'} "
                      f"({names}) {'is' if len(firms) == 1 else 'are'} outside "
                      f"{country}, in {', '.join(self.label(c) for c in countries)}")
            zh = _w.foreign_dependency_zh(self.names, self.region, leaf, customers, firms,
                                          self.chain.country_of.get(self.region, self.region), countries)
            out.append(Gap("foreign_dependency", leaf, severity, reason,
                           [leaf, *firms[:MAX_NODES], *customers], comp, reason_zh=zh))
        return out

    # ---- statuses and summary -------------------------------------------------------------
    def status(self, segment: str) -> str:
        n = self.firms.get(segment, 0)
        return "missing" if n == 0 else "weak" if n < self.min_suppliers else "covered"

    def segment_rows(self) -> list[dict]:
        research = self.f.research
        by_leaf: dict[str, set] = {}
        for institute, leaf in zip(research["institute"], research["segment"]):
            by_leaf.setdefault(leaf, set()).add(institute)
        layers = dict(zip(self.t.segments, self.chain.nodes["layer"].reindex(self.t.segments).fillna("").astype(str)))
        rows = []
        for segment in self.t.segments:
            n_inst = len(set().union(*(by_leaf.get(s, set()) for s in self.t.subtree[segment])))
            rows.append({"id": segment, "layer": layers[segment],
                         "firms": int(self.firms.get(segment, 0)), "institutes": int(n_inst),
                         "status": self.status(segment)})
        return rows

    def link_rows(self) -> list[dict]:
        rows = []
        for a, b in self.t.feeds:
            up, down = self.covered(a), self.covered(b)
            ties = self.ties.get((a, b), 0)
            status = ("linked" if ties else "unlinked") if up and down else "broken" if up or down else "absent"
            rows.append({"source": a, "target": b, "status": status, "ties": ties})
        return rows

    def summary(self, gaps: list[Gap], wanted) -> dict:
        leaves = self.t.leaves
        covered = sum(self.covered(s) for s in leaves)
        # Only the kinds looked for: a 0 must mean "none", not "not computed".
        by_kind = {k: 0 for k in KINDS if k in wanted}
        for gap in gaps:
            by_kind[gap.kind] += 1
        focus_areas = []
        for focus in self.t.focus_areas:
            serving = self.t.focus_leaves(focus)
            on_way = sum(1 for g in gaps if focus in self.t.reaches_focus[_hub(g)])
            share = sum(self.covered(s) for s in serving) / len(serving) if serving else 0.0
            focus_areas.append({"id": focus, "name": self.label(focus), "name_zh": self.names.zh(focus),
                                "coverage": round(share, 4),
                                "segments": len(serving), "covered": sum(self.covered(s) for s in serving),
                                "gaps": on_way})
        return {"segments": len(leaves), "covered": int(covered),
                "coverage": round(covered / len(leaves), 4) if leaves else 0.0,
                "gaps_by_kind": by_kind, "focus_areas": focus_areas,
                "data_gaps": sum(len(v) for v in self.held.values())}


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


__all__ = ["KINDS", "Gap", "GapReport", "Candidate", "analyse"]
