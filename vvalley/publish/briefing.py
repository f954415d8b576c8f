"""The leader's one-page summary (领导版): headline figures, top gaps and targets in plain Chinese sentences, then vs now."""

from __future__ import annotations

TOP = 5


def briefing_data(chain, report, targets: dict, years: dict | None = None, quality: dict | None = None) -> dict:
    """Plain data of the one-page summary.

    {"title", "headline": [sentence], "gaps": [{"rank", "name", "kind_zh", "severity", "sentence",
    "candidates"}], "targets": [{"rank", "name", "level", "score", "where", "sentence"}],
    "unfilled": [sentence], "then_now": [sentence], "data_notes": [sentence]}: every sentence
    Chinese, naming firms and segments, never ids.
    """
    from vvalley.analysis.wording import Names

    names = Names(chain)
    region = names.zh(report.region)
    s = report.summary
    firms = len(set(chain.region_actors(report.region)) & set(chain.ids("enterprise")))
    institutes = len(set(chain.region_actors(report.region)) & set(chain.ids("institute")))
    by_kind = "、".join(f"{_kind_zh(k)} {n} 处" for k, n in s["gaps_by_kind"].items() if n)
    headline = [
        f"{region}在 {s['segments']} 个末级环节中已覆盖 {s['covered']} 个（{s['coverage']:.0%}），"
        f"本区有 {firms} 家企业、{institutes} 家研究机构。",
        f"共发现 {sum(s['gaps_by_kind'].values())} 处缺口：{by_kind or '无'}。",
    ]
    weakest = sorted(s["focus_areas"], key=lambda f: (f["coverage"], f["id"]))
    if weakest:
        f = weakest[0]
        headline.append(f"最薄弱的聚焦方向是{f.get('name_zh') or f['name']}：{f['segments']} 个环节只覆盖 "
                        f"{f['covered']} 个（{f['coverage']:.0%}）。")
    gaps = []
    for rank, g in enumerate(report.gaps[:TOP], start=1):
        cands = [names.zh(c.id) for c in g.candidates[:3]]
        sentence = g.reason_zh + "。" + (f"可招引：{'、'.join(cands)}。" if cands else "")
        gaps.append({"rank": rank, "name": names.subject(g.subject), "kind_zh": g.kind_zh, "severity": g.severity,
                     "sentence": sentence, "candidates": cands})
    rows = []
    for rank, t in enumerate(targets.get("targets", [])[:TOP], start=1):
        fills = "、".join(f["name_zh"] for f in t["fills"][:3]) + (f"等 {len(t['fills'])} 处" if len(t["fills"]) > 3 else "")
        where = t["city"] or t["province"] or "所在地不详"
        sentence = f"{t['short_zh']}（{where}）落户可补{fills}"
        if "covered_after" in t:
            sentence += (f"；已覆盖环节 {t['covered_before']} → {t['covered_after']} 个，消除 {len(t['closes'])} 处缺口"
                         + (f"，同时带来 {len(t['new_demand'])} 处新增本地配套需求" if t["new_demand"] else ""))
        rows.append({"rank": rank, "name": t["short_zh"], "level": t["level"], "score": t["score"], "where": where,
                     "sentence": sentence + "。"})
    unfilled = [f"{u['name_zh']}（{u['kind_zh']}，严重度 {u['severity']}）：{u['note_zh']}。"
                for u in targets.get("unfilled", [])[:TOP]]
    then_now = []
    if years:
        c = years["coverage"]
        then_now.append(f"{years['from']} 年{region}覆盖 {c['covered_before']} 个环节（{c['before']:.0%}），"
                        f"{years['to']} 年 {c['covered_after']} 个（{c['after']:.0%}）；本区主体由 "
                        f"{years['actors_before']} 家变为 {years['actors_after']} 家。")
        arrived = [names.zh(a["id"]) for a in years.get("arrived", [])]
        left = [names.zh(a["id"]) for a in years.get("left", [])]
        if arrived:
            then_now.append(f"新来的有{'、'.join(arrived[:5])}" + (f"等 {len(arrived)} 家" if len(arrived) > 5 else "") + "。")
        if left:
            then_now.append(f"离开的有{'、'.join(left[:5])}" + (f"等 {len(left)} 家" if len(left) > 5 else "") + "。")
        then_now.append(f"这期间消除缺口 {years.get('closed_count', len(years['closed']))} 处，新出现 "
                        f"{years.get('opened_count', len(years['opened']))} 处。")
    notes = [d["reason_zh"] + "。" for d in report.data_gaps]
    if quality:
        notes += [w["text_zh"] + "。" for w in quality["warnings"]]
    return {"title": f"{region}产业链补链 领导版摘要", "headline": headline, "gaps": gaps, "targets": rows,
            "unfilled": unfilled, "then_now": then_now, "data_notes": notes}


def _kind_zh(kind: str) -> str:
    from vvalley.chain.schema import GAP_KINDS

    return GAP_KINDS[kind]


def briefing_markdown(b: dict) -> list[str]:
    """The summary as Markdown lines (a level-2 heading and its tables)."""
    from vvalley.publish.sections import md_escape as e

    lines = ["## 领导版摘要", ""]
    lines += [e(s) for s in b["headline"]] + [""]
    lines += ["### 最需要补的五处缺口", "", "| # | 缺口 | 类型 | 严重度 | 说明 |", "|---:|---|---|---:|---|"]
    lines += [f"| {g['rank']} | {e(g['name'])} | {g['kind_zh']} | {g['severity']} | {e(g['sentence'])} |"
              for g in b["gaps"]]
    lines += ["", "### 首选招商目标", "", "| # | 企业 | 等级 | 得分 | 落户后的变化 |", "|---:|---|---|---:|---|"]
    lines += [f"| {t['rank']} | {e(t['name'])} | {t['level']} | {t['score']:.1f} | {e(t['sentence'])} |"
              for t in b["targets"]]
    if b["unfilled"]:
        lines += ["", *(f"- {e(u)}" for u in b["unfilled"])]
    if b["then_now"]:
        lines += ["", "### 当年与现在", "", *(e(s) for s in b["then_now"])]
    if b["data_notes"]:
        lines += ["", "### 数据说明", "", *(f"- {e(s)}" for s in b["data_notes"])]
    return lines + [""]
