""""Did you mean": close ids and the ids of names, from indexes built once, asked once per distinct value."""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Up to this many ids, every id is a candidate; above it, the candidates are the ids next
# to the value in sorted order and in sorted order of the reversed ids (a typo leaves a common
# prefix or a common suffix), so one suggestion costs a binary search, not a scan of all ids.
FULL_SCAN_IDS = 2_000
NEIGHBOURS = 16  # on each side, in each of the two orders
CUTOFF = 0.6
# difflib (pure Python) scores only the best few by rapidfuzz's ratio, which is never below difflib's.
SCORED = 24


class IdIndex:
    """Close matches among a set of ids; each distinct value is looked up once."""

    def __init__(self, ids: pa.Array):
        self._ids = ids
        self._memo: dict[str, list[str]] = {}
        self._all: list[str] | None = None
        self._forward = self._backward = None

    def close(self, value: str, n: int = 3) -> list[str]:
        """Up to `n` ids close to `value` (difflib's ratio ≥ 0.6), best first."""
        if value not in self._memo:
            from rapidfuzz import fuzz, process

            # fuzz.ratio is 2·LCS/(len a + len b) ≥ difflib's ratio (its matching blocks are a common
            # subsequence), so what it drops difflib would not accept either.
            hits = process.extract(value, self._candidates(value), scorer=fuzz.ratio,
                                   score_cutoff=CUTOFF * 100 - 1e-6, limit=None)
            best = sorted(hits, key=lambda hit: (-hit[1], hit[0]))[:SCORED]
            self._memo[value] = _close_matches(value, best, n)
        return self._memo[value]

    def _candidates(self, value: str) -> list[str]:
        if len(self._ids) <= FULL_SCAN_IDS:
            if self._all is None:
                self._all = self._ids.to_pylist()
            return self._all
        if self._forward is None:
            self._forward = _sorted(self._ids)
            self._backward = _sorted(pc.utf8_reverse(self._ids))
        pool = set(_window(self._forward, value))
        pool.update(text[::-1] for text in _window(self._backward, value[::-1]))
        return sorted(pool)


def _close_matches(value: str, scored: list[tuple], n: int) -> list[str]:
    """difflib.get_close_matches(value, [id of each scored], n, CUTOFF), the same list, with difflib's
    (slow, pure Python) ratio worked out only while it can still change the answer: rapidfuzz's
    score, in which `scored` is sorted best first, is never below difflib's ratio, so once it falls
    under the n-th best ratio found, no later id can enter the list."""
    import heapq

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(value)
    found: list[tuple[float, str]] = []
    for candidate, bound, *_ in scored:
        if len(found) >= n and bound / 100 < heapq.nlargest(n, found)[-1][0] - 1e-9:
            break  # its ratio is at most `bound`: below the n-th best, it cannot enter the list
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= CUTOFF and matcher.quick_ratio() >= CUTOFF and matcher.ratio() >= CUTOFF:
            found.append((matcher.ratio(), candidate))
    return [candidate for _, candidate in heapq.nlargest(n, found)]


def _sorted(ids: pa.Array) -> np.ndarray:
    return np.asarray(ids.take(pc.sort_indices(ids)).to_numpy(zero_copy_only=False), dtype=object)


def _window(ordered: np.ndarray, value: str) -> list[str]:
    at = int(np.searchsorted(ordered, value))
    return list(ordered[max(0, at - NEIGHBOURS): at + NEIGHBOURS])


# ---- names where ids are expected -------------------------------------------------------------

# An administrative word at the end of a region's name: 萧山区 is also written 萧山, Xiaoshan District Xiaoshan.
_ADMIN_SUFFIX = r"\s*(?: district| city| province| county|区|市|省|县)$"


class NameIndex:
    """The ids of nodes whose English or Chinese name is a given text (any case, with or without an
    administrative suffix), else of the firms it is a short name of. Built on first use for all
    the distinct values asked about at once."""

    def __init__(self, ids: pd.Index, nodes: pd.DataFrame):
        self._ids, self._nodes = ids, nodes
        self._memo: dict[str, list[str]] = {}

    def prepare(self, values) -> None:
        """Look up every value of `values` in one pass over the names."""
        values = sorted({v for v in values if v and v not in self._memo})
        if not values:
            return
        forms = {value: (_fold(value), _bare(value)) for value in values}
        wanted = {form for pair in forms.values() for form in pair}
        found: dict[str, dict[str, int]] = {v: {} for v in values}  # value -> id -> rank (0 exact, 1 bare)
        keys = pa.array(sorted(wanted), type=pa.large_string())
        for column in ("name", "name_zh"):
            if column not in self._nodes:
                continue
            names = pa.array(self._nodes[column].astype(str).to_numpy(dtype=object), type=pa.large_string())
            folded = pc.utf8_lower(names)
            bare = pc.replace_substring_regex(folded, _ADMIN_SUFFIX, "")
            hit = pc.or_(pc.is_in(folded, value_set=keys), pc.is_in(bare, value_set=keys))
            rows = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
            for row in rows:
                node_id = str(self._ids[row])
                full, short = folded[row].as_py(), bare[row].as_py()
                for value, (value_full, value_bare) in forms.items():
                    if value_full == full:
                        rank = 0
                    elif value_bare in (full, short) and short:
                        rank = 1
                    else:
                        continue
                    found[value][node_id] = min(rank, found[value].get(node_id, rank))
        self._short_names({value: hits for value, hits in found.items() if not hits})
        for value in values:
            self._memo[value] = sorted(found[value], key=lambda i: (found[value][i], i))

    def _short_names(self, unfound: dict[str, dict[str, int]]) -> None:
        """The firms a short name people type stands for (海康威视 for 杭州海康威视数字技术股份有限公司):
        equal cores by the importer's dedup normalisation (legal form, place prefix, generic words
        off). Only rows whose Chinese name holds a core are normalised, after one scan for all values."""
        if not unfound or "name_zh" not in self._nodes:
            return
        from vvalley.importer.dedup import core

        # An id-like value (ascii) is a mistyped id, not a short Chinese name: only names are tried.
        wanted: dict[str, list[str]] = {}
        for value in unfound:
            if not value.isascii() and len(short := core(value)) >= 2:
                wanted.setdefault(short, []).append(value)
        if not wanted:
            return
        names = pa.array(self._nodes["name_zh"].astype(str).to_numpy(dtype=object), type=pa.large_string())
        # One scan of the names for every core at once; only the rows that hold one are normalised.
        pattern = "|".join(re.escape(c) for c in sorted(wanted))
        holds = pc.match_substring_regex(names, pattern, ignore_case=True).to_numpy(zero_copy_only=False)
        if "kind" in self._nodes:
            holds &= self._nodes["kind"].isin(("enterprise", "institute")).to_numpy()
        for row in np.flatnonzero(holds):
            for value in wanted.get(core(names[row].as_py()), ()):
                unfound[value][str(self._ids[row])] = 2

    def ids_named(self, value: str) -> list[str]:
        """The ids of nodes called `value`, exact names first, then sorted by id; else the firms
        whose short name it is."""
        if value not in self._memo:
            self.prepare([value])
        return self._memo[value]


def _fold(text: str) -> str:
    return text.strip().lower()


def _bare(text: str) -> str:
    folded = _fold(text)
    return re.sub(_ADMIN_SUFFIX, "", folded) or folded
