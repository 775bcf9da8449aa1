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
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.i18n import NP_, _, current, pgettext
from core.text import safe_text

if TYPE_CHECKING:
    import pyarrow as pa
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


def _unsafe(distinct: list[str]) -> set[str]:
    """The texts among ``distinct`` that :func:`neutralise_text` changes: when none holds a control character (one
    search of them all), only a formula's first character can matter."""
    if _CONTROL.search("".join(distinct)):
        return {v for v in distinct if neutralise_text(v) != v}
    return {v for v in distinct if v.startswith(FORMULA_START)}


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells hold no control characters and cannot be read as formulas."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            # Each distinct text is looked at once (a tier column has three, not 20,000 cells to check).
            unsafe = _unsafe([v for v in series.unique().tolist() if isinstance(v, str)])
            if unsafe:
                text = series.astype(object)
                changed = text.isin(list(unsafe))
                out[column] = text.where(~changed, text[changed].map(neutralise_text))
    out.columns = [str(neutralise_text(str(c))) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV as UTF-8 with a BOM (Excel opens it with the right characters), formula-safe: the CSV of
    :func:`neutralise`'s copy, each distinct text made safe where it is written (#17: not looked at twice)."""
    return b"\xef\xbb\xbf" + _csv_bytes(frame, safe=True)


def csv_text(frame: pd.DataFrame) -> str:
    """``frame.to_csv(index=False)``, character for character, in a fraction of the time (see :func:`_csv_bytes`)."""
    return _csv_bytes(frame).decode("utf-8")


def _csv_bytes(frame: pd.DataFrame, *, safe: bool = False) -> bytes:
    """``frame.to_csv(index=False)`` as UTF-8 (``safe``: of ``neutralise(frame)``).

    pandas turns every float column into text with numpy's ``astype(str)`` and hands the rows to Python's
    ``csv`` writer, which looks at every character of every cell: a quarter of a second for the 20,000-person
    tiers table. Here each column becomes Arrow text on its own — floats by :func:`_float_texts`, a column of
    texts by quoting each distinct text once, as the ``csv`` writer would — and Arrow joins the rows, the
    file being the joined rows' buffer (#17). A property test compares both on every kind of column.
    Columns of a type this does not know (dates, categories, masked floats …) go to pandas.
    """
    import pyarrow.compute as pc

    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    if not columns or not all(_csv_ready(column) for column in columns):
        return str((neutralise(frame) if safe else frame).to_csv(index=False)).encode("utf-8")
    names = [str(neutralise_text(str(c))) if safe else str(c) for c in frame.columns]
    header = StringIO()
    csv.writer(header, lineterminator=os.linesep).writerow(names)  # pandas' dialect
    if not len(frame):
        return header.getvalue().encode("utf-8")
    texts = [_csv_texts(column, safe=safe) for column in columns]
    if len(texts) == 1:  # a row of one empty cell is written as "" (joined, it would be an empty line)
        texts[0] = pc.if_else(pc.equal(texts[0], ""), _large('""'), texts[0])
    texts[-1] = pc.binary_join_element_wise(texts[-1], _large(""), _large(os.linesep))  # a line break after each row
    rows = pc.binary_join_element_wise(*texts, _large(","))
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64, count=len(rows) + 1, offset=rows.offset * 8)
    body = memoryview(rows.buffers()[2])[int(offsets[0]) : int(offsets[-1])]  # the rows one after the other
    return header.getvalue().encode("utf-8") + bytes(body)


def _large(text: str) -> pa.Scalar[Any]:
    """A text as an Arrow scalar of the cells' type (Arrow's kernels take no mix of text types)."""
    import pyarrow as pa

    return pa.scalar(text, type=pa.large_string())


def _csv_ready(column: pd.Series) -> bool:
    dtype = column.dtype
    if isinstance(dtype, np.dtype):
        return dtype.kind in "biuO" or (dtype.kind == "f" and dtype.itemsize == 8)
    return isinstance(dtype, pd.StringDtype | pd.BooleanDtype) or (
        isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu" and dtype.name[:1] in "IU"
    )


def _quoted_characters() -> str:
    """The characters that make the ``csv`` writer quote a cell (Python versions differ on a lone CR)."""
    quoted = ""
    for character in ',"\r\n':
        buffer = StringIO()
        csv.writer(buffer, lineterminator=os.linesep).writerow([f"a{character}b", ""])
        quoted += character if buffer.getvalue().startswith('"') else ""
    return quoted


_QUOTED_CHARACTERS: Final = _quoted_characters()
_NEEDS_QUOTES: Final = re.compile("[" + re.escape(_QUOTED_CHARACTERS) + "]")


