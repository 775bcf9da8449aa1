"""Audit trail (admin): who signed in, imported, viewed the HR review, exported, overrode or deleted what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from core.governance.audit import ACTIONS, audit_log, dataset_filter, day_span, export_log
from ui.auth import current_user, require_page
from ui.downloads import MIME
from ui.i18n import _, number, table_datetime_format
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
    st.title(_("Audit trail"))
    st.caption(
        _(
            "Every sign-in, import (file SHA-256 and row counts, never contents), view of the HR review, export of "
            "plans or briefs (which people), tier override, dataset deletion and user change. Entries hold IDs, "
            "not scores; typed text is kept on one line. Entries are shown as they were recorded."
        )
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
    st.metric(_("Entries"), number(len(log)))
    if log.empty:
        st.info(_("No entries match these filters."))
        return
    _entries(log)
    _download(log, filters)


def _filters() -> _Filters | None:
    """The filter row; None after an error when the dataset id is not a number."""
    f1, f2, f3, f4 = st.columns([2, 1, 1, 1])
    actions = f1.multiselect(_("What"), list(ACTIONS), format_func=lambda a: _(ACTIONS[a]), key="au_actions")
    actor = f2.text_input(_("Who (contains)"), key="au_actor")
    dataset_text = f3.text_input(_("Dataset id"), key="au_dataset", placeholder=_("any"))
    today = date.today()
    period = f4.date_input(_("From – to"), value=(today - timedelta(days=30), today), max_value=today, key="au_dates")
    try:
        dataset_id = dataset_filter(dataset_text)
    except ValueError:
        st.error(
            _("'{typed}' is not a dataset id: give the number shown on the Upload page.").format(
                typed=dataset_text.strip()
            )
        )
        return None
    start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (today, today)
    return _Filters(actions=actions, actor=actor, dataset_id=dataset_id, start=start, end=end)


def _entries(log: pd.DataFrame) -> None:
    """The entries as a table: actions in the reader's words, times to the second, a blank where no dataset.

    Subject and detail are shown as recorded (in English): the trail is a record, not a page's text.
    """
    shown = log.assign(
        action=log["action"].map(lambda a: _(ACTIONS[a]) if a in ACTIONS else a),
        dataset_id=log["dataset_id"].astype("string").fillna(""),
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=min(560, 38 + 35 * len(shown)),
        column_config={
            "id": st.column_config.NumberColumn(_("id")),
            "at": st.column_config.DatetimeColumn(_("at (UTC)"), format=table_datetime_format(seconds=True)),
            "actor": st.column_config.TextColumn(_("actor")),
            "action": st.column_config.TextColumn(_("action")),
            "dataset_id": st.column_config.TextColumn(_("dataset")),
            "subject": st.column_config.TextColumn(_("subject")),
            "detail": st.column_config.TextColumn(_("detail")),
        },
    )


def _download(log: pd.DataFrame, filters: _Filters) -> None:
    """The CSV download; making the file is recorded."""
    actor = current_user()  # captured in the page run; the file is made later, when the button is clicked
    engine = get_engine()
    start, end = filters.start, filters.end
    st.download_button(
        _("Download CSV"),
        data=lambda: export_log(engine=engine, log=log, actor=actor, start=start, end=end),
        file_name=f"coachwise-audit-{start}-{end}.csv",
        mime=MIME["csv"],
        key="au_csv",
    )
