"""Process-wide resources and per-session state for the Streamlit pages."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from core.demo import ensure_demo_dataset
from core.governance.retention import apply_retention
from core.store.datasets import DatasetInfo, list_datasets
from core.store.db import init_db, make_engine

ACTIVE_DATASET = "active_dataset_id"
PRESENTING = "auth_presenting"  # the presentation-mode toggle in the sidebar (ui.auth reads it)


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
    st.session_state.setdefault(PRESENTING, False)


def all_datasets() -> list[DatasetInfo]:
    """The stored datasets this session may open, newest first (a consultant: demo ones unless presenting)."""
    from core.governance.access import may_open_dataset
    from ui.auth import current_viewer  # here, not at the top: ui.auth builds on this module

    viewer = current_viewer()
    if viewer is None:
        return []
    presenting = bool(st.session_state.get(PRESENTING, False))
    return [
        d
        for d in list_datasets(engine=get_engine())
        if may_open_dataset(is_demo=d.is_demo, viewer=viewer, presenting=presenting)
    ]


def active_dataset() -> DatasetInfo | None:
    """Return the dataset the pages work on: the one chosen, else the newest this session may open."""
    datasets = all_datasets()
    if not datasets:
        st.session_state[ACTIVE_DATASET] = None
        return None
    chosen = st.session_state.get(ACTIVE_DATASET)
    match = next((d for d in datasets if d.id == chosen), None)
    if match is None:
        match = datasets[0]
        st.session_state[ACTIVE_DATASET] = match.id
    return match


def current_user() -> str:
    """Who is acting, for the record: the signed-in user's name, or the single local admin."""
    from ui.auth import current_viewer  # here, not at the top: ui.auth builds on this module

    viewer = current_viewer()
    return viewer.username if viewer is not None else "signed-out user"


def require_dataset() -> DatasetInfo:
    """The active dataset, or a note with a link to Upload and a stop when there is none."""
    dataset = active_dataset()
    if dataset is None:
        from ui.auth import link

        st.info("No team is loaded yet, or none that your role may open.")
        link("upload", "Upload a team export", ":material/upload_file:")
        st.stop()
    return dataset
