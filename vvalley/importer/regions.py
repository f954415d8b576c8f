"""Placing a firm by its address: the smallest region of the tree whose Chinese name the address holds."""

from __future__ import annotations

import re
import unicodedata

SUFFIXES = ("特别行政区", "自治区", "经济技术开发区", "新区", "街道", "小镇", "省", "市", "区", "县", "镇")
ADMIN_ENDINGS = ("省", "市", "区", "县", "镇", "街道", "小镇", "开发区", "新区", "城", "社区")


def _names(name_zh: str) -> tuple[str, list[str]]:
    """The full Chinese name (without a bracketed note) and its shorter forms."""
    full = re.split(r"[(（]", unicodedata.normalize("NFKC", name_zh))[0].strip()
    short = []
    for suffix in SUFFIXES:
        if full.endswith(suffix) and len(full) - len(suffix) >= 2:
            short.append(full[: -len(suffix)])
    return full, short


class RegionMatcher:
    """The region tree's Chinese names, matched against an address."""

    def __init__(self, chain):
        regions = chain.nodes[chain.nodes["kind"] == "region"]
        self.parent = {k: v for k, v in chain.parent.items() if k in regions.index}
        self.depth = {r: len(self.path(r)) for r in regions.index}
        self.names: list[tuple[str, str, bool]] = []  # (text, region, strong)
        shorts: dict[str, list[str]] = {}
        fulls = set()
        for region, name_zh in regions["name_zh"].items():
            if not name_zh:
                continue
            full, short = _names(str(name_zh))
            fulls.add(full)
            # A full name with an administrative ending (萧山区, 钱江世纪城) is strong on its own;
            # a short form (萧山) or a bare foreign name (新竹) counts only under a matched parent.
            self.names.append((full, region, full.endswith(ADMIN_ENDINGS) or len(full) >= 4))
            for s in short:
                shorts.setdefault(s, []).append(region)
        for s, owners in shorts.items():
            if s in fulls:
                continue
            # 萧山 is short for 萧山区 and for 萧山经济技术开发区: it names the larger one
            self.names.append((s, min(owners, key=lambda r: (self.depth[r], r)), False))
        self.names.sort(key=lambda n: (-len(n[0]), n[0], n[1]))

    def path(self, region: str) -> list[str]:
        out = [region]
        while out[-1] in self.parent:
            out.append(self.parent[out[-1]])
        return out

    def match(self, text: str) -> tuple[str | None, str]:
        """(region id or None, the name that placed it)."""
        text = unicodedata.normalize("NFKC", text or "")
        if not text:
            return None, ""
        found: dict[str, tuple[bool, str]] = {}
        for name, region, strong in self.names:
            if name in text:
                was = found.get(region)
                if was is None or (strong and not was[0]):
                    found[region] = (strong, name)
        accepted = {r for r, (strong, _n) in found.items()
                    if strong or any(a in found for a in self.path(r)[1:])}
        if not accepted:
            return None, ""
        # the deepest region with the most matched names on its way up; a tie between branches places nothing
        ranked = sorted(accepted, key=lambda r: (-sum(a in accepted for a in self.path(r)), -self.depth[r], r))
        best = ranked[0]
        if len(ranked) > 1:
            second = ranked[1]
            key = lambda r: (sum(a in accepted for a in self.path(r)), self.depth[r])  # noqa: E731
            if key(second) == key(best) and best not in self.path(second) and second not in self.path(best):
                return None, ""
        return best, found[best][1]
