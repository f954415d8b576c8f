"""`python -m vvalley …` (and `spark-submit …/vvalley/__main__.py …`): the command line."""

from vvalley.cli import main

main()
