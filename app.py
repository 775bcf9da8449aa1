"""Coachwise entry point: page config, sign-in gate, the viewer's navigation and shared state — nothing else."""

import streamlit as st

from ui.auth import follow_requested_page, frame, gate, pages_for
from ui.state import init_session_state

st.set_page_config(page_title="Coachwise", page_icon=":material/groups:", layout="wide")
init_session_state()
viewer = gate()
frame(viewer)

sections: dict[str, list[st.Page]] = {}
for spec in pages_for(viewer):
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
    )
navigation = st.navigation(sections)
follow_requested_page(viewer)
navigation.run()
