"""What the importer says, in German and Dutch: the import summary, mapping problems, its warnings."""

from __future__ import annotations

import pytest

from core.i18n import speaking
from core.ingest.importer import ImportOutcome, MappingProblem, import_summary, parse_map_options, prepare


def test_import_summary_in_dutch_with_dutch_numbers() -> None:
    """Each clause of the summary is Dutch, counts in Dutch format; English reads as before."""
    outcome = ImportOutcome(1, 1200, 30, 4, 2)
    assert import_summary(outcome, "q1.csv") == (
        "Imported 1,200 rows from q1.csv, replaced 30, kept 4 stored rows; skipped 2 invalid rows. "
        "It is now the active dataset."
    )
    with speaking("nl"):
        assert import_summary(outcome, "q1.csv") == (
            "1.200 rijen uit q1.csv geïmporteerd, 30 vervangen, 4 opgeslagen rijen behouden; "
            "2 ongeldige rijen overgeslagen. Dit is nu de actieve dataset."
        )


def test_mapping_problem_in_german() -> None:
    """A malformed --map is refused with a German sentence that keeps the option as typed."""
    with speaking("de"), pytest.raises(MappingProblem, match="--map 'Anrufe=calls2': 'calls2' ist kein Feld"):
        parse_map_options(["Anrufe=calls2"])


def test_missing_columns_and_decimal_comma_noted_in_german() -> None:
    """A table without some columns and with decimal commas says both in German; the row reasons follow."""
    data = b"rep_id;name;role;period;calls\nE1;Lea;SDR;2026-01;1.234,5\nE2;Jo;CEO;2026-01;3\n"
    with speaking("de"):
        prepared = prepare(data, "team.csv")
    assert any(w.startswith("Nicht in der Datei (leer gelassen): team, region, manager") for w in prepared.warnings)
    assert "Zahlen mit Dezimalkomma gelesen (z. B. 1.234,56)." in prepared.warnings
    reasons = set(prepared.report["reason"])
    assert "muss eine ganze Zahl sein (eine Anzahl)" in reasons
    assert any(r.startswith("Rolle nicht erkannt: wählen Sie SDR, AE oder AM") for r in reasons)
