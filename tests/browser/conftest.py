"""Headless Debian chromium through playwright: skipped locally without it, a failure in CI (CI set)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _unavailable(reason: str):
    # CI must run the browser tests: a missing browser there is a failure, never a skip.
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing (pip install -e '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class MapPage:
    """A page that records console errors, dialogs and every request that would leave file://."""

    def __init__(self, browser, width: int = 1600, height: int = 1000):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        # A trap for script run by data: alert & co. are recorded instead of shown.
        self.page.add_init_script(
            "window.__ran = [];"
            "['alert', 'confirm', 'prompt'].forEach(function (name) {"
            "  window[name] = function (m) { window.__ran.push(name + ':' + m); }; });")

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path, tab: str = "relation"):
        """Load the page; on the relation tab (drawn when first shown) unless tab="panorama"."""
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.vvalleyPanorama !== undefined", timeout=15000)
        if tab == "relation":
            self.page.click("#vv-tab-relation")
            self.page.wait_for_function("window.vvalleyMap !== undefined", timeout=15000)
        return self.page

    def node_point(self, node_id: str) -> tuple[float, float]:
        """Where a node is on screen (page coordinates)."""
        return tuple(self.page.evaluate("""(id) => {
            const net = window.vvalleyMap.network;
            const dom = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('vv-map').getBoundingClientRect();
            return [box.left + dom.x, box.top + dom.y];
        }""", node_id))


@pytest.fixture
def map_page(browser):
    opened = MapPage(browser)
    yield opened
    opened.page.close()
    assert opened.outside == [], f"requests left the page: {opened.outside}"
    assert opened.dialogs == [], f"dialogs opened: {opened.dialogs}"


def check_inert(opened: MapPage) -> None:
    """Nothing left the page, no dialog opened, no script error."""
    assert opened.outside == [], f"requests left the page: {opened.outside}"
    assert opened.dialogs == [], f"dialogs opened: {opened.dialogs}"
    assert opened.errors == [], f"script errors: {opened.errors}"
