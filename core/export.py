"""Writing tables for people to open: CSV, XLSX and JSON, safe against spreadsheet formula injection.

Every spreadsheet the project writes goes through here. CSV cells that start with ``= + - @``,
TAB, CR or LF are prefixed with ``'`` (OWASP "CSV injection"); XLSX strings are always
written as strings, never as formulas. Every format drops control characters and terminal escape
sequences from text first (:func:`core.text.safe_text`): XML cannot hold them, so an XLSX with one
would not be written at all, and a CSV or JSON printed to a terminal would run them.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from datetime import datetime
from io import BytesIO, StringIO
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from core.i18n import NP_, _, current, pgettext
from core.text import safe_text

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""What every change :func:`core.text.safe_text` makes starts with (an escape sequence begins with ESC or CSI)."""
Format = Literal["csv", "json", "xlsx"]


# Column keys of the command line's tables and what a German or Dutch reader's spreadsheet calls them.
# English exports keep the keys themselves (scripts read them); JSON always does.
HEADERS: dict[str, str] = {
    "rep_id": NP_("export header", "ID"),
    "name": NP_("export header", "name"),
    "role": NP_("export header", "role"),
    "team": NP_("export header", "team"),
    "region": NP_("export header", "region"),
    "manager": NP_("export header", "manager"),
    "score": NP_("export header", "score"),
    "percentile": NP_("export header", "percentile"),
    "rank": NP_("export header", "rank"),
    "tier": NP_("export header", "tier"),
    "tier_computed": NP_("export header", "tier as computed"),
    "scored_on": NP_("export header", "scored on"),
    "borderline": NP_("export header", "borderline"),
    "tie_at_boundary": NP_("export header", "tie at the boundary"),
    "persistent_low": NP_("export header", "persistently low"),
    "low_windows": NP_("export header", "low windows"),
    "trend": NP_("export header", "trend"),
    "small_sample": NP_("export header", "small sample"),
    "meaningful": NP_("export header", "meaningful difference"),
    "overridden": NP_("export header", "overridden"),
    "override_reason": NP_("export header", "override reason"),
    "override_by": NP_("export header", "overridden by"),
    "flags": NP_("export header", "flags"),
    "lead_rate_raw": NP_("export header", "leads per month (raw)"),
    "lead_rate": NP_("export header", "leads per month"),
    "qualified_lead_rate_raw": NP_("export header", "qualified-lead share (raw)"),
    "qualified_lead_rate": NP_("export header", "qualified-lead share"),
    "qualification_efficiency_raw": NP_("export header", "qualification efficiency (raw)"),
    "qualification_efficiency": NP_("export header", "qualification efficiency"),
    "close_rate_raw": NP_("export header", "close rate (raw)"),
    "close_rate": NP_("export header", "close rate"),
    "quota_attainment_raw": NP_("export header", "quota attainment (raw)"),
    "quota_attainment": NP_("export header", "quota attainment"),
    "revenue_per_month_raw": NP_("export header", "revenue won per month (raw)"),
    "revenue_per_month": NP_("export header", "revenue won per month"),
    "upsell_rate_raw": NP_("export header", "upsell rate (raw)"),
    "upsell_rate": NP_("export header", "upsell rate"),
    "coach_id": NP_("export header", "coach ID"),
    "coach_name": NP_("export header", "coach"),
    "coach_role": NP_("export header", "coach's role"),
    "coachee_id": NP_("export header", "coachee ID"),
    "coachee_name": NP_("export header", "coachee"),
    "coachee_role": NP_("export header", "coachee's role"),
    "level": NP_("export header", "level"),
    "status": NP_("export header", "status"),
    "fit": NP_("export header", "fit"),
    "same_team": NP_("export header", "same team"),
    "same_region": NP_("export header", "same region"),
    "locked": NP_("export header", "locked"),
    "ask_first": NP_("export header", "ask first"),
    "just_risen": NP_("export header", "just risen"),
    "focus": NP_("export header", "focus"),
    "coach_hours": NP_("export header", "coaching hours per month"),
    "reason": NP_("export header", "reason"),
    "invite": NP_("export header", "could coach them"),
    "why": NP_("export header", "why without a peer coach"),
    "why_them": NP_("export header", "why them"),
    "levels": NP_("export header", "levels"),
    "coachees": NP_("export header", "coachees"),
    "coachee_names": NP_("export header", "coachees' names"),
    "hours": NP_("export header", "hours per month"),
    "row": NP_("export header", "row"),
    "column": NP_("export header", "column"),
    "value": NP_("export header", "value"),
    "severity": NP_("export header", "severity"),
    "kind": NP_("export header", "kind"),
    "start": NP_("export header", "start"),
    "peers": NP_("export header", "peers"),
    "lift": NP_("export header", "lift"),
    "low": NP_("export header", "low"),
    "high": NP_("export header", "high"),
    "note": NP_("export header", "note"),
    "change": NP_("export header", "change"),
    "peer_change": NP_("export header", "peers' change"),
    "focus_metric": NP_("export header", "focus metric"),
    "focus_lift": NP_("export header", "focus lift"),
    "focus_low": NP_("export header", "focus low"),
    "focus_high": NP_("export header", "focus high"),
    "id": NP_("export header", "entry"),
    "at": NP_("export header", "at (UTC)"),
    "actor": NP_("export header", "actor"),
    "action": NP_("export header", "action"),
    "dataset_id": NP_("export header", "dataset"),
    "subject": NP_("export header", "subject"),
    "detail": NP_("export header", "detail"),
}


