"""The command line: parse, call the library, print; the only place that prints or exits."""

from ._app import app, main
from . import data  # noqa: F401  (registers validate, build)
from . import query  # noqa: F401  (registers query node|segment|path|candidates)
from . import report  # noqa: F401  (registers report, export)
from . import analysis  # noqa: F401  (registers whatif, compare)
from . import gaps  # noqa: F401  (registers gaps)
from . import map as map_cmd  # noqa: F401  (registers map)

__all__ = ["app", "main"]
