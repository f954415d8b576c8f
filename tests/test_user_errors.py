"""User errors are user errors: each condition a person can cause exits 1 or 2 with one sentence
naming the path and what to do, never "internal error"."""

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.cli import app
from vvalley.publish import files, generation

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "internal error" not in result.output and "Traceback" not in result.output
    return result


def last_line(result) -> str:
    return result.output.strip().splitlines()[-1]


def cli(*args, env=None, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-c", "from vvalley.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120, **kwargs)


@pytest.fixture
def no_region(tmp_path):
    folder = tmp_path / "noregion"
    folder.mkdir()
    for name in ("chain_nodes.csv", "chain_edges.csv"):
        lines = (VALID / name).read_text(encoding="utf-8").splitlines(keepends=True)
        keep = [line for line in lines if not line.startswith("reg.") and ",located_in," not in line]
        (folder / name).write_text("".join(keep), encoding="utf-8")
    return folder


def test_no_region_in_the_data_is_said_by_build(no_region, tmp_path):
    result = run("build", "--data", no_region, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert last_line(result) == (f"错误：{no_region} 的数据里没有地区（chain_nodes.csv 中没有 kind 为 region 的节点）；"
                                 "请加上地区及其企业的 located_in 关系后再运行")
    from vvalley.build import NoRegion

    assert str(NoRegion(no_region)) == (
        f"the data in {no_region} has no region (no node of kind 'region' in chain_nodes.csv); "
        "add the region and located_in edges for its enterprises, then run again")
    assert not (tmp_path / "out").exists()


def test_no_region_in_the_data_is_said_by_gaps(no_region):
    result = run("gaps", "--data", no_region)
    assert result.exit_code == 2
    assert last_line(result) == ("错误：数据里没有地区（chain_nodes.csv 中没有 kind 为 region 的节点）；"
                                 "请加上地区及其企业的 located_in 关系后再运行")


def test_a_missing_parent_folder(tmp_path):
    out = tmp_path / "nope" / "out"
    result = run("build", "--data", VALID, "--out", out)
    assert result.exit_code == 2
    assert last_line(result) == f"错误：{tmp_path / 'nope'} 不存在；请先创建它，或用 --out 另选位置"


def test_a_missing_output_folder_is_made_when_its_parent_exists(tmp_path):
    result = run("build", "--data", VALID, "--out", tmp_path / "new")
    assert result.exit_code == 0 and (tmp_path / "new" / "manifest.json").is_file()


def test_an_output_folder_that_is_a_file(tmp_path):
    out = tmp_path / "out"
    out.write_text("x", encoding="utf-8")
    result = run("build", "--data", VALID, "--out", out)
    assert result.exit_code == 2  # the option parser says it first
    assert last_line(result) == f"Error: Invalid value for '--out': dir '{out}' is a file."
    from vvalley.build import build

    with pytest.raises(files.OutputError) as err:  # and the library, for callers other than the CLI
        build(VALID, out)
    assert str(err.value) == f"{out} is a file, not a folder; give --out a folder, or move the file away"


def test_a_folder_where_map_html_should_be_leaves_the_old_set(tmp_path):
    out = tmp_path / "out"
    assert run("build", "--data", VALID, "--out", out).exit_code == 0
    (out / "map.html").unlink()
    (out / "map.html").mkdir()
    before = sorted(p.name for p in out.iterdir())
    result = run("build", "--data", VALID, "--out", out)
    assert result.exit_code == 2
    assert last_line(result) == (f"错误：{out / 'map.html'} 挡住了输出：这里是文件夹或链接，而 vvalley 要写一个文件；"
                                 "请把它移走，或用 --out 另选位置")
    assert sorted(p.name for p in out.iterdir()) == before
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def _deny(monkeypatch, matches):
    real = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if matches(self):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)


def test_an_unwritable_output_folder(tmp_path, monkeypatch):
    # Simulated (tests may run as root, for whom permissions do not apply): nothing can be made
    # in the folder or beside it.
    out = tmp_path / "out"
    out.mkdir()
    _deny(monkeypatch, lambda p: ".staging-" in p.name)
    result = run("build", "--data", VALID, "--out", out)
    assert result.exit_code == 2
    assert last_line(result) == f"错误：{out} 无法写入：没有权限；请用 --out 选择一个可写的文件夹，或修改它的权限"


