"""Audit trail (admin): who signed in, imported, viewed the HR review, exported, overrode or deleted what."""

from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from core.export import export_bytes
from core.governance.audit import ACTIONS, audit_log, record
from ui.auth import presenting, require_page, show_name
from ui.downloads import MIME
from ui.state import current_user, get_engine

viewer = require_page("audit")
st.title("Audit trail")
st.caption(
    "Every sign-in, import (file SHA-256 and row counts, never contents), view of the HR review, export of "
    "plans or briefs (which people), tier override, dataset deletion and user change. Entries hold IDs, "
    "not scores; typed text is kept on one line."
)
engine = get_engine()

f1, f2, f3, f4 = st.columns([2, 1, 1, 1])
actions = f1.multiselect("What", list(ACTIONS), format_func=ACTIONS.__getitem__, key="au_actions")
actor = f2.text_input("Who (contains)", key="au_actor")
dataset_text = f3.text_input("Dataset id", key="au_dataset", placeholder="any")
today = date.today()
period = f4.date_input("From – to", value=(today - timedelta(days=30), today), max_value=today, key="au_dates")

dataset_id: int | None = None
if dataset_text.strip():
    if not dataset_text.strip().isdigit():
        st.error(f"'{dataset_text.strip()}' is not a dataset id: give the number shown on the Upload page.")
        st.stop()
    dataset_id = int(dataset_text.strip())
start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (today, today)
log = audit_log(
    engine=engine,
    actions=actions,
    actor=actor,
    dataset_id=dataset_id,
    since=datetime.combine(start, time.min, tzinfo=UTC),
    until=datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
)
if presenting():
    log["actor"] = log["actor"].map(show_name)
st.metric("Entries", f"{len(log):,}")
if log.empty:
    st.info("No entries match these filters.")
    st.stop()
shown = log.assign(action=log["action"].map(ACTIONS), at=log["at"].map(lambda t: f"{t:%Y-%m-%d %H:%M:%S}"))
shown = shown.rename(columns={"at": "at (UTC)"}).assign(dataset_id=log["dataset_id"].astype("string").fillna(""))
st.dataframe(shown, hide_index=True, width="stretch", height=min(560, 38 + 35 * len(shown)))


actor = current_user()  # captured in the page run; the file is made later, when the button is clicked


def _export() -> bytes:
    data = export_bytes(log, "csv", sheet="Audit")
    record(
        engine=engine,
        actor=actor,
        action="audit_exported",
        subject=f"{len(log)} entries",
        detail=f"{start:%Y-%m-%d} to {end:%Y-%m-%d}",
    )
    return data


st.download_button(
    "Download CSV", data=_export, file_name=f"coachwise-audit-{start}-{end}.csv", mime=MIME["csv"], key="au_csv"
)
