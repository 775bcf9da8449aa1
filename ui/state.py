"""The bottom layer of the Streamlit glue: the process-wide engine and the session keys every page reads.

Nothing here knows who is signed in (that is ``ui.auth``, one layer up) or which dataset is open
(``ui.dataset``); this module imports no other ``ui`` module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st
from sqlalchemy.engine import Engine

from core.demo import ensure_demo_dataset
from core.governance.retention import apply_retention
from core.i18n import _
from core.store.db import STORE_ERRORS, database_url, describe_store_error, init_db, make_engine

ACTIVE_DATASET = "active_dataset_id"
PRESENTING = "auth_presenting"  # the presentation-mode toggle in the sidebar
RESETS = "state_widget_resets"  # widget key → value to put back at the start of the next run


@st.cache_resource(show_spinner=False)  # open_store says "Preparing the database…" in the reader's language
def get_engine() -> Engine:
    """One engine per server process; the schema is upgraded and an empty database gets the demo team."""
    engine = make_engine()
    init_db(engine)
    apply_retention(engine=engine)  # the retention period, if an admin set one (demo teams are exempt)
    ensure_demo_dataset(engine=engine)
    return engine


def init_session_state() -> None:
    """Create the session keys every page reads, and empty the fields of forms saved last run (once per run)."""
    st.session_state.setdefault(ACTIVE_DATASET, None)
    st.session_state.setdefault(PRESENTING, False)
    for key, value in st.session_state.pop(RESETS, {}).items():
        st.session_state[key] = value  # before any widget is drawn, so Streamlit allows it


def reset_on_next_run(**values: Any) -> None:
    """Put these widget keys back to ``values`` at the start of the next run — call after a save succeeded.

    Forms do not use ``clear_on_submit``: it empties the fields even when the save fails, and the
    typed reason or note is gone. A form clears itself this way only once its text is stored.
    """
    st.session_state.setdefault(RESETS, {}).update(values)


def show_store_error(exc: BaseException) -> None:
    """Say in one sentence that the store failed (read-only, full, busy, unreachable) — never SQL or values."""
    st.error(describe_store_error(exc, database_url()), icon=":material/database:")


def open_store() -> Engine | None:
    """The engine, or None after one sentence when the store cannot be opened or upgraded (the router shows no page)."""
    try:
        with st.spinner(_("Preparing the database…")):  # shown only when it takes a moment: the first run
            return get_engine()
    except (*STORE_ERRORS, OSError) as exc:
        show_store_error(exc)
        return None


@contextmanager
def store_errors_shown() -> Iterator[None]:
    """Around a page run: a store that fails mid-page ends it with one sentence instead of Streamlit's error box.

    Pages catch store errors next to their forms; this is the net for every other read or write.
    """
    try:
        yield
    except STORE_ERRORS as exc:
        show_store_error(exc)


def presenting() -> bool:
    """Whether presentation mode (aliases instead of names) is on for this session."""
    return bool(st.session_state.get(PRESENTING, False))
