"""Writing tables for people to open: CSV, XLSX and JSON, safe against spreadsheet formula injection.

Every spreadsheet the project writes goes through here. CSV cells that start with ``= + - @``,
TAB, CR or LF are prefixed with ``'`` (OWASP "CSV injection"); XLSX strings are always
written as strings, never as formulas. Every format drops control characters and terminal escape
sequences from text first (:func:`core.text.safe_text`): XML cannot hold them, so an XLSX with one
would not be written at all, and a CSV or JSON printed to a terminal would run them.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from core.text import safe_text

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
Format = Literal["csv", "json", "xlsx"]


def neutralise_text(value: object) -> object:
    """Drop control characters from a string and prefix it with an apostrophe if it looks like a formula.

    Anything that is not a string is returned as it is.
    """
    if not isinstance(value, str):
        return value
    value = safe_text(value)
    if value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells hold no control characters and cannot be read as formulas."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            text = series.astype(object)
            changed = text.map(lambda v: isinstance(v, str) and neutralise_text(v) != v).astype(bool)
            if changed.any():
                out[column] = text.where(~changed, text[changed].map(neutralise_text))
    out.columns = [str(neutralise_text(str(c))) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with a BOM (Excel opens it with the right characters), formula-safe."""
    return str(neutralise(frame).to_csv(index=False)).encode("utf-8-sig")


def _plain(value: object) -> object:
    if isinstance(value, str):
        return safe_text(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(float(value)) else float(value)
    return value


def to_json_text(frame: pd.DataFrame) -> str:
    """A JSON list of objects, one per row; missing values are null."""
    records = [{safe_text(str(k)): _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    return json.dumps(records, ensure_ascii=False, indent=2)


def to_xlsx_bytes(frame: pd.DataFrame, *, sheet: str = "Coachwise") -> bytes:
    """An XLSX workbook with one sheet; text is stored as text (never a formula), numbers as numbers."""
    from openpyxl import Workbook  # imported for a workbook only: CSV and JSON exports do without it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=safe_text(sheet, one_line=True)[:31])

    def cell(value: object, *, bold: bool = False) -> Cell:
        plain = _plain(value)
        if not isinstance(plain, str | int | float | datetime | None):
            plain = str(plain)
        c = WriteOnlyCell(ws, value=plain)
        if isinstance(plain, str):
            c.data_type = "s"  # a leading "=" stays text
        if bold:
            c.font = Font(bold=True)
        return c

    ws.append([cell(str(c), bold=True) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([cell(v) for v in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_bytes(frame: pd.DataFrame, fmt: Format, *, sheet: str = "Coachwise") -> bytes:
    """Write ``frame`` in the given format.

    Raises:
        ValueError: For an unknown format.
    """
    if fmt == "csv":
        return to_csv_bytes(frame)
    if fmt == "json":
        return to_json_text(frame).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx_bytes(frame, sheet=sheet)
    raise ValueError(f"Unknown format '{fmt}': use csv, json or xlsx.")
