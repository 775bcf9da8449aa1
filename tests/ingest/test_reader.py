"""The file reader: every dressing reads back, header and row numbers are true, hostile files are refused fast."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import core.ingest.reader
from core.demo import DemoSpec, generate_team
from core.ingest.reader import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_SHARED_STRINGS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_XLSX_UNCOMPRESSED,
    MAX_ZIP_MEMBERS,
    RawTable,
    UnusableFile,
    read_table,
)
from core.schema import CANONICAL_COLUMNS

from files import (
    CRM_HEADERS,
    CRM_NOTES,
    DUTCH_HEADERS,
    GERMAN_HEADERS,
    binary_junk,
    canonical_cells,
    cp1252_safe,
    crm_xlsx,
    csv_bytes,
    dutch_csv,
    entity_bomb_xlsx,
    german_csv,
    many_members_zip,
    pdf_bytes,
    plain_csv,
    plain_zip,
    png_bytes,
    rezip,
    shared_strings_xlsx,
    small_xlsx,
    xls_bytes,
    xlsm_bytes,
    xlsx_bytes,
    zip_bomb_xlsx,
)

SPEC = DemoSpec(reps=30, months=3, seed=5, end="2026-03")
HOSTILE_SECONDS = 5.0


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    """30 people over 3 months, with a German, a Polish and a Nordic name planted in the first rows."""
    frame = generate_team(SPEC)
    frame.loc[0, "name"] = "Jürgen Müller"
    frame.loc[1, "name"] = "Łukasz Wróbel"
    frame.loc[2, "name"] = "Søren Østergaard"
    return frame


def _refused(data: bytes, filename: str, **kwargs: object) -> str:
    """Read a file that must be refused; return the message after checking it is one sentence naming the file."""
    with pytest.raises(UnusableFile) as info:
        read_table(data, filename, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert f"'{filename}'" in message
    assert message.endswith(".") and "\n" not in message and ". " not in message, message
    return message


# --- The dressings ---------------------------------------------------------------------------


def test_plain_csv_reads_back_every_cell(team: pd.DataFrame) -> None:
    """A plain UTF-8 CSV gives the canonical headers, every cell as text and rows numbered from 2."""
    raw = read_table(plain_csv(team), "team.csv")
    assert (raw.kind, raw.encoding, raw.separator, raw.sheet, raw.sheets) == ("csv", "utf-8", ",", None, [])
    assert list(raw.frame.columns) == list(CANONICAL_COLUMNS)
    assert raw.row_numbers == list(range(2, len(team) + 2))
    assert raw.warnings == []
    assert all(pd.api.types.is_object_dtype(d) for d in raw.frame.dtypes)
    pd.testing.assert_frame_equal(raw.frame, canonical_cells(team))


def test_utf8_names_survive(team: pd.DataFrame) -> None:
    """Umlauts, Polish and Nordic letters come back unchanged from UTF-8 files with and without BOM."""
    for data, name in ((plain_csv(team), "team.csv"), (dutch_csv(team), "export.txt")):
        names = read_table(data, name).frame.iloc[:3, 1].tolist()
        assert names == ["Jürgen Müller", "Łukasz Wróbel", "Søren Østergaard"]


def test_german_excel_csv(team: pd.DataFrame) -> None:
    """cp1252 and ';' are detected, two title rows skipped, the first data row is row 4, values stay text."""
    raw = read_table(german_csv(team), "export.csv")
    assert (raw.encoding, raw.separator) == ("cp1252", ";")
    assert list(raw.frame.columns) == [GERMAN_HEADERS[c] for c in CANONICAL_COLUMNS]
    assert len(raw.frame) == len(team)
    assert raw.row_numbers[:2] == [4, 5] and raw.row_numbers[-1] == len(team) + 3
    assert raw.warnings == ["Skipped 2 title rows above the header (row 3)."]
    assert raw.frame["Name"].tolist() == cp1252_safe(team)["name"].tolist()
    assert raw.frame.loc[0, "Name"] == "Jürgen Müller"
    assert raw.frame.loc[0, "Monat"] == "01." + team.loc[0, "period"][5:] + "." + team.loc[0, "period"][:4]
    money = raw.frame["Portfoliowert Ende"][raw.frame["Portfoliowert Ende"] != ""]
    assert money.str.fullmatch(r"\d{1,3}(\.\d{3})*,\d{2} €").all()
    assert set(raw.frame["Coach-Bereitschaft"]) <= {"ja", "nein", ""}


def test_dutch_csv(team: pd.DataFrame) -> None:
    """A UTF-8 file with BOM and ';' reads with clean headers (no BOM in the first) and Dutch months as text."""
    raw = read_table(dutch_csv(team), "export.txt")
    assert (raw.encoding, raw.separator) == ("utf-8-sig", ";")
    assert list(raw.frame.columns) == [DUTCH_HEADERS[c] for c in CANONICAL_COLUMNS]
    assert raw.row_numbers[0] == 2 and len(raw.frame) == len(team)
    assert raw.frame["Maand"].str.fullmatch(r"(jan|feb|mrt) 2026").all()
    assert raw.warnings == []


def test_crm_workbook(team: pd.DataFrame) -> None:
    """The CRM workbook: header below titles, empty column and totals row gone, native types kept."""
    raw = read_table(crm_xlsx(team), "crm.xlsx")
    assert (raw.kind, raw.sheet, raw.sheets, raw.encoding, raw.separator) == (
        "xlsx",
        "Export",
        ["Export", "Notes"],
        None,
        None,
    )
    assert list(raw.frame.columns) == [CRM_HEADERS[c] for c in CANONICAL_COLUMNS]
    assert len(raw.frame) == len(team)
    assert raw.row_numbers[0] == 5 and raw.row_numbers[-1] == len(team) + 4
    totals_row = len(team) + 5
    assert f"Dropped totals row {totals_row} ('Grand Total')." in raw.warnings
    assert "Skipped 3 title rows above the header (row 4)." in raw.warnings
    assert "Ignored 1 empty column (column 7)." in raw.warnings
    assert all(isinstance(v, datetime) for v in raw.frame["Month"])
    assert raw.frame.loc[0, "Month"] == datetime(int(team.loc[0, "period"][:4]), int(team.loc[0, "period"][5:]), 1)
    calls = raw.frame["Calls"][raw.frame["Role"] == "BDR"]
    assert len(calls) and all(type(v) is int for v in calls)
    assert set(raw.frame["Willing to Coach"]) <= {"Yes", "No", ""}
    assert set(raw.frame["Role"]) == {"BDR", "Account Executive", "Key Account Manager"}
    assert raw.frame.loc[1, "Full Name"] == "Łukasz Wróbel"


def test_sheet_chosen_by_name_and_unknown_sheet_refused(team: pd.DataFrame) -> None:
    """sheet='Notes' reads that sheet; an unknown name is refused with the sheets to choose from."""
    data = crm_xlsx(team)
    notes = read_table(data, "crm.xlsx", sheet="Notes")
    assert notes.sheet == "Notes"
    assert list(notes.frame.columns) == [CRM_NOTES[0][0]]
    assert notes.frame.iloc[:, 0].tolist() == [r[0] for r in CRM_NOTES[1:]]
    assert notes.row_numbers == [2, 3]
    message = _refused(data, "crm.xlsx", sheet="Umsatz")
    assert "'Umsatz'" in message and "'Export'" in message and "'Notes'" in message


def test_default_sheet_is_first_with_data() -> None:
    """An empty cover sheet is passed over; an empty sheet asked for by name is refused."""
    data = xlsx_bytes({"Cover": [], "Data": [["rep_id", "name"], ["E1", "Anna"]], "Empty": [[None, "  "]]})
    raw = read_table(data, "team.xlsx")
    assert (raw.sheet, raw.sheets) == ("Data", ["Data"])
    assert raw.frame.to_dict("list") == {"rep_id": ["E1"], "name": ["Anna"]}
    assert "empty" in _refused(data, "team.xlsx", sheet="Cover")


def test_workbook_without_data_refused() -> None:
    """A workbook whose sheets are all empty is refused with a sentence."""
    assert "no data" in _refused(xlsx_bytes({"Sheet1": [], "Sheet2": []}), "blank.xlsx")


# --- Cells, headers, rows --------------------------------------------------------------------


def test_formula_like_text_kept_verbatim() -> None:
    """Text starting with = + - @ stays exactly as written, in CSV and as an XLSX text cell."""
    texts = ["=SUM(A1)", "+49 30 1234", "-5", "@handle", '=HYPERLINK("http://x")']
    raw = read_table(csv_bytes([["note", "n"], *[[t, "1"] for t in texts]]), "f.csv")
    assert raw.frame["note"].tolist() == texts
    book = read_table(xlsx_bytes({"S": [["note", "n"], *[[t, 1] for t in texts]]}), "f.xlsx")
    assert book.frame["note"].tolist() == texts
    assert book.frame["n"].tolist() == [1] * len(texts)


@pytest.mark.parametrize(
    "label", ["Total", "TOTALS", "Grand total", "Sum", "Summe:", "Gesamt", "Gesamtsumme", "Totaal", "Eindtotaal"]
)
def test_totals_row_dropped(label: str) -> None:
    """A totals row (any listed label, any case, optional colon) is dropped and its row number named."""
    rows = [["rep_id", "name", "calls"], ["E1", "Anna", "10"], ["E2", "Ben", "20"], [label, "", "30"]]
    raw = read_table(csv_bytes(rows, sep=";"), "t.csv")
    assert raw.frame["rep_id"].tolist() == ["E1", "E2"]
    assert raw.row_numbers == [2, 3]
    assert raw.warnings == [f"Dropped totals row 4 ('{label}')."]


def test_subtotals_listed_and_late_label_kept() -> None:
    """Several subtotal rows are named in one warning; 'Total' as a fourth text cell is ordinary data."""
    rows = [
        ["rep_id", "name", "role", "team", "calls"],
        ["E1", "Anna", "SDR", "Total", "10"],
        ["", "", "Subtotal", "", "10"],
        ["E2", "Ben", "SDR", "North", "20"],
        ["Zwischensumme", "", "", "", "20"],
    ]
    raw = read_table(csv_bytes(rows), "t.csv")
    assert raw.frame["rep_id"].tolist() == ["E1", "E2"]
    assert raw.row_numbers == [2, 4]
    assert raw.warnings == ["Dropped 2 totals rows: 3 ('Subtotal'), 5 ('Zwischensumme')."]


def test_blank_rows_dropped_and_row_numbers_stay_true() -> None:
    """Empty lines and whitespace-only rows vanish silently; the other rows keep their editor line numbers."""
    data = b"rep_id,name\n\nE1,Anna\n , \nE2,Ben\n\n\nE3,  Cleo  \n\n"
    raw = read_table(data, "t.csv")
    assert raw.frame["name"].tolist() == ["Anna", "Ben", "Cleo"]
    assert raw.row_numbers == [3, 5, 8]
    assert raw.warnings == []


def test_blank_and_duplicate_headers_named() -> None:
    """A blank header with values becomes 'column N'; repeated headers get ' (2)', ' (3)'."""
    data = b"Name,Name,,Name,column 3\nA,B,C,D,E\n"
    raw = read_table(data, "t.csv")
    assert list(raw.frame.columns) == ["Name", "Name (2)", "column 3", "Name (3)", "column 3 (2)"]
    assert raw.frame.iloc[0].tolist() == ["A", "B", "C", "D", "E"]


def test_empty_column_ignored_in_csv() -> None:
    """An inner column with neither header nor values is ignored with a warning; trailing ones silently."""
    raw = read_table(b"a;;b;;\n1;;2;;\n3;;4;;\n", "t.csv")
    assert list(raw.frame.columns) == ["a", "b"]
    assert raw.warnings == ["Ignored 1 empty column (column 2)."]


def test_quoted_separators_and_line_breaks() -> None:
    """Quoted cells keep separators, quotes and line breaks; rows after a multi-line cell keep true numbers."""
    rows = [["id", "note"], ["1", 'a, "b"; c'], ["2", "line one\nline two\r\nline three"], ["3", "x"]]
    raw = read_table(csv_bytes(rows), "t.csv")
    assert raw.separator == ","
    assert raw.frame["note"].tolist() == ['a, "b"; c', "line one\nline two\r\nline three", "x"]
    assert raw.row_numbers == [2, 3, 6]


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separator_detected(sep: str) -> None:
    """Each supported separator is found, even with decimal commas and title rows around."""
    rows = [["Report"], [], ["rep_id", "name", "revenue"], ["E1", "Anna", "1.234,56"], ["E2", "Ben", "7,5"]]
    raw = read_table(csv_bytes(rows, sep=sep), "t.csv")
    assert raw.separator == sep
    assert raw.frame.to_dict("list") == {
        "rep_id": ["E1", "E2"],
        "name": ["Anna", "Ben"],
        "revenue": ["1.234,56", "7,5"],
    }
    assert raw.row_numbers == [4, 5]


def test_excel_sep_hint_line() -> None:
    """Excel's 'sep=;' first line decides the separator and is skipped."""
    raw = read_table(b"sep=;\nrep_id;name;note\nE1;Anna;a,b\n", "t.csv")
    assert raw.separator == ";"
    assert list(raw.frame.columns) == ["rep_id", "name", "note"]
    assert raw.row_numbers == [3]


