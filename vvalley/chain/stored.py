"""A chain's edges left in the .duckdb file `vvalley ingest` wrote: counted, cut and queried there, out of core.

A national registry's tens of millions of edges do not fit a laptop's memory as a table; its
nodes do (≈120 MB per million). So a chain read from a .duckdb file holds its nodes in memory
and its edges here: the table engine scans them in the file (vvalley.engine attaches it), and the
few relations Python reads (the template's part_of, feeds, serves) are read one at a time.
"""

from __future__ import annotations

import threading
from pathlib import Path


class StoredEdges:
    """The `edges` table of an ingested .duckdb file (read-only), or a cut of it: edges whose `until`
    is before `until_before` or whose `since` is after `since_after` left out, and those of the
    `dropped` nodes. The file is never changed by vvalley."""

    def __init__(self, path: Path, extra_edge_columns: tuple[str, ...], count: int | None = None,
                 until_before: int | None = None, since_after: int | None = None, dropped: tuple[str, ...] = ()):
        self.path = Path(path).resolve()
        self.extra_edge_columns = tuple(extra_edge_columns)
        self.until_before, self.since_after, self.dropped = until_before, since_after, tuple(dropped)
        self._con = None
        self._lock = threading.Lock()
        self._count = count

    def cut(self, until_before: int | None, since_after: int | None, dropped: tuple[str, ...]) -> "StoredEdges":
        """This view with the edges of another period or of more nodes left out as well."""
        def tighter(mine, theirs, pick):
            return theirs if mine is None else mine if theirs is None else pick(mine, theirs)

        return StoredEdges(self.path, self.extra_edge_columns, None, tighter(self.until_before, until_before, max),
                           tighter(self.since_after, since_after, min), tuple(sorted({*self.dropped, *dropped})))

    def _query(self, what: str, relation: str | None = None, also: tuple[str, list] = ("", []), extra: str = ""):
        """SELECT `what` over this view's edges (of one relation, meeting the clause `also` with its
        parameters), then `extra` (GROUP BY …), as a pyarrow Table."""
        import duckdb
        import pyarrow as pa

        where, params = self._where(relation, *also)
        with self._lock:
            if self._con is None:
                self._con = duckdb.connect(str(self.path), read_only=True)
                self._con.execute("SET enable_progress_bar = false")
                if self.dropped:
                    self._con.register("vvalley_dropped", pa.table({"id": pa.array(self.dropped, pa.string())}))
            return self._con.sql(f"SELECT {what} FROM edges{where}{extra}", params=params or None).to_arrow_table()

    def _where(self, relation: str | None, clause: str = "", values: list = ()) -> tuple[str, list]:
        clauses, params = ([clause], list(values)) if clause else ([], [])
        if relation is not None:
            clauses.append("relation = ?")
            params.append(relation)
        if self.until_before is not None:
            clauses.append("NOT coalesce(until < ?, false)")
            params.append(self.until_before)
        if self.since_after is not None:
            clauses.append("NOT coalesce(since > ?, false)")
            params.append(self.since_after)
        if self.dropped:
            clauses.append("source NOT IN (SELECT id FROM vvalley_dropped) AND target NOT IN (SELECT id FROM vvalley_dropped)")
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def count(self) -> int:
        if self._count is None:
            self._count = int(self._query("count(*) AS n")["n"][0].as_py())
        return self._count

    def relation_counts(self) -> dict[str, int]:
        found = self._query("relation, count(*) AS n", extra=" GROUP BY relation")
        return dict(zip(found["relation"].to_pylist(), found["n"].to_pylist()))

    def ended_before(self, year: int) -> bool:
        """Whether some edge of this view ended before `year` (its `until` earlier)."""
        found = self._query("count(*) AS n", also=("until < ?", [int(year)]))
        return bool(found["n"][0].as_py())

    def edges(self):
        """Every edge, as load_chain's edge table (in memory: at registry scale, gigabytes)."""
        from vvalley.chain.tables import edges_frame

        return edges_frame(self._query("*"), self.extra_edge_columns)

    def relation(self, name: str):
        """The edges of one relation, as rows of load_chain's edge table (in file order)."""
        from vvalley.chain.tables import edges_frame

        return edges_frame(self._query("*", name), self.extra_edge_columns)

    def pairs(self, name: str):
        """The (source, target) pairs of one relation as a pyarrow Table, in file order."""
        return self._query("source, target", name)

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
