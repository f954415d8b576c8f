"""The N图N清单 workbook (lists.xlsx): Chinese sheets of firms, gaps, targets, institutes, matchmaking pairs and data gaps, written in linear time."""

from __future__ import annotations

import pandas as pd

from vvalley.publish.xlsx import Sheet, write_workbook


# What a target row past the first few says instead of its change (the build computes those few).
NOT_COMPUTED_ZH = "未计算（运行 vvalley targets 查看）"


# ---- the six lists ------------------------------------------------------------------------------

def lists_sheets(chain, report, targets: dict) -> list[Sheet]:
    """The six sheets of lists.xlsx from one gap report and its target list (names, not ids)."""
    from vvalley.analysis.wording import STATUS_ZH, Names

    names = Names(chain)
    region = report.region
    status = {r["id"]: r["status"] for r in report.segments}
    layer_zh = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
    located = chain.relation("located_in")
    inside = set(chain.descendants(region))
    local_sites = located[located["target"].isin(inside)]
    site_of: dict[str, list[str]] = {}
    for actor, site in zip(local_sites["source"], local_sites["target"]):
        site_of.setdefault(actor, []).append(names.zh(site))
    ops = chain.relation("operates_in")
    firms = set(chain.region_actors(region)) & set(chain.ids("enterprise"))
    mine = ops[ops["source"].isin(firms)].sort_values(["target", "source"])
    layers = chain.nodes["layer"]  # read per segment: the table may hold a registry of firms
    since_column = chain.nodes["since"]

    def since(firm):
        value = since_column.get(firm)
        return None if value is None or pd.isna(value) else int(value)

    def firm_rows():
        for firm, segment in zip(mine["source"], mine["target"]):
            yield [names.zh(segment), layer_zh.get(layers.get(segment, ""), ""),
                   STATUS_ZH.get(status.get(segment, ""), ""), names.zh_full.get(firm, ""), names.en.get(firm, ""),
                   sorted(set(site_of.get(firm, []))), since(firm), chain.nodes.at[firm, "confidence"],
                   chain.nodes.at[firm, "evidence"]]

    def gap_rows():
        for rank, g in enumerate(report.gaps, start=1):
            yield [rank, g.severity, g.kind_zh, names.subject(g.subject), g.reason_zh,
                   "、".join(names.zh(c.id) for c in g.candidates[:3]), g.components.get("downstream_firms", 0)]

    def target_rows():
        for rank, t in enumerate(targets["targets"], start=1):
            if "covered_before" in t:
                change, closes, demand = (f"{t['covered_before']}→{t['covered_after']}", len(t["closes"]),
                                          len(t["new_demand"]))
            else:  # each row's change is one what-if analysis: a build does the first few
                change, closes, demand = NOT_COMPUTED_ZH, "", ""
            yield [rank, t["name_zh"] or t["name"], t["score"], t["level"], [f["name_zh"] for f in t["fills"]],
                   change, closes, demand,
                   t["province"] + t["city"], t["ties"], t["confidence"], t["why_zh"], t["evidence"]]
        for u in targets["unfilled"]:
            yield ["", u["note_zh"], "", "", [u["name_zh"]], "", "", "", "", "", "", u["reason_zh"], ""]

    researches = chain.relation("researches")
    institutes = sorted(set(chain.ids("institute")) & set(chain.region_actors(region)))

    def institute_rows():
        for inst in institutes:
            topics = sorted(set(researches.loc[researches["source"] == inst, "target"]))
            yield [names.zh_full.get(inst, ""), names.en.get(inst, ""), sorted(set(site_of.get(inst, []))),
                   [names.zh(t) for t in topics], chain.nodes.at[inst, "confidence"], chain.nodes.at[inst, "evidence"]]

    firms_in = {}
    for firm, segment in zip(mine["source"], mine["target"]):
        firms_in.setdefault(segment, []).append(firm)

    def under(segment):
        return sorted({f for s in chain.descendants(segment) for f in firms_in.get(s, [])})

    def pair_rows():
        pairs = [g for g in report.gaps if g.kind == "unlinked"]
        held = [s for d in report.data_gaps if d["kind"] == "unlinked" for s in d["subjects"]]
        for g in pairs:
            a, b = g.subject.split("->")
            yield [names.zh(a), names.zh(b), [names.zh(f) for f in under(a)], [names.zh(f) for f in under(b)],
                   "待对接", g.reason_zh]
        for subject in held:
            a, b = subject.split("->")
            yield [names.zh(a), names.zh(b), [names.zh(f) for f in under(a)], [names.zh(f) for f in under(b)],
                   "无供应关系数据", "数据中没有这两个环节企业之间的供应关系记录：对接前先核实"]

    def data_gap_rows():
        for d in report.data_gaps:
            for subject in d["subjects"]:
                yield [d["kind_zh"], names.subject(subject), d["reason_zh"]]

    return [
        Sheet("企业清单", ["环节", "层级", "状态", "企业", "英文名", "所在地", "成立年份", "可信度", "来源"],
              [24, 6, 6, 30, 28, 20, 8, 6, 60], firm_rows()),
        Sheet("缺口清单", ["序号", "严重度", "类型", "环节/链接", "原因", "候选企业", "下游企业数"],
              [6, 8, 10, 36, 70, 30, 10], gap_rows()),
        Sheet("招商目标清单", ["序号", "企业", "得分", "等级", "可补缺口", "覆盖环节（前→后）", "补上缺口数",
                          "新增本地需求", "所在地", "与本区往来", "可信度", "理由", "来源"],
              [6, 28, 8, 6, 50, 14, 10, 12, 16, 10, 6, 70, 50], target_rows()),
        Sheet("创新平台清单", ["机构", "英文名", "所在地", "研究方向", "可信度", "来源"],
              [30, 30, 20, 50, 6, 60], institute_rows()),
        Sheet("对接清单", ["上游环节", "下游环节", "上游企业", "下游企业", "状态", "说明"],
              [24, 24, 40, 40, 14, 60], pair_rows()),
        Sheet("数据缺口", ["类型", "环节/链接", "原因"], [10, 40, 80], data_gap_rows()),
    ]


def lists_workbook(chain, report, targets: dict) -> bytes:
    """lists.xlsx as bytes."""
    return write_workbook(lists_sheets(chain, report, targets))
