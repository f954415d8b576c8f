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
