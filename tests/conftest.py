"""Test-wide settings."""

import os

from hypothesis import settings

# Tests read the CSVs every time (a cache hit would skip the parser and checks under test);
# tests/test_ingest.py turns the cache on where it tests it.
os.environ.setdefault("VVALLEY_CACHE", "off")

# CI replays the same examples on every run, so a submission's result does not depend on luck;
# local runs keep drawing new ones, which is how they find bugs (and print the failing example).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    """One local SparkSession for the whole run (its JVM takes ~20 s to start), made the session the
    spark engine uses. In CI (CI set) Spark tests never skip; locally they skip only without Java."""
    from vvalley import engine

    if not os.environ.get("CI") and not engine.java_found():
        pytest.skip("no Java here: the Spark tests run in CI (and wherever Java 17+ is installed)")
    session = engine.local_session("2")
    yield session
    session.stop()


@pytest.fixture
def reset_engine():
    """The engine chosen inside a test (use(), --engine) does not leak into the next one."""
    from vvalley import engine

    engine.set_engine(None)
    yield engine
    engine.set_engine(None)


def _write_deep_chain(folder, depth):
    """A synthetic chain whose segments form one part_of line `depth` levels deep (seg.d0 at the top),
    with one firm in the deepest segment."""
    nodes = ["id,kind,name,layer,evidence",
             *(f"seg.d{i},segment,Level {i},upstream," for i in range(depth + 1)),
             "reg.x,region,X,,", "ent.a,enterprise,A,,fixture"]
    edges = ["source,target,relation,evidence",
             *(f"seg.d{i + 1},seg.d{i},part_of," for i in range(depth)),
             f"ent.a,seg.d{depth},operates_in,fixture", "ent.a,reg.x,located_in,fixture"]
    (folder / "chain_nodes.csv").write_text("\n".join(nodes) + "\n", encoding="utf-8")
    (folder / "chain_edges.csv").write_text("\n".join(edges) + "\n", encoding="utf-8")


@pytest.fixture
def write_deep_chain():
    """write_deep_chain(folder, depth): see _write_deep_chain."""
    return _write_deep_chain
