"""A set of output files written as one generation: staged whole, swapped in at once, with a manifest.

`write_generation(out_dir, files, data_sha256)` writes every file into a fresh staging folder
beside `out_dir` (same file system), writes `manifest.json` (each file's size and sha256, the
data's hashes, the generation) last, then swaps the staging folder with `out_dir`:

* Linux: one `renameat2(RENAME_EXCHANGE)` call swaps the two folders atomically, so a reader
  (a browser, a script, the next command) finds either the old set or the new set, and a kill
  at any instant leaves one complete generation. The old set, now in the staging path, is
  deleted; files in `out_dir` that are not build outputs (map-ego.html, exports, notes) are
  hard-linked into the staging folder first, so they stay.
* Elsewhere (Windows, macOS, a folder that is a mount point or a symlink, a file system without
  the call): the files are renamed into `out_dir` one by one, manifest last, after a `COMMITTED`
  mark is put in the staging folder; a run killed during those renames (microseconds) is rolled
  forward by the next one. A folder swap by two renames would leave a moment with no `out_dir`
  at all, and fails on Windows whenever a file in it is open (Excel locks gaps.csv), so it is not
  used there.

Leftovers of killed runs (staging folders and write_atomic's temp files whose process is gone)
are removed, or rolled forward, at the start of the next run. Nothing is written before every
check has passed: a file in the way or an unwritable folder is an OutputError naming the path.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import secrets
import shutil
import stat
import sys
from pathlib import Path

from vvalley.publish.files import OutputError, check_folder, os_error, pid_alive, remove_stale_temp_files

MANIFEST = "manifest.json"
COMMITTED = "COMMITTED"
STAGING_MARK = ".staging-"
# A staging folder of a process that cannot be checked (no pid test on this system) counts as
# stale after this long.
STALE_SECONDS = 3600


def staging_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}{STAGING_MARK}"


def manifest_for(files: dict[str, bytes], data_sha256: dict[str, str]) -> dict:
    """The manifest of a generation: its id (a hash of its files), each file's size and sha256, the data's hashes."""
    entries = {name: {"bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
               for name, payload in sorted(files.items())}
    generation = hashlib.sha256(json.dumps(entries, sort_keys=True).encode()).hexdigest()[:16]
    return {"generation": generation, "files": entries, "data_sha256": dict(sorted(data_sha256.items())),
            "written_by": "vvalley build"}


def verify(out_dir: Path | str) -> list[str]:
    """What is wrong with the generation in `out_dir` (empty when manifest and files agree)."""
    out_dir = Path(out_dir)
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        return [f"{out_dir / MANIFEST}: {err}"]
    wrong = []
    for name, entry in manifest["files"].items():
        try:
            payload = (out_dir / name).read_bytes()
        except OSError as err:
            wrong.append(f"{name}: {err}")
            continue
        if len(payload) != entry["bytes"] or hashlib.sha256(payload).hexdigest() != entry["sha256"]:
            wrong.append(f"{name}: not the file the manifest names")
    return wrong


def write_generation(out_dir: Path | str, files: dict[str, bytes | str], data_sha256: dict[str, str]) -> list[Path]:
    """Write `files` (name -> content) into `out_dir` as one generation; return the paths written."""
    out_dir = Path(out_dir)
    payloads = {name: (data.encode("utf-8") if isinstance(data, str) else data) for name, data in files.items()}
    check_folder(out_dir)
    recover(out_dir)
    for name in [*payloads, MANIFEST]:
        target = out_dir / name
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise OutputError(target, "is in the way: it is a folder or a link where vvalley writes a file; "
                                      "move it away or choose another --out",
                              "挡住了输出：这里是文件夹或链接，而 vvalley 要写一个文件；请把它移走，或用 --out 另选位置")
    manifest = manifest_for(payloads, data_sha256)
    exchange = _can_exchange(out_dir)
    try:
        staging = _make_staging(out_dir, inside=not exchange)
    except OutputError:
        if not exchange or not out_dir.is_dir():
            raise
        exchange = False  # the folder beside is not writable, out_dir may be: stage inside it
        staging = _make_staging(out_dir, inside=True)
    try:
        for name, payload in payloads.items():
            _write_one(staging / name, payload)
        _write_one(staging / MANIFEST, _manifest_bytes(manifest))
        if not exchange:
            _check_replaceable(out_dir, [*payloads, MANIFEST])
            _commit_by_renames(staging, out_dir, list(payloads))
        elif not out_dir.exists():
            os.rename(staging, out_dir)
        else:
            _carry_over(out_dir, staging, set(payloads) | {MANIFEST})
            os.chmod(staging, stat.S_IMODE(out_dir.stat().st_mode))  # the folder keeps its permissions
            _swap(staging, out_dir, list(payloads))
            _remove_tree(staging)  # the previous generation, now at the staging path
    except (OSError, OutputError) as err:
        if (staging / COMMITTED).exists():
            # Renames had begun: the staging folder is kept, and the next run completes the set.
            raise OutputError(out_dir, f"was only partly updated ({err}); run the build again to complete it",
                              f"只更新了一部分（{err}）；请再运行一次 build 来补全") from None
        _remove_tree(staging)
        raise (err if isinstance(err, OutputError) else os_error(err, out_dir)) from None
    except BaseException:
        _remove_tree(staging)
        raise
    return [out_dir / name for name in payloads] + [out_dir / MANIFEST]


def _check_replaceable(out_dir: Path, names: list[str]) -> None:
    """Before renaming file by file, make sure no target is locked (Excel holds gaps.csv open on
    Windows) or read-only, so a set is never left half-replaced for that reason."""
    for name in names:
        target = out_dir / name
        if not target.exists():
            continue
        try:
            open(target, "ab").close()
        except OSError:
            raise OutputError(target, "is open in another program (e.g. Excel) or read-only; close it or make it "
                                      "writable, then run again",
                              "正被其他程序（如 Excel）打开或为只读；请关闭它或改为可写后再运行") from None


def _manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def _write_one(path: Path, payload: bytes) -> None:
    with open(path, "wb") as out:
        out.write(payload)


# ---- staging and leftovers ------------------------------------------------------------------------

def _make_staging(out_dir: Path, inside: bool) -> Path:
    """A fresh staging folder: beside `out_dir`, or (renaming file by file) inside it."""
    name = f"{staging_prefix(out_dir)}{os.getpid()}-{secrets.token_hex(4)}"
    if inside:
        out_dir.mkdir(exist_ok=True)
        staging = out_dir / name
    else:
        staging = out_dir.parent / name
    try:
        staging.mkdir()
    except OSError as err:
        raise os_error(err, out_dir if inside else staging.parent) from None
    return staging


def recover(out_dir: Path) -> None:
    """Finish or remove what killed runs left: committed staging folders are rolled forward,
    the others deleted; write_atomic's orphaned temp files go too."""
    prefix = staging_prefix(out_dir)
    places = [out_dir.parent] + ([out_dir] if out_dir.is_dir() else [])
    for place in places:
        try:
            entries = list(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            if not entry.name.startswith(prefix) or not entry.is_dir() or _alive(entry):
                continue
            if place == out_dir and (entry / COMMITTED).exists():
                names = [p.name for p in entry.iterdir() if p.name not in (COMMITTED, MANIFEST)]
                _commit_by_renames(entry, out_dir, names)
            else:
                _remove_tree(entry)
    if out_dir.is_dir():
        remove_stale_temp_files(out_dir)


def _alive(staging: Path) -> bool:
    """Whether the process that made `staging` may still be writing it."""
    try:
        pid = int(staging.name.rsplit(STAGING_MARK, 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    return pid_alive(pid, staging, STALE_SECONDS)


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# ---- swapping in --------------------------------------------------------------------------------

def _can_exchange(out_dir: Path) -> bool:
    if not sys.platform.startswith("linux") or _renameat2() is None:
        return False
    if not out_dir.exists():
        return True  # a plain rename of the staging folder puts it in place
    return out_dir.is_dir() and not out_dir.is_symlink() and not os.path.ismount(out_dir)


def _carry_over(out_dir: Path, staging: Path, ours: set[str]) -> None:
    """Files and folders in `out_dir` that this build does not write stay: linked (or copied) into the staging folder."""
    stale = set(_previous_outputs(out_dir))
    for entry in out_dir.iterdir():
        name = entry.name
        if name in ours or name in stale or name.startswith(staging_prefix(out_dir)):
            continue
        target = staging / name
        if entry.is_symlink() or entry.is_file():
            try:
                os.link(entry, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(entry, target, follow_symlinks=False)
        elif entry.is_dir():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _previous_outputs(out_dir: Path) -> list[str]:
    """The files the previous generation's manifest names (a file a build no longer writes is dropped)."""
    try:
        return list(json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _swap(staging: Path, out_dir: Path, names: list[str]) -> None:
    """Exchange `staging` and `out_dir` in one step (the old folder ends up at `staging`). Where the
    file system cannot, the staging folder moves inside out_dir and is renamed in file by file."""
    function = _renameat2()
    result = function(_AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(out_dir), _RENAME_EXCHANGE)
    if result == 0:
        return
    code = ctypes.get_errno()
    if code not in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP, errno.EPERM):
        raise OSError(code, os.strerror(code), str(out_dir))
    inside = out_dir / staging.name
    os.rename(staging, inside)
    _commit_by_renames(inside, out_dir, names)
    staging.mkdir()  # an empty "previous generation" for the caller to remove


def _commit_by_renames(staging: Path, out_dir: Path, names: list[str]) -> None:
    """Rename every file into `out_dir`, manifest last; a COMMITTED mark lets the next run finish a killed one."""
    if staging.parent != out_dir:
        inside = out_dir / staging.name
        os.rename(staging, inside)
        staging = inside
    (staging / COMMITTED).touch()
    for name in names:
        if (staging / name).exists():
            os.replace(staging / name, out_dir / name)
    if (staging / MANIFEST).exists():
        os.replace(staging / MANIFEST, out_dir / MANIFEST)
    _remove_tree(staging)