def _csv_quoted(text: str) -> str:
    """``text`` as the ``csv`` writer writes a cell (QUOTE_MINIMAL, a quotation mark doubled)."""
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES.search(text) else text


def _csv_quoted_texts(texts: pa.LargeStringArray) -> pa.LargeStringArray:
    """:func:`_csv_quoted` of every text at once (#17: a rep_id column has 20,000 distinct texts to look at)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    needs = np.zeros(len(texts), dtype=bool)
    for character in _QUOTED_CHARACTERS:
        needs |= np.asarray(pc.match_substring(texts, character), dtype=bool)
    if not needs.any():
        return texts
    doubled = pc.replace_substring(texts, '"', '""')
    quoted = pc.binary_join_element_wise(_large('"'), doubled, _large('"'), _large(""))
    return pc.if_else(pa.array(needs), quoted, texts)


def _distinct_written(texts: list[str], safe: bool) -> pa.LargeStringArray:
    """Distinct texts as the ``csv`` writer writes them (``safe``: made safe first), then ``""`` for a missing
    cell: what each cell's code takes."""
    import pyarrow as pa

    unsafe = _unsafe(texts) if safe else set()
    if unsafe:
        texts = [str(neutralise_text(t)) if t in unsafe else t for t in texts]
    return _csv_quoted_texts(pa.array([*texts, ""], type=pa.large_string()))


def _csv_texts(column: pd.Series, *, safe: bool = False) -> pa.LargeStringArray:
    """Each cell's text as the ``csv`` writer writes it, empty where pandas writes an empty cell (``safe``: each
    text as :func:`neutralise_text` makes it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = column.dtype
    if dtype == np.float64:
        return _float_texts(column.to_numpy())
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pc.cast(pa.array(column.to_numpy()), pa.large_string())
    if isinstance(dtype, np.dtype | pd.BooleanDtype) and dtype.kind == "b":
        truth = column.to_numpy(dtype=np.int8, na_value=2)  # 2: missing
        return pa.array(["False", "True", ""], type=pa.large_string()).take(pa.array(truth))
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu":  # Int64 and its kin
        return pc.fill_null(pc.cast(pa.array(column.array), pa.large_string()), "")
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":  # Arrow's own: encoded without Python
        cells = pa.array(column.array)
        encoded = pc.dictionary_encode(cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells)
        texts = encoded.dictionary.to_pylist()
        return _distinct_written(texts, safe).take(pc.fill_null(encoded.indices, len(texts)))
    values = column.astype(object).to_numpy()
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # Texts only: each distinct one quoted once (a tier column holds three, not 20,000, to look at).
        codes, distinct = pd.factorize(values, use_na_sentinel=True)
        written = _distinct_written(distinct.tolist(), safe)
        return written.take(pa.array(np.where(codes < 0, len(distinct), codes)))
    # Mixed values: what the writer does with each — a float's repr, anything else's str, nothing for missing.
    missing = pd.isna(values).tolist()
    made_safe = neutralise_text if safe else (lambda value: value)
    cells = [
        "" if blank else _csv_quoted(str(made_safe(value)) if isinstance(value, str) else str(value))
        for value, blank in zip(values.tolist(), missing, strict=True)
    ]
    return pa.array(cells, type=pa.large_string())


def _float_texts(values: npt.NDArray[np.float64]) -> pa.LargeStringArray:
    """Each float as ``repr`` writes it (what pandas writes), empty for NaN.

    ``repr`` takes about a microsecond for a float of 16–17 digits (a team's ratios); Arrow's cast to text finds
    the same shortest round-trip digits many times faster (#17). Where the two write a number differently,
    ``repr`` writes it: Arrow leaves out a whole number's ".0" (added here), writes ``1e-05`` as ``0.00001`` and
    turns to an exponent at other sizes — so only its plain decimals of at least 0.0001 are taken as they are.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pc.cast(pa.array(values), pa.large_string())
    point = np.asarray(pc.match_substring(texts, "."), dtype=bool)
    exponent = np.asarray(pc.match_substring(texts, "e"), dtype=bool)
    missing = np.isnan(values)
    whole = np.isfinite(values) & ~point & ~exponent  # "97" for 97.0, "-0" for -0.0
    with np.errstate(invalid="ignore"):
        taken = missing | whole | (point & ~exponent & (np.abs(values) >= 1e-4))
    if whole.any():
        texts = pc.if_else(pa.array(whole), pc.binary_join_element_wise(texts, _large("0"), _large(".")), texts)
    if missing.any():
        texts = pc.if_else(pa.array(missing), _large(""), texts)
    if taken.all():
        return texts
    others = [repr(float(v)) for v in values[~taken].tolist()]
    return pc.replace_with_mask(texts, pa.array(~taken), pa.array(others, type=pa.large_string()))


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
