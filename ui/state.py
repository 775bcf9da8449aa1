"""The bottom layer of the Streamlit glue: the process-wide engine and the session keys every page reads.

Nothing here knows who is signed in (that is ``ui.auth``, one layer up) or which dataset is open
(``ui.dataset``); this module imports no other ``ui`` module.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from core.demo import ensure_demo_dataset
from core.governance.retention import apply_retention
from core.store.db import init_db, make_engine

ACTIVE_DATASET = "active_dataset_id"
PRESENTING = "auth_presenting"  # the presentation-mode toggle in the sidebar


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


def presenting() -> bool:
    """Whether presentation mode (aliases instead of names) is on for this session."""
    return bool(st.session_state.get(PRESENTING, False))
