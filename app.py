"""Coachwise entry point: page config, sign-in gate, the viewer's navigation and shared state — nothing else."""

from pathlib import Path

import streamlit as st

from app_pages import PAGE_FUNCTIONS
from ui.auth import follow_requested_page, frame, gate, keep_account_language, navigation_for
from ui.i18n import init_language, language_picker, speak_session_language
from ui.nav import register
from ui.state import init_session_state, open_store, store_errors_shown

# A local image: a Material or emoji icon makes every browser fetch the favicon from a third-party host.
FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"

st.set_page_config(page_title="Coachwise", page_icon=str(FAVICON), layout="wide")
init_session_state()
init_language()
language_picker()
speak_session_language()
register(PAGE_FUNCTIONS)
with store_errors_shown():
    viewer = gate() if open_store() is not None else None
    if viewer is not None:
        keep_account_language(viewer)
        frame(viewer)
        navigation = st.navigation(navigation_for(viewer))
        follow_requested_page(viewer)
        navigation.run()
