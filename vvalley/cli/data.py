"""`vvalley validate` and `vvalley build`."""

from __future__ import annotations

from vvalley.chain.schema import KIND_ZH
from vvalley.cli._app import (DEFAULT_DATA, DEFAULT_OUT, DataDir, EngineOpt, Grade, Lang, LangOpt, MinConfidenceOpt,
                              OutDir, RegionOpt, app, console, echo, fail_lookup, fail_on_problems,
                              load_or_fail)


@app.command()
def validate(data: DataDir = DEFAULT_DATA, lang: LangOpt = Lang.zh) -> None:
    """Check the data files; print every problem with file, line and column (exit 1 if any).

    Relations that are empty or thin and feeds cycles are printed as warnings (exit 0)."""
    from vvalley.analysis.counts import counts
    from vvalley.chain.quality import quality

    chain = load_or_fail(data, "fix them and run validate again")  # reads the files once
    by_kind, by_relation = counts(chain)
    if lang is Lang.zh:
        echo(f"{data}：数据无误，共 {len(chain.nodes)} 个节点：{_join_zh(by_kind, KIND_ZH)}；"
             f"{chain.edge_count} 条关系：{_join_zh(by_relation, RELATION_ZH)}")
    else:
        echo(f"{data}: OK, {len(chain.nodes)} nodes ({_join(by_kind)}), "
             f"{chain.edge_count} edges ({_join(by_relation)}); no problems.")
    for warning in quality(chain)["warnings"]:
        echo(("警告：" + warning["text_zh"]) if lang is Lang.zh else ("warning: " + warning["text"]))


# The Chinese names of the kinds and relations in what validate and build print (one table for both).
RELATION_ZH = {"part_of": "隶属", "feeds": "供给（上游→下游）", "serves": "服务聚焦方向", "operates_in": "从事环节",
               "researches": "研究环节", "located_in": "位于", "supplies": "供应", "partners_with": "合作",
               "subsidiary_of": "子公司"}


@app.command()
def build(data: DataDir = DEFAULT_DATA, out: OutDir = DEFAULT_OUT, region: RegionOpt = None,
          min_confidence: MinConfidenceOpt = Grade.U, engine: EngineOpt = None, lang: LangOpt = Lang.zh) -> None:
    """Validate the data, then write the graph, gaps, maps, poster, report and lists into the output folder."""
    from vvalley.build import build as run_build
    from vvalley.chain.model import LookupProblem
    from vvalley.chain.problems import DataError
    from vvalley.analysis.counts import counts
    from vvalley.analysis.gaps import KINDS as GAP_ZH
    from vvalley.analysis.wording import Names

    try:
        result = run_build(data, out, region, min_confidence.value)
    except DataError as err:
        fail_on_problems(err.problems, data)
    except LookupProblem as err:
        fail_lookup(err)
    zh = lang is Lang.zh
    by_kind, by_relation = counts(result.chain)
    console().print(_counts_table(by_kind, by_relation, zh))
    summary = result.gaps.summary
    if zh:
        kinds = "、".join(f"{GAP_ZH[kind]} {n}" for kind, n in summary["gaps_by_kind"].items() if n)
        echo(f"{Names(result.chain).zh(result.gaps.region)}：{summary['segments']} 个末级环节中已覆盖 "
             f"{summary['covered']} 个（{summary['coverage']:.0%}）；缺口：{kinds or '无'}")
    else:
        kinds = ", ".join(f"{n} {kind}" for kind, n in summary["gaps_by_kind"].items() if n)
        echo(f"{result.chain.label(result.gaps.region)}: {summary['covered']} of {summary['segments']} leaf "
             f"segments covered ({summary['coverage']:.0%}); gaps: {kinds or 'none'}")
    for d in result.gaps.data_gaps:
        echo(f"数据缺口（不参与排序）：{d['kind_zh']} {d['count']} 项：{d['reason_zh']}" if zh else
             f"data gap (not ranked): {d['count']} {d['kind']}: {d['reason']}")
    if min_confidence is not Grade.U:
        echo(f"（缺口、地图与报告只计入可信度 {min_confidence.value} 及以上的事实）" if zh else
             f"(gaps, maps and report count only facts graded {min_confidence.value} or better)")
    for path in result.written:
        echo(f"已写入 {path}" if zh else f"wrote {path}")


def _join(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items())


def _join_zh(counts: dict[str, int], names: dict[str, str]) -> str:
    return "、".join(f"{names.get(k, k)} {n}" for k, n in counts.items())


def _counts_table(by_kind: dict[str, int], by_relation: dict[str, int], zh: bool = True):
    from rich.table import Table

    heads = ("产业链数据", "节点类型", "个数", "关系", "条数") if zh else ("The chain", "nodes by kind", "n",
                                                                        "edges by relation", "n")
    table = Table(title=heads[0], show_edge=False)
    table.add_column(heads[1])
    table.add_column(heads[2], justify="right")
    table.add_column(heads[3])
    table.add_column(heads[4], justify="right")
    kinds = [(KIND_ZH.get(k, k) if zh else k, n) for k, n in by_kind.items()]
    relations = [(RELATION_ZH.get(r, r) if zh else r, n) for r, n in by_relation.items()]
    for i in range(max(len(kinds), len(relations))):
        k = kinds[i] if i < len(kinds) else ("", "")
        r = relations[i] if i < len(relations) else ("", "")
        table.add_row(k[0], str(k[1]), r[0], str(r[1]))
    return table
