"""One sanitiser for every sink: the same hostile corpus through the terminal, HTML, Markdown, XML
(GraphML, GEXF, xlsx) and CSV writers; no ESC byte from the data reaches a terminal."""

import csv
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from hostile_corpus import CLEAR, NOTE, OSC_TITLE, data_unsafe, write_corpus
from vvalley import sanitize
from vvalley.analysis.gaps import analyse
from vvalley.chain.load import load_chain
from vvalley.cli import app
from vvalley.publish.export import to_gexf, to_graphml, to_xlsx
from vvalley.publish.gapfiles import gaps_csv, gaps_markdown

XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def chain(corpus):
    return load_chain(corpus)


# ---- the functions -------------------------------------------------------------------------

def test_terminal_text_shows_escapes_and_keeps_tab_and_newline():
    assert sanitize.for_terminal(f"a{OSC_TITLE}b\tc\nd\u202e\x9b") == "a\\u001b]0;PWNED\\u0007b\tc\nd\\u202e\\u009b"


def test_terminal_escapes_keep_json_valid():
    import json

    text = json.dumps({"name": "x\x9by\u202e"}, ensure_ascii=False)
    assert json.loads(sanitize.for_terminal(text)) == {"name": "x\x9by\u202e"}


def test_xml_text_drops_what_xml_cannot_hold():
    assert sanitize.for_xml("a\x00b\x1bc\x85d\ufffe\uffff\ud800e\t\n\U0001f600") == "abcde\t\n\U0001f600"


def test_html_text_is_escaped_and_clean():
    assert sanitize.for_html('<a href="x">\x1b[2J</a>') == "&lt;a href=&quot;x&quot;&gt;[2J&lt;/a&gt;"


def test_markdown_text_is_one_literal_line():
    assert sanitize.for_markdown("a|b\n[x](javascript:y) <s> `c` *d*\x1b") == \
        "a\\|b \\[x\\](javascript:y) &lt;s> \\`c\\` \\*d\\*"


@pytest.mark.parametrize("value, safe", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"), ("\t=1", "'\t'=1"),
    ("\r=1", "'=1"), (" =1", "' =1"), ("a;=1", "a;'=1"), ("a,@x", "a,'@x"), ("a\t-1", "a\t'-1"),
    ("a; +1", "a; '+1"), ("x\x1b=1", "x=1"), ("a\u202eb\u2066c", "abc"), ("\u202e=1", "'=1"),
    ("plain, text; here", "plain, text; here"), (3, 3), (-2.5, -2.5)])
def test_csv_cells_are_formula_safe_for_every_delimiter(value, safe):
    assert sanitize.for_csv_cell(value) == safe


def test_names_with_invisible_characters_are_found():
    assert [sanitize.first_unsafe(n) for n in ("seg.ok", "a\x1bb", "a\tb", "a\u202eb", "a\uffff")] == \
        [None, "\x1b", "\t", "\u202e", "\uffff"]


# ---- the files -------------------------------------------------------------------------------

def test_corpus_loads_with_its_payloads(chain):
    assert OSC_TITLE in chain.nodes.at[XIAOSHAN, "name"]
    assert chain.nodes["note"].eq(NOTE).all()


def test_graphml_and_gexf_parse_as_xml(chain):
    for data in (to_graphml(chain), to_gexf(chain)):
        root = ElementTree.fromstring(data)
        text = data.decode("utf-8")
        assert not data_unsafe(text), data_unsafe(text)
        assert "Xiaoshan]0;PWNED[2J" in text and root is not None


def test_xlsx_parts_parse_as_xml_and_text_never_runs(chain):
    data = to_xlsx(chain, analyse(chain, XIAOSHAN))
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(book.read(name))
                assert not data_unsafe(book.read(name).decode("utf-8")), name
    workbook = load_workbook(io.BytesIO(data))
    nodes = workbook["nodes"]
    header = [c.value for c in nodes[1]]
    rows = {r[0].value: dict(zip(header, r)) for r in nodes.iter_rows(min_row=2)}
    sensor = rows["ent.sensorjp"]["name"]
    assert sensor.value == "=cmd|' /C calc'!A0" and sensor.data_type == "s" and sensor.quotePrefix
    assert all(c.data_type != "f" for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row)


