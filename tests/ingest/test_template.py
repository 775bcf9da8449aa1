"""The downloadable template: the right columns, a column guide, and it imports once filled in."""

from __future__ import annotations

from io import BytesIO

import pandas as pd
import pytest

from core.ingest.importer import prepare
from core.ingest.reader import UnusableFile
from core.ingest.template import EXAMPLES, template_csv, template_xlsx
from core.schema import CANONICAL_COLUMNS


def test_csv_template_has_the_canonical_header() -> None:
    """The CSV template is exactly the header row of the input format."""
    assert template_csv().decode("utf-8").strip().split(",") == list(CANONICAL_COLUMNS)


def test_xlsx_template_has_data_sheet_and_column_guide() -> None:
    """The workbook has the header on 'Team' and a 'Columns' sheet explaining every column."""
    book = pd.read_excel(BytesIO(template_xlsx()), sheet_name=None)
    assert list(book) == ["Team", "Columns"]
    assert list(book["Team"].columns) == list(CANONICAL_COLUMNS)
    guide = book["Columns"].dropna(subset=["meaning"])
    assert guide["column"].tolist() == list(CANONICAL_COLUMNS)
    assert guide["meaning"].str.len().min() > 10


def test_unfilled_template_is_refused() -> None:
    """An unfilled template has no rows: refused with a sentence, nothing imported."""
    with pytest.raises(UnusableFile):
        prepare(template_csv(), "coachwise-template.csv")


def test_filled_template_imports() -> None:
    """The template with the guide's example rows filled in is valid, one row per role."""
    rows = "\n".join(",".join(EXAMPLES[c][i] for c in CANONICAL_COLUMNS) for i in range(3))
    prepared = prepare(template_csv() + rows.encode("utf-8") + b"\n", "filled.csv")
    assert prepared.report.empty, prepared.report
    assert prepared.frame["role"].tolist() == ["SDR", "AE", "AM"]


def test_column_guide_in_german_keeps_the_column_names() -> None:
    """In German the guide's headings and meanings are German; the sheet names and column names stay as read."""
    from core.i18n import speaking

    with speaking("de"):
        data = template_xlsx()
    book = pd.read_excel(BytesIO(data), sheet_name=None)
    assert list(book) == ["Team", "Columns"]
    assert list(book["Team"].columns) == list(CANONICAL_COLUMNS)
    guide = book["Columns"].dropna(subset=["Bedeutung"])
    assert guide["Spalte"].tolist() == list(CANONICAL_COLUMNS)
    assert guide.set_index("Spalte").loc["deals_won", "Bedeutung"] == "AE: davon gewonnene Deals."
