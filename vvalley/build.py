"""`vvalley build`: validate the data, then write every output into one folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vvalley.chain.load import load_chain
from vvalley.chain.model import Chain
from vvalley.publish.files import dumps_json, write_atomic

MAP_FILES = (("map.html", "chain"), ("map-full.html", "full"))


@dataclass
class BuildResult:
    """What a build wrote, and what it found."""

    chain: Chain
    gaps: object  # vvalley.analysis.gaps.GapReport
    written: list[Path] = field(default_factory=list)


def graph_json(chain: Chain) -> str:
    """The chain as networkx node-link JSON."""
    import networkx as nx

    return dumps_json(nx.node_link_data(chain.graph, edges="edges"))


def render_outputs(chain: Chain, region: str | None = None, meta=None) -> tuple[object, dict[str, str]]:
    """The gap report and the text (bytes for poster.png) of the gap, map, poster and report files, by file name (nothing written)."""
    from vvalley.analysis.gaps import analyse
    from vvalley.publish.gapfiles import gaps_csv, gaps_json
    from vvalley.chain.regions import default_region
    from vvalley.render import render_map, render_poster
    from vvalley.render.poster import convert as poster_bytes
    from vvalley.publish.report import render_report

    region = chain.resolve(region, kinds=("region",)) if region else default_region(chain)
    report = analyse(chain, region)
    outputs = {"gaps.json": gaps_json(report), "gaps.csv": gaps_csv(report)}
    for name, view in MAP_FILES:
        outputs[name] = render_map(chain, report, view=view, meta=meta)
    outputs["poster.svg"] = render_poster(chain, report, meta=meta)
    outputs["poster.png"] = poster_bytes(outputs["poster.svg"], "png")
    markdown, html = render_report(chain, region, gap_report=report)
    outputs["report.md"], outputs["report.html"] = markdown, html
    return report, outputs


def build(data_dir: Path | str, out_dir: Path | str, region: str | None = None,
          min_confidence: str = "U") -> BuildResult:
    """Load and validate the chain, analyse it, then write graph, gaps, maps and report to `out_dir`.

    Everything is rendered in memory before the first file is written, so bad data or a failed
    render leaves the output folder as it was; each file is replaced whole (write, then rename).
    With `min_confidence`, the gaps, maps and report count only facts graded that well or better;
    graph.json keeps every fact.
    """
    from vvalley.chain.meta import read_meta

    chain = load_chain(data_dir)
    meta = read_meta(data_dir)
    region = region or (meta.region if meta.region in chain.nodes.index else None)
    report, analysed = render_outputs(chain.trusted(min_confidence), region, meta=meta)
    outputs = {"graph.json": graph_json(chain), **analysed}
    result = BuildResult(chain, report)
    for name, payload in outputs.items():
        result.written.append(write_atomic(Path(out_dir) / name, payload))
    return result
