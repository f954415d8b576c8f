"""`vvalley build`: validate the data, then write every output into one folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import hashlib

from vvalley.chain.load import load_chain
from vvalley.chain.model import Chain
from vvalley.chain.schema import EDGES_FILE, NODES_FILE
from vvalley.publish.files import UserError, dumps_json
from vvalley.publish.generation import write_generation


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


# The target list in a build: every firm, what its arrival changes for the best few (one what-if each).
TARGET_EFFECTS_IN_BUILD = 5


def render_outputs(chain: Chain, region: str | None = None, meta=None,
                   graph_chain: Chain | None = None) -> tuple[object, dict[str, str | bytes]]:
    """The gap report and the text (or bytes) of the gap, map, poster, report and list files, by file name
    (nothing written); graph.json of `graph_chain` first when it is given. The chain is analysed once; the
    same report and target list feed every writer. The maps, the poster and graph.json are drawn in a
    helper process (vvalley.render.helper) while the target list, the report and the lists are made here;
    drawn here when the helper cannot."""
    from vvalley.analysis.gaps import analyse
    from vvalley.analysis.targets import targets
    from vvalley.chain.regions import default_region
    from vvalley.publish.gapfiles import gaps_csv, gaps_json
    from vvalley.publish.lists import lists_workbook
    from vvalley.publish.report import render_docx, render_report
    from vvalley.render.helper import HELPER_MAX_EDGES, Helper, chain_files

    region = chain.resolve(region, kinds=("region",)) if region else default_region(chain)
    with Helper(enabled=chain.edge_count <= HELPER_MAX_EDGES) as helper:  # it imports what drawing needs while the chain is analysed here
        report = analyse(chain, region)
        helper.send(chain, report, meta, graph_chain)
        target_list = targets(chain, region, report, effects_for=TARGET_EFFECTS_IN_BUILD)
        here: dict[str, str | bytes] = {"gaps.json": gaps_json(report), "gaps.csv": gaps_csv(report)}
        markdown, html, data = render_report(chain, region, gap_report=report, targets=target_list, meta=meta,
                                             with_data=True)
        here["report.md"], here["report.html"] = markdown, html
        here["report.docx"] = render_docx(data)
        here["lists.xlsx"] = lists_workbook(chain, report, target_list)
        drawn = helper.files() or chain_files(chain, report, meta, graph_chain)
    order = ["graph.json"] * (graph_chain is not None) + ["gaps.json", "gaps.csv", "map.html", "map-full.html",
                                                           "poster.svg", "poster.png", "report.md", "report.html",
                                                           "report.docx", "lists.xlsx"]
    everything = {**drawn, **here}
    return report, {name: everything[name] for name in order}


class NoRegion(UserError):
    """The data holds no region, so there is nothing to analyse (a data matter, not a bug)."""

    def __init__(self, data_dir: Path | str):
        super().__init__(f"the data in {data_dir} has no region (no node of kind 'region' in {NODES_FILE}); "
                         "add the region and located_in edges for its enterprises, then run again",
                         f"{data_dir} 的数据里没有地区（{NODES_FILE} 中没有 kind 为 region 的节点）；"
                         "请加上地区及其企业的 located_in 关系后再运行")


def data_hashes(data_dir: Path | str) -> dict[str, str]:
    """sha256 of each data file (and chain.json when there is one), as the manifest names the data
    a generation was built from."""
    from vvalley.chain.meta import META_FILE

    if Path(data_dir).is_file():  # a .duckdb file written by `vvalley ingest`
        return {Path(data_dir).name: hashlib.sha256(Path(data_dir).read_bytes()).hexdigest()}
    files = [NODES_FILE, EDGES_FILE] + ([META_FILE] if (Path(data_dir) / META_FILE).is_file() else [])
    return {name: hashlib.sha256((Path(data_dir) / name).read_bytes()).hexdigest() for name in files}


def build(data_dir: Path | str, out_dir: Path | str, region: str | None = None,
          min_confidence: str = "U") -> BuildResult:
    """Load and validate the chain, analyse it, then write graph, gaps, maps and report to `out_dir`.

    Everything is rendered in memory before the first file is written, so bad data or a failed
    render leaves the output folder as it was. The files are then written as one generation
    (vvalley.publish.generation): staged beside `out_dir`, swapped in at once, with
    `manifest.json` naming each file's size and sha256 and the data's hashes; a failed or killed
    build leaves the previous set as it was. With `min_confidence`, the gaps, maps and report
    count only facts graded that well or better; graph.json keeps every fact.
    """
    from vvalley.chain.meta import read_meta

    chain = load_chain(data_dir)
    hashes = data_hashes(data_dir)
    meta = read_meta(data_dir)
    region = region or (meta.region if meta.region in chain.nodes.index else None)
    if region is None and len(chain.ids("region")) == 0:
        raise NoRegion(data_dir)
    report, outputs = render_outputs(chain.trusted(min_confidence), region, meta=meta, graph_chain=chain)
    result = BuildResult(chain, report)
    result.written = write_generation(out_dir, outputs, hashes)
    return result