def test_title_rows_without_padding() -> None:
    """Title lines with no separators above the header are skipped and counted."""
    data = b"Sales performance export\nGenerated 2026-11-01\n\nrep_id,name,calls\nE1,Anna,5\n"
    raw = read_table(data, "t.csv")
    assert list(raw.frame.columns) == ["rep_id", "name", "calls"]
    assert raw.row_numbers == [5]
    assert raw.warnings == ["Skipped 3 title rows above the header (row 4)."]


@pytest.mark.parametrize(
    ("data", "encoding", "name"),
    [
        ("rep_id\tname\nE1\tŁukasz Wróbel\n".encode("utf-16"), "utf-16", "Łukasz Wróbel"),
        ("rep_id,name\nE1,Jürgen Müller\n".encode("cp1252"), "cp1252", "Jürgen Müller"),
        (b"rep_id,name\nE1,J\xfcrgen\x81\n", "latin-1", "Jürgen\x81"),
        ("rep_id;name\nE1;Zoë\n".encode("utf-8-sig"), "utf-8-sig", "Zoë"),
    ],
    ids=["utf-16-tab", "cp1252", "latin-1", "utf-8-sig"],
)
def test_encodings(data: bytes, encoding: str, name: str) -> None:
    """BOMs decide first, then strict UTF-8, then cp1252, then latin-1; the text survives each."""
    raw = read_table(data, "t.csv")
    assert raw.encoding == encoding
    assert raw.frame["name"].tolist() == [name]


