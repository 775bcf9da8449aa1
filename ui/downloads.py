"""Download buttons generated on click; every export of people's data writes one audit entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st

from core.export import export_bytes
from core.governance.audit import record, subject_ids
from ui.auth import current_user
from ui.i18n import _
from ui.state import get_engine

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
    "zip": "application/zip",
    "ics": "text/calendar",
}


def audited(
    make: Callable[[], bytes | str], *, dataset_id: int, rep_ids: Iterable[object], what: str
) -> Callable[[], bytes | str]:
    """Wrap a file maker so that producing the file also records who exported which people.

    Who is captured now, in the page run: Streamlit makes the file later, outside it, when the button
    is clicked.
    """
    actor = current_user()
    ids = list(rep_ids)

    def produce() -> bytes | str:
        data = make()
        record(
            engine=get_engine(),
            actor=actor,
            action="export",
            dataset_id=dataset_id,
            subject=subject_ids(ids),
            detail=what,
        )
        return data

    return produce


def table_downloads(
    frame: pd.DataFrame, *, stem: str, sheet: str, key_prefix: str, dataset_id: int, id_column: str = "rep_id"
) -> None:
    """Three buttons in a row (CSV, XLSX, JSON); each file is written, and audited, only when clicked."""
    columns = st.columns([1, 1, 1, 3])
    ids = frame[id_column].tolist() if id_column in frame.columns else []
    for col, fmt in zip(columns, ("csv", "xlsx", "json"), strict=False):
        col.download_button(
            _("Download {format}").format(format=fmt.upper()),
            data=audited(
                lambda fmt=fmt: export_bytes(frame, fmt, sheet=sheet),  # type: ignore[misc]
                dataset_id=dataset_id,
                rep_ids=ids,
                what=f"{sheet} table ({fmt})",
            ),
            file_name=f"{stem}.{fmt}",
            mime=MIME[fmt],
            key=f"{key_prefix}_{fmt}",
        )
