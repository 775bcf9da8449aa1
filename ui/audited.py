"""Audit entries for views: once per browser session, not on every rerun of a page."""

from __future__ import annotations

import streamlit as st

from core.governance.audit import record
from ui.auth import current_user
from ui.state import get_engine

RECORDED_VIEWS = "hr_recorded_views"
"""Session key: the set of (action, dataset id, subject) views this session has already recorded."""


def record_view_once(action: str, *, dataset_id: int, subject: str = "") -> bool:
    """Write one audit entry for a view the first time this session sees it; True when it was written.

    A Streamlit page reruns on every click, so recording each run would bury the trail in repeats.
    The key is kept only after the entry is stored, so a failed write is tried again next run.
    """
    seen: set[tuple[str, int, str]] = st.session_state.setdefault(RECORDED_VIEWS, set())
    key = (action, dataset_id, subject)
    if key in seen:
        return False
    record(engine=get_engine(), actor=current_user(), action=action, dataset_id=dataset_id, subject=subject)
    seen.add(key)
    return True
