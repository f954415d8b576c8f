"""Firm lists from enterprise-data platforms → proposed rows on the chain → review workbook → atomic apply."""

from vvalley.importer.problems import ImportProblem

__all__ = ["ImportProblem"]
