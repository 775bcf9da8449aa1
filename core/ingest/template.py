"""The downloadable input template: CSV (header only) and XLSX (with a sheet explaining each column).

The explanation sheet is written in the language core speaks; the sheet names, the header row and the
column names stay as the importer reads them in every language.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.i18n import _
from core.schema import CANONICAL_COLUMNS, COLUMN_DOCS

# One made-up example per role, shown on the explanation sheet (not in the data sheet, so an
# unchanged template never imports invented people).
EXAMPLES: dict[str, tuple[str, str, str]] = {
    "rep_id": ("E1001", "E2001", "E3001"),
    "name": ("Lea Wolf", "Łukasz Wróbel", "Zoë Brouwer"),
    "role": ("SDR", "AE", "AM"),
    "team": ("DACH Mid-Market", "DACH Mid-Market", "Benelux Enterprise"),
    "region": ("DACH", "DACH", "Benelux"),
    "manager": ("Jörg Schäfer", "Jörg Schäfer", "Sanne de Vries"),
    "period": ("2026-10", "2026-10", "2026-10"),
    "calls": ("540", "", ""),
    "leads_sent": ("24", "", ""),
    "qualified_leads": ("13", "", ""),
    "deals_worked": ("", "14", ""),
    "deals_won": ("", "4", ""),
    "revenue_won": ("", "72000", ""),
    "quota": ("", "80000", ""),
    "portfolio_start": ("", "", "1250000"),
    "portfolio_end": ("", "", "1262500"),
    "coach_willing": ("", "yes", "no"),
    "coach_aptitude": ("", "4", ""),
    "coach_trained": ("", "yes", ""),
    "language": ("", "de", ""),
}


def template_csv() -> bytes:
    """The template as UTF-8 CSV: the canonical header row."""
    return (",".join(CANONICAL_COLUMNS) + "\n").encode("utf-8")


def _text_cell(sheet: Worksheet, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    cell.data_type = "s"  # always a string, never a formula


def template_xlsx() -> bytes:
    """The template as XLSX: sheet "Team" with the header row, sheet "Columns" explaining each column."""
    book = Workbook()
    team = book.active
    assert team is not None
    team.title = "Team"
    for col, name in enumerate(CANONICAL_COLUMNS, start=1):
        _text_cell(team, 1, col, name)
        team.cell(row=1, column=col).font = Font(bold=True)
        team.column_dimensions[get_column_letter(col)].width = max(12, len(name) + 2)
    team.freeze_panes = "A2"

    docs = book.create_sheet("Columns")
    heads = (_("column"), _("meaning"), _("example SDR"), _("example AE"), _("example AM"))
    for col, head in enumerate(heads, start=1):
        _text_cell(docs, 1, col, head)
        docs.cell(row=1, column=col).font = Font(bold=True)
    for row, name in enumerate(CANONICAL_COLUMNS, start=2):
        _text_cell(docs, row, 1, name)
        _text_cell(docs, row, 2, _(COLUMN_DOCS[name]))
        for offset, example in enumerate(EXAMPLES[name]):
            _text_cell(docs, row, 3 + offset, example)
    note_row = len(CANONICAL_COLUMNS) + 3
    _text_cell(
        docs,
        note_row,
        1,
        _("One row per person per month on the sheet 'Team'. Leave fields that do not apply to a role blank."),
    )
    for letter, width in zip("ABCDE", (18, 70, 16, 16, 16), strict=True):
        docs.column_dimensions[letter].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
