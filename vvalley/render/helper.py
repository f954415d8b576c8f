"""A second process for the build's files that need only the chain and its gap report: the two maps,
the poster (SVG and PNG) and graph.json.

Started before the analysis, it imports what drawing needs (Jinja, cairosvg, networkx …) while the
chain is analysed here; given the chain's tables and the gap report, it draws those files while this
process computes the target list, the report and the lists (on another core). It runs the same
functions on the same data, so it gives the same bytes; whenever it cannot (it failed, it is not
there, no processes here), `files()` returns None and the caller draws them itself.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading

# The process is started isolated (-I: not the working folder's modules, not PYTHON* variables)
# with this process's import path, sent first.
_BOOT = ("import pickle, sys\n"
         "sys.path[:0] = pickle.load(sys.stdin.buffer)\n"
         "from vvalley.render.helper import serve\n"
         "serve(sys.stdin.buffer, sys.stdout.buffer)\n")

MAP_FILES = (("map.html", "chain"), ("map-full.html", "full"))
# Past this many edges the chain is drawn in the build's own process: handing a registry's tables
# to a second process would copy them (through a pipe, then unpickled), doubling the memory for
# what is, at that size, a small share of the build's time.
HELPER_MAX_EDGES = 200_000


def chain_files(chain, report, meta, graph_chain=None) -> dict[str, str | bytes]:
    """The maps, the poster (SVG, PNG) and, when `graph_chain` is given, graph.json of it, by file name."""
    from vvalley.build import graph_json
    from vvalley.render import render_map, render_poster
    from vvalley.render.poster import convert

    out: dict[str, str | bytes] = {}
    if graph_chain is not None:
        out["graph.json"] = graph_json(graph_chain)
    for name, view in MAP_FILES:
        out[name] = render_map(chain, report, view=view, meta=meta)
    out["poster.svg"] = render_poster(chain, report, meta=meta)
    out["poster.png"] = convert(out["poster.svg"], "png")
    return out


def _tables(chain) -> tuple:
    return chain.nodes, chain.edges, chain.as_of, chain.extra_node_columns, chain.extra_edge_columns


def _chain(tables):
    from vvalley.chain.model import Chain

    return Chain(*tables)


def serve(stdin, stdout) -> None:
    """The helper process: import, wait for the job, draw, answer ("ok", files) or ("error", text)."""
    import vvalley.render  # noqa: F401 - the imports are what the wait is for
    import vvalley.render.html
    import vvalley.render.mapdata  # noqa: F401
    import vvalley.render.poster
    try:
        import cairosvg  # noqa: F401
        import networkx  # noqa: F401
    except (ImportError, OSError):
        pass  # drawn below, which fails as it fails here; the caller then draws them itself
    try:
        job = pickle.load(stdin)
    except EOFError:
        return  # closed before a job: nothing to do
    try:
        chain = _chain(job["chain"])
        graph_chain = None if job["graph"] is None else chain if job["graph"] == "same" else _chain(job["graph"])
        answer = ("ok", chain_files(chain, job["report"], job["meta"], graph_chain))
    except BaseException as err:  # noqa: BLE001 - any failure: the caller draws the files itself
        answer = ("error", f"{type(err).__name__}: {err}")
    pickle.dump(answer, stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()


class Helper:
    """The helper process, seen from the build: `start()` early, `send(...)` once the gap report
    exists, `files()` when the files are needed, `close()` always (a context manager does it)."""

    def __init__(self, enabled: bool = True):
        self._enabled = enabled
        self._proc = None
        self._thread = None
        self._answer = None

    def start(self) -> "Helper":
        if not self._enabled:
            return self
        try:
            self._proc = subprocess.Popen([sys.executable, "-I", "-c", _BOOT], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            self._proc.stdin.write(pickle.dumps(list(sys.path)))
            self._proc.stdin.flush()
        except (OSError, ValueError):
            self.close()
        return self

    def send(self, chain, report, meta, graph_chain=None) -> None:
        """Hand over the job (the chain's tables, the report, meta; graph_chain for graph.json); it is
        written and answered in a thread, so this returns at once."""
        if self._proc is None:
            return
        from dataclasses import replace

        graph = None if graph_chain is None else "same" if graph_chain is chain else _tables(graph_chain)
        job = {"chain": _tables(chain), "report": replace(report, basis=None), "meta": meta, "graph": graph}

        def talk(proc=self._proc):
            try:
                proc.stdin.write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
                proc.stdin.close()
                answer = pickle.load(proc.stdout)
                proc.wait()
                if proc.returncode == 0 and answer[0] == "ok":
                    self._answer = answer[1]
            except Exception:  # noqa: BLE001 - a broken pipe, a dead process …: no answer
                self._answer = None

        self._thread = threading.Thread(target=talk, name="vvalley-helper", daemon=True)
        self._thread.start()

    def files(self) -> dict[str, str | bytes] | None:
        """The files the helper drew, or None when it could not (the caller draws them)."""
        if self._thread is None:
            return None
        self._thread.join()
        return self._answer

    def close(self) -> None:
        """Stop the process if it still runs (a build that failed before its files were drawn)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        if self._thread is not None:
            self._thread.join()  # it sees the end of the output and gives up
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass

    def __enter__(self) -> "Helper":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