def test_bom_with_broken_bytes_is_read_with_a_warning() -> None:
    """A UTF-8 BOM followed by cp1252 bytes is read, the broken characters replaced and mentioned."""
    raw = read_table(b"\xef\xbb\xbfrep_id,name\nE1,J\xfcrgen\n", "t.csv")
    assert raw.encoding == "utf-8-sig"
    assert raw.frame["name"].tolist() == ["J\ufffdrgen"]
    assert any("could not be decoded" in w for w in raw.warnings)


def test_huge_cell_does_not_stall() -> None:
    """A multi-megabyte cell of digits and spaces is read in well under a second (no regex blow-up)."""
    data = b"rep_id,note\n" + b"E1," + b"1" + b" " * 3_000_000 + b"x\n"
    started = time.monotonic()
    raw = read_table(data, "t.csv")
    assert time.monotonic() - started < 2.0
    assert raw.frame.loc[0, "note"].endswith("x")


def test_numbers_stay_text_in_csv() -> None:
    """CSV values are never converted: leading zeros, decimal commas and dates stay as written."""
    raw = read_table(b"id;amount;date\n007;1.234,50;01.03.2026\n", "t.csv")
    assert raw.frame.iloc[0].tolist() == ["007", "1.234,50", "01.03.2026"]


def test_wide_stray_formatting_is_cut_but_far_values_refused() -> None:
    """A styled empty cell past the column cap is ignored; a value there refuses the file."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["rep_id", "name"])
    ws.append(["E1", "Anna"])
    ws.cell(row=2, column=MAX_COLUMNS + 50).number_format = "0.00"
    out = io.BytesIO()
    workbook.save(out)
    raw = read_table(out.getvalue(), "wide.xlsx")
    assert list(raw.frame.columns) == ["rep_id", "name"]
    ws.cell(row=2, column=MAX_COLUMNS + 50).value = 1
    out = io.BytesIO()
    workbook.save(out)
    assert "columns" in _refused(out.getvalue(), "wide.xlsx")


# --- Names that do not match the content -----------------------------------------------------


def test_text_named_xlsx_is_read_as_csv(team: pd.DataFrame) -> None:
    """A CSV saved as .xlsx is read by its content, and a warning says so."""
    raw = read_table(plain_csv(team), "team.xlsx")
    assert raw.kind == "csv" and len(raw.frame) == len(team)
    assert any(".xlsx" in w and "CSV" in w for w in raw.warnings)


def test_tab_text_named_xls_is_read() -> None:
    """A tab-separated 'Excel' export named .xls (common from CRMs) is read as text with a warning."""
    raw = read_table(b"rep_id\tname\nE1\tAnna\n", "report.xls")
    assert (raw.kind, raw.separator) == ("csv", "\t")
    assert any(".xls" in w for w in raw.warnings)


def test_workbook_named_csv_is_read_as_workbook(team: pd.DataFrame) -> None:
    """An XLSX named .csv is read as a workbook, with a warning."""
    raw = read_table(crm_xlsx(team), "team.csv")
    assert raw.kind == "xlsx" and len(raw.frame) == len(team)
    assert any("Excel workbook" in w and ".csv" in w for w in raw.warnings)


def test_other_extension_read_by_content() -> None:
    """A text file with another extension is read as CSV and the warning names the file."""
    raw = read_table(b"rep_id,name\nE1,Anna\n", "export.dat")
    assert raw.kind == "csv" and raw.frame["name"].tolist() == ["Anna"]
    assert raw.warnings == ["'export.dat' was read as a CSV text file."]


# --- Refusals --------------------------------------------------------------------------------


def _html() -> bytes:
    return b"<!DOCTYPE html><html><body><table><tr><td>rep_id</td></tr></table></body></html>"


def _xml2003() -> bytes:
    return b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'


def _ods() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    # name: (builder, filename, a word the message must contain)
    "zip bomb 1 GB": (zip_bomb_xlsx, "bomb.xlsx", "MB"),
    "zip bomb by ratio": (lambda: zip_bomb_xlsx(64 << 20), "ratio.xlsx", "compressed"),
    "many members": (many_members_zip, "many.xlsx", f"{MAX_ZIP_MEMBERS:,}"),
    "entities in shared strings": (entity_bomb_xlsx, "laughs.xlsx", "entity"),
    "entities past the first 64 KB": (lambda: entity_bomb_xlsx(padding=70_000), "laughs.xlsx", "entity"),
    "entities in the sheet": (lambda: entity_bomb_xlsx("xl/worksheets/sheet1.xml", padding=70_000), "s.xlsx", "entity"),
    "xlsm with vba": (xlsm_bytes, "macro.xlsm", "macro"),
    "xlsm content type only": (lambda: xlsm_bytes(with_vba=False), "macro.xlsx", "macro"),
    "old xls": (xls_bytes, "team.xls", "97–2003"),
    "password-protected xlsx": (xls_bytes, "team.xlsx", "password"),
    "binary junk": (binary_junk, "junk.csv", "binary"),
    "pdf": (pdf_bytes, "team.pdf", "PDF"),
    "png": (png_bytes, "team.png", "image"),
    "other zip": (plain_zip, "team.zip", "zip"),
    "ods": (_ods, "team.ods", "OpenDocument"),
    "damaged zip": (lambda: small_xlsx()[:300], "cut.xlsx", "damaged"),
    "broken sheet xml": (
        lambda: rezip(small_xlsx(), replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row>"}),
        "broken.xlsx",
        "damaged",
    ),
    "html": (_html, "report.xls", "HTML"),
    "xml 2003": (_xml2003, "report.xml", "XML"),
    "json": (lambda: b'{"rep_id": "E1"}', "team.json", "JSON"),
    "empty": (lambda: b"", "team.csv", "empty"),
    "whitespace only": (lambda: b" \r\n\t\n  \n", "team.csv", "no data"),
    "header without data": (lambda: b"rep_id,name\n\n,\n", "team.csv", "no data rows"),
    "header and totals only": (lambda: b"rep_id,name,calls\nTotal,,30\n", "team.csv", "no data rows"),
    "unclosed quote": (lambda: b'rep_id,name\nE1,"Anna\nE2,Ben\n', "team.csv", "quotation mark"),
    "NUL deep inside text": (lambda: b"rep_id,name\n" + b"E1,Anna\n" * 10_000 + b"\x00", "team.csv", "binary"),
    "a million separators": (lambda: b"a;b\n1;2\n" + b";" * 1_000_000 + b"\n", "wide.csv", "columns"),
    "too many cells": (lambda: b"a,b,c,d\n" + b"1\n" * (MAX_CELLS // 4 + 10), "long.csv", "cells"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_file_refused_quickly(case: str) -> None:
    """Each hostile or unusable file raises UnusableFile in under 5 s with one sentence naming the file."""
    build, filename, word = HOSTILE[case]
    data = build()
    started = time.monotonic()
    message = _refused(data, filename)
    assert time.monotonic() - started < HOSTILE_SECONDS
    assert word in message, message


@pytest.mark.parametrize(
    ("count", "length", "word"),
    [(400_000, 100, "MB of text"), (MAX_SHARED_STRINGS + 50_000, 8, f"{MAX_SHARED_STRINGS:,} texts")],
    ids=["too large", "too many"],
)
def test_shared_strings_bomb_refused_before_it_is_built(count: int, length: int, word: str) -> None:
    """A workbook under the upload limit whose shared strings are too large or too many is refused in 2 s, small."""
    data = shared_strings_xlsx(count, length)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/sharedStrings.xml")
        assert info.file_size < 100 * info.compress_size  # not caught by the ratio check
    assert len(data) < 25 * 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    message = _refused(data, "strings.xlsx")
    elapsed = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert word in message and "CSV" in message, message
    assert elapsed < 2.0 and peak < 3 * 1024 * 1024 + 2 * len(data), (elapsed, peak)


def test_workbook_with_ordinary_shared_strings_is_read() -> None:
    """A shared-strings table of 20,000 texts (well under both limits) is read as before."""
    data = shared_strings_xlsx(20_000, 12)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size < MAX_SHARED_STRINGS_BYTES
    table = read_table(data, "ok.xlsx")
    assert table.kind == "xlsx" and len(table.frame.columns) == 1


def test_bomb_fixtures_are_real() -> None:
    """The bombs are what they claim: huge declared size, and entities that reach openpyxl's defused parser."""
    with zipfile.ZipFile(io.BytesIO(zip_bomb_xlsx())) as archive:
        assert sum(i.file_size for i in archive.infolist()) > MAX_XLSX_UNCOMPRESSED
    assert len(zip_bomb_xlsx()) < 5 * 1024 * 1024
    assert openpyxl.xml.DEFUSEDXML is True
    with pytest.raises(Exception) as info:
        openpyxl.load_workbook(io.BytesIO(entity_bomb_xlsx(padding=70_000)), read_only=True)
    assert "Entit" in repr(info.value) or "Entit" in repr(info.value.__cause__)


