"""Each person's plan in their language (#16): a ``language`` column from the people list or the monthly table,
stored on the person (migration 0012), and the command line's plans in it; a value that names no language stops.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.cli import main
from core.governance.access import OPERATOR
from core.ingest.importer import import_prepared, prepare
from core.ingest.values import LANGUAGE_REASON, language_code, parse_languages
from core.plans.content import plans_from_records
from core.schema import CANONICAL_COLUMNS, COLUMN_DOCS
from core.store.datasets import load_people, load_records

PEOPLE = (
    "Name;Rolle;Team;Sprache\n"
    "Jonas Keller;Account Executive;DACH;Deutsch\n"
    "Eva Brandt;Account Executive;Benelux;nl\n"
    "Lea Wolf;Account Executive;DACH;\n"
)


def _deals() -> str:
    rows = ["Opportunity Owner,Stage,Amount,Close Date"]
    for month in range(1, 10):
        for who, wins in (("Jonas Keller", 2), ("Eva Brandt", 1), ("Lea Wolf", 3)):
            rows += [
                f"{who},{'Closed Won' if k < wins else 'Closed Lost'},{1000 + 100 * k + month},2026-{month:02d}-1{k}"
                for k in range(4)
            ]
    return "\n".join(rows) + "\n"


def _monthly(languages: dict[str, str]) -> bytes:
    rows = ["rep_id,name,role,team,period,deals_worked,deals_won,revenue_won,Language"]
    for month in range(1, 7):
        for i, (rep, lang) in enumerate(languages.items()):
            rows.append(f"{rep},Person {rep},AE,T,2026-{month:02d},10,{1 + (i + month) % 4},{1000 * (i + 1)},{lang}")
    return ("\n".join(rows) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("cell", "code"),
    [("de", "de"), ("DE", "de"), (" Deutsch ", "de"), ("German", "de"), ("de-AT", "de"), ("nl", "nl"),
     ("Nederlands", "nl"), ("NEDERLANDS", "nl"), ("Dutch", "nl"), ("nl_BE", "nl"), ("Niederländisch", "nl"),
     ("en", "en"), ("English", "en"), ("Englisch", "en"), ("Engels", "en"), ("Klingon", None), ("", None)],
)  # fmt: skip
def test_a_language_is_read_from_its_code_or_its_name(cell: str, code: str | None) -> None:
    """Codes, locale tags and the languages' names in English, German and Dutch, in any case."""
    assert language_code(cell) == code


def test_the_column_is_optional_canonical_and_documented() -> None:
    """``language`` is a canonical column with a description; a blank cell is valid, an unknown one is not."""
    assert "language" in CANONICAL_COLUMNS and COLUMN_DOCS["language"]
    parsed = parse_languages(pd.Series(["Deutsch", "", None, "xx"]))
    assert parsed.values.tolist()[:1] == ["de"] and parsed.invalid.tolist() == [False, False, False, True]


def test_an_unknown_language_names_file_row_column_and_value() -> None:
    """The upload's report names the row, the file's header and the value, with a sentence saying what to write."""
    prepared = prepare(_monthly({"A1": "Deutsch", "A2": "Klingonisch"}), "team.csv")
    report = prepared.report
    bad = report[report["reason"] == LANGUAGE_REASON]
    assert set(bad["column"]) == {"Language"} and set(bad["value"]) == {"Klingonisch"}
    assert set(bad["row"]) == {3, 5, 7, 9, 11, 13}
    assert "de, nl or en" in LANGUAGE_REASON


def test_the_language_is_stored_on_the_person_and_loaded_back(engine: Engine) -> None:
    """Import → store (person.language, migration 0012) → load: each person keeps their language, blank stays blank."""
    prepared = prepare(_monthly({"A1": "Deutsch", "A2": "nl", "A3": ""}), "team.csv")
    outcome = import_prepared(engine=engine, prepared=prepared, name="AEs", viewer=OPERATOR)
    people = load_people(engine=engine, dataset_id=outcome.dataset_id).set_index("rep_id")
    assert people.loc["A1", "language"] == "de" and people.loc["A2", "language"] == "nl"
    assert pd.isna(people.loc["A3", "language"])
    records = load_records(engine=engine, dataset_id=outcome.dataset_id)
    assert list(records.columns) == list(CANONICAL_COLUMNS)
    built = {
        p.rep_id: p for p in plans_from_records(records, today=pd.Timestamp("2026-07-15").date(), audience="person")
    }
    assert built["A1"].language == "de" and built["A2"].language == "nl" and built["A3"].language == "en"
    managers = plans_from_records(records, today=pd.Timestamp("2026-07-15").date(), audience="manager")
    assert {p.language for p in managers} == {"en"}  # the manager's notes follow the viewer, not the person


def test_one_zip_gives_two_people_their_two_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plans people.csv deals.csv`: German for the one whose list says Deutsch, Dutch for nl, --lang for a blank."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COACHWISE_DB_PATH", str(tmp_path / "cli.db"))  # remembered mappings: a store of its own
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "deals.csv").write_text(_deals(), encoding="utf-8")
    out = tmp_path / "plans.zip"
    files = [str(tmp_path / "people.csv"), str(tmp_path / "deals.csv")]
    assert main(["plans", *files, "--out", str(out), "--format", "md", "--lang", "en"]) == 0
    with zipfile.ZipFile(out) as archive:
        titles = {n.split("_", 1)[1]: archive.read(n).decode().split("\n", 1)[0] for n in archive.namelist()
                  if n.endswith(".md")}  # fmt: skip
    assert titles["jonas-keller.md"].startswith("# Ihr ")
    assert titles["eva-brandt.md"].startswith("# Je ")
    assert titles["lea-wolf.md"].startswith("# Your ")
    manager = tmp_path / "notes.zip"
    assert main(["plans", *files, "--out", str(manager), "--format", "md", "--for", "manager", "--lang", "nl"]) == 0
    with zipfile.ZipFile(BytesIO(manager.read_bytes())) as archive:
        notes = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".md")]
    assert notes and all(text.startswith("# Notities voor de leidinggevende") for text in notes)
    capsys.readouterr()


def test_a_language_that_is_no_language_stops_the_plans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No plan is written in a language nobody chose: the command stops and names the file, rows, column and value."""
    path = tmp_path / "team.csv"
    path.write_bytes(_monthly({"A1": "Deutsch", "A2": "Klingon"}))
    out = tmp_path / "plans.zip"
    assert main(["plans", str(path), "--out", str(out), "--format", "md"]) == 2
    error = capsys.readouterr().err
    assert "team.csv rows 3, 5, 7 and 3 more, column Language: 'Klingon'" in error
    assert "de, nl or en" in error and not out.exists()


def test_a_people_list_names_its_own_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The people list's bad cell is named with the list's own file name, row and header."""
    (tmp_path / "people.csv").write_text(PEOPLE.replace(";nl\n", ";Elbisch\n"), encoding="utf-8")
    (tmp_path / "deals.csv").write_text(_deals(), encoding="utf-8")
    files = [str(tmp_path / "people.csv"), str(tmp_path / "deals.csv")]
    assert main(["plans", *files, "--out", str(tmp_path / "p.zip")]) == 2
    assert "'people.csv' row 3, column Sprache: 'Elbisch'" in capsys.readouterr().err
