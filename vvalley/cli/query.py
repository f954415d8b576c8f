"""`vvalley query node|segment|path|candidates`: follow-up questions on one node."""

from __future__ import annotations

from typing import Annotated

import typer

from vvalley.chain.problems import UserError
from vvalley.cli._app import (DEFAULT_DATA, AsOfOpt, DataDir, RegionOpt, app, fail, fail_user, load_or_fail, resolve_or_fail,
                              resolve_region_or_fail)
from vvalley.cli._format import FormatOpt, OutputFormat, show

query_app = typer.Typer(help="Ask about one node: its facts and neighbours, a segment, paths, fill candidates.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(query_app, name="query")

NodeArg = Annotated[str, typer.Argument(help="Node id, English or Chinese name.")]


def _chain(data, as_of):
    chain = load_or_fail(data, "nothing to query")
    return chain.at(as_of)


@query_app.command("node")
def node(node_id: NodeArg, data: DataDir = DEFAULT_DATA, as_of: AsOfOpt = None,
         fmt: FormatOpt = OutputFormat.table) -> None:
    """A node's facts, evidence and confidence, and its neighbours grouped by relation, in and out."""
    from vvalley.analysis.query import node_info
    from vvalley.publish.answers import node_sections

    chain = _chain(data, as_of)
    info = node_info(chain, resolve_or_fail(chain, node_id))
    show(info, node_sections(info), fmt, f"{info['node']['label']} [{info['node']['id']}, {info['node']['kind']}]")


@query_app.command("segment")
def segment(segment_id: NodeArg, data: DataDir = DEFAULT_DATA, region: RegionOpt = None, as_of: AsOfOpt = None,
            fmt: FormatOpt = OutputFormat.table) -> None:
    """A segment seen from the region: its enterprises here and elsewhere, up- and downstream, institutes."""
    from vvalley.analysis.gaps import analyse
    from vvalley.analysis.query import segment_info
    from vvalley.publish.answers import segment_sections

    chain = _chain(data, as_of)
    segment_id = resolve_or_fail(chain, segment_id, kinds=("segment",))
    region = resolve_region_or_fail(chain, region)
    info = segment_info(chain, segment_id, region, gap_report=analyse(chain, region, top=0))
    show(info, segment_sections(info), fmt, f"{info['segment']['label']} in {info['region']['label']}")


@query_app.command("path")
def path(start: NodeArg, end: NodeArg, data: DataDir = DEFAULT_DATA, as_of: AsOfOpt = None,
         limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="At most this many paths.")] = 5,
         fmt: FormatOpt = OutputFormat.table) -> None:
    """Value-chain paths over feeds between two segments or actors (an enterprise stands for its segments)."""
    from vvalley.analysis.query import PATH_ENDPOINT_KINDS, value_paths
    from vvalley.publish.answers import path_sections

    chain = _chain(data, as_of)
    a = resolve_or_fail(chain, start, kinds=PATH_ENDPOINT_KINDS)
    b = resolve_or_fail(chain, end, kinds=PATH_ENDPOINT_KINDS)
    result = value_paths(chain, a, b, limit=limit)
    show(result, path_sections(result), fmt, f"{result['from']['label']} → {result['to']['label']}")


@query_app.command("candidates")
def candidates(segment_id: NodeArg, data: DataDir = DEFAULT_DATA, region: RegionOpt = None,
               as_of: AsOfOpt = None,
               top: Annotated[int, typer.Option("--top", min=1, max=100, help="How many candidates.")] = 10,
               fmt: FormatOpt = OutputFormat.table) -> None:
    """Enterprises outside the region that could fill a segment (招商目标), ranked as in `gaps`."""
    from vvalley.analysis.query import fill_candidates
    from vvalley.publish.answers import candidate_sections

    chain = _chain(data, as_of)
    segment_id = resolve_or_fail(chain, segment_id, kinds=("segment",))
    region = resolve_region_or_fail(chain, region)
    try:
        result = fill_candidates(chain, segment_id, region, top=top)
    except ValueError as err:
        fail_user(err) if isinstance(err, UserError) else fail(str(err))
    show(result, candidate_sections(result), fmt,
         f"Fill candidates: {result['segment']['label']} for {result['region']['label']}")
