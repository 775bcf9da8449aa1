"""Browser test: the real server in headless Chromium, every page, no exception on screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from ui.nav import PAGES

from browser import CHROMIUM_FLAGS, chromium_path, streamlit_server
from conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port with its own empty database (so the demo team loads)."""
    tmp = tmp_path_factory.mktemp("browser")
    log = tmp / "streamlit.log"
    with streamlit_server(ROOT, tmp / "browser.db", log) as base:
        yield base
    # On failure pytest shows this; on success it is cheap.
    print(log.read_text())  # noqa: T201


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (its own browser download does not work here)."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        yield b
        b.close()


def _open(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    # Wait until the script has finished running (the status widget disappears).
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_selector("h1", timeout=60_000)
    return page


@pytest.mark.parametrize("spec", PAGES, ids=[p.title for p in PAGES])
def test_page_renders_without_exception(server: str, browser: Browser, spec: object) -> None:
    """Every page opens by its URL, shows its title, and shows no Streamlit exception box."""
    page = _open(browser, f"{server}/{spec.url_path}")  # type: ignore[attr-defined]
    assert page.locator("h1").first.inner_text().strip() == spec.title  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{spec.url_path}.png"), full_page=True)  # type: ignore[attr-defined]
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_overview_shows_demo_team_and_chart(server: str, browser: Browser) -> None:
    """The first start shows the demo note, 120 people and a rendered Altair chart."""
    page = _open(browser, server)
    assert "generated demo team" in page.locator("[data-testid='stAlert']").first.inner_text()
    people = page.locator("[data-testid='stMetric']").filter(has_text="People").first
    assert "120" in people.inner_text()
    page.wait_for_selector(
        "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg", timeout=30_000
    )
    page.close()
