"""The Arrow reader of large files: the same Table as the careful reader when it answers, None when unsure."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest

from vvalley.chain import csvfile
from vvalley.chain.csvfile import TableError
from vvalley.chain.fastcsv import read_clean, read_clean_file

FIXTURES = Path(__file__).parent / "fixtures"
NODES = (FIXTURES / "valid" / "chain_nodes.csv").read_bytes()
EDGES = (FIXTURES / "valid" / "chain_edges.csv").read_bytes()


def careful(raw: bytes) -> csvfile.Table:
    text, encoding = csvfile.decode_text(raw, "f.csv")
    return csvfile._parse(text, "f.csv", encoding, fast=False)


def same_table(fast: csvfile.Table, slow: csvfile.Table) -> None:
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    assert (fast.header, fast.encoding, fast.problems, fast.header_line, fast.refused) == (
        slow.header, slow.encoding, slow.problems, slow.header_line, slow.refused)


def with_rows(raw: bytes, *rows: bytes) -> bytes:
    return raw.rstrip(b"\n") + b"\n" + b"\n".join(rows) + b"\n"


READ = {
    "nodes": NODES,
    "edges": EDGES,
    "crlf": NODES.replace(b"\n", b"\r\n"),
    "bom": codecs.BOM_UTF8 + NODES,
    "no final line end": NODES.rstrip(b"\n"),
    "spaces and ideographic spaces around values": with_rows(
        NODES, "  ent.x ,enterprise,\u3000X Co\u3000, X 公司 ,,,2019, ,http://x.cn 2024,A ".encode()),
    "a quoted comma and a doubled quote": with_rows(
        NODES, b'ent.q,enterprise,"Q, Inc. ""quoted""",,,,,,e,B'),
    "a row of empty cells (Excel)": with_rows(NODES, b",,,,,,,,,", b"ent.after,enterprise,After,,,,,,e,A"),
    "semicolons": NODES.replace(b",", b";"),
    "capitalised header": NODES.replace(b"id,kind", b"ID,Kind", 1),
}

UNSURE = {
    "a blank line": NODES.replace(b"\n", b"\n\n", 3),
    "blank lines on top": b"\n" + NODES,
    "old Mac line ends": NODES.replace(b"\n", b"\r"),
    "mixed line ends": NODES.replace(b"\n", b"\r\n", 3),
    "a value spanning lines": with_rows(NODES, b'ent.m,enterprise,"two\nlines",,,,,,e,A'),
    "a ragged row": with_rows(NODES, b"ent.r,enterprise,R,,,,,,e,A,extra,more"),
    "GBK": NODES.decode().encode("gb18030") if not NODES.isascii() else "ent.g,企业".encode("gb18030") + NODES,
    "a NUL byte": NODES.replace(b"\n", b"\x00\n", 1),
    "an Excel workbook": b"PK\x03\x04" + NODES,
    "a repeated column": NODES.replace(b"kind", b"id", 1),
    "an unnamed column": NODES.replace(b"\n", b",\n"),
}


@pytest.mark.parametrize("case", sorted(READ))
def test_the_arrow_reader_gives_the_careful_readers_table(case):
    raw = READ[case]
    fast = read_clean(raw, "f.csv")
    assert fast is not None, "the Arrow reader should take this file"
    same_table(fast, careful(raw))


@pytest.mark.parametrize("case", sorted(UNSURE))
def test_the_arrow_reader_hands_on_what_it_cannot_number_for_sure(case):
    assert read_clean(UNSURE[case], "f.csv") is None


def test_an_invisible_character_in_the_header_is_refused_on_both_paths():
    raw = NODES.replace(b"name_zh", b"name\xe2\x80\xaezh", 1)  # a right-to-left override
    with pytest.raises(TableError) as fast:
        read_clean(raw, "f.csv")
    with pytest.raises(TableError) as slow:
        careful(raw)
    assert [str(p) for p in fast.value.problems] == [str(p) for p in slow.value.problems]
    assert fast.value.problems[0].code == "bad-column-name"


def test_read_table_takes_the_arrow_reader_past_the_size_threshold(tmp_path, monkeypatch):
    import vvalley.chain.fastcsv as fastcsv

    path = tmp_path / "chain_nodes.csv"
    path.write_bytes(READ["spaces and ideographic spaces around values"])
    answers = []

    def spy(at, label):
        answers.append(read_clean_file(at, label))
        return answers[-1]

    monkeypatch.setattr(fastcsv, "read_clean_file", spy)
    monkeypatch.setattr(csvfile, "FAST_PARSE_BYTES", 0)
    table = csvfile.read_table(path, str(path))
    assert len(answers) == 1 and answers[0] is table
    same_table(table, careful(path.read_bytes()))
