"""Process-wide resources and per-session state for the Streamlit pages."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from core.datasets import DatasetInfo, list_datasets
from core.db import init_db, make_engine
from core.demo import ensure_demo_dataset
from core.retention import apply_retention

ACTIVE_DATASET = "active_dataset_id"


@st.cache_resource(show_spinner="Preparing the database…")
def get_engine() -> Engine:
    """One engine per server process; the schema is upgraded and an empty database gets the demo team."""
    engine = make_engine()
    init_db(engine)
    apply_retention(engine=engine)  # the retention period, if an admin set one (demo teams are exempt)
    ensure_demo_dataset(engine=engine)
    return engine


def init_session_state() -> None:
    """Create the session keys every page reads (called once per run from app.py)."""
    st.session_state.setdefault(ACTIVE_DATASET, None)


def active_dataset() -> DatasetInfo | None:
    """Return the dataset the pages work on: the one chosen, else the newest."""
    datasets = list_datasets(engine=get_engine())
    if not datasets:
        st.session_state[ACTIVE_DATASET] = None
        return None
    chosen = st.session_state.get(ACTIVE_DATASET)
    match = next((d for d in datasets if d.id == chosen), None)
    if match is None:
        match = datasets[0]
        st.session_state[ACTIVE_DATASET] = match.id
    return match


def all_datasets() -> list[DatasetInfo]:
    """Every stored dataset, newest first."""
    return list_datasets(engine=get_engine())


def current_user() -> str:
    """Who is acting, for the record: the signed-in user's email or name, else the local user."""
    try:
        user = st.user
        if getattr(user, "is_logged_in", False):
            return str(user.get("email") or user.get("name") or "signed-in user")
    except Exception:  # noqa: BLE001  (st.user is unavailable outside a server session)
        pass
    return "local user"


def require_dataset() -> DatasetInfo:
    """The active dataset, or a note with a link to Upload and a stop when there is none."""
    dataset = active_dataset()
    if dataset is None:
        st.info("No team is loaded yet.")
        st.page_link("app_pages/upload.py", label="Upload a team export", icon=":material/upload_file:")
        st.stop()
    return dataset
