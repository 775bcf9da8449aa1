"""Turn an uploaded file's bytes into a raw table of cells, or refuse it with one sentence.

The reader decides what a file is by its content, never by its name: an XLSX workbook is a
zip holding ``[Content_Types].xml`` and ``xl/workbook.xml``; anything that decodes as text
and is not markup is read as CSV. When the name says otherwise (a CSV saved as
``team.xlsx``, a tab-separated "Excel" export called ``report.xls``, a workbook called
``team.csv``) the file is read by its content and a warning says so. Everything else —
old ``.xls`` workbooks, macro-enabled ``.xlsm``, other zips, PDFs, images, binary junk,
web pages, empty files — raises :class:`UnusableFile` with one sentence naming the file
and saying what to do. Those sentences and the notes are written in the language core speaks
(:func:`core.i18n.current`); header names (also ``"column N"`` for a blank one) are data and stay as read.

Values are not converted: CSV cells stay strings (decimal commas and ``=formula``-looking
text included), XLSX cells keep the type openpyxl gives. Finding the header row below
title rows, dropping totals rows and blank rows, and naming blank or duplicate headers
happen here, so every later step sees one header row and data rows only, each with the
row number the user sees in Excel or a text editor.

Hostile files are refused before they cost time or memory: size limits on the upload,
zip member count, declared uncompressed size and compression ratio checked from the zip
directory before anything is decompressed, XML entity declarations refused (and openpyxl
parses through defusedxml), the shared-strings table (which openpyxl builds in memory in full
before reading any cell) bounded in size and in strings, and a cap on the cells any table may have.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import logging
import math
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Final, Protocol, cast
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]

from core.i18n import N_, _, ngettext
from core.ingest.ahead import SNIFF_BYTES, arrow_text
from core.ingest.wording import number

if TYPE_CHECKING:
    import pyarrow as pa

_LOG = logging.getLogger(__name__)

MB: Final = 1024 * 1024
MAX_UPLOAD_BYTES: Final = 25 * MB
"""Default limit on the file's size (the app's upload limit)."""
MAX_ZIP_MEMBERS: Final = 1_000
"""A workbook with more files inside is refused (Excel writes a few dozen at most)."""
MAX_XLSX_UNCOMPRESSED: Final = 300 * MB
"""Refuse a workbook whose members declare more than this in total once unpacked.

Sheet XML compresses about 10:1, so a 25 MB workbook unpacks to roughly 250 MB.
"""
MAX_COMPRESSION_RATIO: Final = 100
"""Refuse a zip member over :data:`RATIO_CHECK_MIN_BYTES` compressed more than this (x:1)."""
RATIO_CHECK_MIN_BYTES: Final = 1 * MB
MAX_SHARED_STRINGS_BYTES: Final = 32 * MB
"""Refuse a workbook whose shared-strings table unpacks to more than this.

Excel stores each distinct text once; a sales export's distinct names, IDs, teams and months fill a
few MB at most. openpyxl holds the whole table in memory (about 3.5 bytes per byte of XML) before the
first cell is read, so this is checked from the zip directory first.
"""
MAX_SHARED_STRINGS: Final = 1_000_000
"""Refuse a workbook with more distinct texts than this (counted by streaming the table, not building it)."""
MAX_COLUMNS: Final = 1_000
"""More columns than this is not a sales export."""
MAX_CELLS: Final = 20_000_000
"""Rows x columns a table may have (480,000 rows x 17 columns is 8.2 million)."""
HEADER_SCAN_ROWS: Final = 30
"""The header row is looked for among this many non-empty rows at the top."""
SEPARATORS: Final = (",", ";", "\t", "|")
TOTALS_LABELS: Final = frozenset(
    {
        "total",
        "totals",
        "grand total",
        "sum",
        "summe",
        "gesamt",
        "gesamtsumme",
        "gesamtergebnis",
        "totaal",
        "eindtotaal",
        "subtotal",
        "subtotaal",
        "zwischensumme",
    }
)
"""Labels (case-insensitive, optional trailing colon) that mark a totals row."""

_TEXT_EXTENSIONS: Final = frozenset({".csv", ".txt", ".tsv", ".tab"})
_EXCEL_EXTENSIONS: Final = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods"})
_OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS: Final = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MAGICS: Final = (
    (b"%PDF-", N_("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", N_("an image (PNG)")),
    (b"\xff\xd8\xff", N_("an image (JPEG)")),
    (b"GIF87a", N_("an image (GIF)")),
    (b"GIF89a", N_("an image (GIF)")),
    (b"II*\x00", N_("an image (TIFF)")),
    (b"MM\x00*", N_("an image (TIFF)")),
    (b"\x1f\x8b", N_("a compressed archive (gzip)")),
    (b"7z\xbc\xaf\x27\x1c", N_("a compressed archive (7-Zip)")),
    (b"Rar!\x1a\x07", N_("a compressed archive (RAR)")),
    (b"BZh", N_("a compressed archive (bzip2)")),
)
_CONTROL_CHARS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER: Final = re.compile(
    r"[+\-\u2212(]?\s*(?:[€$£¥]|EUR|USD|CHF|GBP)?\s*[+\-\u2212]?\d[\d\s.,'’]*"
    r"(?:\s*(?:%|€|\$|£|EUR|USD|CHF|GBP))?\)?",
    re.IGNORECASE,
)
_DATE: Final = re.compile(r"\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,4})?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_SEP_HINT: Final = re.compile(r"\s*sep=(.)\s*")
_TOO_MANY_FIELDS: Final = re.compile(r"Expected \d+ fields in line \d+, saw (\d+)")
_OPEN_QUOTE: Final = re.compile(r"EOF inside string starting at row (\d+)")


class _Sheet(Protocol):
    """The part of openpyxl's read-only worksheet the reader uses."""

    title: str
    sheet_state: str

    def reset_dimensions(self) -> None: ...

    def iter_rows(self, *, values_only: bool) -> Iterator[Sequence[object]]: ...


