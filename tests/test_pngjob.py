"""The poster PNG drawn in a second process gives the bytes `convert` gives here, and falls back to it."""

import pytest

from vvalley.render import poster

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="1920px" height="1080px" viewBox="0 0 1920 1080">'
       '<rect x="10" y="10" width="300" height="200" fill="#2e7d32"/><text x="40" y="80" font-size="28">环节 chain</text></svg>')


def test_the_png_of_the_second_process_is_the_png_drawn_here():
    with poster.PngJob("16x9") as job:
        job.send(SVG)
        assert job.result() == poster.convert(SVG, "png", "16x9")


def test_a_failing_process_falls_back_to_drawing_here(monkeypatch):
    monkeypatch.setattr(poster, "_PNG_WORKER", "import sys\nsys.exit(3)\n")
    with poster.PngJob("16x9") as job:
        job.send(SVG)
        assert job.result() == poster.convert(SVG, "png", "16x9")


def test_no_process_at_all_falls_back_to_drawing_here(monkeypatch):
    import subprocess

    def refuse(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    with poster.PngJob("16x9") as job:
        job.send(SVG)
        assert job.result() == poster.convert(SVG, "png", "16x9")


def test_a_job_closed_before_its_svg_stops_its_process():
    job = poster.PngJob("16x9").start()
    proc = job._proc
    job.close()
    assert proc.poll() is not None
    with pytest.raises(RuntimeError):
        job.result()


def test_an_unknown_size_is_refused():
    with pytest.raises(ValueError):
        poster.PngJob("letter")
