"""Audit trail (admin): who signed in, imported, viewed the HR review, exported, overrode or deleted what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from core.governance.audit import ACTIONS, audit_log, dataset_filter, day_span, export_log
from ui.auth import current_user, require_page
from ui.downloads import MIME
from ui.redact import show_name
from ui.state import get_engine, presenting


@dataclass(frozen=True)
class _Filters:
    """What the admin asked for: actions, who, which dataset, which days."""

    actions: list[str]
    actor: str
    dataset_id: int | None
    start: date
    end: date


def audit() -> None:
    """The page: filters, the matching entries, and their download."""
    viewer = require_page("audit")
    if viewer is None:
        return
    st.title("Audit trail")
    st.caption(
        "Every sign-in, import (file SHA-256 and row counts, never contents), view of the HR review, export of "
        "plans or briefs (which people), tier override, dataset deletion and user change. Entries hold IDs, "
        "not scores; typed text is kept on one line."
    )
    filters = _filters()
    if filters is None:
        return
    since, until = day_span(filters.start, filters.end)
    log = audit_log(
        engine=get_engine(),
        actions=filters.actions,
        actor=filters.actor,
        dataset_id=filters.dataset_id,
        since=since,
        until=until,
    )
    if presenting():
        log["actor"] = log["actor"].map(show_name)
    st.metric("Entries", f"{len(log):,}")
    if log.empty:
        st.info("No entries match these filters.")
        return
    _entries(log)
    _download(log, filters)


def _filters() -> _Filters | None:
    """The filter row; None after an error when the dataset id is not a number."""
    f1, f2, f3, f4 = st.columns([2, 1, 1, 1])
    actions = f1.multiselect("What", list(ACTIONS), format_func=ACTIONS.__getitem__, key="au_actions")
    actor = f2.text_input("Who (contains)", key="au_actor")
    dataset_text = f3.text_input("Dataset id", key="au_dataset", placeholder="any")
    today = date.today()
    period = f4.date_input("From – to", value=(today - timedelta(days=30), today), max_value=today, key="au_dates")
    try:
        dataset_id = dataset_filter(dataset_text)
    except ValueError as exc:
        st.error(str(exc))
        return None
    start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (today, today)
    return _Filters(actions=actions, actor=actor, dataset_id=dataset_id, start=start, end=end)


def _entries(log: pd.DataFrame) -> None:
    """The entries as a table: actions in words, times to the second, a blank where no dataset."""
    shown = log.assign(action=log["action"].map(ACTIONS), at=log["at"].map(lambda t: f"{t:%Y-%m-%d %H:%M:%S}"))
    shown = shown.rename(columns={"at": "at (UTC)"}).assign(dataset_id=log["dataset_id"].astype("string").fillna(""))
    st.dataframe(shown, hide_index=True, width="stretch", height=min(560, 38 + 35 * len(shown)))


def _download(log: pd.DataFrame, filters: _Filters) -> None:
    """The CSV download; making the file is recorded."""
    actor = current_user()  # captured in the page run; the file is made later, when the button is clicked
    engine = get_engine()
    start, end = filters.start, filters.end
    st.download_button(
        "Download CSV",
        data=lambda: export_log(engine=engine, log=log, actor=actor, start=start, end=end),
        file_name=f"coachwise-audit-{start}-{end}.csv",
        mime=MIME["csv"],
        key="au_csv",
    )
