"""Encodings decided, never guessed into nonsense: UTF-8 (± BOM), Chinese GBK/GB18030, and a clear
error for Western Windows-1252 text; line numbers count CR, LF and CRLF alike; the header capped."""

from pathlib import Path

import pytest

from vvalley.chain import csvfile
from vvalley.chain.csvfile import MAX_COLUMNS, TableError, decode_text, line_of
from vvalley.chain.load import load_chain, validate

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
N = "chain_nodes.csv"


def folder_with(tmp_path: Path, nodes: bytes) -> Path:
    (tmp_path / N).write_bytes(nodes)
    (tmp_path / "chain_edges.csv").write_bytes((VALID / "chain_edges.csv").read_bytes())
    return tmp_path


def western_nodes() -> str:
    """The valid nodes file as a French/German office would type it: no Chinese, accents."""
    text = (VALID / N).read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        cells = line.split(",")
        if len(cells) > 3 and cells[0] != "id":
            cells[3] = ""  # name_zh: Windows-1252 cannot hold Chinese
        lines.append(",".join(cells))
    return "\n".join(lines).replace("CamCo", "Caméras Zürich") + "\n"


def test_a_cp1252_file_is_named_and_not_read_as_gb18030(tmp_path):
    raw = western_nodes().encode("cp1252")
    raw.decode("gb18030")  # the trap: these bytes are valid GB18030 (Cam閞as Z黵ich)
    problems = validate(folder_with(tmp_path, raw))
    assert [str(p).split(N, 1)[1] for p in problems] == [
        ":19: this file is Windows-1252/Latin-1 (Western European) text, not UTF-8 (this line reads "
        "'ent.camco,enterprise,Caméras Zürich,,,,2001,,fixture,A'); expected a UTF-8 file: in Excel use "
        "Save As > 'CSV UTF-8 (Comma delimited)', or in a text editor save with encoding UTF-8 [encoding]"]


def test_the_same_text_saved_as_utf8_reads(tmp_path):
    chain = load_chain(folder_with(tmp_path, western_nodes().encode("utf-8")))
    assert chain.nodes.at["ent.camco", "name"] == "Caméras Zürich"


@pytest.mark.parametrize("encoding, name", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                            ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_utf8_and_chinese_gbk_read(encoding, name):
    text = (VALID / N).read_text(encoding="utf-8")
    decoded, used = decode_text(text.encode(encoding), N)
    assert decoded == text and used == name


def test_decode_text_is_the_public_decision():
    with pytest.raises(TableError) as err:
        decode_text("Zürich,Köln\n".encode("cp1252"), "x.csv")
    assert err.value.problems[0].code == "encoding" and "Windows-1252" in err.value.problems[0].found


def test_chinese_share_separates_gbk_from_western_text():
    assert csvfile.gb2312_share("萧山区,图像传感器,安防摄像机".encode("gbk")) == 1.0
    assert csvfile.gb2312_share("Caméras Zürich Genève".encode("cp1252")) == 0.0


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_bad_byte_is_reported_on_its_real_line_whatever_the_line_ends(tmp_path, newline):
    text = (VALID / N).read_text(encoding="utf-8").replace("\n", newline)
    raw = text.encode("utf-8").replace(b"CamCo", b"Cam\xffCo")
    problems = validate(folder_with(tmp_path, raw))
    assert [(p.line, p.code) for p in problems] == [(19, "encoding")]


def test_line_of_counts_cr_lf_and_crlf_alike():
    raw = b"a\rb\nc\r\nd"
    assert [line_of(raw, raw.index(ch)) for ch in (b"a", b"b", b"c", b"d")] == [1, 2, 3, 4]


def test_a_header_wider_than_the_cap_is_refused_before_reading_rows(tmp_path):
    header = (VALID / N).read_text(encoding="utf-8").splitlines()[0]
    extra = ",".join(f"x{i}" for i in range(MAX_COLUMNS))
    problems = validate(folder_with(tmp_path, f"{header},{extra}\nrow\n".encode()))
    assert [str(p).split(N, 1)[1] for p in problems] == [
        ":1: 1,010 columns in the header; expected at most 1,000 columns (the schema's columns and extra ones); "
        "is this the right file, saved with the right delimiter? [too-many-columns]"]


def test_a_header_at_the_cap_still_reads(tmp_path):
    text = (VALID / N).read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    width = MAX_COLUMNS - len(header.split(","))
    extra = ",".join(f"x{i}" for i in range(width))
    rows = "\n".join(line + "," * width for line in rest.splitlines())
    chain = load_chain(folder_with(tmp_path, f"{header},{extra}\n{rows}\n".encode()))
    assert len(chain.nodes.columns) + 1 == MAX_COLUMNS  # the id is the index


@pytest.mark.parametrize("name, shown", [("confid\x1b[31mence", "\\u001b"), ("note\x9b1m", "\\u009b"),
                                         ("a\uffffb", "\\uffff"), ("evil\u202e", "\\u202e"), ("tab\there", "\\u0009")])
def test_a_column_name_with_an_invisible_character_is_refused(tmp_path, name, shown):
    text = (VALID / N).read_text(encoding="utf-8").replace("confidence\n", f"confidence,{name}\n", 1)
    problems = validate(folder_with(tmp_path, text.encode("utf-8")))
    assert [(p.line, p.code) for p in problems] == [(1, "bad-column-name")]
    assert problems[0].found == f"column 11 of the header holds the invisible character {shown}"
    assert "\x1b" not in str(problems[0]) and "\u202e" not in str(problems[0])


def test_an_id_with_a_control_character_is_refused_with_its_line(tmp_path):
    text = (VALID / N).read_text(encoding="utf-8").replace("ent.camco,enterprise", "ent.cam\x1bco,enterprise")
    problems = validate(folder_with(tmp_path, text.encode("utf-8")))
    assert (19, "id", "bad-id") in [(p.line, p.column, p.code) for p in problems if p.file.endswith(N)]
    assert all("\x1b" not in str(p) for p in problems)
