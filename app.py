"""Coachwise entry point: page config, sign-in gate, the viewer's navigation and shared state — nothing else."""

import streamlit as st

from app_pages import PAGE_FUNCTIONS
from ui.auth import follow_requested_page, frame, gate, navigation_for
from ui.nav import register
from ui.state import init_session_state

st.set_page_config(page_title="Coachwise", page_icon=":material/groups:", layout="wide")
init_session_state()
register(PAGE_FUNCTIONS)
viewer = gate()
if viewer is not None:
    frame(viewer)
    navigation = st.navigation(navigation_for(viewer))
    follow_requested_page(viewer)
    navigation.run()
