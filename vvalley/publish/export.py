"""The chain for other tools: GraphML and GEXF (Gephi, Cytoscape), node-link JSON, an XLSX workbook."""

from __future__ import annotations

import io
import json
import re
import zipfile

import networkx as nx
import pandas as pd

from vvalley.chain.schema import GAP_KINDS
from vvalley.publish.files import dumps_json
from vvalley.sanitize import for_xlsx_cell, for_xml, needs_formula_guard

FORMATS = ("graphml", "gexf", "json", "xlsx")
SUFFIX = {"graphml": ".graphml", "gexf": ".gexf", "json": ".json", "xlsx": ".xlsx"}

# Attribute names the GEXF writer treats specially (they would become the node's id, its
# label, a time span, a parent …); an extra CSV column so named is exported as attr_<name>.
_RESERVED = {"id", "label", "pid", "start", "end", "viz", "parents", "slices", "spells", "key",
             "type", "networkx_key"}
# A fixed date in GEXF's <meta> and the XLSX properties, so the same data gives the same bytes.
FIXED_DATE = "2000-01-01"
_XLSX_MAX_ROWS = 1_048_576


def _text(value) -> str:
    """A value as an attribute string: empties as "", characters XML cannot hold dropped (ElementTree
    writes them anyway, and the file would not parse)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "item"):
        value = value.item()
    return for_xml(value)


def _name(column: str) -> str:
    column = for_xml(column)
    return f"attr_{column}" if column in _RESERVED else column


def export_graph(chain) -> nx.MultiDiGraph:
    """The chain as a MultiDiGraph whose every attribute is a string, present on every node/edge.

    Gephi and Cytoscape read typed keys declared once per file; networkx's writers fail on
    None and declare a key's type from the first value they see. So every node carries every
    node column (and `label`, "English (中文)"), every edge every edge column plus `relation`,
    all as strings ("" when empty). Edge keys are "e0", "e1", … in table order (unique ids).
    """
    graph = nx.MultiDiGraph(name="vvalley chain", as_of=_text(chain.as_of))
    node_columns = list(chain.nodes.columns)
    node_names = {c: _name(c) for c in node_columns}
    labels = [chain.label(i) for i in chain.nodes.index]
    for node_id, label, row in zip(chain.nodes.index, labels, chain.nodes.itertuples(index=False)):
        attrs = {"label": _text(label)}
        attrs.update((node_names[c], _text(v)) for c, v in zip(node_columns, row))
        graph.add_node(_text(node_id), **attrs)
    edge_columns = [c for c in chain.edges.columns if c not in ("source", "target")]
    edge_names = {c: _name(c) for c in edge_columns}
    edge_names["weight"] = "weight"  # GEXF's own edge weight: a number, which ours is
    sources, targets = chain.edges["source"], chain.edges["target"]
    for i, (source, target, row) in enumerate(zip(sources, targets,
                                                  chain.edges[edge_columns].itertuples(index=False))):
        attrs = {edge_names[c]: _text(v) for c, v in zip(edge_columns, row)}
        if not attrs.get("weight"):
            attrs["weight"] = "1.0"
        graph.add_edge(_text(source), _text(target), key=f"e{i}", **attrs)
    return graph


def to_graphml(chain) -> bytes:
    """GraphML (UTF-8), every key a string, edge ids e0, e1, …."""
    buffer = io.BytesIO()
    nx.write_graphml(export_graph(chain), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def to_gexf(chain) -> bytes:
    """GEXF 1.2 (UTF-8) with node labels "English (中文)" and a fixed lastmodifieddate."""
    graph = export_graph(chain)
    for _, _, key, data in graph.edges(keys=True, data=True):
        data["weight"] = float(data["weight"])  # GEXF's weight attribute is numeric
        data["id"] = key
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    # networkx stamps today's date into <meta>; a fixed one keeps the file reproducible.
    return re.sub(rb'lastmodifieddate="[0-9-]+"', f'lastmodifieddate="{FIXED_DATE}"'.encode(),
                  buffer.getvalue(), count=1)


def to_json(chain) -> str:
    """networkx node-link JSON of the chain with native values (years as numbers), sorted keys."""
    return dumps_json(nx.node_link_data(chain.graph, edges="edges"))


# ---- XLSX -----------------------------------------------------------------------------------

def workbook_tables(chain, gap_report=None) -> dict[str, tuple[list[str], list[list]]]:
    """The sheets of the workbook as (header, rows): nodes, edges, gaps, candidates."""
    nodes = chain.nodes.reset_index()
    sheets = {"nodes": (list(nodes.columns), _rows(nodes)),
              "edges": (list(chain.edges.columns), _rows(chain.edges))}
    gap_rows, candidate_rows = [], []
    for gap in (gap_report.gaps if gap_report is not None else []):
        gap_rows.append([gap.kind, GAP_KINDS.get(gap.kind, ""), gap.subject, gap.side, int(gap.severity),
                         gap.reason, ", ".join(gap.nodes), json.dumps(gap.components, ensure_ascii=False,
                                                                      sort_keys=True)])
        for rank, candidate in enumerate(gap.candidates, start=1):
            candidate_rows.append([gap.kind, gap.subject, rank, candidate.id, _label(chain, candidate.id),
                                   float(candidate.score), candidate.why,
                                   json.dumps(getattr(candidate, "components", {}) or {},
                                              ensure_ascii=False, sort_keys=True)])
    sheets["gaps"] = (["kind", "kind_zh", "subject", "side", "severity", "reason", "nodes", "components"],
                      gap_rows)
    sheets["candidates"] = (["gap_kind", "gap_subject", "rank", "candidate", "name", "score", "why",
                             "components"], candidate_rows)
    return sheets


def _label(chain, node_id: str) -> str:
    return chain.label(node_id) if node_id in chain.nodes.index else node_id


def _rows(frame: pd.DataFrame) -> list[list]:
    out = []
    for row in frame.itertuples(index=False):
        out.append([None if (v is None or v is pd.NA or (isinstance(v, float) and v != v) or v == "")
                    else (v.item() if hasattr(v, "item") else v) for v in row])
    return out


def to_xlsx(chain, gap_report=None) -> bytes:
    """An XLSX workbook (sheets nodes, edges, gaps, candidates); text never runs as a formula.

    Text starting with = + - @ (or a tab / carriage return), or that looks like an error code
    (#N/A), is stored as a string cell with Excel's quote prefix: it shows as typed and
    stays text when edited. Characters XML cannot hold are dropped (vvalley.sanitize). Rows are
    streamed (openpyxl's write-only mode), so the time is linear in rows. The same data gives
    the same bytes: document dates and zip timestamps are fixed.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheets = workbook_tables(chain, gap_report)
    too_big = [name for name, (_, rows) in sheets.items() if len(rows) + 1 > _XLSX_MAX_ROWS]
    if too_big:
        from vvalley.chain.problems import InputProblem

        raise InputProblem(f"too many rows for one XLSX sheet ({', '.join(too_big)}); "
                           "export graphml, gexf or json instead",
                           f"一个 XLSX 工作表放不下这么多行（{'、'.join(too_big)}）；请改为导出 graphml、gexf 或 json")
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        head = []
        for value in header:
            cell = WriteOnlyCell(sheet, for_xlsx_cell(str(value)))
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            sheet.append([_cell(sheet, WriteOnlyCell, v) for v in row])
    fixed = pd.Timestamp(FIXED_DATE).to_pydatetime()
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.properties.creator = "vvalley"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def _cell(sheet, make, value):
    """A value as written: text made XML-safe, and a cell forced to quoted text where it would run."""
    if not isinstance(value, str):
        return value
    text = for_xlsx_cell(value)
    if not needs_formula_guard(text):
        return text
    # openpyxl turns "=…" into a formula cell and "#N/A" into an error cell: force a string
    # cell, and quote-prefix it as Excel does for typed text.
    cell = make(sheet, text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _reproducible_zip(data: bytes) -> bytes:
    """The XLSX with fixed entry timestamps and a fixed modified date (openpyxl stamps 'now')."""
    stamp = f"{FIXED_DATE}T00:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + stamp + rb"\g<2>", payload)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, payload)
    return out.getvalue()


def export(chain, fmt: str, gap_report=None) -> bytes:
    """The chain in one of FORMATS, as bytes ready for write_atomic."""
    if fmt == "graphml":
        return to_graphml(chain)
    if fmt == "gexf":
        return to_gexf(chain)
    if fmt == "json":
        return to_json(chain).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(chain, gap_report)
    raise ValueError(f"unknown export format {fmt!r}; one of: {', '.join(FORMATS)}")