def localised_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the headers a reader of the current language expects in a CSV or XLSX export.

    English keeps the column keys (what scripts and the importer read); German and Dutch get their words
    for every column in :data:`HEADERS`, and any other column keeps its key. Values are not touched: numbers
    stay machine-readable.
    """
    if current().language == "en":
        return frame
    names = {key: pgettext("export header", label) for key, label in HEADERS.items() if key in frame.columns}
    return frame.rename(columns=names)


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
            # Each distinct text is looked at once (a tier column has three, not 20,000 cells to check); when none
            # holds a control character (one search of them all), only a formula's first character can matter.
            distinct = [v for v in series.unique().tolist() if isinstance(v, str)]
            if _CONTROL.search("".join(distinct)):
                unsafe = {v for v in distinct if neutralise_text(v) != v}
            else:
                unsafe = {v for v in distinct if v.startswith(FORMULA_START)}
            if unsafe:
                text = series.astype(object)
                changed = text.isin(list(unsafe))
                out[column] = text.where(~changed, text[changed].map(neutralise_text))
    out.columns = [str(neutralise_text(str(c))) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with a BOM (Excel opens it with the right characters), formula-safe."""
    return csv_text(neutralise(frame)).encode("utf-8-sig")


def csv_text(frame: pd.DataFrame) -> str:
    """``frame.to_csv(index=False)``, character for character, in about half the time.

    pandas turns every float column into text with numpy's ``astype(str)`` before handing the rows to
    Python's ``csv`` writer; here the writer gets Python values and writes floats with their own
    ``repr`` — the same shortest round-trip digits (a property test compares both on every kind of
    column). Columns of a type this does not know (dates, categories, masked floats …) go to pandas.
    """
    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    if not columns or not all(_csv_ready(column) for column in columns):
        return str(frame.to_csv(index=False))
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator=os.linesep)  # pandas' defaults: QUOTE_MINIMAL, '"' doubled
    writer.writerow([str(c) for c in frame.columns])
    writer.writerows(zip(*map(_csv_cells, columns), strict=True))
    return buffer.getvalue()


def _csv_ready(column: pd.Series) -> bool:
    dtype = column.dtype
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biuO" or (dtype.kind == "f" and dtype.itemsize == 8)
    return isinstance(dtype, pd.StringDtype | pd.BooleanDtype) or (
        isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu" and dtype.name[:1] in "IU"
    )


def _csv_cells(column: pd.Series) -> list[object]:
    """The column's values as the CSV writer should see them: ``None`` where pandas writes an empty cell."""
    values = column.to_numpy() if isinstance(column.dtype, np.dtype) else column.astype(object).to_numpy()
    cells: list[object] = values.tolist()
    missing = np.isnan(values) if values.dtype.kind == "f" else pd.isna(values) if values.dtype.kind == "O" else None
    if missing is not None:
        for i in np.flatnonzero(missing).tolist():
            cells[i] = None
    return cells


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
    raise ValueError(_("Unknown format '{format}': use csv, json or xlsx.").format(format=fmt))
