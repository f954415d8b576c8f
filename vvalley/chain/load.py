"""CSV files → validated Chain: every problem collected with file, line and column, raised once."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from vvalley.chain.columns import isin_series, lookup
from vvalley.chain.csvfile import LINE_COLUMN, Table, TableError, read_table
from vvalley.chain.model import Chain
from vvalley.chain.problems import DataError, Problem, choices_hint, quoted
from vvalley.chain.schema import (ACTOR_KINDS, CONFIDENCE, EDGE_COLUMNS, EDGES_FILE, ID_PATTERN, KINDS, LAYERS,
                     NODE_COLUMNS, NODES_FILE, RELATIONS, YEAR_MAX, YEAR_MIN)

__all__ = ["DataError", "Problem", "load_chain", "validate"]


def load_chain(data_dir: Path | str) -> Chain:
    """Read and validate chain_nodes.csv and chain_edges.csv in `data_dir`.

    Raises DataError listing every problem found, each with file, line and column.
    """
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    nodes_raw = _read(data_dir / NODES_FILE, _label(data_dir, NODES_FILE), problems)
    edges_raw = _read(data_dir / EDGES_FILE, _label(data_dir, EDGES_FILE), problems)
    nodes = edges = None
    if nodes_raw is not None:
        nodes = _check_nodes(nodes_raw, _label(data_dir, NODES_FILE), problems)
    if edges_raw is not None:
        edges = _check_edges(edges_raw, _label(data_dir, EDGES_FILE), nodes, problems)
    if problems:
        raise DataError(problems)
    return _build(nodes, edges)


def validate(data_dir: Path | str) -> list[Problem]:
    """Every problem in the data files (empty when they are valid)."""
    try:
        load_chain(data_dir)
    except DataError as err:
        return err.problems
    return []


def _label(data_dir: Path, name: str) -> str:
    return str(data_dir / name)


def _read(path: Path, label: str, problems: list[Problem]) -> Table | None:
    try:
        table = read_table(path, label)
    except TableError as err:
        problems.extend(err.problems)
        return None
    problems.extend(table.problems)
    return table


# ---- shared checks ---------------------------------------------------------------------

class _Checker:
    """Column checks over one table; each adds a Problem per offending row."""

    def __init__(self, frame: pd.DataFrame, label: str, problems: list[Problem], header_line: int = 1):
        self.frame, self.label, self.problems, self.header_line = frame, label, problems, header_line

    def add(self, rows: pd.DataFrame, column: str, code: str, found, expected) -> None:
        """One problem per row of `rows`; found/expected may be callables of the row."""
        if rows.empty:  # the usual case: no row is at fault, nothing to format
            return
        for row in rows.to_dict("records"):
            self.problems.append(Problem(
                self.label, int(row[LINE_COLUMN]), column, code,
                found(row) if callable(found) else found,
                expected(row) if callable(expected) else expected))

    def required_columns(self, columns) -> set[str]:
        """Report required columns the header lacks; return the names present.

        A known column typed in another case ('ID', 'Kind') is that column.
        """
        known = {c.name for c in columns}
        rename = {c: c.lower() for c in self.frame.columns
                  if c != LINE_COLUMN and c not in known and c.lower() in known and c.lower() not in self.frame}
        if rename and len(set(rename.values())) == len(rename):
            self.frame.columns = [rename.get(c, c) for c in self.frame.columns]
        present = set(self.frame.columns)
        header = ", ".join(c for c in self.frame.columns if c != LINE_COLUMN)
        for column in columns:
            if column.required and column.name not in present:
                self.problems.append(Problem(self.label, self.header_line, column.name, "missing-column",
                                             f"no column {column.name!r} in the header ({header})",
                                             f"a column named {column.name!r}: {column.description}"))
        return present

    def not_empty(self, column: str, mask: pd.Series | None = None, why: str = "") -> pd.Series:
        """Rows (within mask) where `column` is empty are reported; returns the non-empty mask."""
        values = self.frame[column]
        empty = values == ""
        bad = empty if mask is None else empty & mask
        self.add(self.frame[bad], column, "empty-value", "empty value",
                 why or f"a value ({_describe(column)})")
        return ~empty

    def choice(self, column: str, choices: tuple[str, ...]) -> pd.Series:
        """Report non-empty values outside `choices`; returns the mask of valid values."""
        values = self.frame[column]
        ok = values.isin(choices)
        self.add(self.frame[(values != "") & ~ok], column, "unknown-choice",
                 lambda r: f"found {quoted(r[column])}", lambda r: choices_hint(r[column], choices))
        return ok

    def ids(self, column: str) -> pd.Series:
        values = self.frame[column]
        well_formed = values.str.fullmatch(ID_PATTERN).fillna(False).astype(bool)
        self.add(self.frame[(values != "") & ~well_formed], column, "bad-id",
                 lambda r: f"found {quoted(r[column])}",
                 "an id of lowercase letters, digits and . _ - (starting with a letter or digit), "
                 "e.g. ent.shining3d")
        return well_formed

    def years(self) -> None:
        parsed = {}
        for column in ("since", "until"):
            if column not in self.frame:
                self.frame[column] = ""
            raw = self.frame[column]
            # Excel may turn 2017 into "2017.0", a Chinese input method into "２０１７": still years.
            numbers = _numbers(raw, whole=True)
            values = numbers.to_numpy()
            with np.errstate(invalid="ignore"):  # NaN for the empty cells
                is_year = pd.Series((np.floor(values) == values) & (values >= YEAR_MIN) & (values <= YEAR_MAX),
                                    index=numbers.index)
            self.add(self.frame[(raw != "") & ~is_year], column, "bad-year",
                     lambda r, c=column: f"found {quoted(r[c])}",
                     f"a year between {YEAR_MIN} and {YEAR_MAX}, e.g. 2019, or empty")
            parsed[column] = numbers.where(is_year).astype("Int64")
        order = (parsed["since"] > parsed["until"]).fillna(False).astype(bool)
        self.add(self.frame[order], "since", "year-order",
                 lambda r: f"since {r['since']} is after until {r['until']}",
                 "since ≤ until")
        self.frame["since"], self.frame["until"] = parsed["since"], parsed["until"]

    def normalise_case(self, column: str, upper: bool = False) -> None:
        """Enum values typed as 'Enterprise' or 'a' in Excel mean the same thing."""
        values = self.frame[column]
        self.frame[column] = values.str.upper() if upper else values.str.lower()


def _numbers(raw: pd.Series, whole: bool = False) -> pd.Series:
    """The non-empty values as numbers (NaN where empty or not a number).

    Full-width digits and signs (２０１９, ０．５, typed with a Chinese input method) count as
    ASCII; with `whole`, Excel's "2019.0" counts as 2019. Only the non-empty values are parsed,
    and only the non-ASCII ones normalised: most year and weight cells are empty.
    """
    numbers = pd.Series(np.nan, index=raw.index, dtype=float)
    filled = (raw != "").to_numpy()
    if not filled.any():
        return numbers
    values = raw[filled]
    ascii_only = values.str.isascii().to_numpy()
    if not ascii_only.all():
        values = values.copy()
        values[~ascii_only] = values[~ascii_only].str.normalize("NFKC").str.strip()
    if whole:
        values = values.str.replace(r"\.0+$", "", regex=True)
    numbers[filled] = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    return numbers


def _describe(column: str) -> str:
    for spec in (*NODE_COLUMNS, *EDGE_COLUMNS):
        if spec.name == column:
            return spec.description
    return column


def _optional(frame: pd.DataFrame, columns) -> None:
    for column in columns:
        if not column.required and column.name not in frame:
            frame[column.name] = ""


# ---- nodes ---------------------------------------------------------------------------------

def _check_nodes(table: Table, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    frame = table.frame.copy()
    check = _Checker(frame, label, problems, table.header_line)
    present = check.required_columns(NODE_COLUMNS)
    _optional(frame, NODE_COLUMNS)
    if "id" in present:
        has_id = check.not_empty("id")
        check.ids("id")
        ids = frame["id"]
        repeated = frame[has_id & ids.duplicated(keep="first")]
        if not repeated.empty:
            first_line = frame[has_id].groupby("id")[LINE_COLUMN].min()
            check.add(repeated, "id", "duplicate-id",
                      lambda r: f"id {quoted(r['id'])} is already defined on line {first_line[r['id']]}",
                      "each id once")
    if "kind" in present:
        check.normalise_case("kind")
        if check.not_empty("kind").any():
            check.choice("kind", KINDS)
    if "name" in present:
        check.not_empty("name")
    check.normalise_case("layer")
    check.choice("layer", LAYERS)
    if "kind" in present:
        check.not_empty("layer", frame["kind"] == "segment",
                        "a layer for a segment: one of: " + ", ".join(LAYERS))
        check.not_empty("evidence", frame["kind"].isin(ACTOR_KINDS),
                        "evidence for an enterprise or institute: a URL or document, with its date")
    check.normalise_case("confidence", upper=True)
    check.choice("confidence", CONFIDENCE)
    check.years()
    if not {"id", "kind", "name"} <= present:
        return None
    return frame


# ---- edges ---------------------------------------------------------------------------------

def _check_edges(table: Table, label: str, nodes: pd.DataFrame | None,
                 problems: list[Problem]) -> pd.DataFrame | None:
    frame = table.frame.copy()
    check = _Checker(frame, label, problems, table.header_line)
    present = check.required_columns(EDGE_COLUMNS)
    _optional(frame, EDGE_COLUMNS)
    if not {"source", "target", "relation"} <= present:
        check.years()
        return None
    for column in ("source", "target"):
        check.not_empty(column)
    check.normalise_case("relation")
    check.not_empty("relation")
    relation_ok = check.choice("relation", tuple(RELATIONS))
    check.normalise_case("confidence", upper=True)
    check.choice("confidence", CONFIDENCE)
    check.years()
    _check_weight(check)

    loops = (frame["source"] == frame["target"]) & (frame["source"] != "")
    check.add(frame[loops], "target", "self-loop",
              lambda r: f"{r['relation']} edge from {quoted(r['source'])} to itself", "two different nodes")
    key = ["source", "target", "relation", "since", "until"]
    dup = frame.duplicated(key, keep="first") & (frame["source"] != "")
    if dup.any():
        first_line = frame.drop_duplicates(key).set_index(key)[LINE_COLUMN]
        check.add(frame[dup], "", "duplicate-edge",
                  lambda r: f"{r['relation']} {r['source']} -> {r['target']} is already given on line "
                            f"{first_line.get(tuple(r[k] for k in key), '?')}",
                  "each edge once (give a second period with other since/until years)")

    needs_evidence = frame["relation"].isin([name for name, spec in RELATIONS.items() if spec.needs_evidence])
    check.not_empty("evidence", needs_evidence,
                    "evidence for a fact about an enterprise or institute: a URL or document, with its date")

    if nodes is None:
        return None
    kinds = nodes.loc[nodes["id"] != ""].drop_duplicates("id").set_index("id")["kind"]
    known = {}
    for column in ("source", "target"):
        known[column] = isin_series(frame[column], kinds.index)
        unknown = (frame[column] != "") & ~known[column]
        check.add(frame[unknown], column, "unknown-node",
                  lambda r, c=column: f"{quoted(r[c])} is not an id in {NODES_FILE}",
                  lambda r, c=column: _node_hint(r[c], kinds.index))
    # A node whose kind is unknown is reported once, in the nodes file, not again per edge.
    typed = kinds.index[kinds.isin(KINDS)]
    both = isin_series(frame["source"], typed) & isin_series(frame["target"], typed) & relation_ok
    _check_kinds(check, frame[both], kinds)
    # A part_of self-loop is already reported as such, not again as a cycle.
    _check_hierarchy(check, frame[both & (frame["relation"] == "part_of") & ~loops])
    return frame


def _check_weight(check: _Checker) -> None:
    frame = check.frame
    raw = frame["weight"]
    numbers = _numbers(raw)
    # inf would pass "≥ 0" and then be written as Infinity, which is not JSON.
    bad = (raw != "") & ~((numbers >= 0) & (numbers < float("inf"))).fillna(False).astype(bool)
    check.add(frame[bad], "weight", "bad-number", lambda r: f"found {quoted(r['weight'])}",
              "a number ≥ 0 (e.g. 0.35 for a 35% share), or empty for 1")
    frame["weight"] = numbers.where(~bad & (raw != ""), 1.0).astype(float)


def _node_hint(value: str, ids: pd.Index) -> str:
    import difflib

    close = difflib.get_close_matches(value, list(ids), n=3, cutoff=0.6)
    return "the id of a node in " + NODES_FILE + (f" (did you mean {', '.join(map(repr, close))}?)" if close else "")


def _check_kinds(check: _Checker, edges: pd.DataFrame, kinds: pd.Series) -> None:
    if edges.empty:
        return
    source_kind = lookup(edges["source"], kinds).astype(str)
    target_kind = lookup(edges["target"], kinds).astype(str)
    ok = pd.Series(False, index=edges.index)
    relation = edges["relation"].astype(str)
    for name, spec in RELATIONS.items():  # one vectorised test per relation, not per edge
        this = relation == name
        if not this.any():
            continue
        fits = source_kind.isin(spec.sources) & target_kind.isin(spec.targets)
        if name == "part_of":  # part_of stays within one hierarchy: segment → segment, region → region
            fits &= source_kind == target_kind
        ok |= this & fits
    bad = edges.assign(_sk=source_kind, _tk=target_kind)[~ok]
    check.add(bad, "relation", "wrong-kinds",
              lambda r: f"{r['relation']} from {r['_sk']} {quoted(r['source'])} to {r['_tk']} {quoted(r['target'])}",
              lambda r: _allowed(r["relation"]))


def _allowed(relation: str) -> str:
    spec = RELATIONS[relation]
    if relation == "part_of":
        return "part_of from segment to segment or from region to region"
    return f"{relation} from {' or '.join(spec.sources)} to {' or '.join(spec.targets)}"


def _check_hierarchy(check: _Checker, part_of: pd.DataFrame) -> None:
    if part_of.empty:
        return
    parents = part_of.groupby("source")["target"].nunique()
    twice = part_of[part_of["source"].isin(parents.index[parents > 1])]
    first = twice.groupby("source")[LINE_COLUMN].min()
    check.add(twice[twice[LINE_COLUMN] != twice["source"].map(first)], "target", "two-parents",
              lambda r: f"{quoted(r['source'])} is part_of {quoted(r['target'])} here and of another "
                        f"parent on line {first[r['source']]}",
              "one parent per segment or region (the hierarchy is a tree)")
    graph = nx.DiGraph()
    lines = {}
    for source, target, line in zip(part_of["source"], part_of["target"], part_of[LINE_COLUMN]):
        graph.add_edge(source, target)
        lines.setdefault((source, target), line)
    for cycle in sorted(nx.simple_cycles(graph), key=lambda c: min(lines[(a, b)] for a, b in _pairs(c))):
        pairs = _pairs(cycle)
        line = min(lines[p] for p in pairs)
        start = next(i for i, p in enumerate(pairs) if lines[p] == line)
        ordered = cycle[start:] + cycle[:start]
        check.problems.append(Problem(check.label, int(line), "target", "cycle",
                                      "part_of cycle: " + " -> ".join([*ordered, ordered[0]]) +
                                      " (lines " + ", ".join(str(lines[p]) for p in _pairs(ordered)) + ")",
                                      "part_of edges that form a tree, each pointing to a broader segment or region"))


def _pairs(cycle: list[str]) -> list[tuple[str, str]]:
    return [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]


# ---- the validated tables → Chain ---------------------------------------------------------

def _build(nodes: pd.DataFrame, edges: pd.DataFrame) -> Chain:
    node_names = [c.name for c in NODE_COLUMNS]
    edge_names = [c.name for c in EDGE_COLUMNS]
    extra_nodes = tuple(c for c in nodes.columns if c not in node_names and c != LINE_COLUMN)
    extra_edges = tuple(c for c in edges.columns if c not in edge_names and c != LINE_COLUMN)
    nodes = nodes[node_names + list(extra_nodes)].set_index("id")
    nodes.index.name = "id"
    nodes["kind"] = nodes["kind"].astype("category")
    edges = edges[edge_names + list(extra_edges)].reset_index(drop=True)
    edges["relation"] = edges["relation"].astype("category")
    return Chain(nodes, edges, None, extra_nodes, extra_edges)
