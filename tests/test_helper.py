"""The build's helper process draws the maps, the poster and graph.json as they are drawn here, and
the build draws them itself whenever the helper cannot."""

from pathlib import Path

import pytest

from vvalley.analysis.gaps import analyse
from vvalley.build import render_outputs
from vvalley.chain.load import load_chain
from vvalley.render import helper as helper_module
from vvalley.render.helper import Helper, chain_files

DATA = Path(__file__).resolve().parent.parent / "data"
XIAOSHAN = "reg.cn.zj.hangzhou.xiaoshan"


@pytest.fixture(scope="module")
def chain():
    return load_chain(DATA)


@pytest.fixture(scope="module")
def report(chain):
    return analyse(chain, XIAOSHAN)


def test_the_helper_draws_the_files_drawn_here(chain, report, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    with Helper() as helper:
        helper.send(chain, report, None, chain)
        drawn = helper.files()
    assert drawn is not None
    assert drawn == chain_files(chain, report, None, chain)
    assert list(drawn) == ["graph.json", "map.html", "map-full.html", "poster.svg", "poster.png"]


def test_a_failing_helper_gives_no_files(chain, report, monkeypatch):
    monkeypatch.setattr(helper_module, "_BOOT", "import sys\nsys.exit(3)\n")
    with Helper() as helper:
        helper.send(chain, report, None)
        assert helper.files() is None


def test_a_helper_closed_before_its_job_stops(chain):
    helper = Helper().start()
    proc = helper._proc
    helper.close()
    assert proc.poll() is not None
    assert helper.files() is None


def test_the_build_draws_the_files_itself_when_there_are_no_processes(chain, monkeypatch):
    import subprocess

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    with_helper = render_outputs(chain, XIAOSHAN, graph_chain=chain)[1]

    def refuse(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    alone = render_outputs(chain, XIAOSHAN, graph_chain=chain)[1]
    assert alone == with_helper
    assert list(alone)[:4] == ["graph.json", "gaps.json", "gaps.csv", "map.html"]


def test_a_chain_past_the_size_cap_is_drawn_in_process(chain, monkeypatch):
    import subprocess

    started = []
    real = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a) or real(*a, **k))
    monkeypatch.setattr(helper_module, "HELPER_MAX_EDGES", len(chain.edges) - 1)
    files = render_outputs(chain, XIAOSHAN)[1]
    assert started == [] and "poster.png" in files
