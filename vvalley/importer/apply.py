"""Appending accepted rows to data/: backed up, atomic, validated by the loader, rolled back on any problem."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vvalley.chain.csvfile import TableError
from vvalley.chain.load import load_chain
from vvalley.chain.problems import DataError
from vvalley.chain.schema import EDGES_FILE, NODES_FILE
from vvalley.importer.problems import ImportProblem
from vvalley.importer.propose import Proposal
from vvalley.importer.review import ACCEPT, EDGE_COLUMNS, MARKER, NODE_COLUMNS, SHEETS

try:
    from vvalley.chain.csvfile import decode_text as _decode_text
except ImportError:  # pragma: no cover
    from vvalley.chain.csvfile import _decode as _decode_text

BACKUP_DIR = ".backup"
YES_WORDS = {"是", "y", "yes", "true", "1", "✓", "√", "x", "采纳", "接受", "ok"}


@dataclass
class Applied:
    nodes: int  # rows appended
    edges: int
    already: int  # accepted rows the data holds already (a second apply adds nothing)
    backup: Path | None


class ApplyError(Exception):
    """The data would not be valid with the rows added; data/ was left as it was."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was changed")


def accepted(proposal: Proposal) -> tuple[list[dict], list[dict]]:
    """What `--apply` takes without a review: the new firms and their ties (updates of matches wait for review)."""
    nodes = [r.node for r in proposal.rows if r.node]
    edges = [e for r in proposal.rows if r.node for e in r.edges]
    return nodes, edges


