"""`vvalley import` (firm list → review workbook → --apply) and `vvalley add firm` (one firm by hand)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from vvalley.cli._app import (DEFAULT_DATA, EXIT_PROBLEMS, DataDir, Lang, LangOpt, app, console, echo, fail,
                              fail_lookup, load_or_fail)

class Format(str, Enum):
    table = "table"
    json = "json"


def _t(lang: Lang, zh: str, en: str) -> str:
    return zh if lang is Lang.zh else en


def _csv_folder_or_fail(data: Path, lang: Lang) -> None:
    """Rows are appended to the CSV files: a .duckdb file written by `vvalley ingest` is not the place."""
    if data.exists() and not data.is_dir():
        fail(_t(lang, f"--data {data} 是文件；导入和添加要写入数据文件夹（chain_nodes.csv、chain_edges.csv 所在处）",
                f"--data {data} is a file; import and add write to the data folder (where chain_nodes.csv and "
                "chain_edges.csv are)"))


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The firm list: .xlsx, .xls or .csv (UTF-8 or GBK, as Excel saves it).")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="Sheet to read (default: the first).")] = None,
    column: Annotated[list[str] | None, typer.Option(
        "--column", help="FIELD=HEADER: read FIELD from the column headed HEADER (repeat the option); "
                         "fields: name, credit_code, status, founded, address, province, city, district, "
                         "industry, scope, products, website, name_en.")] = None,
    data: DataDir = DEFAULT_DATA,
    review: Annotated[Path | None, typer.Option(
        "--review", help="Where to write the review workbook (default: output/<file>.review.xlsx).")] = None,
    reviewed: Annotated[Path | None, typer.Argument(
        help="With --apply: the review workbook (edited or not) whose rows marked 采纳=是 are appended.",
        show_default=False)] = None,
    apply: Annotated[bool, typer.Option(
        "--apply", help="Append to the data: the proposed new firms (updates of firms already there wait for a "
                        "review), or with `--apply REVIEWED.xlsx` the rows marked 采纳=是 in the review workbook.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="table (summary + review workbook) or json "
                                                         "(one object per row, nothing written).")] = Format.table,
    lang: LangOpt = Lang.zh,
) -> None:
    """Import a firm list (企查查/天眼查 export, park tenant list …): classify, place, dedup; review, then --apply."""
    from vvalley.importer import ImportProblem
    from vvalley.importer.apply import ApplyError

    _csv_folder_or_fail(data, lang)
    if apply and fmt is Format.json:
        fail(_t(lang, "--format json 只打印提议，不能与 --apply 同用", "--format json only prints the proposal; "
                "it cannot be combined with --apply"))
    if reviewed is not None and not apply:
        fail(_t(lang, f"多给了一个文件 {reviewed}：审核文件要跟在 --apply 后面（vvalley import {file} --apply {reviewed}）",
                f"one file too many ({reviewed}): a review file goes after --apply "
                f"(vvalley import {file} --apply {reviewed})"))
    try:
        if reviewed is not None:
            _apply_review(file, reviewed, data, lang)
            return
        chain = load_or_fail(data, _t(lang, "未导入", "nothing was imported"))
        proposal = _propose(file, sheet, column or [], chain, data, lang)
    except ImportProblem as err:
        fail(err.text(lang.value))
    except ApplyError as err:
        _apply_failed(err, data, lang)
    except OSError as err:
        if reviewed is None:
            raise
        _write_failed(err, data, lang)
    if fmt is Format.json:
        from vvalley.publish.files import dumps_json

        echo(dumps_json([r.to_json() for r in proposal.rows]).rstrip("\n"))
        return
    where = file.name + (_t(lang, f"（工作表 {proposal.sheet}）", f" (sheet {proposal.sheet})") if proposal.sheet else "")
    columns = ", ".join(f"{f}={h}" for f, h in proposal.columns.items())
    echo(_t(lang, f"读取 {where}：表头在第 {proposal.header_row} 行，{len(proposal.rows)} 行企业；列 {columns}",
            f"read {where}: header on row {proposal.header_row}, {len(proposal.rows)} firm rows; columns {columns}"))
    _print_summary(proposal, lang)
    if apply:
        from vvalley.importer.apply import accepted, apply as run_apply

        nodes, edges = accepted(proposal)
        try:
            done = run_apply(data, nodes, edges)
        except ApplyError as err:
            _apply_failed(err, data, lang)
        except OSError as err:
            _write_failed(err, data, lang)
        _print_applied(done, data, lang)
        return
    from vvalley.importer.review import workbook_bytes
    from vvalley.publish.files import write_atomic

    target = review or Path("output") / f"{file.stem}.review.xlsx"
    write_atomic(target, workbook_bytes(proposal, chain))
    echo(_t(lang, f"审核文件已写入 {target}；在「采纳」列确认后运行：vvalley import {file} --apply {target}"
                  f"（或不经修改直接 vvalley import {file} --apply）；{data} 尚未改动",
            f"wrote the review workbook {target}; mark the 采纳 column, then run: vvalley import {file} --apply "
            f"{target} (or take the proposal as it is: vvalley import {file} --apply); {data} is unchanged"))


def _propose(file: Path, sheet, column, chain, data, lang: Lang):
    from vvalley.importer.header import parse_overrides
    from vvalley.importer.propose import propose
    from vvalley.importer.sheets import read_sheet

    overrides = parse_overrides(column)
    table = read_sheet(file, sheet)
    err = console(stderr=True)
    if not err.is_terminal or len(table.rows) < 1000:
        return propose(table, chain, data, overrides)
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(_t(lang, f"导入 {file.name}", f"importing {file.name}"), total=len(table.rows))
        return propose(table, chain, data, overrides,
                       lambda done, total: bar.update(task, completed=done, total=total))


def _apply_review(file: Path, reviewed: Path, data: Path, lang: Lang) -> None:
    from vvalley.importer.apply import accepted_from_review, apply as run_apply

    nodes, edges = accepted_from_review(reviewed)
    echo(_t(lang, f"读取审核文件 {reviewed}（{file.name} 的审核）：采纳 {len(nodes)} 家企业、{len(edges)} 条关系",
            f"read the review file {reviewed} (review of {file.name}): {len(nodes)} firms and {len(edges)} "
            f"edges marked 采纳"))
    _print_applied(run_apply(data, nodes, edges), data, lang)


def _print_summary(proposal, lang: Lang) -> None:
    from rich.table import Table

    from vvalley.importer.review import summary_rows

    table = Table(show_edge=False, title=_t(lang, "导入提议", "import proposal"))
    table.add_column(_t(lang, "项目", "item"))
    table.add_column(_t(lang, "数量", "n"), justify="right")
    for label, n in summary_rows(proposal, lang.value):
        table.add_row(label, str(n))
    console().print(table)


def _print_applied(done, data: Path, lang: Lang) -> None:
    if not done.nodes and not done.edges:
        held = _t(lang, f"（{done.already} 行已在 {data} 中）", f" ({done.already} row(s) are in {data} already)")
        echo(_t(lang, f"没有要追加的新行{held if done.already else ''}；{data} 未改动",
                f"nothing new to append{held if done.already else ''}; {data} is unchanged"))
        return
    already = _t(lang, f"，{done.already} 行已在数据中", f", {done.already} already there") if done.already else ""
    echo(_t(lang, f"已追加 {done.nodes} 家企业、{done.edges} 条关系到 {data}{already}；数据校验通过；备份在 {done.backup}",
            f"appended {done.nodes} firms and {done.edges} edges to {data}{already}; the data validates; "
            f"backup in {done.backup}"))


def _apply_failed(err, data: Path, lang: Lang):
    for problem in err.problems:
        echo(problem.text(lang.value), err=True)
    echo(_t(lang, f"{len(err.problems)} 个问题；{data} 未改动", f"{len(err.problems)} problem(s); {data} is unchanged"),
         err=True)
    raise typer.Exit(EXIT_PROBLEMS)


def _write_failed(err: OSError, data: Path, lang: Lang):
    fail(_t(lang, f"写入 {data} 时出错（{err}）；已恢复原文件，{data} 未改动",
            f"writing to {data} failed ({err}); the files were restored, {data} is unchanged"))


add_app = typer.Typer(help="Add one thing to the data by hand (names resolved to ids, rows validated).",
                      no_args_is_help=True)
app.add_typer(add_app, name="add")


@add_app.command("firm")
def add_firm(
    name: Annotated[str, typer.Argument(help="The firm's name (Chinese, as registered, or English).")],
    segment: Annotated[list[str], typer.Option("--segment", help="Segment id, Chinese or English name (repeat).")],
    region: Annotated[str | None, typer.Option("--region", help="Region id, Chinese or English name.")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="Where the facts come from (URL, document).")] = None,
    since: Annotated[int | None, typer.Option("--since", min=1800, max=2100, help="Founding year.")] = None,
    name_en: Annotated[str | None, typer.Option("--name-en", help="English name (default: the name given).")] = None,
    data: DataDir = DEFAULT_DATA,
    lang: LangOpt = Lang.zh,
) -> None:
    """Add one enterprise with its segments and region: id generated, rows appended and validated."""
    from vvalley.chain.model import LookupProblem
    from vvalley.importer.add import firm_rows
    from vvalley.importer.apply import ApplyError, apply as run_apply

    _csv_folder_or_fail(data, lang)
    chain = load_or_fail(data, _t(lang, "未添加", "nothing was added"))
    try:
        node, edges, duplicate = firm_rows(chain, name, segment, region, evidence, since, name_en)
    except LookupProblem as err:
        fail_lookup(err)
    if duplicate:
        fail(_t(lang, f"{name} 已在数据中：{duplicate}（{chain.label(duplicate)}）；未添加",
                f"{name} is in the data already: {duplicate} ({chain.label(duplicate)}); nothing was added"),
             EXIT_PROBLEMS)
    try:
        done = run_apply(data, [node], edges)
    except ApplyError as err:
        _apply_failed(err, data, lang)
    except OSError as err:
        _write_failed(err, data, lang)
    places = ", ".join(chain.label(e["target"]) for e in edges)
    echo(_t(lang, f"已添加 {node['id']}（{name}）：{places}；{data} 校验通过；备份在 {done.backup}",
            f"added {node['id']} ({name}): {places}; {data} validates; backup in {done.backup}"))