def test_an_unwritable_parent_stages_inside_the_folder(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    _deny(monkeypatch, lambda p: p.parent == tmp_path and ".staging-" in p.name)
    result = run("build", "--data", VALID, "--out", out)
    assert result.exit_code == 0, result.output
    assert generation.verify(out) == []


def test_an_unwritable_parent_of_a_new_folder(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _deny(monkeypatch, lambda p: p.parent == tmp_path)
    result = run("build", "--data", VALID, "--out", out)
    assert result.exit_code == 2
    assert last_line(result) == f"错误：{tmp_path} 无法写入：没有权限；请用 --out 选择一个可写的文件夹，或修改它的权限"


def test_a_full_disk_when_exporting(tmp_path, monkeypatch):
    class Full:
        def __init__(self, handle, mode):
            os.close(handle)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fdopen", Full)
    target = tmp_path / "chain.graphml"
    result = run("export", "--data", VALID, "--out", target)
    assert result.exit_code == 2
    assert last_line(result) == f"错误：{target} 无法写入：磁盘已满；请腾出空间后再运行"
    assert list(tmp_path.iterdir()) == []  # no temp file left


def test_a_full_disk_for_real(tmp_path):
    # /dev/full answers every write with ENOSPC; it is a device, so it is refused before writing.
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")  # Linux, where CI runs, has it
    result = run("map", "--data", VALID, "--out", "/dev/full")
    assert result.exit_code == 2
    assert last_line(result) == ("错误：/dev/full 不是普通文件（是设备、管道或文件夹）；请给出一个文件路径，"
                                 "例如 output/chain.graphml，再打开该文件")


def test_export_to_dev_stdout():
    done = cli("export", "--data", VALID, "--out", "/dev/stdout")
    assert done.returncode == 2
    assert done.stderr.strip() == ("错误：/dev/stdout 不是普通文件（是设备、管道或文件夹）；请给出一个文件路径，"
                                   "例如 output/chain.graphml，再打开该文件")
    assert Path("/dev/stdout").is_symlink() or not Path("/dev/stdout").is_file()  # left as it was


def test_an_unreadable_nodes_file(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(VALID, data)
    nodes = data / "chain_nodes.csv"
    real = Path.read_bytes

    def read_bytes(self):
        if self == nodes:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = run("validate", "--data", data, "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{nodes}: the file cannot be read (Permission denied); expected a file vvalley may read: check its "
        "permissions, or close the program that holds it [unreadable-file]")
    result = run("validate", "--data", data)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{nodes}: 文件无法读取（没有读取权限）；应为 vvalley 能读取的文件：请检查文件权限，或关闭占用它的程序 [unreadable-file]")


@pytest.mark.parametrize("option, reason", [
    ("--region", "请给出地区的 id 或名称，例如 --region 萧山区；不写这个选项则用默认地区"),
    ("--out", "请给出文件夹或文件，例如 --out output；不写这个选项则用默认位置"),
    ("--data", "请给出放 chain_nodes.csv 和 chain_edges.csv 的文件夹，例如 --data data"),
])
@pytest.mark.parametrize("command", [["build"], ["gaps"], ["report"], ["map"], ["export"]])
def test_an_empty_option_is_refused_with_the_reason(command, option, reason, tmp_path):
    if command == ["gaps"] and option == "--out":
        return  # gaps prints, it has no --out
    result = run(*command, option, "", *([] if option == "--data" else ["--data", VALID]))
    assert result.exit_code == 2
    assert last_line(result) == f"错误：{option} 是空的（''）；{reason}"
    assert not Path("''").exists()


def test_an_empty_option_with_equals_is_refused():
    result = run("gaps", "--region=", "--data", VALID)
    assert result.exit_code == 2 and last_line(result).startswith("错误：--region 是空的（''）")


@pytest.mark.parametrize("command", [["gaps"], ["query", "node", "ent.camco"], ["build", "--out", "{out}"]])
def test_an_ascii_terminal_gets_escapes_not_a_crash(command, tmp_path):
    args = [a.replace("{out}", str(tmp_path / "out")) for a in command]
    done = cli(*args, "--data", VALID, env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.strip()
    if command[0] == "build":  # every written file named, the last the manifest
        assert done.stdout.rstrip().endswith(str(tmp_path / "out" / "manifest.json"))
    else:  # rich tables: 萧山区 / 摄像公司 shown as \u8427… rather than a UnicodeEncodeError
        assert "\\u" in done.stdout
        done.stdout.encode("ascii")


def test_a_real_bug_is_still_an_internal_error(monkeypatch, capsys):
    import vvalley.chain.load
    from vvalley.cli import main

    monkeypatch.setattr(vvalley.chain.load, "load_chain", lambda *a, **k: 1 / 0)
    monkeypatch.delenv("VVALLEY_DEBUG", raising=False)
    monkeypatch.setattr(sys, "argv", ["vvalley", "validate", "--data", str(VALID)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 3
    assert capsys.readouterr().err.startswith("internal error: ZeroDivisionError")


@pytest.mark.parametrize("code, english, chinese", [
    (errno.ENOSPC, "cannot be written: no space left on its disk; free some space and run again",
     "无法写入：磁盘已满；请腾出空间后再运行"),
    (errno.EACCES, "cannot be written: permission denied; choose a folder you can write to with --out, or fix "
                   "its permissions", "无法写入：没有权限；请用 --out 选择一个可写的文件夹，或修改它的权限"),
    (errno.EROFS, "is on a read-only disk; choose another folder with --out", "在只读磁盘上；请用 --out 另选文件夹"),
    (errno.EISDIR, "is a folder where vvalley writes a file; move it away or choose another --out",
     "是一个文件夹，而 vvalley 要在这里写文件；请把它移走，或用 --out 另选位置"),
])
def test_write_errors_read_the_same_in_english_and_chinese(code, english, chinese):
    # Chinese is shown by default; --lang en (on the commands that take it) gives the English sentence.
    error = files.os_error(OSError(code, os.strerror(code), "/data/out/.map.html.123.abcdefgh.tmp"), "/data/out")
    assert str(error) == f"/data/out {english}"
    assert error.sentence("zh") == f"/data/out {chinese}"
