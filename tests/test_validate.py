"""The data contract at load time: one fixture per failure mode, exact problems.

Fixtures live in tests/fixtures/invalid/<failure-mode>/ and are written by
tests/fixtures/make_fixtures.py from tests/fixtures/valid, one fault each.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import vvalley.chain.csvfile as csvfile
from vvalley.chain.load import load_chain, validate
from vvalley.chain.problems import CODES, DataError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
N, E = "chain_nodes.csv", "chain_edges.csv"

# failure mode -> every problem expected: (file, line, column, code)
EXPECTED: dict[str, list[tuple[str, int, str, str]]] = {
    "missing-nodes-file": [(N, 0, "", "missing-file")],
    "missing-edges-file": [(E, 0, "", "missing-file")],
    "empty-file": [(N, 0, "", "empty-file")],
    "not-text": [(N, 0, "", "not-text")],
    "missing-column": [(N, 1, "kind", "missing-column")],
    "empty-id": [(N, 24, "id", "empty-value")],
    "bad-id": [(N, 24, "id", "bad-id")],
    "duplicate-id": [(N, 24, "id", "duplicate-id")],
    "unknown-kind": [(N, 22, "kind", "unknown-choice")],
    "unknown-relation": [(E, 26, "relation", "unknown-choice")],
    "unknown-layer": [(N, 10, "layer", "unknown-choice")],
    "unknown-confidence": [(N, 20, "confidence", "unknown-choice")],
    "missing-layer": [(N, 17, "layer", "empty-value")],
    "missing-evidence": [(N, 21, "evidence", "empty-value")],
    "unknown-node": [(E, 23, "target", "unknown-node")],
    "name-for-id": [(E, 18, "target", "unknown-node"), (E, 23, "target", "unknown-node"),
                    (E, 26, "source", "unknown-node")],
    "wrong-kinds": [(E, 29, "relation", "wrong-kinds")],
    "self-loop": [(E, 29, "target", "self-loop")],
    "duplicate-edge": [(E, 29, "", "duplicate-edge")],
    "part-of-cycle": [(E, 7, "target", "cycle")],
    "two-parents": [(E, 29, "target", "two-parents")],
    "bad-year": [(E, 18, "since", "bad-year"), (N, 19, "since", "bad-year")],
    "year-order": [(N, 19, "since", "year-order")],
    "bad-weight": [(E, 26, "weight", "bad-number")],
    "ragged-row": [(E, 26, "", "bad-row")],
    "unclosed-quote": [(E, 28, "", "bad-row")],
    "mixed-encoding": [(N, 13, "", "encoding")],
    # One problem per shifted row, not one per cell it moved (kind, until; relation, until, confidence).
    "shifted-row": [(E, 26, "relation", "shifted-row"), (N, 19, "kind", "shifted-row")],
    "multiple-problems": [
        (E, 12, "relation", "unknown-choice"),
        (E, 25, "target", "unknown-node"),
        (E, 29, "target", "self-loop"),
        (E, 29, "weight", "bad-number"),
        (N, 13, "kind", "unknown-choice"),
        (N, 20, "since", "bad-year"),
        (N, 24, "id", "duplicate-id"),
    ],
}
# These are saved the way Excel and editors save files: they must load.
LOADS = ["gbk-valid", "utf8-bom", "excel-crlf-bom", "excel-edits", "semicolon-delimited", "extra-columns"]


def signature(problems) -> list[tuple[str, int, str, str]]:
    return [(Path(p.file).name, p.line, p.column, p.code) for p in problems]


def test_every_fixture_folder_is_covered():
    assert sorted(p.name for p in INVALID.iterdir() if p.is_dir()) == sorted([*EXPECTED, *LOADS])


def test_the_valid_fixture_has_no_problems():
    assert validate(VALID) == []


@pytest.mark.parametrize("mode", sorted(EXPECTED))
def test_invalid_fixture_gives_exactly_the_expected_problems_at_once(mode):
    with pytest.raises(DataError) as caught:
        load_chain(INVALID / mode)
    problems = caught.value.problems
    assert signature(problems) == EXPECTED[mode]
    assert str(caught.value) == f"{len(EXPECTED[mode])} problem(s) in the data"
    for problem in problems:
        assert problem.code in CODES
        assert problem.file == str(INVALID / mode / Path(problem.file).name)
        assert (problem.line == 0) == (problem.code in {"missing-file", "empty-file", "not-text"})
        text = str(problem)
        assert text.startswith(problem.file) and text.endswith(f"[{problem.code}]")
        assert "; expected " in text


@pytest.mark.parametrize("mode", sorted(EXPECTED))
def test_the_fast_parser_reports_the_same_problems(mode, monkeypatch):
    # Files above FAST_PARSE_BYTES go through pandas' C parser; it must agree with the csv module.
    monkeypatch.setattr(csvfile, "FAST_PARSE_BYTES", 0)
    assert signature(validate(INVALID / mode)) == EXPECTED[mode]


@pytest.mark.parametrize("mode", sorted(EXPECTED))
def test_the_large_file_path_reports_the_same_problems(mode, monkeypatch):
    # Files past DISTINCT_IN_DUCKDB rows are first checked by DuckDB for repeated edges.
    from vvalley.chain import checks

    monkeypatch.setattr(csvfile, "FAST_PARSE_BYTES", 0)
    monkeypatch.setattr(checks, "DISTINCT_IN_DUCKDB", 0)
    assert signature(validate(INVALID / mode)) == EXPECTED[mode]


@pytest.mark.parametrize("line_end", ["\r", "\r\n"])
def test_the_fast_parser_reads_old_mac_line_ends_and_a_blank_first_line(line_end, tmp_path, monkeypatch):
    # A lone CR in the first line once made the fast path raise csv.Error (a traceback).
    monkeypatch.setattr(csvfile, "FAST_PARSE_BYTES", 0)
    for name in ("chain_nodes.csv", "chain_edges.csv"):
        text = (VALID / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(line_end + text.replace("\n", line_end), encoding="utf-8", newline="")
    assert validate(tmp_path) == []


def test_problems_are_sorted_by_file_then_line():
    problems = validate(INVALID / "multiple-problems")
    keys = [(p.file, p.line) for p in problems]
    assert keys == sorted(keys)
    assert len({p.file for p in problems}) == 2


# ---- exact wording of representative messages (pinned) --------------------------------

def message(mode: str, index: int = 0) -> str:
    text = str(validate(INVALID / mode)[index])
    return text.replace(str(INVALID / mode) + "/", "")


@pytest.mark.parametrize("mode, index, expected", [
    ("duplicate-id", 0,
     "chain_nodes.csv:24: column 'id': id 'ent.camco' is already defined on line 19; expected each id once [duplicate-id]"),
    ("bad-id", 0,
     "chain_nodes.csv:24: column 'id': found 'Ent.Hik vision'; expected an id of lowercase letters, digits and . _ - "
     "(starting with a letter or digit), e.g. ent.shining3d [bad-id]"),
    ("unknown-relation", 0,
     "chain_edges.csv:26: column 'relation': found 'supply'; expected one of: part_of, feeds, serves, operates_in, "
     "researches, located_in, supplies, partners_with, subsidiary_of (did you mean 'supplies'?) [unknown-choice]"),
    ("unknown-layer", 0,
     "chain_nodes.csv:10: column 'layer': found 'upstrem'; expected one of: upstream, midstream, downstream "
     "(did you mean 'upstream'?) [unknown-choice]"),
    ("unknown-node", 0,
     "chain_edges.csv:23: column 'target': 'seg.chips.cmos' is not an id in chain_nodes.csv; expected the id of a "
     "node in chain_nodes.csv (did you mean 'seg.chips.cis', 'seg.chips.soc', 'seg.chips'?) [unknown-node]"),
    ("name-for-id", 0,
     "chain_edges.csv:18: column 'target': '萧山区' is a name, not an id in chain_nodes.csv; expected the id of a "
     "node in chain_nodes.csv, not its name (did you mean 'reg.cn.zj.hangzhou.xiaoshan' (Xiaoshan, 萧山区)?) "
     "[unknown-node]"),
    ("name-for-id", 1,
     "chain_edges.csv:23: column 'target': '图像传感器' is a name, not an id in chain_nodes.csv; expected the id of a "
     "node in chain_nodes.csv, not its name (did you mean 'seg.chips.cis' (Image sensors (CIS), 图像传感器)?) "
     "[unknown-node]"),
    ("wrong-kinds", 0,
     "chain_edges.csv:29: column 'relation': operates_in from segment 'seg.chips.cis' to segment "
     "'seg.devices.camera'; expected operates_in from enterprise to segment [wrong-kinds]"),
    ("part-of-cycle", 0,
     "chain_edges.csv:7: column 'target': part_of cycle: seg.chips.cis -> seg.chips -> seg.chips.cis (lines 7, 29); "
     "expected part_of edges that form a tree, each pointing to a broader segment or region [cycle]"),
    ("duplicate-edge", 0,
     "chain_edges.csv:29: operates_in ent.camco -> seg.devices.camera is already given on line 19; expected each "
     "edge once (give a second period with other since/until years) [duplicate-edge]"),
    ("year-order", 0,
     "chain_nodes.csv:19: column 'since': since 2001 is after until 1999; expected since ≤ until [year-order]"),
    ("bad-year", 1,
     "chain_nodes.csv:19: column 'since': found '2001年'; expected a year between 1800 and 2100, e.g. 2019, "
     "or empty [bad-year]"),
    ("missing-column", 0,
     "chain_nodes.csv:1: column 'kind': no column 'kind' in the header (id, name, name_zh, layer, description, since, "
     "until, evidence, confidence); expected a column named 'kind': what the node is [missing-column]"),
    ("ragged-row", 0,
     "chain_edges.csv:26: 9 fields; expected at most 8 fields, as in the header (is a value with a comma not "
     "quoted?) [bad-row]"),
    ("unclosed-quote", 0,
     "chain_edges.csv:28: a quote (\") opened on this line is never closed, so the rest of the file (to line 28) "
     "would read as one value; expected quotes in pairs: a value with a comma, a quote or a line break is written "
     "\"like, this\", with a quote inside it doubled (\"\") [bad-row]"),
    ("mixed-encoding", 0,
     "chain_nodes.csv:13: this line is GBK/GB18030 text, not UTF-8 ('seg.devices.camera,segment,Security cameras,"
     "安防摄像机,midstream…', bytes b0 b2 b7 c0 at byte 45); expected one encoding for the whole file, UTF-8 or "
     "GBK/GB18030; in Excel use Save As > 'CSV UTF-8 (Comma delimited)' [encoding]"),
    ("not-text", 0,
     "chain_nodes.csv: an Excel workbook, not a CSV file; expected a CSV file: in Excel use Save As > "
     "'CSV UTF-8 (Comma delimited)' [not-text]"),
])
def test_message_wording(mode, index, expected):
    assert message(mode, index) == expected


def test_a_missing_file_names_its_path():
    problem = validate(INVALID / "missing-edges-file")[0]
    assert str(problem) == (f"{INVALID / 'missing-edges-file' / E}: no such file; expected a CSV file at "
                            f"{INVALID / 'missing-edges-file' / E} [missing-file]")


# ---- files as Excel and editors save them ------------------------------------------

def assert_same_as_valid(folder: Path):
    chain, valid = load_chain(folder), load_chain(VALID)
    assert list(chain.nodes.index) == list(valid.nodes.index)
    for column in ("kind", "name", "name_zh", "layer", "evidence", "confidence"):
        assert chain.nodes[column].astype(str).tolist() == valid.nodes[column].astype(str).tolist(), column
    assert chain.nodes["since"].tolist() == valid.nodes["since"].tolist()
    for column in ("source", "target", "relation", "evidence", "confidence"):
        assert chain.edges[column].astype(str).tolist() == valid.edges[column].astype(str).tolist(), column
    assert chain.edges["weight"].tolist() == valid.edges["weight"].tolist()


@pytest.mark.parametrize("mode", ["gbk-valid", "utf8-bom", "excel-crlf-bom", "semicolon-delimited"])
def test_files_saved_by_excel_load_as_the_valid_fixture(mode):
    assert validate(INVALID / mode) == []
    assert_same_as_valid(INVALID / mode)


def test_gbk_names_are_correct_chinese():
    chain = load_chain(INVALID / "gbk-valid")
    assert chain.nodes.at["reg.cn.zj.hangzhou.xiaoshan", "name_zh"] == "萧山区"
    assert chain.nodes.at["seg.chips", "name_zh"] == "芯片"  # its GBK bytes d0 be c6 ac are also valid UTF-8
    assert chain.label("seg.chips.soc") == "Video SoC (视频SoC)"


def test_excel_edits_load_normalised():
    # 'Enterprise', 'CamCo  ', '2001.0', ' Located_In', confidence 'a'
    chain = load_chain(INVALID / "excel-edits")
    camco = chain.node("ent.camco")
    assert (camco["kind"], camco["name"], camco["since"]) == ("enterprise", "CamCo", 2001)
    row = chain.edges.iloc[16]
    assert (row["source"], row["relation"], row["confidence"]) == ("ent.camco", "located_in", "A")


def test_extra_columns_are_kept_as_attributes():
    chain = load_chain(INVALID / "extra-columns")
    assert chain.extra_node_columns == ("website",)
    assert chain.extra_edge_columns == ("note",)
    assert chain.nodes.at["ent.camco", "website"] == "https://camco.example"
    assert chain.nodes.at["ent.socco", "website"] == ""
    assert chain.edges.at[24, "note"] == "seen at a fair"  # line 26 of the file
    assert chain.graph.nodes["ent.camco"]["website"] == "https://camco.example"
    assert "website" not in chain.graph.nodes["ent.socco"]
    assert chain.graph.edges["ent.socco", "ent.camco", "supplies"]["note"] == "seen at a fair"


# ---- more shapes of bad input, built in a temporary folder ---------------------------

def copy_valid(tmp_path: Path, nodes: str | bytes | None = None, edges: str | bytes | None = None) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(VALID, folder)
    for name, payload in ((N, nodes), (E, edges)):
        if payload is not None:
            (folder / name).write_bytes(payload.encode("utf-8") if isinstance(payload, str) else payload)
    return folder


def valid_text(name: str) -> str:
    return (VALID / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("edit, expected", [
    (lambda n: n.replace("id,kind,name,", "ID,Kind,Name,", 1), []),  # header typed in another case
    (lambda n: n.replace(",2001,", ",２００１,"), []),  # full-width digits from a Chinese input method
    (lambda n: n.replace(",2001,", ", 2001.0 ,"), []),
    (lambda n: "\n\n" + n, []),  # blank lines above the header
    (lambda n: n.replace("CamCo,摄像公司,,", 'CamCo,摄像公司,,"two\nlines"'), []),  # Alt+Enter in a cell
    # A node row with a stray comma is one problem at its line, not one more per edge naming it.
    (lambda n: n.replace("fixture,A", "fixture,A,stray", 1), [(N, 19, "", "bad-row")]),
    (lambda n: n.replace(",2001,", ",2001.5,"), [(N, 19, "since", "bad-year")]),
    (lambda n: n.replace(",2001,", ",1700,"), [(N, 19, "since", "bad-year")]),
    (lambda n: n.replace("CamCo,", "Cam\x00Co,"), [(N, 19, "", "not-text")]),
    (lambda n: n.encode("utf-16"), [(N, 1, "", "encoding")]),
    (lambda n: n.encode("utf-8").replace("CamCo".encode(), b"Caf\xe9"), [(N, 19, "", "encoding")]),
    (lambda n: "\ufeff", [(N, 0, "", "empty-file")]),
    (lambda n: " \r\n\r\n", [(N, 0, "", "empty-file")]),
    (lambda n: n.replace("confidence\n", "name\n", 1), [(N, 1, "name", "duplicate-column")]),
])
def test_more_node_file_edits(tmp_path, edit, expected):
    assert signature(validate(copy_valid(tmp_path, nodes=edit(valid_text(N))))) == expected


@pytest.mark.parametrize("edit, expected", [
    (lambda e: e.replace(",0.4", ",inf"), [(E, 26, "weight", "bad-number")]),  # would be written as Infinity
    (lambda e: e.replace(",0.4", ",-1"), [(E, 26, "weight", "bad-number")]),
    (lambda e: e.replace(",0.4", ",０．４"), []),
    (lambda e: e + "seg.chips,seg.chips,part_of,,,,,\n", [(E, 29, "target", "self-loop")]),  # not also a cycle
    (lambda e: e + "reg.cn,reg.cn.zj.hangzhou.xiaoshan,part_of,,,,,\n", [(E, 2, "target", "cycle")]),
    (lambda e: e + "seg.chips,reg.cn,part_of,,,,,\n", [(E, 29, "relation", "wrong-kinds")]),
    (lambda e: e + "ent.camco,seg.chips.cis,operates_in,,,,,\n", [(E, 29, "evidence", "empty-value")]),
    (lambda e: e + "ent.camco,inst.lab,partners_with,,,fixture,B,\n", [(E, 29, "relation", "wrong-kinds")]),
    (lambda e: e + "inst.lab,ent.camco,partners_with,,,fixture,B,\n", []),
    (lambda e: e + "ent.camco,seg.chips.cis,operates_in,2019,2018,fixture,A,\n", [(E, 29, "since", "year-order")]),
])
def test_more_edge_file_edits(tmp_path, edit, expected):
    assert signature(validate(copy_valid(tmp_path, edges=edit(valid_text(E))))) == expected


def test_a_node_with_an_unknown_kind_is_reported_once(tmp_path):
    # Its edges are not also reported as joining the wrong kinds.
    nodes = valid_text(N).replace("ent.camco,enterprise,", "ent.camco,company,")
    assert signature(validate(copy_valid(tmp_path, nodes=nodes))) == [(N, 19, "kind", "unknown-choice")]


def test_an_unclosed_quote_is_reported_and_the_rows_after_it_are_still_read(tmp_path):
    nodes = valid_text(N).replace("ent.camco,enterprise,CamCo", 'ent.camco,enterprise,"CamCo')
    problems = validate(copy_valid(tmp_path, nodes=nodes))
    # the row is lost (its edges point nowhere), but ent.socco… on the lines after it are not
    assert (N, 19, "", "bad-row") in signature(problems)
    assert {p.code for p in problems} == {"bad-row", "unknown-node"}
    assert all("ent.camco" in p.found for p in problems if p.code == "unknown-node")


def test_a_huge_value_is_a_problem_not_a_crash(tmp_path):
    nodes = valid_text(N).replace("ent.camco,enterprise,CamCo", 'ent.camco,enterprise,"CamCo') + "x" * 200_000 + "\n"
    problems = validate(copy_valid(tmp_path, nodes=nodes))
    assert (N, 19, "", "bad-row") in signature(problems)
    assert "longer than" in problems[-2].found or "longer than" in problems[-1].found


def test_a_header_only_pair_of_files_is_an_empty_chain(tmp_path):
    folder = copy_valid(tmp_path, nodes="id,kind,name\n", edges="source,target,relation\n")
    chain = load_chain(folder)
    assert len(chain.nodes) == 0 and len(chain.edges) == 0


def test_a_gbk_file_with_a_utf8_line_is_an_encoding_problem(tmp_path):
    lines = valid_text(N).splitlines(keepends=True)
    raw = b"".join(line.encode("utf-8" if number == 9 else "gbk") for number, line in enumerate(lines, start=1))
    problems = validate(copy_valid(tmp_path, nodes=raw))
    assert signature(problems) == [(N, 2, "", "encoding")]
    assert "line 9 is UTF-8" in problems[0].expected


# ---- names where ids belong, and many problems of one kind ----------------------------------

@pytest.mark.parametrize("typed, means", [
    ("萧山", "reg.cn.zj.hangzhou.xiaoshan"),            # without 区
    ("xiaoshan district", "reg.cn.zj.hangzhou.xiaoshan"),  # English, any case, with the suffix
    (" Binjiang ", None),                              # stripped by the reader: then an exact name
    ("视频云平台", "seg.platforms.cloud"),
])
def test_a_name_in_an_edge_names_the_id_it_could_mean(tmp_path, typed, means):
    edges = valid_text(E).replace("ent.cloudco,seg.platforms.cloud,operates_in",
                                  f"ent.cloudco,{typed},operates_in")
    problems = validate(copy_valid(tmp_path, edges=edges))
    assert signature(problems) == [(E, 25, "target", "unknown-node")]
    means = means or "reg.cn.zj.hangzhou.binjiang"
    assert "is a name, not an id" in problems[0].found
    assert f"did you mean {means!r}" in problems[0].expected


@pytest.mark.parametrize("typed, means", [
    ("海康威视", "ent.hikvision"),  # 杭州海康威视数字技术股份有限公司, as people say it
    ("宇视科技", "ent.uniview"),    # 浙江宇视科技有限公司
])
def test_a_firm_s_short_name_in_an_edge_names_the_firm(tmp_path, typed, means):
    folder = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", folder)
    edges = (folder / E).read_text(encoding="utf-8")
    line = next(i for i, text in enumerate(edges.splitlines(), start=1) if text.startswith(f"{means},"))
    (folder / E).write_text(edges.replace(f"\n{means},", f"\n{typed},", 1), encoding="utf-8")
    problems = validate(folder)
    assert signature(problems) == [(E, line, "source", "unknown-node")]
    assert f"{typed!r} is a name, not an id" in problems[0].found
    assert f"did you mean {means!r} (" in problems[0].expected


def test_a_name_shared_by_two_kinds_suggests_the_kind_the_relation_takes(tmp_path):
    # A segment called 萧山区 too: located_in takes a region, so the region is the one meant.
    nodes = valid_text(N) + "seg.xiaoshan,segment,Xiaoshan,萧山区,midstream,,,,,\n"
    edges = valid_text(E).replace("ent.camco,reg.cn.zj.hangzhou.xiaoshan,located_in", "ent.camco,萧山区,located_in")
    edges += "seg.xiaoshan,seg.devices,part_of,,,,,\n"
    problems = validate(copy_valid(tmp_path, nodes=nodes, edges=edges))
    assert signature(problems) == [(E, 18, "target", "unknown-node")]
    assert "'reg.cn.zj.hangzhou.xiaoshan' (Xiaoshan, 萧山区)?" in problems[0].expected
    assert "seg.xiaoshan" not in problems[0].expected


def test_past_the_cap_the_rest_of_a_kind_are_counted_not_listed(tmp_path):
    from vvalley.chain.problems import MAX_LISTED, count

    extra = "".join(f"ent.camco,seg.nowhere{i},operates_in,,,fixture,A,\n" for i in range(MAX_LISTED + 50))
    with pytest.raises(DataError) as caught:
        load_chain(copy_valid(tmp_path, edges=valid_text(E) + extra))
    problems = caught.value.problems
    assert len(problems) == MAX_LISTED + 1
    assert caught.value.total == count(problems) == MAX_LISTED + 50
    assert str(caught.value) == f"{MAX_LISTED + 50} problem(s) in the data"
    last = problems[-1]
    assert (last.line, last.column, last.code, last.more) == (29 + MAX_LISTED, "target", "unknown-node", 50)
    assert last.found == "… and 50 more problems of this kind, not listed (the first of them on this line)"
    assert all(p.more == 0 for p in problems[:-1])
    assert [p.line for p in problems[:-1]] == list(range(29, 29 + MAX_LISTED))


def test_a_part_of_clique_gives_one_cycle_per_strongly_connected_group(tmp_path):
    # 12 segments, every one part_of every other: ~10⁸ cycles, of which one is reported; the
    # two-parents problems stop at the cap.
    from vvalley.chain.problems import MAX_LISTED

    names = [f"seg.k{i:02d}" for i in range(12)]
    nodes = valid_text(N) + "".join(f"{n},segment,K{n[-2:]},,upstream,,,,,\n" for n in names)
    edges = valid_text(E) + "".join(f"{a},{b},part_of,,,,,\n" for a in names for b in names if a != b)
    problems = validate(copy_valid(tmp_path, nodes=nodes, edges=edges))
    cycles = [p for p in problems if p.code == "cycle"]
    assert len(cycles) == 1
    assert cycles[0].line == 29
    assert cycles[0].found.startswith("part_of cycle: seg.k00 -> seg.k01 -> seg.k00 (lines 29, 40)")
    assert {p.code for p in problems} == {"cycle", "two-parents"}
    assert len(problems) <= MAX_LISTED + 2


def test_two_separate_cycles_are_two_problems_and_a_long_one_is_shortened(tmp_path):
    ring = [f"seg.r{i:02d}" for i in range(30)]
    nodes = valid_text(N) + "".join(f"{n},segment,R{n[-2:]},,upstream,,,,,\n" for n in ring)
    edges = (valid_text(E) + "seg.chips,seg.chips.cis,part_of,,,,,\n"
             + "".join(f"{a},{ring[(i + 1) % 30]},part_of,,,,,\n" for i, a in enumerate(ring)))
    problems = validate(copy_valid(tmp_path, nodes=nodes, edges=edges))
    assert signature(problems) == [(E, 7, "target", "cycle"), (E, 30, "target", "cycle")]
    long = problems[1].found
    assert long.startswith("part_of cycle: seg.r00 -> seg.r01 -> ")
    assert "… 19 more … -> seg.r29 -> seg.r00 (lines 30, 31," in long and long.endswith(", … 20 more)")


def test_a_nodes_file_with_a_header_only_makes_every_edge_unknown(tmp_path):
    problems = validate(copy_valid(tmp_path, nodes="id,kind,name"))
    assert {p.code for p in problems} == {"unknown-node"} and len(problems) == 2 * 27
