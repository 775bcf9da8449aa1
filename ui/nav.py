"""The app's pages, listed explicitly with the roles that may open them, and the one lookup by URL path.

app.py registers each page's function here and builds each viewer's navigation from this list;
every page checks its role again (``ui.auth.require_page``), and the tests visit each page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from core.i18n import N_, NP_
from ui.i18n import _

EVERYONE: tuple[str, ...] = ("admin", "manager", "hr", "consultant")
COACHING: tuple[str, ...] = ("admin", "manager", "consultant")
SECTION = "navigation section"  # the catalogue's context for section names ("Admin" the menu, not the role)
_TEAM = NP_("navigation section", "Team")
_COACHING = NP_("navigation section", "Coaching")
_PEOPLE = NP_("navigation section", "People")
_ADMIN = NP_("navigation section", "Admin")


@dataclass(frozen=True)
class PageSpec:
    """One page of the app (its function lives in ``app_pages/`` and is registered by app.py).

    ``section`` and ``title`` are English, marked for the catalogue; they are translated where shown.
    """

    section: str
    title: str
    icon: str
    url_path: str
    roles: tuple[str, ...] = EVERYONE
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec(_TEAM, N_("Overview"), ":material/dashboard:", "overview", default=True),
    PageSpec(_TEAM, N_("Upload"), ":material/upload_file:", "upload", COACHING),
    PageSpec(_COACHING, N_("Segmentation"), ":material/stacked_bar_chart:", "segmentation", COACHING),
    PageSpec(_COACHING, N_("Coaching chains"), ":material/account_tree:", "chains", COACHING),
    PageSpec(_COACHING, N_("Coaching plans"), ":material/assignment_ind:", "plans"),
    PageSpec(_COACHING, N_("Impact"), ":material/trending_up:", "impact", COACHING),
    PageSpec(_PEOPLE, N_("HR review"), ":material/folder_shared:", "hr-review", ("admin", "hr")),
    PageSpec(_ADMIN, N_("Users"), ":material/manage_accounts:", "users", ("admin",)),
    PageSpec(_ADMIN, N_("Audit trail"), ":material/policy:", "audit", ("admin",)),
    PageSpec(
        NP_("navigation section", "Admin"), N_("Data retention"), ":material/auto_delete:", "retention", ("admin",)
    ),
)

_FUNCTIONS: dict[str, Callable[[], None]] = {}


def page(url_path: str) -> PageSpec:
    """The page registered under ``url_path``."""
    return next(p for p in PAGES if p.url_path == url_path)


def register(functions: Mapping[str, Callable[[], None]]) -> None:
    """Record each page's function by URL path (app.py does this once per run, before navigating)."""
    missing = {p.url_path for p in PAGES} - set(functions)
    if missing:
        raise ValueError(f"No page function for {', '.join(sorted(missing))}.")
    _FUNCTIONS.update(functions)


def st_page(url_path: str) -> st.Page:
    """The ``st.Page`` for a page, titled in the session's language: what ``st.navigation``, ``st.page_link``
    and ``st.switch_page`` take."""
    spec = page(url_path)
    return st.Page(
        _FUNCTIONS[url_path], title=_(spec.title), icon=spec.icon, url_path=spec.url_path, default=spec.default
    )
