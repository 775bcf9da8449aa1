"""Opening a page in AppTest: pages are functions registered by URL path, not files.

``AppTest.switch_page`` takes a file path, which a page defined by a function does not have, so the
helpers here use the URL path, the way a browser addresses a page.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from ui.nav import PAGES

DEFAULT = next(p.url_path for p in PAGES if p.default)  # registered under "" (the app's root URL)


def _hashes(at: AppTest) -> dict[str, str]:
    """URL path → the page hash the last run registered (AppTest keeps them only in ``_registered_pages``)."""
    return {
        str(info.get("url_pathname") or DEFAULT): str(page_hash)
        for page_hash, info in at._registered_pages.items()
        if "url_pathname" in info
    }


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Switch the app to the page with this URL path (run it with ``.run()``), as ``switch_page`` does for files."""
    hashes = _hashes(at)
    if url_path not in hashes:
        raise ValueError(f"No page {url_path!r} in this viewer's navigation: {sorted(hashes)}.")
    at._page_hash = hashes[url_path]
    return at


def registered_pages(at: AppTest) -> set[str]:
    """The URL paths of the pages in the navigation the last run registered."""
    return set(_hashes(at))
