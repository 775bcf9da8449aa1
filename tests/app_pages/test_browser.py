"""Browser test: the real server in headless Chromium, every page, no exception on screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

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
    # Wait until the script has finished its run: Streamlit marks the app root with the run's state
    # (the status widget alone may not have appeared yet when the title already shows).
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
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


def test_no_request_leaves_the_server(server: str, browser: Browser) -> None:
    """Every page loads every asset (favicon, fonts, icons, scripts) from the app's own server, none from elsewhere."""
    own = urlparse(server).netloc
    elsewhere: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("request", lambda request: elsewhere.append(request.url) if urlparse(request.url).netloc != own else None)
    for spec in PAGES:
        page.goto(f"{server}/{spec.url_path}")
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
        page.wait_for_load_state("networkidle")
    page.close()
    assert [u for u in elsewhere if not u.startswith(("data:", "blob:"))] == []


def test_overview_shows_demo_team_and_chart(server: str, browser: Browser) -> None:
    """The first start shows the demo note, 120 people and a rendered Altair chart."""
    page = _open(browser, server)
    # The first visit may still be running the script when the title shows: wait for the note itself.
    page.locator("[data-testid='stAlert']").filter(has_text="generated demo team").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid='stAlert']").filter(has_text="generated demo team").count() == 1
    assert page.locator("[data-testid='stAlert']").filter(has_text="single local admin").count() == 1
    people = page.locator("[data-testid='stMetric']").filter(has_text="People").first
    assert "120" in people.inner_text()
    page.wait_for_selector(
        "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg", timeout=30_000
    )
    page.close()


def test_deep_link_first_visit_goes_through_the_router(browser: Browser, tmp_path: Path) -> None:
    """The very first request to a fresh server on a page URL still runs app.py: its navigation and sections show."""
    with streamlit_server(ROOT, tmp_path / "deep.db", tmp_path / "deep.log") as base:
        page = _open(browser, f"{base}/upload")
        assert page.locator("h1").first.inner_text().strip() == "Upload"
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "Overview" in nav and "Upload" in nav
        assert "app" not in nav.split()
        page.close()


def test_upload_in_the_browser(server: str, browser: Browser, tmp_path: Path) -> None:
    """A German export uploaded in the browser shows counts and the report, and imports on click."""
    from core.demo import DemoSpec, generate_team

    from files import german_csv

    team = generate_team(DemoSpec(reps=15, months=2, seed=8, end="2026-02"))
    path = tmp_path / "export.csv"
    path.write_bytes(german_csv(team))
    page = _open(browser, f"{server}/upload")
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", str(path))
    page.locator("[data-testid='stMetric']").filter(has_text="Will be imported").wait_for(timeout=60_000)
    imported = page.locator("[data-testid='stMetric']").filter(has_text="Will be imported").inner_text()
    assert f"{len(team)}" in imported
    page.get_by_role("button", name=f"Import {len(team)} rows").click()
    page.get_by_text("It is now the active dataset").wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload-imported.png"), full_page=True)
    page.close()


def test_crm_exports_dropped_together_in_the_browser(server: str, browser: Browser, tmp_path: Path) -> None:
    """Five CRM files dropped at once: a sentence per file, the derived table, and the import on click."""
    from core.demo import DemoSpec, generate_team
    from core.demo_crm import CrmSpec, explode

    team = generate_team(DemoSpec(reps=12, months=3, seed=9, end="2026-03"))
    paths = []
    for name, data in explode(team, CrmSpec(vendor="HubSpot", language="en", seed=9)).items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    page = _open(browser, f"{server}/upload")
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", paths)
    derived = page.locator("[data-testid='stMetric']").filter(has_text="Person-months derived")
    derived.wait_for(timeout=90_000)
    assert f"{len(team)}" in derived.inner_text()
    assert page.get_by_text("deals export (HubSpot-style)").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload-crm-preview.png"), full_page=True)
    page.get_by_role("button", name=f"Import {len(team)} rows").click()
    page.get_by_text("It is now the active dataset").wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_sign_in_and_presentation_mode_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    """With an account the real server asks for sign-in; presentation mode then leaves no real name in the page."""
    from core.demo import ensure_demo_dataset
    from core.governance.users import create_user
    from core.store.datasets import load_people
    from core.store.db import init_db, make_engine

    db = tmp_path / "signin.db"
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    ensure_demo_dataset(engine=engine)
    create_user(engine=engine, username="root", role="admin", actor="test", password="correct horse battery")
    people = load_people(engine=engine, dataset_id=1)
    names = sorted(set(people["name"]) | set(people["manager"]))
    with streamlit_server(ROOT, db, tmp_path / "signin.log") as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/segmentation")
        page.get_by_label("User name").fill("root")
        page.get_by_role("textbox", name="Password").fill("correct horse battery")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Segmentation").wait_for(timeout=60_000)
        page.get_by_text("Why this tier?").wait_for(timeout=60_000)
        assert any(n in page.content() for n in names)  # the chosen person's name, without presentation mode
        page.get_by_text("Presentation mode", exact=True).click()
        page.get_by_text("names are aliases").wait_for(timeout=60_000)
        # Until the rerun finishes, the previous run's elements stay on screen (faded); then none may hold a name.
        leaked = names
        for _ in range(60):
            page.wait_for_timeout(500)
            html = page.content()
            leaked = [n for n in names if n in html]
            if not leaked and "Why this tier?" in html:
                break
        if leaked:
            i = html.find(leaked[0])
            print(html[max(0, i - 600) : i + 100])  # noqa: T201
        assert not leaked, leaked[:5]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "presentation-mode.png"), full_page=True)
        page.close()


def test_german_browser_opens_in_german_and_switches_to_dutch(server: str, browser: Browser) -> None:
    """A browser set to de-DE gets the app in German; the sidebar's picker turns that session Dutch."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page.goto(server)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)
    page.wait_for_function("document.querySelector('h1')?.innerText.trim() === 'Übersicht'", timeout=60_000)
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "Übersicht" in nav and "Verwaltung" in nav and "Overview" not in nav
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Nederlands").click()
    page.wait_for_function("document.querySelector('h1')?.innerText.trim() === 'Overzicht'", timeout=60_000)
    assert "Beheer" in page.locator("[data-testid='stSidebarNav']").inner_text()
    page.close()