class UnusableFile(ValueError):
    """The file cannot be used at all; str(exc) is ONE clear sentence naming the file and saying what to do."""


@dataclass(frozen=True)
class RawTable:
    """A file's table as read: one header row, data rows only, cells not yet converted.

    Attributes:
        frame: Data rows only, object dtype. Columns are the header texts, stripped; a blank
            header becomes ``"column N"`` (N the 1-based spreadsheet column) and a repeated one
            ``"X (2)"``. CSV cells are stripped strings (``""`` for blank); XLSX cells are the
            values openpyxl gives (stripped str, int, float, bool, datetime/date/time) and
            ``""`` for empty cells.
        row_numbers: For each data row, its row number as Excel or a text editor shows it.
        filename: The name the file was uploaded under.
        kind: ``"csv"`` or ``"xlsx"``.
        sheet: The sheet read (XLSX only).
        sheets: All sheets that have data (XLSX); ``[]`` for CSV.
        encoding: The text encoding (CSV only), e.g. ``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``.
        separator: The field separator (CSV only): one of ``, ; TAB |``.
        warnings: Sentences about what the reader skipped or assumed.
        text: For a CSV file, each column's cells as Arrow read them (see :meth:`arrow_text`).
    """

    frame: pd.DataFrame
    row_numbers: list[int]
    filename: str
    kind: str
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    separator: str | None = None
    warnings: list[str] = field(default_factory=list)
    text: dict[str, _ArrowText] = field(default_factory=dict, repr=False, compare=False)

    def arrow_text(self, header: str) -> pa.Array | None:
        """The column's cells as Arrow text, row for row the texts ``frame[header]`` holds — a dictionary array
        for a column that repeats its cells (#17: later steps read a few hundred distinct cells, not 300,000);
        None where the reader did not keep them (a workbook, a column it does not know)."""
        column = self.text.get(header)
        if column is None or len(column.rows) != len(self.frame):
            return None
        return column.cells()

    def head(self, rows: int) -> RawTable:
        """The table's first ``rows`` data rows only."""
        text = {header: replace(column, rows=column.rows[:rows]) for header, column in self.text.items()}
        return replace(self, frame=self.frame.iloc[:rows], row_numbers=self.row_numbers[:rows], text=text)


@dataclass(frozen=True)
class _ArrowText:
    """A CSV column's stripped cells as Arrow read them, and which rows of the file's grid are the table's rows.

    Attributes:
        grid: The column, every row of the file (or its distinct cells when ``codes`` is given).
        rows: The positions in the grid of the table's rows.
        codes: For a column by distinct cell, each grid row's position in ``grid``.
    """

    grid: pa.ChunkedArray | pa.Array
    rows: np.ndarray
    codes: np.ndarray | None = None

    def cells(self) -> pa.Array:
        import pyarrow as pa

        if self.codes is not None:
            return pa.DictionaryArray.from_arrays(pa.array(self.codes[self.rows]), self.grid)
        taken = self.grid.take(pa.array(self.rows))
        return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken


def read_table(data: bytes, filename: str, *, sheet: str | None = None, max_bytes: int = MAX_UPLOAD_BYTES) -> RawTable:
    """Read an uploaded CSV or XLSX file into a raw table of cells.

    Args:
        data: The file's bytes.
        filename: The name it was uploaded under; used in messages and for the
            extension-mismatch warning, never to decide how to read the file.
        sheet: For a workbook, the sheet to read (default: the first visible sheet with
            data). Ignored for CSV.
        max_bytes: Files larger than this are refused.

    Returns:
        The table with its header texts, data rows, their row numbers and warnings.

    Raises:
        UnusableFile: The file cannot be used; the message is one sentence naming the
            file and saying what to do.
    """
    data = bytes(data)
    try:
        return _read(data, filename, sheet, max_bytes)
    except UnusableFile:
        raise
    except Exception as exc:  # the promise is one sentence, never a traceback
        _LOG.warning("Unexpected error while reading %r", filename, exc_info=True)
        raise UnusableFile(
            _(
                "'{file}' could not be read as a CSV or Excel file; "
                "open it in Excel, save it as .xlsx or CSV and upload it again."
            ).format(file=filename)
        ) from exc


def _read(data: bytes, filename: str, sheet: str | None, max_bytes: int) -> RawTable:
    if len(data) > max_bytes:
        raise UnusableFile(
            _(
                "'{file}' is {size}, more than the {limit} limit; "
                "upload only the months and people you need, or save it as CSV."
            ).format(file=filename, size=_megabytes(len(data)), limit=_megabytes(max_bytes))
        )
    if not data:
        raise UnusableFile(_("'{file}' is empty; export the data again and upload the new file.").format(file=filename))
    ext = PurePath(filename).suffix.lower()
    if data.startswith(_ZIP_MAGICS):
        _check_workbook_zip(data, filename)
        notes = [] if ext == ".xlsx" else [_workbook_named_otherwise(filename, ext)]
        return _read_xlsx(data, filename, sheet, notes)
    if data.startswith(_OLE2_MAGIC):
        raise UnusableFile(_ole2_message(data, filename, ext))
    for magic, what in _MAGICS:
        if data.startswith(magic):
            raise UnusableFile(
                _("'{file}' is {what}, not a spreadsheet; upload the export as .xlsx or CSV instead.").format(
                    file=filename, what=_(what)
                )
            )
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise UnusableFile(
            _("'{file}' is an image (WebP), not a spreadsheet; upload the export as .xlsx or CSV.").format(
                file=filename
            )
        )
    return _read_csv(data, filename, ext)