def accepted_from_review(path: Path) -> tuple[list[dict], list[dict]]:
    """The rows marked 采纳 = 是 in an (edited) review workbook."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if not path.is_file():
        raise ImportProblem(f"找不到审核文件 {path}", f"no such review file: {path}", "missing-file")
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # noqa: BLE001
        raise ImportProblem(f"{path} 不是可读的 Excel 工作簿（{err}）",
                            f"{path} is not a readable Excel workbook ({err})", "bad-workbook")
    names = list(book.sheet_names)
    if SHEETS["nodes"] not in names or SHEETS["edges"] not in names or not _has_marker(book):
        raise ImportProblem(f"{path} 不是 vvalley import 写的审核文件（应有工作表 {SHEETS['nodes']}、{SHEETS['edges']}）",
                            f"{path} is not a review file written by vvalley import (expected sheets "
                            f"{SHEETS['nodes']} and {SHEETS['edges']})", "not-review")
    return (_rows(book, SHEETS["nodes"], NODE_COLUMNS, path), _rows(book, SHEETS["edges"], EDGE_COLUMNS, path))


def _has_marker(book) -> bool:
    rows = book.get_sheet_by_name(SHEETS["summary"]).to_python() if SHEETS["summary"] in book.sheet_names else []
    return any(MARKER in [str(c) for c in row] for row in rows)


def _rows(book, sheet: str, columns, path: Path) -> list[dict]:
    rows = book.get_sheet_by_name(sheet).to_python()
    if not rows:
        return []
    header = [str(c).strip() for c in rows[0]]
    missing = [c for c in (ACCEPT, *columns) if c not in header]
    if missing:
        raise ImportProblem(f"{path} 工作表 {sheet} 缺少列 {'、'.join(missing)}",
                            f"{path} sheet {sheet}: missing column(s) {', '.join(missing)}", "missing-column")
    at = {c: header.index(c) for c in (ACCEPT, *columns)}
    out = []
    for row in rows[1:]:
        cell = lambda c: _cell(row[at[c]]) if at[c] < len(row) else ""  # noqa: E731
        if cell(ACCEPT).casefold() in YES_WORDS:
            out.append({c: cell(c) for c in columns})
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text[1:] if text.startswith("'") and len(text) > 1 and text[1] in "=+-@" else text


def apply(data_dir: Path, nodes: list[dict], edges: list[dict]) -> Applied:
    """Append `nodes` and `edges` (rows the data does not hold yet) to the data files, or change nothing."""
    data_dir = Path(data_dir)
    paths = {NODES_FILE: data_dir / NODES_FILE, EDGES_FILE: data_dir / EDGES_FILE}
    before = {name: path.read_bytes() for name, path in paths.items()}
    chain = _load(data_dir)
    edges = _resolve_names(chain, nodes, edges)
    have_nodes = set(map(str, chain.nodes.index))
    have_edges = set(zip(chain.edges["source"].astype(str), chain.edges["target"].astype(str),
                         chain.edges["relation"].astype(str)))
    new_nodes = [n for n in _unique(nodes, lambda n: n["id"]) if n["id"] not in have_nodes]
    new_edges = [e for e in _unique(edges, lambda e: (e["source"], e["target"], e["relation"]))
                 if (e["source"], e["target"], e["relation"]) not in have_edges]
    already = len(nodes) + len(edges) - len(new_nodes) - len(new_edges)
    if not new_nodes and not new_edges:
        return Applied(0, 0, already, None)
    after = {NODES_FILE: _append(before[NODES_FILE], new_nodes, str(paths[NODES_FILE])),
             EDGES_FILE: _append(before[EDGES_FILE], new_edges, str(paths[EDGES_FILE]))}
    # Check the result in a scratch folder first: a bad row changes nothing.
    with tempfile.TemporaryDirectory(prefix=".vvalley-import-", dir=data_dir.parent) as scratch:
        for other in data_dir.iterdir():  # the loader may read the other tables too
            if other.is_file() and other.suffix == ".csv" and other.name not in after:
                shutil.copyfile(other, Path(scratch, other.name))
        for name, payload in after.items():
            Path(scratch, name).write_bytes(payload)
        try:
            load_chain(scratch)
        except DataError as err:
            raise ApplyError([_relabel(p, scratch, data_dir) for p in err.problems])
    backup = _backup(data_dir, before)
    try:
        for name in (NODES_FILE, EDGES_FILE):
            _replace(paths[name], after[name])
        load_chain(data_dir)  # what is on disk now must load
    except BaseException as err:
        for name in (NODES_FILE, EDGES_FILE):
            _restore(paths[name], before[name])
        shutil.rmtree(backup, ignore_errors=True)  # data/ is as it was, backup and all
        if not any(backup.parent.iterdir()):
            backup.parent.rmdir()
        if isinstance(err, DataError):
            raise ApplyError(err.problems)
        raise
    return Applied(len(new_nodes), len(new_edges), already, backup)


TARGET_KINDS = {"operates_in": ("segment",), "located_in": ("region",)}


def _resolve_names(chain, nodes: list[dict], edges: list[dict]) -> list[dict]:
    """Edge ends an analyst typed as names in the review (工业相机, 萧山) turned into ids; what names no node
    (or several) is left as typed, for the loader to report with its suggestions."""
    from vvalley.chain.model import LookupProblem

    known = set(map(str, chain.nodes.index)) | {n["id"] for n in nodes}
    out = []
    for edge in edges:
        edge = dict(edge)
        for end, kinds in (("source", None), ("target", TARGET_KINDS.get(edge.get("relation", "")))):
            value = edge.get(end, "")
            if value and value not in known:
                try:
                    edge[end] = chain.resolve(value, kinds=kinds)
                except LookupProblem:
                    pass
        out.append(edge)
    return out


def _load(data_dir: Path):
    try:
        return load_chain(data_dir)
    except DataError as err:
        raise ApplyError(err.problems)


def _unique(rows, key):
    seen, out = set(), []
    for row in rows:
        k = key(row)
        if k not in seen:
            seen.add(k)
            out.append(row)
    return out


def _relabel(problem, scratch: str, data_dir: Path):
    from dataclasses import replace

    return replace(problem, file=problem.file.replace(str(scratch), str(data_dir)))


def _append(raw: bytes, rows: list[dict], label: str) -> bytes:
    if not rows:
        return raw
    try:
        text, encoding = _decode_text(raw, label)
    except TableError as err:
        raise ApplyError(err.problems)
    newline = "\r\n" if "\r\n" in text else "\n"
    header = next(csv.reader(io.StringIO(text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r"))))
    header = [h.strip() for h in header]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    if text and not text.endswith("\n"):
        text += newline
    body = text + out.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + body.encode("utf-8")
    return body.encode(encoding)


def _backup(data_dir: Path, before: dict[str, bytes]) -> Path:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = data_dir / BACKUP_DIR / stamp
    folder.mkdir(parents=True)
    for name, payload in before.items():
        (folder / name).write_bytes(payload)
    return folder


def _replace(path: Path, payload: bytes) -> None:
    from vvalley.publish.files import write_atomic

    write_atomic(path, payload)


def _restore(path: Path, payload: bytes) -> None:
    from vvalley.publish.files import write_atomic

    if not path.is_file() or path.read_bytes() != payload:
        write_atomic(path, payload)
