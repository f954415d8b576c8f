"""vvalley report: every gap kind present is listed; the HTML is well formed, self-contained and escaped."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.cli import app
from vvalley.analysis.gaps import KINDS, analyse
from vvalley.chain.load import load_chain
from vvalley.publish.report import render_report, report_data

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WHATIF = FIXTURES / "analysis" / "whatif"
HOSTILE = FIXTURES / "analysis" / "hostile"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"
VOID = {"meta", "br", "rect", "img", "hr", "input", "link"}


class Nesting(HTMLParser):
    """Collects nesting errors: every non-void element closed, in order."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def parse(html: str) -> Nesting:
    parser = Nesting()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def whatif_chain():
    return load_chain(WHATIF)


def test_every_gap_kind_present_is_listed_in_both_formats(whatif_chain):
    report = analyse(whatif_chain, XIAOSHAN)
    markdown, html = render_report(whatif_chain, XIAOSHAN, years=(2018, 2024), gap_report=report)
    present = {g.kind for g in report.gaps}
    assert len(present) >= 5
    for kind in KINDS:
        count = sum(g.kind == kind for g in report.gaps)
        assert f"## {KINDS[kind]} {kind} ({count})" in markdown
        assert f'id="gaps-{kind}"' in html
    from vvalley.analysis.wording import Names

    names = Names(whatif_chain)
    for gap in report.gaps:
        # Names, not ids, and the Chinese reason.
        assert f"| {gap.severity} | {names.subject(gap.subject)} | {gap.reason_zh} |" in markdown
        assert gap.reason_zh in html
    assert "seg." not in markdown.split("## 领导版摘要")[1].split("Method")[0].split("方法：")[0]


def test_html_is_well_formed_self_contained_and_links_the_maps(whatif_chain):
    _, html = render_report(whatif_chain, XIAOSHAN, years=(2018, 2024))
    parser = parse(html)
    assert parser.errors == [] and parser.stack == []
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert not re.search(r"""(src|href|xlink:href)\s*=\s*["']?\s*(https?:)?//""", html)
    assert not any(tag in ("script", "link", "img", "iframe") for tag, _ in parser.tags)
    hrefs = [a["href"] for tag, a in parser.tags if tag == "a"]
    assert "map.html" in hrefs and "map-full.html" in hrefs
    assert all(h.startswith("#") or h.endswith(".html") for h in hrefs)
    assert "@media print" in html


def test_bar_chart_has_one_bar_per_segment_group(whatif_chain):
    data = report_data(whatif_chain, XIAOSHAN, years=None)
    assert [b["label"] for b in data["chart"]["bars"]] == ["Components (元器件)", "Devices (设备)", "Applications (应用)"]
    _, html = render_report(whatif_chain, XIAOSHAN, years=None)
    assert html.count('<rect class="bar"') == 3
    assert "0/2 (0%)" in html  # OldLens left in 2019: no component segment covered today


def test_year_comparison_uses_the_given_years_and_can_be_left_out(whatif_chain):
    markdown, html = render_report(whatif_chain, XIAOSHAN, years=(2018, 2024))
    assert "## 2018 vs 2024" in markdown and "left: OldLens (老镜头)" in markdown
    assert "<h2>2018 vs 2024</h2>" in html
    markdown, html = render_report(whatif_chain, XIAOSHAN, years=(2010, 2018))
    assert "## 2010 vs 2018" in markdown
    markdown, html = render_report(whatif_chain, XIAOSHAN, years=None)
    assert " vs " not in markdown and 'id="years"' not in html


def test_fill_candidates_are_listed(whatif_chain):
    markdown, html = render_report(whatif_chain, XIAOSHAN, years=None)
    assert "## 各缺口的候选企业 Fill candidates per gap" in markdown and "## 招商目标清单 Target list" in markdown
    # Image sensors are missing in Xiaoshan; SensorSH (same country) ranks above SensorJP.
    rows = [line for line in markdown.splitlines() if line.startswith("| 图像传感器 |")]
    assert "上海传感" in rows[0] and "日本传感" in rows[1]
    assert "上海传感" in html and "ent.sensor_sh" not in html


def test_hostile_names_are_text():
    chain = load_chain(HOSTILE)
    markdown, html = render_report(chain, XIAOSHAN, years=None)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert parse(html).errors == []
    # Escaped for Markdown renderers that allow inline HTML: &lt;script> shows as text in all of
    # them (Python-Markdown does not honour "\<"; vvalley.sanitize.for_markdown).
    assert "&lt;script>" in markdown and "<script" not in markdown


def test_same_data_same_report(whatif_chain):
    assert render_report(whatif_chain, XIAOSHAN, years=(2018, 2024)) == \
        render_report(whatif_chain, XIAOSHAN, years=(2018, 2024))


def test_cli_report_writes_both_files(tmp_path):
    result = CliRunner().invoke(app, ["report", "--data", str(WHATIF), "--out", str(tmp_path),
                                      "--year", "2018", "--vs", "2024"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"已写入 {tmp_path / 'report.md'}", f"已写入 {tmp_path / 'report.html'}"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "2018 vs 2024" in html
    unknown = CliRunner().invoke(app, ["report", "--data", str(WHATIF), "--region", "Xiaosan",
                                       "--out", str(tmp_path)])
    assert unknown.exit_code == 2 and "相近的有" in unknown.output


def test_the_report_opens_with_the_leaders_summary(whatif_chain):
    markdown, html, data = render_report(whatif_chain, XIAOSHAN, years=(2018, 2024), with_data=True)
    body = markdown.split("\n## ")
    assert body[1].startswith("领导版摘要")
    b = data["briefing"]
    assert len(b["gaps"]) == min(5, len(analyse(whatif_chain, XIAOSHAN).gaps)) and b["targets"]
    assert all("ent." not in g["sentence"] and "seg." not in g["sentence"] for g in b["gaps"])
    assert b["then_now"] and "2018 年" in b["then_now"][0]
    assert html.index('id="briefing"') < html.index('id="coverage"')


def test_docx_holds_the_summary_and_real_tables(whatif_chain, tmp_path):
    import docx

    result = CliRunner().invoke(app, ["report", "--data", str(WHATIF), "--out", str(tmp_path), "--format", "docx",
                                      "--year", "2018", "--vs", "2024"])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(tmp_path / "report.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "领导版摘要" in headings and "最需要补的五处缺口" in headings and "首选招商目标" in headings
    top_gaps, top_targets = document.tables[0], document.tables[1]
    assert [c.text for c in top_gaps.rows[0].cells] == ["#", "缺口", "类型", "严重度", "说明"]
    assert len(top_gaps.rows) > 1 and len(top_targets.rows) > 1
    assert [c.text for c in top_targets.rows[0].cells][:2] == ["#", "企业"]
    # The same data gives the same bytes.
    first = (tmp_path / "report.docx").read_bytes()
    CliRunner().invoke(app, ["report", "--data", str(WHATIF), "--out", str(tmp_path), "--format", "docx",
                             "--year", "2018", "--vs", "2024"])
    assert (tmp_path / "report.docx").read_bytes() == first
