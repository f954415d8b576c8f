"""The command line: parse, call the library, print; the only place that prints or exits."""

from vvalley.cli._app import app, main
from vvalley.cli import data  # noqa: F401  (registers validate, build)
from vvalley.cli import query  # noqa: F401  (registers query node|segment|path|candidates)
from vvalley.cli import report  # noqa: F401  (registers report, export)
from vvalley.cli import analysis  # noqa: F401  (registers whatif, compare)
from vvalley.cli import gaps  # noqa: F401  (registers gaps)
from vvalley.cli import targets  # noqa: F401  (registers targets)
from vvalley.cli import map as map_cmd  # noqa: F401  (registers map)
from vvalley.cli import ingest  # noqa: F401  (registers ingest)
from vvalley.cli import rank  # noqa: F401  (registers rank)
from vvalley.cli import poster  # noqa: F401  (registers poster)
from vvalley.cli import importer  # noqa: F401  (registers import, add firm)

__all__ = ["app", "main"]
