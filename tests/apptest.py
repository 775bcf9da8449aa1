"""Opening a page in AppTest: pages are functions registered by URL path, not files.

``AppTest.switch_page`` takes a file path, which a page defined by a function does not have, so the
helpers here use the URL path, the way a browser addresses a page.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Switch the app to the page with this URL path (run it with ``.run()``), as ``switch_page`` does for files.

    ``st.Page`` identifies a page by the hash of its URL path, and AppTest holds the page to open next
    in ``_page_hash``; there is no public way to name a function page.
    """
    if url_path not in registered_pages(at):
        raise ValueError(f"No page {url_path!r} in this viewer's navigation: {sorted(registered_pages(at))}.")
    at._page_hash = calc_hash(url_path)
    return at


def registered_pages(at: AppTest) -> set[str]:
    """The URL paths of the pages in the navigation the last run registered."""
    return {str(info.get("url_pathname")) for info in at._registered_pages.values() if info.get("url_pathname")}
