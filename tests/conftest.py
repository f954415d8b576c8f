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
