"""The table engine the analysis runs on: DuckDB embedded (default) or Spark, through Ibis; the chain's tables on it.

The analysis is written once as Ibis expressions over the chain's tables (`tables(chain)`) and run
with `fetch(expr)` on the engine in use: `duckdb` (in-process, no server) unless `use("spark")`,
the `--engine` option or the VVALLEY_ENGINE variable says otherwise. Ibis, DuckDB and Spark are
imported on first use, so commands that do not analyse (and `vvalley --help`) stay fast.

Spark: a local session (`local[*]`) unless SPARK_REMOTE names a Spark Connect server
(`sc://host:15002`), or a session already exists (spark-submit, a notebook, the tests' fixture).

Engines count, Python divides: queries return ids and integer counts, sorted here, so both
engines give the same bytes downstream.
"""

from __future__ import annotations

import os
import threading
import weakref
from contextlib import contextmanager

ENGINES = ("duckdb", "spark")
ENV = "VVALLEY_ENGINE"
DEFAULT = "duckdb"

INSTALL_HINT = {
    "duckdb": 'pip install "ibis-framework[duckdb]"   (or: pip install vvalley)',
    "spark": 'pip install "vvalley[spark]"   (PySpark and Ibis\'s pyspark backend; needs Java 17+)',
}


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here (not installed, no Java …); the message says how to fix it.
    `str()` is English, `sentence("zh")` Chinese (as vvalley.chain.problems.UserError)."""

    def __init__(self, message: str, message_zh: str = ""):
        self.message_zh = message_zh
        super().__init__(message)

    def sentence(self, lang: str = "zh") -> str:
        return self.message_zh if lang == "zh" and self.message_zh else str(self)


_lock = threading.RLock()
_chosen: list[str] = []          # stack of engines set by use(); empty = the environment's or the default
_backends: dict[str, object] = {}
_tables: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_ran: dict[str, int] = {}        # engine -> queries run in this process (what last_runs() reports)


def check(name: str) -> str:
    """`name` if it is a known engine, else ValueError listing them."""
    name = (name or "").strip().lower()
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; expected one of: {', '.join(ENGINES)}")
    return name


def current() -> str:
    """The engine in use: the innermost `use()`, else VVALLEY_ENGINE, else duckdb."""
    if _chosen:
        return _chosen[-1]
    value = os.environ.get(ENV) or DEFAULT
    try:
        return check(value)
    except ValueError:
        raise EngineUnavailable(f"{ENV}={value!r} is not an engine; expected one of: {', '.join(ENGINES)}",
                                f"{ENV}={value!r} 不是可用的引擎；应为以下之一：{'、'.join(ENGINES)}") from None


def set_engine(name: str | None) -> None:
    """Make `name` the engine for the rest of the process (None: back to VVALLEY_ENGINE / duckdb)."""
    with _lock:
        _chosen.clear()
        if name is not None:
            _chosen.append(check(name))


@contextmanager
def use(name: str):
    """Run the analysis inside the block on engine `name`."""
    with _lock:
        _chosen.append(check(name))
    try:
        yield
    finally:
        with _lock:
            _chosen.pop()


def java_found() -> bool:
    """Whether a Java runtime for a local Spark is on JAVA_HOME or PATH."""
    import shutil

    home = os.environ.get("JAVA_HOME")
    if home and os.path.isfile(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def spark_problem(lang: str = "en") -> str | None:
    """Why the spark engine cannot run here (without starting it), in `lang` (en or zh), or None."""
    import importlib.util

    zh = lang == "zh"
    for module in ("pyspark", "ibis"):
        if importlib.util.find_spec(module) is None:
            return (f"spark 引擎需要 {module}，但它没有安装；安装：{INSTALL_HINT['spark']}" if zh else
                    f"the spark engine needs {module}, which is not installed; {INSTALL_HINT['spark']}")
    if not os.environ.get("SPARK_REMOTE") and not java_found():
        if zh:
            return ("spark 引擎在本机运行 Spark，需要 Java 17+（JAVA_HOME 和 PATH 中都没有）；请安装一个"
                    "（例如 apt-get install openjdk-17-jre-headless），或设置 SPARK_REMOTE=sc://host:15002 "
                    "使用 Spark Connect 服务器")
        return ("the spark engine runs a local Spark, which needs Java 17+ (none on JAVA_HOME or PATH); "
                "install one (e.g. apt-get install openjdk-17-jre-headless) or set SPARK_REMOTE=sc://host:15002 "
                "to use a Spark Connect server")
    return None


# ---- backends --------------------------------------------------------------------------

def backend(name: str | None = None):
    """The Ibis backend of an engine, connected on first use and kept for the process."""
    name = check(name or current())
    with _lock:
        if name not in _backends:
            _backends[name] = _connect_duckdb() if name == "duckdb" else _connect_spark()
        return _backends[name]


def _connect_duckdb():
    try:
        import ibis
        import ibis.backends.duckdb  # noqa: F401
    except ImportError as err:
        raise EngineUnavailable(f"the duckdb engine needs Ibis with DuckDB ({err}); {INSTALL_HINT['duckdb']}",
                                f"duckdb 引擎需要 Ibis 和 DuckDB（{err}）；安装：{INSTALL_HINT['duckdb']}") from err
    con = ibis.duckdb.connect()
    con.raw_sql("SET enable_progress_bar = false")  # DuckDB draws one on long queries; output is ours
    return con


def _quiet_pyspark() -> None:
    """PySpark 4 warns on every pandas conversion that it does not support pandas 3 yet; the
    conversions vvalley makes (strings, integers) are tested, so the warning is noise here."""
    import warnings

    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)


def spark_session():
    """The active SparkSession, a Spark Connect one when SPARK_REMOTE is set, else a new local one."""
    _quiet_pyspark()
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise EngineUnavailable(f"the spark engine needs PySpark ({err}); {INSTALL_HINT['spark']}",
                                f"spark 引擎需要 PySpark（{err}）；安装：{INSTALL_HINT['spark']}") from err
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    remote = os.environ.get("SPARK_REMOTE")
    try:
        if remote:
            return SparkSession.builder.remote(remote).appName("vvalley").getOrCreate()
        return local_session()
    except Exception as err:  # noqa: BLE001 - no Java, a bad SPARK_REMOTE …: say it plainly
        where = f"Spark Connect at {remote}" if remote else "a local Spark (needs Java 17+ on PATH or JAVA_HOME)"
        where_zh = f"位于 {remote} 的 Spark Connect" if remote else "本机 Spark（需要 PATH 或 JAVA_HOME 中有 Java 17+）"
        said = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        raise EngineUnavailable(f"could not start {where}: {said}", f"无法启动{where_zh}：{said}") from err


def local_session(cores: str = "*"):
    """A SparkSession tuned for small jobs (few shuffle partitions, no UI, no progress bars): local
    with `cores`, or on VVALLEY_SPARK_MASTER (spark://host:7077, yarn …) when set, or on the master
    spark-submit gave when it launched this process."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("vvalley")
    master = os.environ.get("VVALLEY_SPARK_MASTER")
    if master:
        builder = builder.master(master)
    elif not os.environ.get("PYSPARK_GATEWAY_PORT"):  # not under spark-submit, which sets the master
        builder = builder.master(f"local[{cores}]")
    return (builder
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", os.environ.get("VVALLEY_SPARK_MEMORY", "2g"))
            .getOrCreate())


def _connect_spark():
    session = spark_session()
    try:
        import ibis
        import ibis.backends.pyspark  # noqa: F401
    except ImportError as err:
        raise EngineUnavailable(f"the spark engine needs Ibis's pyspark backend ({err}); {INSTALL_HINT['spark']}",
                                f"spark 引擎需要 Ibis 的 pyspark 后端（{err}）；安装：{INSTALL_HINT['spark']}") from err
    try:
        session.sparkContext.setLogLevel("ERROR")
    except Exception:  # noqa: BLE001 - Spark Connect sessions have no SparkContext here
        pass
    return ibis.pyspark.connect(session)


# ---- tables ------------------------------------------------------------------------------

def memtable(columns: dict[str, list], types: dict[str, str] | None = None):
    """A small table (a few columns of Python values) as an Ibis table; strings by default."""
    import ibis
    import pyarrow as pa

    types = types or {}
    arrays = {name: pa.array(list(values), type=_arrow_type(types.get(name, "string")))
              for name, values in columns.items()}
    return ibis.memtable(pa.table(arrays))


def _arrow_type(name: str):
    import pyarrow as pa

    return {"string": pa.string(), "bool": pa.bool_(), "int64": pa.int64()}[name]


class ChainTables:
    """The chain's tables as Ibis tables: `nodes` (id, kind) and one (source, target) table per relation."""

    def __init__(self, chain, base: "ChainTables | None" = None, changed: tuple[str, ...] = ()):
        self._chain = weakref.ref(chain)
        self._relations: dict[str, object] = {}
        self._nodes = None
        # A chain derived from another with the same nodes and only the `changed` relations edited
        # (a what-if arrival adds located_in edges) reads every other table from the base's.
        self._base, self._changed = base, frozenset(changed)

    @property
    def nodes(self):
        if self._base is not None:
            return self._base.nodes
        stored = self._stored()
        if stored is not None:  # in the file, on the DuckDB engine
            if name_nodes not in self._relations:
                table = stored.table("nodes")
                self._relations[name_nodes] = table.select("id", kind=table.kind.cast("string"))
            return self._relations[name_nodes]
        if self._nodes is None:
            import ibis
            import pyarrow as pa

            from vvalley.chain.columns import strings

            chain = self._chain()
            self._nodes = ibis.memtable(pa.table({"id": strings(chain.nodes.index), "kind": strings(chain.nodes["kind"])}))
        return self._nodes

    def relation(self, name: str):
        """The (source, target) pairs of one relation (duplicates kept, as in the data)."""
        if self._base is not None and name not in self._changed:
            return self._base.relation(name)
        stored = self._stored()
        if stored is not None:  # in the file, on the DuckDB engine (the same chain on Spark: the Arrow pairs)
            if ("duckdb", name) not in self._relations:
                self._relations["duckdb", name] = _stored_relation(stored.table("edges"), self._chain().store, name)
            return self._relations["duckdb", name]
        if name not in self._relations:
            import ibis

            self._relations[name] = ibis.memtable(self._chain().pairs(name))
        return self._relations[name]

    def _stored(self):
        """The chain's .duckdb file attached to the DuckDB engine, when its edges are stored there
        (Spark gets the tables as Arrow, read from the file)."""
        chain = self._chain()
        if not chain.edges_in_store or current() != "duckdb":
            return None
        return attached(chain.store.path)


name_nodes = ("duckdb", "nodes")  # a stored chain's node table on the DuckDB engine, beside its relations


def _stored_relation(edges, store, name: str):
    """One relation's (source, target) pairs of a stored chain's edges, cut as the store says."""
    keep = [edges.relation == name]
    if store.until_before is not None:
        keep.append(~(edges.until < store.until_before).fill_null(False))
    if store.since_after is not None:
        keep.append(~(edges.since > store.since_after).fill_null(False))
    if store.dropped:
        dropped = memtable({"id": list(store.dropped)})
        keep += [~edges.source.isin(dropped.id), ~edges.target.isin(dropped.id)]
    return edges.filter(*keep).select("source", "target")


_attached: dict[str, "Attached"] = {}


class Attached:
    """A .duckdb file attached read-only to the DuckDB engine: its tables, scanned in the file."""

    def __init__(self, path, alias: str):
        self.path, self.alias = path, alias

    def table(self, name: str):
        return backend("duckdb").table(name, database=self.alias)


def attached(path) -> Attached:
    """`path` attached to the DuckDB engine (once per process). Queries over a stored chain run out
    of core: DuckDB is held to VVALLEY_DUCKDB_MEMORY (default 2GB) and spills to a temporary folder."""
    import tempfile

    key = str(path)
    with _lock:
        if key not in _attached:
            con = backend("duckdb")
            alias = f"vvalley_chain_{len(_attached) + 1}"
            quoted = key.replace("'", "''")
            con.raw_sql(f"ATTACH '{quoted}' AS {alias} (READ_ONLY)")
            limit = os.environ.get("VVALLEY_DUCKDB_MEMORY", "2GB").replace("'", "")
            spill = os.path.join(tempfile.gettempdir(), "vvalley-duckdb").replace("'", "''")
            con.raw_sql(f"SET memory_limit = '{limit}'")
            con.raw_sql(f"SET temp_directory = '{spill}'")
            _attached[key] = Attached(path, alias)
        return _attached[key]


def tables(chain) -> ChainTables:
    """The chain's tables on the engines (built once per chain object, handed over as Arrow)."""
    with _lock:
        found = _tables.get(chain)
        if found is None:
            found = _tables[chain] = ChainTables(chain)
        return found


def derive(chain, base, changed: tuple[str, ...]) -> None:
    """Declare `chain` a copy of `base` with the same nodes and the same edges except those of the
    `changed` relations, so its tables on the engines are the base's but for those (no new copy)."""
    with _lock:
        _tables[chain] = ChainTables(chain, tables(base), changed)


def isin(column, values):
    """`column.isin(values)` that also holds for no values (SQL has no empty IN list)."""
    import ibis

    values = sorted(set(map(str, values)))
    return column.isin(values) if values else ibis.literal(False)


def fetch(expr, order: list[str] | None = None):
    """Run an Ibis expression on the engine in use; a pandas frame, sorted by `order` (default: every column)."""
    import pandas as pd

    name = current()
    result = backend(name).to_pyarrow(expr)
    with _lock:
        _ran[name] = _ran.get(name, 0) + 1
    frame = result.to_pandas()
    if not isinstance(frame, pd.DataFrame):  # pragma: no cover - a scalar expression
        return frame
    keys = list(frame.columns) if order is None else order
    if keys and len(frame):
        frame = frame.sort_values(keys, kind="stable")
    return frame.reset_index(drop=True)


def materialize(expr):
    """The rows of `expr`, worked out once on the engine in use and held as an in-memory table, for
    several queries to read (Ibis 12's `cache()` fails on DuckDB 2.0: it cannot create the table)."""
    import ibis

    name = current()
    result = backend(name).to_pyarrow(expr)
    with _lock:
        _ran[name] = _ran.get(name, 0) + 1
    return ibis.memtable(result)


def queries_run() -> dict[str, int]:
    """How many queries each engine has run in this process (for tests and benchmarks)."""
    with _lock:
        return dict(_ran)


__all__ = ["ENGINES", "EngineUnavailable", "backend", "check", "current", "derive", "fetch", "isin", "materialize",
           "memtable", "queries_run", "set_engine", "spark_problem", "spark_session", "tables", "use"]