def test_xlsx_time_is_linear_in_rows():
    # 20,000 rows: the old per-row sheet.max_row made this minutes; streamed it is seconds.
    import time

    import pandas as pd

    from vvalley.chain.model import Chain

    chain = load_chain(ROOT / "tests" / "fixtures" / "valid")
    many = pd.concat([chain.edges] * 800, ignore_index=True)
    start = time.perf_counter()
    to_xlsx(Chain(chain.nodes, many))
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_gaps_csv_has_no_formula_cell_whatever_the_delimiter(chain, delimiter):
    text = gaps_csv(analyse(chain, XIAOSHAN)).lstrip("\ufeff")
    assert not data_unsafe(text, terminal=True)  # a bidi override would reorder the cell in Excel
    assert "Image sensors31m (CIS) (" in text  # the name is there, without its CSI byte and bidi override
    cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]
    assert "Security;'=1+1 cameras" in text  # the payload is there, neutralised
    runs = [c for c in cells if re.match(r"[ \t]*[=+\-@]", c)]
    assert runs == []


def test_gaps_markdown_is_clean(chain):
    report = analyse(chain, XIAOSHAN)
    text = gaps_markdown(report, {n: chain.label(n) for n in chain.nodes.index})
    assert not data_unsafe(text) and "<" not in text.replace("&lt;", "")


def test_build_outputs_are_clean(corpus, tmp_path):
    result = CliRunner().invoke(app, ["build", "--data", str(corpus), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("map.html", "map-full.html", "report.html", "report.md", "gaps.csv", "gaps.json", "graph.json",
                 "poster.svg"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert not data_unsafe(text), (name, data_unsafe(text))
    assert "<script>alert(1)" not in (tmp_path / "report.html").read_text(encoding="utf-8")
    ElementTree.fromstring((tmp_path / "poster.svg").read_bytes())
    for name in ("report.docx", "lists.xlsx"):  # every XML part of the Office files parses
        with zipfile.ZipFile(tmp_path / name) as book:
            for part in book.namelist():
                if part.endswith((".xml", ".rels")):
                    ElementTree.fromstring(book.read(part))
                    assert not data_unsafe(book.read(part).decode("utf-8")), (name, part)


# ---- the terminal ------------------------------------------------------------------------------

COMMANDS = [
    ["validate"], ["build", "--out", "{out}"], ["gaps"], ["gaps", "--format", "json"], ["gaps", "--format", "md"],
    ["gaps", "--format", "csv"], ["query", "node", "ent.camco"], ["query", "node", "reg.cn.zj.hangzhou.xiaoshan"],
    ["query", "segment", "seg.chips.cis"], ["query", "segment", "seg.chips.cis", "--format", "md"],
    ["query", "candidates", "seg.chips.cis"], ["query", "path", "seg.chips.cis", "seg.apps.security"],
    ["whatif", "--remove", "ent.camco"], ["whatif", "--cut-country", "reg.jp", "--format", "json"],
    ["compare", "--with", "reg.cn.zj.hangzhou.binjiang"], ["query", "node", "Xiaoshan"],
    ["targets"], ["targets", "--format", "csv"], ["rank"], ["poster", "--out", "{out}/poster.svg"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_no_command_prints_an_escape_from_the_data(corpus, tmp_path, command):
    args = [a.replace("{out}", str(tmp_path / "out")) for a in command] + ["--data", str(corpus)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 2), result.output  # 2: a lookup the corpus' names make ambiguous
    assert not data_unsafe(result.output, terminal=True), data_unsafe(result.output, terminal=True)
    assert "\x1b" not in result.output


def test_a_colour_terminal_gets_rich_styling_but_no_data_escape(corpus, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "COLUMNS": "200"}
    for command in (["gaps"], ["build", "--out", str(tmp_path)], ["query", "node", "ent.camco"]):
        done = subprocess.run([sys.executable, "-c", "from vvalley.cli import main; main()", *command,
                               "--data", str(corpus)], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        output = done.stdout + done.stderr
        assert OSC_TITLE not in output and CLEAR not in output and "\x9b" not in output and "\u202e" not in output
        assert any(escape in output for escape in ("\\u001b]0;PWNED", "\\u001b[31m", "\\u0007"))  # shown, not obeyed


def test_error_messages_show_escapes(corpus, tmp_path):
    bad = write_corpus(tmp_path / "bad")
    nodes = (bad / "chain_nodes.csv").read_text(encoding="utf-8").replace(",enterprise,", ",compan\x1b[2Jy,", 1)
    (bad / "chain_nodes.csv").write_text(nodes, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--data", str(bad)])
    assert result.exit_code == 1 and "unknown-choice" in result.output
    assert "\x1b" not in result.output
    lookup = CliRunner().invoke(app, ["query", "node", "nobody\x1b[2J", "--data", str(corpus)])
    assert lookup.exit_code == 2 and "\x1b" not in lookup.output
