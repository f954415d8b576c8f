"""The typer app and what every command shares: options, printing, exits."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from typer.core import TyperGroup

# Options whose empty value would silently mean something else ('' as a path is the current
# folder; an empty --region would fall back to the default region).
NON_EMPTY_OPTIONS = {
    "--out": ("give a folder or file, e.g. --out output, or leave the option out for the default",
              "请给出文件夹或文件，例如 --out output；不写这个选项则用默认位置"),
    "--data": ("give the folder with chain_nodes.csv and chain_edges.csv, e.g. --data data",
               "请给出放 chain_nodes.csv 和 chain_edges.csv 的文件夹，例如 --data data"),
    "--region": ("give a region id or name, e.g. --region 萧山区, or leave the option out for the default region",
                 "请给出地区的 id 或名称，例如 --region 萧山区；不写这个选项则用默认地区"),
    "--with": ("give the region to compare with, e.g. --with 滨江区", "请给出要对比的地区，例如 --with 滨江区"),
    "--focus": ("give a node id or name, e.g. --focus 海康威视", "请给出节点的 id 或名称，例如 --focus 海康威视"),
}
# The language of vvalley's own error sentences: Chinese unless the command line says --lang en.
_STATE = {"lang": "zh"}


class SafeGroup(TyperGroup):
    """The command group: conditions a user causes (a path that cannot be written, a full disk, an
    empty option) end with one sentence and exit 2, in every command, before any traceback."""

    def invoke(self, ctx):
        args = [*getattr(ctx, "_protected_args", getattr(ctx, "protected_args", [])), *ctx.args]
        _STATE["lang"] = "en" if _option_value(args, "--lang") == "en" else "zh"
        _refuse_empty_options(args)
        from vvalley.publish.files import UserError, os_error

        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise
        except UserError as err:
            fail_user(err)
        except OSError as err:
            fail_user(os_error(err, err.filename or "."))


def _option_value(args: list[str], option: str) -> str | None:
    for index, arg in enumerate(args):
        if arg == option and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(option + "="):
            return arg.partition("=")[2]
    return None


def _refuse_empty_options(args: list[str]) -> None:
    for index, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        if name not in NON_EMPTY_OPTIONS:
            continue
        if not equals:
            if index + 1 >= len(args):
                continue  # the parser reports the missing value
            value = args[index + 1]
        if not value.strip():
            reason, reason_zh = NON_EMPTY_OPTIONS[name]
            fail_user(_user_error(f"{name} is empty ({value!r}); {reason}", f"{name} 是空的（{value!r}）；{reason_zh}"))


def _user_error(message: str, message_zh: str):
    from vvalley.publish.files import UserError

    return UserError(message, message_zh)


app = typer.Typer(
    cls=SafeGroup,
    name="vvalley",
    help="Map a region's computer-vision industry chain, find its missing links, draw them on an offline HTML map.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DataDir = Annotated[Path, typer.Option("--data", help="Folder with chain_nodes.csv and chain_edges.csv, "
                                       "or a .duckdb file written by `vvalley ingest`.",
                                       file_okay=True, dir_okay=True)]
OutDir = Annotated[Path, typer.Option("--out", help="Folder to write the outputs into.",
                                      file_okay=False, dir_okay=True)]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Region id, English or Chinese name (default: Xiaoshan for the bundled data, else the region with most actors).")]
class Grade(str, Enum):
    A = "A"
    B = "B"
    C = "C"
    U = "U"


MinConfidenceOpt = Annotated[Grade, typer.Option(
    "--min-confidence",
    help="Count only facts graded this well or better: A official/filing, B reputable outlet, "
         "C aggregator/self-media, U unverified (default: every fact).")]
class Lang(str, Enum):
    zh = "zh"
    en = "en"


LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of the text people read: zh (中文, default) or en.")]
AsOfOpt = Annotated[int | None, typer.Option("--as-of", help="Look at the chain as it was in this year.", min=1800, max=2100)]


class EngineName(str, Enum):
    duckdb = "duckdb"
    spark = "spark"


def _set_engine(value: "EngineName | None") -> "EngineName | None":
    """Make the chosen engine the analysis' engine for this run (no import until a query runs)."""
    from vvalley import engine

    if value is not None:
        engine.set_engine(value.value)
        if value is EngineName.spark:
            problem = engine.spark_problem(_STATE["lang"])
            if problem:
                fail(problem)
    return value


EngineOpt = Annotated[EngineName | None, typer.Option(
    "--engine", envvar="VVALLEY_ENGINE", callback=_set_engine, show_envvar=True,
    help="Table engine of the analysis: duckdb (embedded, default) or spark (local, or the cluster of "
         "SPARK_REMOTE; pip install 'vvalley[spark]'). See docs/engine.md.")]

DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("output")

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def console(stderr: bool = False):
    """A rich console whose output never carries a control character from the data (see _SafeConsole)."""
    return _safe_console_class()(stderr=stderr, highlight=False, soft_wrap=True)


