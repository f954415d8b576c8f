"""`vvalley build`: validate the data, then write every output into one folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .load import load_chain
from .model import Chain
from .outputs import dumps_json, write_atomic


@dataclass
class BuildResult:
    """What a build wrote, and the counts it found."""

    chain: Chain
    written: list[Path] = field(default_factory=list)


def graph_json(chain: Chain) -> str:
    """The chain as networkx node-link JSON."""
    data = nx.node_link_data(chain.graph, edges="edges")
    return dumps_json(data)


def build(data_dir: Path, out_dir: Path) -> BuildResult:
    """Load and validate the chain, then write graph.json (and the other outputs) to `out_dir`."""
    chain = load_chain(data_dir)
    # Render everything in memory first so a failure leaves no half-built folder.
    outputs: dict[str, str | bytes] = {"graph.json": graph_json(chain)}
    result = BuildResult(chain)
    for name, payload in outputs.items():
        result.written.append(write_atomic(out_dir / name, payload))
    return result