def _megabytes(size: int) -> str:
    """``25 MB`` for a whole number, else one decimal rounded up (so a file is never shown at its limit)."""
    tenths = math.ceil(size * 10 / MB)
    amount = number(tenths // 10) if tenths % 10 == 0 else number(tenths / 10, digits=1)
    return _("{amount} MB").format(amount=amount)


def _workbook_named_otherwise(filename: str, ext: str) -> str:
    if ext:
        return _("'{file}' is an Excel workbook despite its {ext} name; it was read as a workbook.").format(
            file=filename, ext=ext
        )
    return _("'{file}' is an Excel workbook despite its name without extension; it was read as a workbook.").format(
        file=filename
    )


def _ole2_message(data: bytes, filename: str, ext: str) -> str:
    if "EncryptionInfo".encode("utf-16-le") in data or ext in {".xlsx", ".xlsm"}:
        return _(
            "'{file}' is protected with a password; open it in Excel, remove the password, "
            "save it as .xlsx and upload it again."
        ).format(file=filename)
    if ext in {".doc", ".ppt", ".msg"}:
        return _("'{file}' is an old Office document, not a spreadsheet; upload the export as .xlsx or CSV.").format(
            file=filename
        )
    return _("'{file}' is an old Excel 97–2003 workbook; save it as .xlsx or CSV and upload it again.").format(
        file=filename
    )


# --- XLSX ------------------------------------------------------------------------------------


def _check_workbook_zip(data: bytes, filename: str) -> None:
    """Refuse anything but a plain XLSX workbook, judging only the zip directory and a few bytes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnusableFile(
            _(
                "'{file}' is a damaged zip or Excel file; open it in Excel, save it again as .xlsx "
                "and upload the new file."
            ).format(file=filename)
        ) from exc
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnusableFile(_other_zip_message(archive, names, filename))
        if len(infos) > MAX_ZIP_MEMBERS:
            raise UnusableFile(
                _(
                    "'{file}' holds {n} files inside, more than the {limit} a workbook needs, so it was not "
                    "opened; save it again from Excel as .xlsx and upload the new file."
                ).format(file=filename, n=number(len(infos)), limit=number(MAX_ZIP_MEMBERS))
            )
        total = sum(info.file_size for info in infos)
        if total > MAX_XLSX_UNCOMPRESSED:
            raise UnusableFile(
                _(
                    "'{file}' would unpack to {size}, more than the {limit} limit, so it was not opened; "
                    "save the sheet you need as CSV and upload that."
                ).format(file=filename, size=_megabytes(total), limit=_megabytes(MAX_XLSX_UNCOMPRESSED))
            )
        for info in infos:
            if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
                info.compress_size, 1
            ):
                raise UnusableFile(
                    _(
                        "'{file}' is compressed far more than any real workbook ({ratio}:1), so it was not "
                        "opened; save it again from Excel as .xlsx and upload the new file."
                    ).format(file=filename, ratio=number(info.file_size // max(info.compress_size, 1)))
                )
        types = _head(archive, "[Content_Types].xml", SNIFF_BYTES)
        if "xl/vbaProject.bin" in names or b"macroEnabled" in types:
            raise UnusableFile(
                _(
                    "'{file}' is a macro-enabled Excel workbook; save it as a plain .xlsx workbook "
                    "(or CSV) and upload it again."
                ).format(file=filename)
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and not info.is_dir():
                head = _head(archive, info.filename, SNIFF_BYTES)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise UnusableFile(_entities_message(filename))
        _check_shared_strings(archive, infos, types, filename)


_OVERRIDE: Final = re.compile(rb"<Override\b[^>]*>")
_PART_NAME: Final = re.compile(rb'PartName\s*=\s*"/?([^"]+)"')


def _shared_strings_parts(infos: list[zipfile.ZipInfo], types: bytes) -> list[zipfile.ZipInfo]:
    """The usual ``xl/sharedStrings.xml`` and any part the content types declare as shared strings."""
    declared = {"xl/sharedStrings.xml"}
    for tag in _OVERRIDE.findall(types):
        part = _PART_NAME.search(tag)
        if part and b"sharedStrings" in tag:
            declared.add(part.group(1).decode("utf-8", "replace"))
    return [info for info in infos if info.filename in declared]


def _check_shared_strings(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], types: bytes, filename: str) -> None:
    """Refuse a shared-strings table too large to build, judging the zip directory, then a streamed count."""
    for info in _shared_strings_parts(infos, types):
        if info.file_size > MAX_SHARED_STRINGS_BYTES:
            what = _("{size} of text").format(size=_megabytes(info.file_size))
            raise UnusableFile(_shared_strings_message(filename, what))
        count, tail = 0, b""
        with archive.open(info) as member:
            while chunk := member.read(1 * MB):
                window = tail + chunk
                count += _string_items(window) - _string_items(tail)
                tail = window[-4:]
                if count > MAX_SHARED_STRINGS:
                    what = _("more than {n} texts").format(n=number(MAX_SHARED_STRINGS))
                    raise UnusableFile(_shared_strings_message(filename, what))


def _string_items(xml: bytes) -> int:
    """How many ``<si>`` elements start in ``xml`` (bytes.count: no list of matches is built)."""
    return xml.count(b"<si>") + xml.count(b"<si ") + xml.count(b"<si/")


def _shared_strings_message(filename: str, what: str) -> str:
    return _(
        "'{file}' holds {what} in its shared-strings table, far more than a sales export needs, so it "
        "was not opened; save the sheet you need as CSV and upload that."
    ).format(file=filename, what=what)


def _entities_message(filename: str) -> str:
    return _(
        "'{file}' contains XML entity declarations, which workbooks never need, so it was not opened; "
        "save it again from Excel as .xlsx and upload the new file."
    ).format(file=filename)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    with archive.open(name) as member:
        return member.read(size)


def _other_zip_message(archive: zipfile.ZipFile, names: set[str], filename: str) -> str:
    if "xl/workbook.bin" in names:
        message = _("'{file}' is an Excel binary workbook (.xlsb); save it as .xlsx or CSV and upload it again.")
    elif "mimetype" in names:
        mimetype = _head(archive, "mimetype", 200)
        if b"spreadsheet" in mimetype:
            message = _("'{file}' is an OpenDocument spreadsheet; save it as .xlsx or CSV and upload it again.")
        else:
            message = _("'{file}' is an OpenDocument file, not a spreadsheet; upload the export as .xlsx or CSV.")
    elif any(n.startswith("Index/") and n.endswith(".iwa") for n in names):
        message = _("'{file}' is an Apple Numbers document; export it as .xlsx or CSV and upload that.")
    elif "word/document.xml" in names:
        message = _("'{file}' is a Word document, not a spreadsheet; upload the export as .xlsx or CSV.")
    elif "ppt/presentation.xml" in names:
        message = _("'{file}' is a PowerPoint file, not a spreadsheet; upload the export as .xlsx or CSV.")
    else:
        message = _("'{file}' is a zip archive, not a spreadsheet; unpack it and upload the .xlsx or CSV file inside.")
    return message.format(file=filename)


def _read_xlsx(data: bytes, filename: str, sheet: str | None, notes: list[str]) -> RawTable:
    # openpyxl is imported only for workbooks: a CSV (and a file-only command) does without it.
    import openpyxl  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # type: ignore[import-untyped, unused-ignore]

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles, data validation and the like; none of it matters here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                # Chartsheets have no cells; the Protocol keeps the rest typed with or without openpyxl's stubs.
                sheets = [cast(_Sheet, ws) for ws in workbook.worksheets if isinstance(ws, ReadOnlyWorksheet)]
                with_data = [ws for ws in sheets if _sheet_has_data(ws, filename)]
                chosen = _choose_sheet(sheets, with_data, sheet, filename)
                grid = _sheet_grid(chosen, filename)
            finally:
                workbook.close()
    except UnusableFile:
        raise
    except Exception as exc:
        # openpyxl wraps parser errors in its own ValueError; the cause says what happened.
        if _caused_by(exc, DefusedXmlException):
            raise UnusableFile(_entities_message(filename)) from exc
        if _caused_by(exc, ElementTree.ParseError):
            raise UnusableFile(
                _(
                    "'{file}' is a damaged Excel workbook (its XML is broken); open it in Excel, save it "
                    "again as .xlsx and upload the new file."
                ).format(file=filename)
            ) from exc
        raise
    row_numbers = np.arange(1, len(grid) + 1, dtype=np.int64)
    where = _("sheet '{sheet}' of '{file}'").format(sheet=chosen.title, file=filename)
    frame, numbers, found, _text = _shape(grid, row_numbers, where)
    return RawTable(
        frame=frame,
        row_numbers=numbers,
        filename=filename,
        kind="xlsx",
        sheet=chosen.title,
        sheets=[ws.title for ws in with_data],
        warnings=notes + found,
    )


def _bounded_rows(ws: _Sheet, filename: str) -> Iterator[Sequence[object]]:
    """The sheet's rows at their natural width, refusing sheets beyond the column and cell caps.

    The declared dimension can be wrong (rows would be cut off) or hostile (every row padded
    to 16,384 columns), so it is ignored; a row longer than :data:`MAX_COLUMNS` is cut when
    the cells beyond are empty (stray formatting) and refused otherwise.
    """
    ws.reset_dimensions()
    cells = 0
    for row in ws.iter_rows(values_only=True):
        if len(row) > MAX_COLUMNS:
            tail = row[MAX_COLUMNS:]
            if tail.count(None) != len(tail):
                raise UnusableFile(_too_big_message(filename, too_wide=True))
            row = row[:MAX_COLUMNS]
        cells += len(row)
        if cells > MAX_CELLS:
            raise UnusableFile(_too_big_message(filename, too_wide=False))
        yield row


def _sheet_has_data(ws: _Sheet, filename: str) -> bool:
    for row in _bounded_rows(ws, filename):
        for value in row:
            if value is not None and not (isinstance(value, str) and not value.strip()):
                return True
    return False


def _choose_sheet(sheets: list[_Sheet], with_data: list[_Sheet], wanted: str | None, filename: str) -> _Sheet:
    choices = ", ".join(f"'{ws.title}'" for ws in (with_data or sheets))
    if wanted is None:
        if not with_data:
            raise UnusableFile(
                _(
                    "'{file}' has no data in any sheet; check that you exported the right file and upload it again."
                ).format(file=filename)
            )
        visible = [ws for ws in with_data if ws.sheet_state == "visible"]
        return (visible or with_data)[0]
    matches = [ws for ws in sheets if ws.title == wanted] or [
        ws for ws in sheets if ws.title.strip().casefold() == wanted.strip().casefold()
    ]
    if not matches:
        raise UnusableFile(
            _("'{file}' has no sheet named '{sheet}'; choose one of {choices}.").format(
                file=filename, sheet=wanted, choices=choices
            )
        )
    if matches[0] not in with_data:
        raise UnusableFile(
            _("Sheet '{sheet}' of '{file}' is empty; choose one of {choices}.").format(
                sheet=matches[0].title, file=filename, choices=choices
            )
        )
    return matches[0]


def _sheet_grid(ws: _Sheet, filename: str) -> pd.DataFrame:
    """All cells of the sheet: ``""`` for empty, text stripped, other values as openpyxl gives them."""
    rows = [
        [v.strip() if isinstance(v, str) else ("" if v is None else v) for v in row]
        for row in _bounded_rows(ws, filename)
    ]
    width = max((len(r) for r in rows), default=0)
    cells = np.full((len(rows), width), "", dtype=object)
    for i, row in enumerate(rows):
        cells[i, : len(row)] = row
    return pd.DataFrame(cells, dtype=object)


def _too_big_message(filename: str, *, too_wide: bool) -> str:
    if too_wide:
        return _(
            "'{file}' has more than {n} columns, more than a sales export needs; "
            "keep only the columns you need and upload it again."
        ).format(file=filename, n=number(MAX_COLUMNS))
    return _("'{file}' has more than {n} cells (rows × columns); upload only the months and columns you need.").format(
        file=filename, n=number(MAX_CELLS)
    )


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(data: bytes, filename: str, ext: str) -> RawTable:
    text, encoding, notes = _decode(data, filename)
    lossy = bool(notes)  # characters were replaced, so the bytes are not clean UTF-8
    head = text if text is not None else _utf8_head(data)  # all the sniffing and the refusals read
    if not head or (head.isspace() and _whole(data, text).isspace()):  # only blank space (without a copy)
        raise UnusableFile(
            _("'{file}' contains no data, only blank space; export the data again and upload the new file.").format(
                file=filename
            )
        )
    _refuse_markup(head, filename)
    if ext in _EXCEL_EXTENSIONS:
        notes.append(
            _("'{file}' is a text (CSV) file despite its {ext} name; it was read as CSV.").format(
                file=filename, ext=ext
            )
        )
    elif ext not in _TEXT_EXTENSIONS:
        notes.append(_("'{file}' was read as a CSV text file.").format(file=filename))

    separator, width = _sniff(head[:SNIFF_BYTES], filename)
    # pandas parses UTF-8; only files that are not already clean UTF-8 pay for re-encoding.
    if encoding == "utf-8":
        payload = data
    elif encoding == "utf-8-sig" and not lossy:
        payload = data[len(codecs.BOM_UTF8) :]
    else:
        payload = _whole(data, text).encode("utf-8")
    lines = count_lines(payload)
    if lines * width > MAX_CELLS:
        raise UnusableFile(_too_big_message(filename, too_wide=False))

    grid = _parse_csv_fast(payload, separator, width, lines=lines) if FAST_PATH else None
    if grid is None:
        grid = _parse_csv(payload, separator, width, _whole(data, text), filename)
    row_numbers = _csv_row_numbers(grid, lines)
    grid, distinct = _stripped(grid)
    frame, numbers, found, arrow = _shape(grid, row_numbers, f"'{filename}'", distinct)
    return RawTable(
        frame=frame,
        row_numbers=numbers,
        filename=filename,
        kind="csv",
        encoding=encoding,
        separator=separator,
        warnings=notes + found,
        text=arrow,
    )


def _decode(data: bytes, filename: str) -> tuple[str | None, str, list[str]]:
    """Decode by BOM, then strict UTF-8, then cp1252 (Excel in Western Europe), then latin-1.

    Clean UTF-8 is only checked, not decoded (None): the fast path parses the bytes, and the first part of the
    text is all the rest needs (:func:`_utf8_head`, :func:`_whole`).
    """
    notes: list[str] = []
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                text = data.decode(encoding, errors="replace")
                notes.append(_("Some characters could not be decoded and are shown as �."))
            _refuse_binary(text, filename)
            return text, encoding, notes
    if b"\x00" in data:
        raise UnusableFile(_binary_message(filename))
    _refuse_binary(data[:SNIFF_BYTES].decode("latin-1"), filename)
    if is_utf8(data):
        return None, "utf-8", notes
    try:
        return data.decode("cp1252"), "cp1252", notes
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", notes


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` decodes as strict UTF-8 — Arrow's check of the bytes in place, without making the text
    (#17: decoding a 24 MB export takes ~40 ms, checking it ~5 ms)."""
    import pyarrow as pa

    ends = pa.array([0, len(data)], type=pa.int64()).buffers()[1]
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, ends, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _utf8_head(data: bytes) -> str:
    """The first :data:`SNIFF_BYTES` characters (or more) of clean UTF-8 ``data``: a cut through the last
    character's bytes drops that character only."""
    return data[: 4 * SNIFF_BYTES + 4].decode("utf-8", errors="ignore")


def _whole(data: bytes, text: str | None) -> str:
    """The file's text: as decoded, or clean UTF-8 ``data`` decoded now."""
    return text if text is not None else data.decode("utf-8")


def _binary_message(filename: str) -> str:
    return _(
        "'{file}' is not a text or Excel file (it contains binary data); upload the export as .xlsx or CSV instead."
    ).format(file=filename)


def _refuse_binary(text: str, filename: str) -> None:
    sample = text[:SNIFF_BYTES]
    controls = len(_CONTROL_CHARS.findall(sample))
    if "\x00" in text or controls > max(2, len(sample) // 100):
        raise UnusableFile(_binary_message(filename))


def _refuse_markup(text: str, filename: str) -> None:
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body")):
        raise UnusableFile(
            _(
                "'{file}' is a web page (HTML), not a spreadsheet; open it in Excel, save it as .xlsx or CSV "
                "and upload that."
            ).format(file=filename)
        )
    if head.startswith("<?xml"):
        raise UnusableFile(
            _(
                "'{file}' is an XML file (perhaps an Excel 2003 XML spreadsheet); open it in Excel, save it "
                "as .xlsx or CSV and upload that."
            ).format(file=filename)
        )
    if head.startswith("{"):
        raise UnusableFile(
            _("'{file}' is a JSON file, not a table; upload the export as .xlsx or CSV.").format(file=filename)
        )


def _sniff(sample: str, filename: str) -> tuple[str, int]:
    """Choose the separator and the number of fields to parse from the first lines.

    Excel's ``sep=;`` hint line wins outright. Otherwise the separator is the one whose most
    common field count (above 1) has the most records agreeing with it and the fewest
    disagreeing; ties go to the higher count, then to the order of :data:`SEPARATORS`. A file
    that no separator splits is read with ``,``.
    """
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    complete = sample[: cut + 1] if cut >= 0 else sample
    first_line = complete.splitlines()[0] if complete.strip() else ""
    hint = _SEP_HINT.fullmatch(first_line)
    separator = ","
    if hint and hint.group(1) in SEPARATORS:
        separator = hint.group(1)
    else:
        best: tuple[int, int, int] | None = None
        for order, candidate in enumerate(SEPARATORS):
            counts = _field_counts(complete, candidate)
            if not counts:
                continue
            modal, shared = max(Counter(counts).items(), key=lambda item: (item[1], item[0]))
            score = (2 * shared - len(counts), modal, -order)
            if modal > 1 and (best is None or score > best):
                best, separator = score, candidate
    width = max(_field_counts(complete, separator), default=complete.count(separator) + 1)
    if width > MAX_COLUMNS:
        raise UnusableFile(_too_big_message(filename, too_wide=True))
    return separator, width


def _field_counts(sample: str, separator: str) -> list[int]:
    """Field counts of the non-blank records in ``sample`` (quotes respected)."""
    try:
        records = list(csv.reader(io.StringIO(sample), delimiter=separator))
    except csv.Error:
        return []
    return [len(r) for r in records[:200] if any(f.strip() for f in r)]


FAST_PATH = True
"""Parse CSV text with Arrow's multi-threaded reader where it can take the file (#17); False always takes the
slow path (pandas' C parser), which tests/ingest/test_reader_paths.py runs on the same files to compare."""


def count_lines(payload: bytes) -> int:
    """The lines of a file: its line breaks (LF, CRLF or a lone CR), plus a last line without one."""
    breaks = payload.count(b"\n")
    if b"\r" in payload:  # found at memory speed when there is none (#17: counting them took as long as the LFs)
        breaks += payload.count(b"\r") - payload.count(b"\r\n")
    return breaks + (0 if payload.endswith((b"\n", b"\r")) else 1)


def arrow_cells(payload: bytes, separator: str, width: int) -> pa.Table:
    """Arrow's read of ``payload`` as ``width`` text columns named 0 .. width − 1, every cell as written (blank
    as ``""``, quoted line breaks kept, blank lines as rows).

    Raises:
        pyarrow.ArrowInvalid: A row with another number of fields, or text Arrow cannot read.
    """
    return arrow_text(payload, separator, [str(i) for i in range(width)], header=False, large=False)


def _parse_csv_fast(payload: bytes, separator: str, width: int, *, lines: int | None = None) -> pd.DataFrame | None:
    """The fast path: Arrow reads the UTF-8 payload into the same grid :func:`_parse_csv` gives, or None.

    The same cells come out (every field a string, blank as ``""``, quotes and doubled quotes undone,
    quoted line breaks kept, blank lines as rows of ``""``) in the same string dtype, with columns
    0 .. width − 1. Arrow refuses what the slow path handles specially — a row with fewer or more
    fields than ``width``, Excel's ``sep=`` line, a stray backslash that pandas counts differently —
    and then None sends the file down the slow path, which applies every rule as before. Only the
    parsing changes: header, title, blank and totals rows, row numbers and stripping follow as before.
    """
    try:
        table = arrow_cells(payload, separator, width)
        if b'"' in payload and not _quotes_closed(payload, table, lines):
            return None
        grid: pd.DataFrame = table.to_pandas()
    except Exception:  # noqa: BLE001  (no Arrow, or a file it reads otherwise: the slow path decides)
        return None
    if list(grid.columns) != [str(i) for i in range(width)] or any(dtype != _TEXT_DTYPE for dtype in grid.dtypes):
        return None
    grid.columns = pd.RangeIndex(width)
    return grid


def _quotes_closed(payload: bytes, table: object, lines: int | None = None) -> bool:
    """Whether Arrow's cells show every quotation mark closed — where it is unsure, False (the slow path).

    Arrow reads an unclosed quote to the end of the file where pandas refuses the file. Such a cell
    holds a line break, unless the quote opened on the last line of a file without a final one: so a
    file whose cells hold no line break and whose last line has an even number of quotation marks
    is safe. A file with quoted line breaks takes the slow path, which counts its rows' lines anyway.

    Each row Arrow gives ends at a line break of the file, or at its end — where the last row may have
    swallowed the final line break into a quotation mark left open. So as many rows as the file has
    ``lines`` means no cell holds a line break except perhaps in the last row: only that row is searched
    then (#17).
    """
    import pyarrow.compute as pc

    rows = table.num_rows  # type: ignore[attr-defined]
    if lines is not None and rows == lines:
        table = table.slice(rows - 1)  # type: ignore[attr-defined]
    for column in table.columns:  # type: ignore[attr-defined]
        if pc.any(pc.match_substring_regex(column, r"[\r\n]")).as_py():
            return False
    return last_line_quotes_even(payload)


def last_line_quotes_even(payload: bytes) -> bool:
    """Whether the file's last non-blank line holds an even number of quotation marks (without copying the file)."""
    end = len(payload)
    while end and payload[end - 1] in b"\r\n":
        end -= 1
    start = max(payload.rfind(b"\n", 0, end), payload.rfind(b"\r", 0, end)) + 1
    return payload.count(b'"', start, end) % 2 == 0


_TEXT_DTYPE: Final = pd.Series([""], dtype=str).dtype
"""The dtype pandas gives text read with ``dtype=str``: what the slow path's grid holds."""


def _parse_csv(payload: bytes, separator: str, width: int, text: str, filename: str) -> pd.DataFrame:
    for attempt in range(2):
        try:
            return pd.read_csv(
                io.BytesIO(payload),
                sep=separator,
                header=None,
                names=range(width),
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                encoding="utf-8",
                engine="c",
            )
        except pd.errors.ParserError as exc:
            message = str(exc)
            if _TOO_MANY_FIELDS.search(message) and attempt == 0:
                # A row further down has more fields than the first lines: count them all once.
                width = _exact_width(text, separator, filename)
                continue
            quote = _OPEN_QUOTE.search(message)
            if quote:
                raise UnusableFile(
                    _(
                        "'{file}' has a quotation mark that is never closed (from about line {line}); "
                        "fix or export the file again and upload it."
                    ).format(file=filename, line=int(quote.group(1)) + 1)
                ) from exc
            raise UnusableFile(_inconsistent_message(filename)) from exc
    raise AssertionError("unreachable")  # pragma: no cover


def _inconsistent_message(filename: str) -> str:
    return _(
        "'{file}' is not a consistent CSV table; open it in Excel, save it as .xlsx or CSV and upload it again."
    ).format(file=filename)


def _exact_width(text: str, separator: str, filename: str) -> int:
    try:
        width = max((len(r) for r in csv.reader(io.StringIO(text), delimiter=separator)), default=1)
    except csv.Error as exc:
        raise UnusableFile(_inconsistent_message(filename)) from exc
    if width > MAX_COLUMNS:
        raise UnusableFile(_too_big_message(filename, too_wide=True))
    return width


def _csv_row_numbers(grid: pd.DataFrame, lines: int) -> np.ndarray:
    """The editor line each record starts on; records span several lines only when a quoted cell has line breaks."""
    if len(grid) == lines:
        return np.arange(1, len(grid) + 1, dtype=np.int64)
    extra = np.zeros(len(grid), dtype=np.int64)
    for column in grid.columns:
        extra += grid[column].str.count(r"\r\n|\r|\n").to_numpy(dtype=np.int64)
    spans = 1 + extra
    return np.concatenate(([1], 1 + np.cumsum(spans)[:-1])).astype(np.int64)


# --- Both: header, blank rows, totals, columns -----------------------------------------------


def _is_text(value: object) -> bool:
    """A non-empty text cell that does not read as a number or a date."""
    if not isinstance(value, str) or not value:
        return False
    if len(value) > 40:  # no number or date is this long; also keeps the regexes linear
        return True
    return not (_NUMBER.fullmatch(value) or _DATE.fullmatch(value))


def _is_totals_label(value: object) -> bool:
    return isinstance(value, str) and value.rstrip(":").rstrip().lower() in TOTALS_LABELS


def _header_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class _Distinct:
    """A text column by distinct cell (#17: owners, activity types and stages repeat a few dozen cells).

    Attributes:
        codes: Each row's position in ``cells``.
        cells: The cells, stripped (two cells may strip alike).
        arrow: The same cells as Arrow text.
    """

    codes: np.ndarray
    cells: pd.Series
    arrow: pa.Array

    def rows(self, rows: np.ndarray) -> _Distinct:
        """The same column for the rows at ``rows`` only."""
        return _Distinct(self.codes[rows], self.cells, self.arrow)


def _stripped(grid: pd.DataFrame) -> tuple[pd.DataFrame, dict[object, _Distinct]]:
    """Every cell stripped; and each column that repeats its cells by distinct cell, stripped once per distinct
    cell, for :func:`_shape` to find totals rows and make Python strings by distinct cell too."""
    columns: dict[object, pd.Series] = {}
    distinct: dict[object, _Distinct] = {}
    for name, column in grid.items():
        if not _repeating(column):
            columns[name] = column.str.strip()
            continue
        import pyarrow as pa
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(pa.chunked_array(column.array.__arrow_array__())).combine_chunks()
        cells = pc.utf8_trim_whitespace(encoded.dictionary)  # what str.strip() does to Arrow's text
        stripped = pc.take(cells, encoded.indices)
        columns[name] = pd.Series(stripped, index=column.index, dtype=column.dtype)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        distinct[name] = _Distinct(codes, pd.Series(cells, dtype=column.dtype), cells)
    return pd.DataFrame(columns, index=grid.index), distinct


def _shape(
    grid: pd.DataFrame, row_numbers: np.ndarray, where: str, distinct: dict[object, _Distinct] | None = None
) -> tuple[pd.DataFrame, list[int], list[str], dict[str, _ArrowText]]:
    """Find the header, drop blank and totals rows and empty columns, name the columns; and the columns Arrow
    read, by header (:attr:`RawTable.text`).

    ``distinct`` holds columns of ``grid`` by distinct cell (:func:`_stripped`): their totals labels are looked
    for, and their Python strings made, once per distinct cell.
    """
    distinct = distinct or {}
    found: list[str] = []
    nonempty = grid != ""
    has_data = nonempty.any(axis=1).to_numpy()
    filled = np.flatnonzero(has_data)
    if not filled.size:
        raise UnusableFile(_no_data_message(where))

    header_at = _find_header(grid, nonempty, filled)
    header_row = int(row_numbers[header_at])
    if has_data[:header_at].any():
        above = header_row - 1
        found.append(
            ngettext(
                "Skipped {n} title row above the header (row {row}).",
                "Skipped {n} title rows above the header (row {row}).",
                above,
            ).format(n=above, row=header_row)
        )

    body = slice(header_at + 1, None)
    keep_rows = has_data[body]
    data = grid.iloc[body][keep_rows]
    kept = np.arange(len(grid))[body][keep_rows]  # the data rows' positions in the grid
    data_nonempty = nonempty.iloc[body][keep_rows]
    numbers = row_numbers[body][keep_rows]

    headers = [_header_text(v) if v != "" else "" for v in grid.iloc[header_at].tolist()]
    used = [bool(h) or bool(data_nonempty[c].any()) for h, c in zip(headers, grid.columns, strict=True)]
    positions = [i for i, u in enumerate(used) if u]
    if not positions:
        raise UnusableFile(_no_data_message(where))
    interior_empty = [i + 1 for i in range(positions[0], positions[-1] + 1) if not used[i]]
    if interior_empty:
        found.append(_empty_columns_warning(interior_empty))
    data = data.iloc[:, positions]

    totals = _totals_rows(data, {n: d.rows(kept) for n, d in distinct.items() if n in data})
    if totals.any():
        labels = [
            next(v for v in row if _is_totals_label(v)) for row in data[totals].itertuples(index=False, name=None)
        ]
        found.append(_totals_warning([int(n) for n in numbers[totals]], [str(v) for v in labels]))
        data = data[~totals]
        numbers = numbers[~totals]
        kept = kept[~totals]
    if data.empty:
        raise UnusableFile(
            _capital(
                _(
                    "{where} has a header row (row {row}) but no data rows; export it again with the data included."
                ).format(where=where, row=header_row)
            )
        )

    frame = _objects(data, {n: d.rows(kept) for n, d in distinct.items() if n in data})
    frame.columns = pd.Index(_unique_headers([headers[i] for i in positions], positions))
    frame = frame.reset_index(drop=True)
    rows: list[int] = np.asarray(numbers, dtype=np.int64).tolist()  # Python ints, without a loop per row
    text = {}
    for header, name in zip(frame.columns, data.columns, strict=True):
        if name in distinct:
            text[str(header)] = _ArrowText(distinct[name].arrow, kept, distinct[name].codes)
        elif isinstance(grid[name].array, pd.arrays.ArrowStringArray):
            text[str(header)] = _ArrowText(grid[name].array.__arrow_array__(), kept)
    return frame, rows, found, text


def _objects(data: pd.DataFrame, known: dict[object, _Distinct] | None = None) -> pd.DataFrame:
    """``data.astype(object)``, made faster for text read by Arrow (#17): a column that repeats its cells (owners,
    activity types, stages) becomes one Python string per distinct cell, shared by its rows — quicker to make,
    and quicker to hash for every later step that groups or looks up by cell (a string keeps its hash).
    ``known`` holds columns already by distinct cell (:func:`_stripped`)."""
    columns: dict[object, pd.Series] = {}
    for name, column in data.items():
        if known and name in known:
            cells = known[name].cells.to_numpy(dtype=object)
            columns[name] = pd.Series(cells[known[name].codes], index=data.index, dtype=object)
            continue
        if not _repeating(column):  # mostly distinct cells (timestamps, deal names), or not Arrow's text
            columns[name] = column.astype(object)
            continue
        import pyarrow as pa
        import pyarrow.compute as pc

        text = pa.chunked_array(column.array.__arrow_array__())
        encoded = pc.dictionary_encode(text).combine_chunks()
        distinct = encoded.dictionary.to_numpy(zero_copy_only=False)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        columns[name] = pd.Series(distinct[codes], index=data.index, dtype=object)
    return pd.DataFrame(columns, index=data.index) if columns else data.astype(object)


def _repeating(column: pd.Series) -> bool:
    """Whether a column is Arrow's text without blanks (NA) whose cells repeat — judged by its first chunk —
    so that working on its distinct cells pays (#17). Columns shorter than :data:`_REPEATS_FROM` do not."""
    cells = column.array
    if not isinstance(cells, pd.arrays.ArrowStringArray) or len(column) < _REPEATS_FROM or column.hasnans:
        return False
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.chunked_array(cells.__arrow_array__())
    sample = text.chunk(0) if text.num_chunks else pa.array([], pa.string())
    return len(pc.unique(sample)) * 4 <= len(sample)


_REPEATS_FROM: Final = 1_000
"""Columns shorter than this are converted cell by cell (nothing to gain)."""


def _no_data_message(where: str) -> str:
    return _capital(_("{where} contains no data; check that you exported the right file.").format(where=where))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _find_header(grid: pd.DataFrame, nonempty: pd.DataFrame, filled: np.ndarray) -> int:
    """The first row among the top non-empty rows that is wide enough and mostly text."""
    counts = nonempty.iloc[filled[:200]].sum(axis=1).to_numpy()
    width = int(counts.max())
    for position in filled[:HEADER_SCAN_ROWS]:
        values = [v for v in grid.iloc[int(position)].tolist() if v != ""]
        texts = sum(1 for v in values if _is_text(v))
        if len(values) >= 0.6 * width and texts * 2 > len(values):
            return int(position)
    return int(filled[0])


def _totals_rows(data: pd.DataFrame, known: dict[object, _Distinct] | None = None) -> np.ndarray:
    """Rows with a totals label among their first three text cells (``known``: columns by distinct cell)."""
    candidate = np.zeros(len(data), dtype=bool)
    for column in data.columns:
        values = data[column]
        if values.dtype == object:
            values = values.map(lambda v: v if isinstance(v, str) else "").astype("str")
        codes = None
        if known and column in known:
            codes, values = known[column].codes, known[column].cells
        elif _repeating(values):  # each distinct cell once (#17): owners, types and stages repeat a few dozen
            codes, distinct = pd.factorize(values, use_na_sentinel=True)
            values = pd.Series(distinct, dtype=values.dtype)
        lowered = values.str.lower().str.rstrip(":").str.rstrip()
        labels = lowered.isin(TOTALS_LABELS).to_numpy(dtype=bool)
        candidate |= labels if codes is None else labels[codes]
    result = np.zeros(len(data), dtype=bool)
    for position in np.flatnonzero(candidate):
        texts = [v for v in data.iloc[int(position)].tolist() if _is_text(v)][:3]
        result[position] = any(_is_totals_label(v) for v in texts)
    return result


def _totals_warning(rows: list[int], labels: list[str]) -> str:
    if len(rows) == 1:
        return _("Dropped totals row {row} ('{label}').").format(row=rows[0], label=labels[0])
    listed = ", ".join(f"{r} ('{label}')" for r, label in zip(rows[:5], labels[:5], strict=True))
    if len(rows) > 5:  # always two or more rows here, so no singular form is needed
        return _("Dropped {n} totals rows: {rows} and {more} more.").format(
            n=number(len(rows)), rows=listed, more=number(len(rows) - 5)
        )
    return _("Dropped {n} totals rows: {rows}.").format(n=number(len(rows)), rows=listed)


def _empty_columns_warning(columns: list[int]) -> str:
    if len(columns) == 1:
        return _("Ignored 1 empty column (column {column}).").format(column=columns[0])
    return _("Ignored {n} empty columns (columns {columns} and {last}).").format(
        n=number(len(columns)), columns=", ".join(str(c) for c in columns[:-1]), last=columns[-1]
    )


def _unique_headers(texts: list[str], positions: list[int]) -> list[str]:
    names = [text or f"column {position + 1}" for text, position in zip(texts, positions, strict=True)]  # i18n: data
    seen: set[str] = set()
    taken = set(names)
    result: list[str] = []
    for name in names:
        if name not in seen:
            seen.add(name)
            result.append(name)
            continue
        n = 2
        while f"{name} ({n})" in seen or f"{name} ({n})" in taken:
            n += 1
        unique = f"{name} ({n})"
        seen.add(unique)
        result.append(unique)
    return result
