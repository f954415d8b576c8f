"""Writing output files whole or not at all, user-facing write errors, and spreadsheet-safe text."""

from __future__ import annotations

import errno
import json
import os
import re
import tempfile
import time
from pathlib import Path

from vvalley.sanitize import FORMULA_PREFIXES, for_csv_cell, for_terminal  # noqa: F401  (FORMULA_PREFIXES kept for importers)
from vvalley.chain.problems import UserError  # noqa: F401  (defined there; raised from every layer)


class OutputError(UserError):
    """An output cannot be written where it was asked for: the path, what is wrong, what to do."""

    def __init__(self, path: Path | str, problem: str, problem_zh: str = ""):
        self.path, self.problem = Path(path), problem
        super().__init__(f"{path} {problem}", f"{path} {problem_zh}" if problem_zh else "")


# errno -> (whether the sentence is about the folder named rather than the path, English, Chinese).
_OS_ERRORS = {
    errno.ENOSPC: (True, "cannot be written: no space left on its disk; free some space and run again",
                   "无法写入：磁盘已满；请腾出空间后再运行"),
    errno.EACCES: (False, "cannot be written: permission denied; choose a folder you can write to with --out, "
                          "or fix its permissions", "无法写入：没有权限；请用 --out 选择一个可写的文件夹，或修改它的权限"),
    errno.EROFS: (False, "is on a read-only disk; choose another folder with --out", "在只读磁盘上；请用 --out 另选文件夹"),
    errno.EISDIR: (False, "is a folder where vvalley writes a file; move it away or choose another --out",
                   "是一个文件夹，而 vvalley 要在这里写文件；请把它移走，或用 --out 另选位置"),
    errno.ENOTDIR: (False, "is not a folder (a file is in the way); move it away or choose another --out",
                    "不是文件夹（被一个文件占用）；请把它移走，或用 --out 另选位置"),
    errno.ENOENT: (False, "does not exist; create it or choose another --out", "不存在；请先创建它，或用 --out 另选位置"),
}
_OS_ERRORS[errno.EPERM] = _OS_ERRORS[errno.EACCES]
if hasattr(errno, "EDQUOT"):
    _OS_ERRORS[errno.EDQUOT] = _OS_ERRORS[errno.ENOSPC]


def os_error(err: OSError, where: Path | str) -> OutputError:
    """An OSError met while writing under `where`, as one sentence with the path and what to do."""
    path = err.filename if err.filename else where
    if ".staging-" in str(path) or str(path).endswith(".tmp"):
        path = where  # a person knows the folder they named, not vvalley's temporary files in it
    known = _OS_ERRORS.get(err.errno)
    if known is not None:
        about_folder, en, zh = known
        return OutputError(where if about_folder else path, en, zh)
    reason = err.strerror or type(err).__name__
    return OutputError(path, f"cannot be written ({reason}); check it and run again", f"无法写入（{reason}）；请检查后再运行")


def check_folder(folder: Path) -> None:
    """Raise OutputError unless `folder` is a folder, or can be made one (its parent exists)."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(folder, "is a file, not a folder; give --out a folder, or move the file away",
                          "是文件而不是文件夹；请给 --out 一个文件夹，或把这个文件移走")
    parent = folder.parent
    if not folder.exists() and not parent.is_dir():
        where = parent if not parent.exists() else folder
        raise OutputError(where, "does not exist; create it first, or choose another --out",
                          "不存在；请先创建它，或用 --out 另选位置")


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    The folder is created when its parent exists. A path that is a device, a pipe or a folder
    (`--out /dev/stdout`) is refused: a rename would replace it. Write errors are OutputError.
    """
    path = Path(path)
    device = str(Path(os.path.abspath(path))).startswith(("/dev/", "/proc/"))
    if device or path.is_symlink() or path.exists():
        if device or not path.is_file() or not os.path.isfile(os.path.realpath(path)):
            while not (path.exists() or path.is_symlink()) and path.parent != path:
                path = path.parent  # /dev/stdout, not /dev/stdout/chain.graphml
            raise OutputError(path, "is not a regular file (a device, a pipe or a folder); "
                                    "give a file path, e.g. output/chain.graphml, and open that file",
                              "不是普通文件（是设备、管道或文件夹）；请给出一个文件路径，例如 output/chain.graphml，再打开该文件")
    check_folder(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise os_error(err, path.parent) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        # mkstemp makes the file private (0600); give it the permissions a plain open() would.
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as err:
        Path(temp).unlink(missing_ok=True)
        raise os_error(err, path) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


# write_atomic's temp files: .<name>.<pid>.<random>.tmp (before: .<name>.<random>.tmp, no pid).
_TEMP = re.compile(r"^\..+?\.(?:(\d+)\.)?[A-Za-z0-9_]{8}\.tmp$")
OLD_TEMP_SECONDS = 600


def remove_stale_temp_files(folder: Path) -> None:
    """Delete write_atomic temp files in `folder` left by processes that were killed."""
    for entry in folder.iterdir():
        match = _TEMP.match(entry.name)
        if not match or not entry.is_file():
            continue
        pid = match.group(1)
        try:
            if pid is not None and (int(pid) == os.getpid() or pid_alive(int(pid), entry)):
                continue
            if pid is None and time.time() - entry.stat().st_mtime < OLD_TEMP_SECONDS:
                continue
            entry.unlink()
        except OSError:
            pass


def pid_alive(pid: int, path: Path, stale_seconds: int = 3600) -> bool:
    """Whether process `pid` (which made `path`) may still be running; without a pid test, whether `path` is recent."""
    if os.name == "posix":
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    try:
        return time.time() - path.stat().st_mtime < stale_seconds
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def dumps_json(data) -> str:
    """JSON as vvalley writes it: UTF-8 text, sorted keys, stable indentation, final newline.

    Controls, bidi overrides and non-characters inside strings are written as \\uXXXX escapes (as
    JSON already does for C0): the values are the same, and `cat gaps.json` cannot drive a terminal.
    """
    return for_terminal(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)) + "\n"


def spreadsheet_safe(value):
    """A CSV cell no spreadsheet runs as a formula, for `,` `;` and tab delimiters (see vvalley.sanitize)."""
    return for_csv_cell(value)
