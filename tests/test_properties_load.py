"""Property tests: any edit of a valid data file loads or gives well-formed problems, never a crash."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vvalley.chain.csvfile as csvfile
from vvalley.build import graph_json
from vvalley.chain.load import load_chain, validate
from vvalley.chain.problems import CODES, DataError

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
FILES = ("chain_nodes.csv", "chain_edges.csv")
ORIGINAL = {name: (VALID / name).read_bytes() for name in FILES}
FILE_LEVEL = {"missing-file", "empty-file", "not-text"}

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a person might type or paste into a cell.
cell_text = st.text(
    alphabet=st.one_of(st.sampled_from(list(',;"\'\n\r\t .-_年萧山区Ωé\u00a0\ufeff２０')),
                       st.characters(blacklist_categories=("Cs",))),
    max_size=20)


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding, errors="replace")


@st.composite
def edited_file(draw):
    """(file name, bytes): one of the valid files, saved in some encoding, with 1-3 random edits."""
    name = draw(st.sampled_from(FILES))
    text = ORIGINAL[name].decode("utf-8")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = text.splitlines()
    data: bytes | None = None
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["replace-cell", "delete-line", "duplicate-line", "insert-byte", "truncate"]))
        if data is not None and op in ("replace-cell", "delete-line", "duplicate-line"):
            op = "insert-byte"  # the text edits work before the bytes exist
        if op == "replace-cell" and lines:
            row = draw(st.integers(0, len(lines) - 1))
            cells = lines[row].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(cell_text)
            lines[row] = ",".join(cells)
        elif op == "delete-line" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
        elif op == "duplicate-line" and lines:
            row = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[row])
        else:
            if data is None:
                data = encode(newline.join(lines) + newline, encoding)
            if op == "truncate":
                data = data[: draw(st.integers(0, len(data)))]
            else:
                at = draw(st.integers(0, len(data)))
                data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at:]
    if data is None:
        data = encode(newline.join(lines) + newline, encoding)
    return name, data


def check(problems, folder: Path) -> None:
    for problem in problems:
        assert problem.code in CODES, problem
        assert problem.file in {str(folder / name) for name in FILES}, problem
        if problem.code in FILE_LEVEL:
            assert problem.line >= 0, problem
        else:
            assert problem.line >= 1, problem
        text = str(problem)
        assert text.startswith(problem.file) and text.endswith(f"[{problem.code}]")
        assert problem.found and problem.expected


def signature(problems):
    return [(Path(p.file).name, p.line, p.column, p.code) for p in problems]


@SETTINGS
@given(edited_file())
def test_an_edited_file_loads_or_gives_well_formed_problems(edit):
    name, data = edit
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for other in FILES:
            (folder / other).write_bytes(data if other == name else ORIGINAL[other])
        try:
            chain = load_chain(folder)  # must raise nothing but DataError
        except DataError as err:
            assert err.problems
            check(err.problems, folder)
        else:
            assert chain.nodes.index.is_unique
            assert set(chain.edges["source"]) | set(chain.edges["target"]) <= set(chain.nodes.index)
            json.loads(graph_json(chain))  # strict JSON: no NaN or Infinity


@settings(SETTINGS, max_examples=40)
@given(edited_file())
def test_the_fast_parser_agrees_with_the_careful_one(edit):
    name, data = edit
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        for other in FILES:
            (folder / other).write_bytes(data if other == name else ORIGINAL[other])
        careful = signature(validate(folder))
        saved = csvfile.FAST_PARSE_BYTES
        csvfile.FAST_PARSE_BYTES = 0
        try:
            fast = signature(validate(folder))
        finally:
            csvfile.FAST_PARSE_BYTES = saved
        assert fast == careful
