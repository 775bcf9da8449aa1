"""The app's pages, listed explicitly with the roles that may open them.

app.py builds each viewer's navigation from this, every page checks it again (a page left out of
the navigation is still reachable by URL), and the tests visit each page.
"""

from __future__ import annotations

from dataclasses import dataclass

EVERYONE: tuple[str, ...] = ("admin", "manager", "hr", "consultant")
COACHING: tuple[str, ...] = ("admin", "manager", "consultant")


@dataclass(frozen=True)
class PageSpec:
    """One page of the app."""

    section: str
    path: str
    title: str
    icon: str
    url_path: str
    roles: tuple[str, ...] = EVERYONE
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Team", "app_pages/overview.py", "Overview", ":material/dashboard:", "overview", default=True),
    PageSpec("Team", "app_pages/upload.py", "Upload", ":material/upload_file:", "upload", COACHING),
    PageSpec(
        "Coaching",
        "app_pages/segmentation.py",
        "Segmentation",
        ":material/stacked_bar_chart:",
        "segmentation",
        COACHING,
    ),
    PageSpec("Coaching", "app_pages/chains.py", "Coaching chains", ":material/account_tree:", "chains", COACHING),
    PageSpec("Coaching", "app_pages/plans.py", "Coaching plans", ":material/assignment_ind:", "plans"),
    PageSpec("Coaching", "app_pages/impact.py", "Impact", ":material/trending_up:", "impact", COACHING),
    PageSpec("People", "app_pages/hr_review.py", "HR review", ":material/folder_shared:", "hr-review", ("admin", "hr")),
    PageSpec("Admin", "app_pages/users.py", "Users", ":material/manage_accounts:", "users", ("admin",)),
    PageSpec("Admin", "app_pages/audit.py", "Audit trail", ":material/policy:", "audit", ("admin",)),
    PageSpec("Admin", "app_pages/retention.py", "Data retention", ":material/auto_delete:", "retention", ("admin",)),
)


def page(url_path: str) -> PageSpec:
    """The page registered under ``url_path``."""
    return next(p for p in PAGES if p.url_path == url_path)
