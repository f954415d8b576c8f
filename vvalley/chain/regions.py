"""Choosing the region to analyse when none is given."""

from __future__ import annotations

XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"


def default_region(chain) -> str:
    """Xiaoshan when the data has it (the bundled data); else the region most actors sit in directly."""
    regions = chain.ids("region")
    if XIAOSHAN in regions:
        return XIAOSHAN
    if len(regions) == 0:
        raise LookupError("the data has no region")
    located = chain.relation("located_in")
    direct = located.groupby("target")["source"].nunique()
    # The region most actors sit in directly: a district rather than its country.
    return min(sorted(regions), key=lambda r: -int(direct.get(r, 0)))
