"""`vvalley ingest`: check a data folder once and keep it (the cache, or one DuckDB file) for later commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vvalley.cli._app import Lang, LangOpt, app, echo, fail, fail_on_problems


@app.command()
def ingest(
    data: Annotated[Path, typer.Argument(help="Folder with chain_nodes.csv and chain_edges.csv.",
                                         file_okay=False, dir_okay=True)],
    to: Annotated[Path | None, typer.Option(
        "--to", help="Write the checked chain into this .duckdb file; commands take it as --data. "
                     "Without it the chain is kept in the cache (~/.cache/vvalley).",
        dir_okay=False)] = None,
    lang: LangOpt = Lang.zh,
) -> None:
    """Check the data once and keep it, so later commands skip parsing and checks (检查一次，多次使用)."""
    from vvalley.chain import ingest as store
    from vvalley.chain.load import load_chain
    from vvalley.chain.problems import DataError

    zh = lang is Lang.zh
    if to is not None and to.suffix != store.DUCKDB_SUFFIX:
        fail(f"--to {to}：文件名须以 .duckdb 结尾" if zh else f"--to {to}: the file name must end in .duckdb")
    try:
        chain = load_chain(data, cache=to is None)
    except DataError as err:
        fail_on_problems(err.problems, data)
    echo(f"{data}：已检查 {len(chain.nodes):,} 个节点、{len(chain.edges):,} 条边，没有问题。" if zh else
         f"{data}: {len(chain.nodes):,} nodes, {len(chain.edges):,} edges checked, no problems.")
    key = store.data_key(data)
    if to is None:
        where = store.cache_root() / key if key and store.enabled() else None
        if where is None or not where.is_dir():
            fail("缓存已关闭或不可写（VVALLEY_CACHE、VVALLEY_CACHE_DIR）" if zh else
                 "the cache is off or cannot be written (VVALLEY_CACHE, VVALLEY_CACHE_DIR)", code=1)
        echo(f"已缓存于 {where}；此后对 {data} 的命令直接读取。" if zh else
             f"cached in {where}; later commands on {data} read it from there.")
        return
    try:
        written = store.write_duckdb(chain, to, key, data)
    except OSError as err:
        fail(f"无法写入 {to}：{err.strerror or err}" if zh else f"cannot write {to}: {err.strerror or err}", code=1)
    size = written.stat().st_size / 1e6
    echo(f"已写入 {written}（{size:.1f} MB）；用法：vvalley gaps --data {written}" if zh else
         f"wrote {written} ({size:.1f} MB); use it as: vvalley gaps --data {written}")