def _safe_console_class():
    from rich.console import Console
    from rich.segment import Segment

    from vvalley.sanitize import for_terminal

    class _SafeConsole(Console):
        """Every piece of text rich renders goes through vvalley.sanitize.for_terminal, so an ESC
        or bidi override in a name shows as \\u001b instead of being obeyed; rich's own styling
        (colour, bold) is added after this point and is not touched."""

        def render(self, renderable, options=None):
            for segment in super().render(renderable, options):
                if segment.control or not segment.text:
                    yield segment
                else:
                    yield Segment(for_terminal(segment.text), segment.style, segment.control)

    return _SafeConsole


def echo(text: str = "", err: bool = False) -> None:
    """Print a line; control characters from the data are shown as escapes, never obeyed."""
    from vvalley.sanitize import for_terminal

    typer.echo(for_terminal(text), err=err)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    echo(f"错误：{message}" if _STATE["lang"] == "zh" else f"error: {message}", err=True)
    raise typer.Exit(code)


def fail_lookup(error, code: int = EXIT_USAGE) -> NoReturn:
    """Print a name that matches no node (model.LookupProblem), in Chinese unless --lang en, and exit 2."""
    if _STATE["lang"] == "zh":
        echo(f"错误：{error.sentence('zh')}", err=True)
        raise typer.Exit(code)
    fail(str(error), code)


def fail_user(error, code: int = EXIT_USAGE) -> NoReturn:
    """Print a UserError as one sentence, in Chinese unless --lang en, and exit 2."""
    if _STATE["lang"] == "zh" and error.sentence("zh") != str(error):
        echo(f"错误：{error.sentence('zh')}", err=True)
        raise typer.Exit(code)
    fail(str(error), code)


# What a command did not do because the data has problems (the `action` its caller gives), in Chinese.
ACTIONS_ZH = {
    "nothing was written": "未写入任何文件",
    "fix them and run validate again": "请修正后再运行 validate",
    "nothing to query": "未执行查询",
    "no targets computed": "未计算招商目标",
    "nothing ranked": "未排序",
    "no gaps computed": "未计算缺口",
    "nothing to analyse": "未执行分析",
    "nothing to compare": "未执行对比",
    "nothing was imported": "未导入",
    "nothing was added": "未添加",
}


def fail_on_problems(problems, data_dir: Path, action: str = "nothing was written") -> NoReturn:
    """Print every data problem (past the cap of one kind, a line counting the rest) and exit 1;
    in Chinese unless the command line says --lang en."""
    from vvalley.chain.problems import footer

    lang = _STATE["lang"]
    for problem in problems:
        echo(problem.text(lang), err=True)
    echo(footer(problems, data_dir, action, action_zh(action), lang), err=True)
    raise typer.Exit(EXIT_PROBLEMS)


def action_zh(action: str) -> str:
    """The Chinese of a fail_on_problems action (an action already in Chinese is kept)."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in action):
        return action
    return ACTIONS_ZH.get(action, "请修正后再运行")


def load_or_fail(data_dir: Path, action: str = "nothing was written", min_confidence: "Grade | str" = "U"):
    """The validated chain (counting only facts graded `min_confidence` or better), or every
    problem printed and exit 1."""
    from vvalley.chain.load import load_chain
    from vvalley.chain.problems import DataError

    try:
        chain = load_chain(data_dir)
    except DataError as err:
        fail_on_problems(err.problems, data_dir, action)
    return chain.trusted(Grade(min_confidence).value)


def resolve_region_or_fail(chain, region: str | None) -> str:
    from vvalley.chain.model import LookupProblem
    from vvalley.chain.regions import default_region

    if region is None:
        try:
            return default_region(chain)
        except LookupError:
            fail_user(_user_error(
                "the data has no region (no node of kind 'region' in chain_nodes.csv); add the region and "
                "located_in edges for its enterprises, then run again",
                "数据里没有地区（chain_nodes.csv 中没有 kind 为 region 的节点）；请加上地区及其企业的 located_in 关系后再运行"))
    try:
        return chain.resolve(region, kinds=("region",))
    except LookupProblem as err:
        fail_lookup(err)


def resolve_or_fail(chain, text: str, kinds: tuple[str, ...] | None = None) -> str:
    from vvalley.chain.model import LookupProblem

    try:
        return chain.resolve(text, kinds=kinds)
    except LookupProblem as err:
        fail_lookup(err)


def main() -> None:
    """Console entry point: no traceback reaches the user."""
    import os

    # A terminal that cannot show some characters (PYTHONIOENCODING=ascii, a legacy code page)
    # gets \uXXXX escapes for them instead of a crash.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass

    from vvalley.engine import EngineUnavailable

    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except SystemExit:
        raise
    except EngineUnavailable as err:  # an engine not installed or not starting: say how to fix it
        zh = _STATE["lang"] == "zh"
        typer.echo(f"错误：{err.sentence('zh')}" if zh else f"error: {err}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as err:  # noqa: BLE001 - the last line of defence
        if os.environ.get("VVALLEY_DEBUG"):
            raise
        typer.echo(f"internal error: {type(err).__name__}: {err}\n"
                   "This is a bug in vvalley; run again with VVALLEY_DEBUG=1 to see where, and report it.",
                   err=True)
        sys.exit(EXIT_INTERNAL)
