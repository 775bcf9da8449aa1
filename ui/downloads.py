"""Download buttons for a table in CSV, XLSX and JSON, generated on click."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.export import export_bytes

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def table_downloads(frame: pd.DataFrame, *, stem: str, sheet: str, key_prefix: str) -> None:
    """Three buttons in a row; each file is written only when its button is clicked."""
    columns = st.columns([1, 1, 1, 3])
    for col, fmt in zip(columns, MIME, strict=False):
        col.download_button(
            f"Download {fmt.upper()}",
            data=lambda fmt=fmt: export_bytes(frame, fmt, sheet=sheet),  # type: ignore[misc]
            file_name=f"{stem}.{fmt}",
            mime=MIME[fmt],
            key=f"{key_prefix}_{fmt}",
        )
