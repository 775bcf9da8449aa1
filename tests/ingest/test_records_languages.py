"""CRM files in German and Dutch: what each file was read as, the questions and the notes, in the reader's words."""

from __future__ import annotations

import re

from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.i18n import speaking
from core.ingest.records.derive import Derivation, derive
from core.ingest.records.kinds import read_records
from tests.ingest.test_records_derive import DEALS, ROSTER, _file

TEAM = generate_team(DemoSpec(reps=60, months=12, seed=4, end="2026-12"))
FILES = explode(TEAM, CrmSpec(seed=2))


def _derive(files: dict[str, bytes]) -> Derivation:
    return derive([read_records(data, name) for name, data in files.items()])


def test_deals_sentence_in_dutch_with_dutch_numbers() -> None:
    """The deals export's sentence reads 'deal-export (in Salesforce-stijl): 8.825 rijen, …' in Dutch."""
    english = next(f for f in _derive(FILES).files if f.kind == "deals").sentence
    with speaking("nl"):
        dutch = next(f for f in _derive(FILES).files if f.kind == "deals").sentence
    rows = re.match(r"deals export \(Salesforce-style\): (\d{1,3}(?:,\d{3})+) rows, ", english)
    assert rows, english  # over a thousand rows, so the thousands mark shows
    in_dutch = rows.group(1).replace(",", ".")
    assert dutch.startswith(f"deal-export (in Salesforce-stijl): {in_dutch} rijen, "), dutch
    assert " gesloten in jan–dec 2026, " in dutch and dutch.endswith(" eigenaren")


def test_questions_in_german_keep_the_answers_the_command_line_takes() -> None:
    """An unknown stage is asked in German; the answers and the option stay as --stage takes them."""
    deals = _file("d.csv", ["Deal owner", "Deal Stage", "Amount", "Close Date"], ["Ann", "Signed", "10", "2026-03-14"])
    with speaking("de"):
        question = _derive(dict([deals])).questions[0]
        assert question.question() == "'d.csv', Spalte 'Deal Stage': welche Phase ist 'Signed'?"
        assert question.sentence().endswith(
            "Antworten Sie won / lost / open / ignore (Befehlszeile: --stage 'Signed=won')."
        )
    assert question.sentence() == (
        "'d.csv', column 'Deal Stage': which stage is 'Signed'? "
        "Answer won / lost / open / ignore (command line: --stage 'Signed=won')."
    )


def test_date_order_question_in_dutch() -> None:
    """A date column that reads both ways is asked in Dutch."""
    deals = _file("d.csv", ["Deal owner", "Deal Stage", "Amount", "Close Date"], ["Ann", "Won", "10", "03/04/2026"])
    with speaking("nl"):
        question = _derive(dict([deals])).questions[0]
        assert question.question() == "'d.csv', kolom 'Close Date': staat in '03/04/2026' de dag of de maand voorop?"


def test_people_notes_in_german() -> None:
    """The people list's sentence and its notes are German."""
    with speaking("de"):
        result = _derive(dict([ROSTER, DEALS]))
    roster = next(f for f in result.files if f.kind == "roster")
    assert roster.sentence == "Personalliste: 3 Personen (1 SDR, 1 AE, 1 AM)"
    assert any(
        "2 Personen auf der Personalliste haben keine Einträge in diesen Dateien und werden nicht bewertet." == n
        for n in result.notes
    )