def test_size_limit() -> None:
    """A file over max_bytes is refused with the limit in the sentence; one at the limit is read."""
    data = b"rep_id,name\n" + b"E1,Anna\n" * 200
    assert read_table(data, "t.csv", max_bytes=len(data)).frame.shape == (200, 2)
    message = _refused(data, "t.csv", max_bytes=len(data) - 1)
    assert "limit" in message and "MB" in message
    assert "25 MB" in _refused(b"x" * (25 * 1024 * 1024 + 1), "big.csv")


def test_unexpected_error_becomes_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug or parser surprise deep inside still reaches the caller as UnusableFile, never a traceback."""

    def boom(*_args: object) -> RawTable:
        raise KeyError("surprise")

    monkeypatch.setattr(core.ingest.reader, "_read_csv", boom)
    assert "could not be read" in _refused(b"a,b\n1,2\n", "t.csv")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=500).map(lambda s: s.encode("utf-8"))))
def test_arbitrary_bytes_never_raise_anything_else(data: bytes) -> None:
    """Any bytes give a table or UnusableFile, nothing else."""
    try:
        raw = read_table(data, "fuzz.csv")
    except UnusableFile as exc:
        assert "'fuzz.csv'" in str(exc)
    else:
        assert len(raw.frame) == len(raw.row_numbers) > 0


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.binary(min_size=1, max_size=8))
def test_damaged_workbooks_never_raise_anything_else(offset: int, junk: bytes) -> None:
    """A workbook with bytes overwritten anywhere gives a table or UnusableFile, nothing else."""
    data = bytearray(small_xlsx())
    position = offset % len(data)
    data[position : position + len(junk)] = junk
    try:
        read_table(bytes(data), "fuzz.xlsx")
    except UnusableFile as exc:
        assert "'fuzz.xlsx'" in str(exc)


_CELL_CHARS = list("abcXYZ019 .'\"=-\n")


@settings(max_examples=80, deadline=None)
@given(sep=st.sampled_from([",", ";", "\t", "|"]), width=st.integers(min_value=2, max_value=5), data=st.data())
def test_csv_round_trip(sep: str, width: int, data: st.DataObject) -> None:
    """Any table the csv module writes (its separator, quotes and line breaks in cells) reads back cell for cell.

    Cells never hold one of the other separators: a file where every line has, say, one tab
    and one pipe is ambiguous by nature.
    """
    cell = st.text(alphabet=st.sampled_from([*_CELL_CHARS, sep]), max_size=8).map(str.strip)
    body = data.draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=12))
    header = [f"h{i}" for i in range(width)]
    kept = [row for row in body if any(row)]
    assume(kept)
    raw = read_table(csv_bytes([header, *body], sep=sep), "r.csv")
    assert raw.separator == sep
    assert raw.frame.values.tolist() == kept
    lines, expected = 2, []
    for row in body:
        if any(row):
            expected.append(lines)
        written = io.StringIO()
        csv.writer(written, delimiter=sep, lineterminator="\n").writerow(row)
        lines += written.getvalue().count("\n")
    assert raw.row_numbers == expected


# --- Speed -----------------------------------------------------------------------------------


def test_480k_rows_read_in_seconds() -> None:
    """A 458,506-row canonical CSV (20,000 reps x 24 months) reads in a few seconds, every row numbered."""
    big = generate_team(DemoSpec(reps=20_000, months=24, seed=1, end="2026-03"))
    data = plain_csv(big)
    started = time.monotonic()
    raw = read_table(data, "big.csv", max_bytes=len(data))
    elapsed = time.monotonic() - started
    assert len(raw.frame) == len(big) and raw.row_numbers[-1] == len(big) + 1
    assert elapsed < 8.0, f"{elapsed:.1f} s"
