"""Grades mean what they say: a row's confidence is no better than the hosts its evidence cites (data/official_hosts.csv)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
RANK = {"A": 0, "B": 1, "C": 2, "U": 3}
# The best grade a host of each kind can carry. A host that is not listed (a mirror, self-media, a content
# farm, a blog) carries C at best.
CAP = {"filing": "A", "government": "A", "official_media": "A", "wire": "A", "institution": "A", "firm": "A",
       "repost": "B", "press": "B"}
URL = re.compile(r"https?://[^\s;,)\"]+")
# A widely known public record (a listing, a founding year, a group's ownership) named in the evidence but not
# read in this pass is a recollection, not a cited source: C at most, like any inference.
WIDELY_KNOWN = "widely known"


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def hosts() -> dict[str, str]:
    return {row["host"]: row["kind"] for row in read_csv("official_hosts.csv")}


def kind_of(host: str, hosts: dict[str, str]) -> str | None:
    """The listed kind of a host, matching the host itself or any parent domain (zju.edu.cn covers news.zju.edu.cn)."""
    parts = host.lower().split(".")
    for i in range(len(parts) - 1):
        kind = hosts.get(".".join(parts[i:]))
        if kind:
            return kind
    return None


def best_grade(evidence: str, hosts: dict[str, str]) -> str:
    """The best grade the evidence supports, read from its URLs' hosts."""
    best = "C"
    for url in URL.findall(evidence):
        kind = kind_of(urlsplit(url).hostname or "", hosts)
        if kind and RANK[CAP[kind]] < RANK[best]:
            best = CAP[kind]
    return best


def graded_rows():
    """(where, row) for every node and edge row that carries a grade."""
    for line, row in enumerate(read_csv("chain_nodes.csv"), start=2):
        if row["confidence"]:
            yield f"chain_nodes.csv:{line} {row['id']}", row
    for line, row in enumerate(read_csv("chain_edges.csv"), start=2):
        if row["confidence"]:
            yield f"chain_edges.csv:{line} {row['source']} {row['relation']} {row['target']}", row


def test_the_host_list_is_well_formed(hosts):
    rows = read_csv("official_hosts.csv")
    assert [r["host"] for r in rows] == [r["host"].lower().strip() for r in rows]
    assert len({r["host"] for r in rows}) == len(rows), "a host is listed twice"
    assert {r["kind"] for r in rows} <= set(CAP), "unknown host kind"
    assert all(r["note"].strip() for r in rows), "every host says what it is"
    # the examples: repost sites of filings and mirrors are not official
    assert kind_of("podms.com", hosts) == "repost" and kind_of("vip.stock.finance.sina.com.cn", hosts) == "repost"
    assert kind_of("hacker2.cn", hosts) is None and kind_of("www.xiaolijiang.cn", hosts) is None
    assert kind_of("www.sec.gov", hosts) == "filing" and kind_of("www.wuhurd.gov.cn", hosts) == "government"


def test_the_rule_reads_the_best_host(hosts):
    assert best_grade("S17: http://www.xiaolijiang.cn/Post/8dc3487f33efc7c (mirror)", hosts) == "C"
    assert best_grade("https://podms.com/p1.html (prospectus repost)", hosts) == "B"
    assert best_grade("http://hacker2.cn/x ; https://www.xsnet.cn/content/1.html (萧山网)", hosts) == "A"
    assert best_grade("widely known, not read in this pass: founded 2015", hosts) == "C"
    assert best_grade("https://www.sec.gov/Archives/x.txt ; widely known", hosts) == "A"
    assert best_grade("inferred for this data set", hosts) == "C"


def test_no_row_is_graded_above_its_evidence_hosts(hosts):
    """A needs an official host (filing, government, official media, wire, the firm's or institution's own site);
    B needs a repost of a filing or a listed outlet; anything else, a widely known record not read included, is C at best."""
    wrong = [f"{where}: graded {row['confidence']}, its evidence supports {best_grade(row['evidence'], hosts)}"
             for where, row in graded_rows()
             if row["confidence"] in ("A", "B") and RANK[row["confidence"]] < RANK[best_grade(row["evidence"], hosts)]]
    assert wrong == []


def test_no_a_row_cites_only_a_non_official_host(hosts):
    only_unofficial = [where for where, row in graded_rows() if row["confidence"] == "A"
                       and not any(CAP.get(kind_of(urlsplit(u).hostname or "", hosts) or "") == "A"
                                   for u in URL.findall(row["evidence"]))]
    assert only_unofficial == []


def test_inferences_are_graded_c_at_best():
    """serves is this data set's classification of segments onto focus areas; a row that opens with 'inferred' is one."""
    for where, row in graded_rows():
        if " serves " in where or row["evidence"].lstrip().startswith("inferred"):
            assert row["confidence"] in ("C", "U"), f"{where}: an inference graded {row['confidence']}"


def test_there_are_rows_of_every_grade():
    """The check above is not vacuous: the data holds A, B and C rows."""
    grades = {row["confidence"] for _, row in graded_rows()}
    assert {"A", "B", "C"} <= grades
