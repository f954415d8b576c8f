"""'Did you mean': the close ids are difflib's, found without scoring every candidate with difflib."""

import difflib
import random

import pyarrow as pa
from rapidfuzz import fuzz, process

from vvalley.chain import suggest


def typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(chars))
        roll = rng.random()
        if roll < 0.4:
            chars[at] = rng.choice("abcdefghijklmnopqrstuvwxyz0123456789.")
        elif roll < 0.7 and len(chars) > 1:
            del chars[at]
        else:
            chars.insert(at, rng.choice("abcdefghij0123456789"))
    return "".join(chars)


def test_close_ids_are_the_ones_difflib_picks_from_the_same_candidates():
    rng = random.Random(7)
    ids = sorted({f"ent.{rng.randint(0, 999_999):06d}" for _ in range(4_000)}
                 | {f"seg.{g}.{leaf}" for g in ("chips", "optics", "devices") for leaf in ("cis", "soc", "lens", "isp")})
    index = suggest.IdIndex(pa.array(ids, pa.large_string()))
    asked = 0
    for _ in range(600):
        value = typo(rng, rng.choice(ids))
        hits = process.extract(value, index._candidates(value), scorer=fuzz.ratio,
                               score_cutoff=suggest.CUTOFF * 100 - 1e-6, limit=None)
        best = sorted(hits, key=lambda hit: (-hit[1], hit[0]))[:suggest.SCORED]
        expected = difflib.get_close_matches(value, [hit[0] for hit in best], n=3, cutoff=suggest.CUTOFF)
        assert index.close(value) == expected, value
        asked += bool(expected)
    assert asked > 500  # the typos were close enough to be told an id
