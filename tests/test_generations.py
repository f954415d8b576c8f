"""A build's outputs are one generation: staged, swapped in at once, named by output/manifest.json;
a failed or killed build leaves the previous set; leftovers of killed runs go with the next run."""

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vvalley.build import build
from vvalley.cli import app
from vvalley.publish import generation
from vvalley.publish.generation import MANIFEST, verify

VALID = Path(__file__).resolve().parent / "fixtures" / "valid"
ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = {"graph.json", "gaps.json", "gaps.csv", "map.html", "map-full.html", "poster.svg", "poster.png",
           "report.md", "report.html", "report.docx", "lists.xlsx"}
posix_only = pytest.mark.skipif(os.name != "posix", reason="kills a forked process (CI runs on Linux)")


def two_datasets(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(VALID, a)
    shutil.copytree(VALID, b)
    nodes = (b / "chain_nodes.csv").read_text(encoding="utf-8").replace("CamCo,", "CamCo Two,")
    (b / "chain_nodes.csv").write_text(nodes, encoding="utf-8")
    return a, b


def generation_of(out: Path) -> str:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["generation"]


def leftovers(out: Path) -> list[str]:
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.staging-")]
    inside = [p.name for p in out.iterdir() if p.name.endswith(".tmp") or ".staging-" in p.name]
    return beside + inside


def test_the_manifest_names_every_file_its_hash_and_the_data(tmp_path):
    out = tmp_path / "out"
    result = build(VALID, out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == OUTPUTS
    assert verify(out) == []
    import hashlib
    assert manifest["data_sha256"]["chain_nodes.csv"] == hashlib.sha256((VALID / "chain_nodes.csv").read_bytes()).hexdigest()
    assert [p.name for p in result.written][-1] == MANIFEST
    first = (out / MANIFEST).read_bytes()
    build(VALID, out)
    assert (out / MANIFEST).read_bytes() == first  # same data, same generation, same bytes


def test_files_that_are_not_build_outputs_stay_and_dropped_outputs_go(tmp_path):
    out = tmp_path / "out"
    build(VALID, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "exports").mkdir()
    (out / "exports" / "chain.gexf").write_text("x", encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"]["old-output.html"] = {"bytes": 1, "sha256": "0"}  # an output a build no longer writes
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (out / "old-output.html").write_text("x", encoding="utf-8")
    build(VALID, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "exports" / "chain.gexf").read_text(encoding="utf-8") == "x"
    assert not (out / "old-output.html").exists()
    assert verify(out) == [] and leftovers(out) == []


def test_a_build_failing_mid_write_leaves_the_previous_set(tmp_path, monkeypatch):
    a, b = two_datasets(tmp_path)
    out = tmp_path / "out"
    build(a, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    written = []
    real = generation._write_one

    def disk_full(path, payload):
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        real(path, payload)

    monkeypatch.setattr(generation, "_write_one", disk_full)
    result = CliRunner().invoke(app, ["build", "--data", str(b), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"错误：{out} 无法写入：磁盘已满；请腾出空间后再运行"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert leftovers(out) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["folder-exchange", "file-renames"])
def test_both_ways_of_swapping_in_give_one_generation(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(generation, "_can_exchange", lambda out_dir: False)
    a, b = two_datasets(tmp_path)
    out = tmp_path / "out"
    build(a, out)
    old = generation_of(out)
    build(b, out)
    assert generation_of(out) != old and verify(out) == [] and leftovers(out) == []
    assert "CamCo Two" in (out / "graph.json").read_text(encoding="utf-8")


# ---- kills ------------------------------------------------------------------------------------

def _in_child(work, *args) -> int:
    """Run `work(*args)` in a forked child that dies by os._exit; return its wait status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            work(*args)
        finally:
            os._exit(0)
    return os.waitpid(pid, 0)[1]


# Points of the write phase where a kill can land: (function to patch, how many calls pass first).
KILL_POINTS = [("_write_one", k) for k in range(len(OUTPUTS) + 2)] + [("_carry_over", 0), ("_swap", 0), ("_remove_tree", 0),
                                                         ("_commit_by_renames", 0)]


def _outputs(data: Path, out: Path) -> dict[str, bytes]:
    build(data, out)
    return {name: (out / name).read_bytes() for name in OUTPUTS}


@posix_only
@pytest.mark.parametrize("exchange", [True, False], ids=["folder-exchange", "file-renames"])
def test_a_kill_at_any_point_of_the_write_leaves_one_generation(tmp_path, exchange):
    a, b = two_datasets(tmp_path)
    files_a, files_b = _outputs(a, tmp_path / "ra"), _outputs(b, tmp_path / "rb")
    hashes = {"chain_nodes.csv": "a", "chain_edges.csv": "a"}
    out = tmp_path / "out"
    generation.write_generation(out, files_a, hashes)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    old = generation_of(out)
    seen = set()

    def killed_write(name, passes):
        if not exchange:
            generation._can_exchange = lambda out_dir: False
        real = getattr(generation, name)
        calls = []

        def dying(*args, **kwargs):
            if len(calls) == passes:
                os._exit(9)  # as kill -9: no cleanup runs
            calls.append(1)
            return real(*args, **kwargs)

        setattr(generation, name, dying)
        generation.write_generation(out, files_b, hashes)

    for name, passes in KILL_POINTS:
        _in_child(killed_write, name, passes)
        assert verify(out) == [], (name, passes)
        assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
        seen.add(generation_of(out))
        generation.write_generation(out, files_a, hashes)  # the next run clears the leftovers
        assert generation_of(out) == old and leftovers(out) == [], (name, passes, leftovers(out))
    assert len(seen) == 2  # some kills left the old set, others (after the swap) the new one


def _start_build(data: Path, out: Path, real_cli: bool):
    if real_cli:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.Popen([sys.executable, "-c", "from vvalley.cli import main; main()", "build",
                                 "--data", str(data), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).pid
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: `vvalley build` without paying the imports again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        sys.argv = ["vvalley", "build", "--data", str(data), "--out", str(out)]
        try:
            from vvalley.cli import main
            main()
        finally:
            os._exit(0)
    return pid


def _wait_for_writing(out: Path, before: int, pid: int, timeout: float = 60) -> bool:
    """Poll until the build's staging folder appears (or the manifest changes): its write window opened."""
    prefix = f".{out.name}.staging-"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.name.startswith(prefix) for p in out.parent.iterdir()) or any(
                ".staging-" in p.name for p in out.iterdir()):
            return True
        try:
            if (out / MANIFEST).stat().st_mtime_ns != before:
                return True
        except FileNotFoundError:
            pass
        if os.waitpid(pid, os.WNOHANG)[0]:
            return False
        time.sleep(0.0005)
    return False


@posix_only
def test_kill_9_during_real_builds_always_leaves_one_generation(tmp_path):
    a, b = two_datasets(tmp_path)
    out = tmp_path / "out"
    build(a, out)
    generations = {generation_of(out)}
    rng = random.Random(15)
    delays = [0.0, 0.0005, 0.001, 0.002, 0.004, 0.008] + [rng.uniform(0, 0.25) for _ in range(14)]
    for run, delay in enumerate(delays):
        data = b if run % 2 == 0 else a
        before = (out / MANIFEST).stat().st_mtime_ns
        pid = _start_build(data, out, real_cli=run < 2)
        if _wait_for_writing(out, before, pid):
            time.sleep(delay)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
        assert verify(out) == [], (run, delay)
        generations.add(generation_of(out))
    assert generations <= {generation_of(out) for _ in [build(a, out)]} | {generation_of(out) for _ in [build(b, out)]}
    assert leftovers(out) == []


@posix_only
def test_a_kill_during_file_renames_is_rolled_forward_by_the_next_run(tmp_path):
    # Where no folder exchange exists (Windows, macOS), the files are renamed in one by one after a
    # COMMITTED mark: a kill in those microseconds leaves a mix that the next run completes.
    a, b = two_datasets(tmp_path)
    files_a, files_b = _outputs(a, tmp_path / "ra"), _outputs(b, tmp_path / "rb")
    hashes = {"chain_nodes.csv": "x", "chain_edges.csv": "x"}
    new = generation.manifest_for(files_b, hashes)["generation"]
    out = tmp_path / "out"
    for passes in range(len(OUTPUTS) + 1):
        generation.write_generation(out, files_a, hashes)

        def killed(passes=passes):
            generation._can_exchange = lambda out_dir: False
            real, calls = os.replace, []

            def dying(*args):
                if len(calls) == passes:
                    os._exit(9)
                calls.append(1)
                return real(*args)

            os.replace = dying
            generation.write_generation(out, files_b, hashes)

        _in_child(killed)
        generation.recover(out)  # what the next run does first
        assert verify(out) == [] and generation_of(out) == new and leftovers(out) == [], passes


def test_a_file_locked_by_another_program_stops_the_file_renames_before_any(tmp_path, monkeypatch):
    # Windows: Excel holds gaps.csv open, so it cannot be replaced; nothing is replaced then.
    monkeypatch.setattr(generation, "_can_exchange", lambda out_dir: False)
    a, b = two_datasets(tmp_path)
    out = tmp_path / "out"
    build(a, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def locked(path, mode="r", *args, **kwargs):
        if Path(path) == out / "gaps.csv" and "a" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(generation, "open", locked, raising=False)
    with pytest.raises(generation.OutputError) as err:
        build(b, out)
    assert err.value.sentence("zh") == f"{out / 'gaps.csv'} 正被其他程序（如 Excel）打开或为只读；请关闭它或改为可写后再运行"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before and leftovers(out) == []
