"""The app's pages, listed explicitly: app.py builds the navigation from this, tests visit each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page of the app."""

    section: str
    path: str
    title: str
    icon: str
    url_path: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Team", "app_pages/overview.py", "Overview", ":material/dashboard:", "overview", default=True),
    PageSpec("Team", "app_pages/upload.py", "Upload", ":material/upload_file:", "upload"),
    PageSpec("Coaching", "app_pages/segmentation.py", "Segmentation", ":material/stacked_bar_chart:", "segmentation"),
    PageSpec("Coaching", "app_pages/chains.py", "Coaching chains", ":material/account_tree:", "chains"),
    PageSpec("Coaching", "app_pages/plans.py", "Coaching plans", ":material/assignment_ind:", "plans"),
    PageSpec("Coaching", "app_pages/impact.py", "Impact", ":material/trending_up:", "impact"),
)
