"""Load-and-ready time of the panorama in headless chromium, against the relation view in the same run.

    python benchmarks/bench_panorama.py [--runs 5] [--screenshot docs/panorama.png]

Two chains: the bundled data and a generated one (benchmarks/gen_wide.py: 504 leaf segments, 5,000 firms).
For each, the map is rendered once; then, --runs times, a fresh page loads it and the clock stops when the
view is ready: the panorama when its script has run (window.vvalleyPanorama), the relation view when
vis-network has drawn (window.vvalleyMap, after the tab is opened on load). Reported: medians in ms, and
the ratio relation / panorama. Browser timings are software rendering on this machine: compare, don't quote.
With --screenshot, also writes a 1600×1000 screenshot of the bundled panorama (the README's picture).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_wide import generate  # noqa: E402
from vvalley.analysis.gaps import analyse  # noqa: E402
from vvalley.chain.load import load_chain  # noqa: E402
from vvalley.chain.meta import read_meta  # noqa: E402
from vvalley.publish.files import write_atomic  # noqa: E402
from vvalley.render import render_map  # noqa: E402

REGION = "reg.cn.zj.hangzhou.xiaoshan"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
READY = {
    "panorama": ("", "window.vvalleyPanorama !== undefined"),
    "relation": ("document.addEventListener('DOMContentLoaded', () => window.vvalleyPanorama.showTab('relation'));",
                 "window.vvalleyMap !== undefined"),
}


def _time(browser, path: Path, view: str) -> float:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    script, ready = READY[view]
    if script:
        page.add_init_script(script)
    start = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function(ready, timeout=120_000)
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # painted
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot", type=Path, help="write the bundled panorama's screenshot here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        generate(tmp / "wide")
        maps = {}
        for name, folder in (("bundled", ROOT / "data"), ("500 segments / 5,000 firms", tmp / "wide")):
            chain = load_chain(folder)
            report = analyse(chain, REGION)
            maps[name] = write_atomic(tmp / f"{len(maps)}.html", render_map(chain, report, meta=read_meta(folder)))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
            print(f"{'chain':<28} {'MB':>5} {'panorama ms':>12} {'relation ms':>12} {'relation/panorama':>18}")
            for name, path in maps.items():
                times = {view: [] for view in READY}
                _time(browser, path, "panorama")  # warm the file cache
                for _ in range(args.runs):
                    for view in READY:
                        times[view].append(_time(browser, path, view))
                pano, rel = (statistics.median(times[v]) * 1000 for v in READY)
                print(f"{name:<28} {path.stat().st_size / 1e6:>5.1f} {pano:>12.0f} {rel:>12.0f} {rel / pano:>18.2f}")
            if args.screenshot:
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.goto(maps["bundled"].as_uri())
                page.wait_for_function(READY["panorama"][1])
                page.screenshot(path=str(args.screenshot))
                print(f"wrote {args.screenshot}")
            browser.close()


if __name__ == "__main__":
    main()
