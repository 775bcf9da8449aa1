"""The reader's refusals and notes in German and Dutch; English unchanged."""

from __future__ import annotations

import pytest

from core.i18n import speaking
from core.ingest.reader import UnusableFile, read_table

MESSY_CSV = (
    b"Monthly report\n"
    b"\n"
    b"rep_id,name,,period,calls\n"
    b"E1,Lea Wolf,,2026-01,500\n"
    b"E2,Jonas Keller,,2026-01,420\n"
    b"Total,,,,920\n"
    b"Gesamt,,,,920\n"
)


def test_notes_in_dutch_and_english() -> None:
    """Skipped title rows, an empty column and totals rows are noted in the reader's language."""
    assert read_table(MESSY_CSV, "team.csv").warnings == [
        "Skipped 2 title rows above the header (row 3).",
        "Ignored 1 empty column (column 3).",
        "Dropped 2 totals rows: 6 ('Total'), 7 ('Gesamt').",
    ]
    with speaking("nl"):
        assert read_table(MESSY_CSV, "team.csv").warnings == [
            "2 titelrijen boven de kopregel overgeslagen (rij 3).",
            "1 lege kolom genegeerd (kolom 3).",
            "2 totaalrijen verwijderd: 6 ('Total'), 7 ('Gesamt').",
        ]


@pytest.mark.parametrize(
    ("data", "english", "german"),
    [
        (b"", "'x.csv' is empty; export", "'x.csv' ist leer; exportieren Sie die Daten erneut"),
        (b"%PDF-1.7", "is a PDF document, not a spreadsheet", "'x.csv' ist ein PDF-Dokument, keine Tabelle"),
        (b"<html><body>hi</body></html>", "is a web page (HTML)", "ist eine Webseite (HTML), keine Tabelle"),
    ],
)
def test_refusals_in_german(data: bytes, english: str, german: str) -> None:
    """A file that cannot be used is refused with one sentence in the reader's language, naming the file."""
    with pytest.raises(UnusableFile, match=english.replace("(", r"\(").replace(")", r"\)")):
        read_table(data, "x.csv")
    with speaking("de"), pytest.raises(UnusableFile) as refused:
        read_table(data, "x.csv")
    assert german in str(refused.value)


def test_size_limit_in_german_numbers() -> None:
    """Megabytes are written with the reader's decimal mark: 1,6 MB in German, 1.6 MB in English."""
    data = b"a,b\n" + b"1,2\n" * 400_000
    with pytest.raises(UnusableFile, match=r"is 1\.6 MB, more than the 1 MB limit"):
        read_table(data, "big.csv", max_bytes=1024 * 1024)
    with speaking("de"), pytest.raises(UnusableFile, match=r"ist 1,6 MB groß, mehr als die Grenze von 1 MB"):
        read_table(data, "big.csv", max_bytes=1024 * 1024)
