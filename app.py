"""Coachwise entry point: page config, navigation and shared session state — nothing else."""

import streamlit as st

from ui.nav import PAGES
from ui.state import init_session_state

st.set_page_config(page_title="Coachwise", page_icon=":material/groups:", layout="wide")
init_session_state()

sections: dict[str, list[st.Page]] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
    )
st.navigation(sections).run()
