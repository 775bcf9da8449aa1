"""Coaching aptitude (1–5) and coaching training done (yes/no) reach the matcher from a file: import, store, roster."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.cli import main
from core.coaching.chains import ChainSettings, match_chains
from core.governance.access import OPERATOR
from core.ingest.importer import import_prepared, prepare
from core.ingest.mapping import suggest_mapping
from core.ingest.records.derive import derive
from core.ingest.records.kinds import read_records
from core.ingest.template import template_csv
from core.schema import CANONICAL_COLUMNS, COLUMN_DOCS
from core.scoring.segmentation import SegmentSettings, segment
from core.store.datasets import load_people, load_records

COACH_FIELDS = ("coach_aptitude", "coach_trained")


def _rows(aptitude: dict[str, str], trained: dict[str, str]) -> bytes:
    """An AE-only monthly table: A1 the best closer (top tier, willing), A2–A9 core or low, three months."""
    lines = ["rep_id,name,role,team,region,manager,period,deals_worked,deals_won,revenue_won,coach_willing,"
             "Coaching Aptitude,Coaching Training Done"]  # fmt: skip
    for i in range(1, 10):
        rep = f"A{i}"
        for month in ("2026-08", "2026-09", "2026-10"):
            won = 12 - i
            coach = f"{aptitude.get(rep, '')},{trained.get(rep, '')}"
            lines.append(f"{rep},AE {i},AE,T,R,M,{month},20,{won},{won * 1000},yes,{coach}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_the_columns_are_canonical_documented_and_in_the_template() -> None:
    """Both fields are canonical columns with a description, and the template's header carries them."""
    for field in COACH_FIELDS:
        assert field in CANONICAL_COLUMNS and COLUMN_DOCS[field]
    header = template_csv().decode("utf-8").strip().split(",")
    assert set(COACH_FIELDS) <= set(header)


@pytest.mark.parametrize(
    ("aptitude", "trained"),
    [
        ("Coaching Aptitude", "Coaching Training Done"),
        ("Coach-Eignung", "Coaching-Schulung absolviert"),
        ("Coachingtalent", "Coachingtraining gevolgd"),
        ("coach_aptitude", "coach_trained"),
    ],
)
def test_english_german_and_dutch_headers_are_recognised(aptitude: str, trained: str) -> None:
    """The headers people write in EN, DE and NL map to coach_aptitude and coach_trained."""
    mapping = suggest_mapping(["Name", "Rolle", "Monat", aptitude, trained])
    assert mapping["coach_aptitude"] == aptitude
    assert mapping["coach_trained"] == trained


def test_import_reads_aptitude_and_training_and_warns_about_bad_values() -> None:
    """1–5 and yes/no/ja/nee are read; an aptitude outside 1–5 or a bad yes/no is a warning, left blank, row kept."""
    prepared = prepare(
        _rows({"A1": "5", "A2": "4,0", "A3": "7", "A4": "viel"}, {"A1": "ja", "A2": "nee", "A3": "vielleicht"}),
        "team.csv",
    )
    people = prepared.frame.drop_duplicates("rep_id").set_index("rep_id")
    assert prepared.rows_valid == 27
    assert people.loc["A1", "coach_aptitude"] == 5 and people.loc["A2", "coach_aptitude"] == 4
    assert pd.isna(people.loc["A3", "coach_aptitude"]) and pd.isna(people.loc["A4", "coach_aptitude"])
    assert people.loc["A1", "coach_trained"] == "yes" and people.loc["A2", "coach_trained"] == "no"
    assert pd.isna(people.loc["A3", "coach_trained"])
    report = prepared.report
    warned = report[report["severity"] == "warning"]
    assert set(warned["column"]) == {"Coaching Aptitude", "Coaching Training Done"}
    assert warned["reason"].str.contains("1 to 5").any()
    assert (report["severity"] == "warning").all()


def test_stored_and_loaded_back_then_shown_in_the_chain_reason(engine: Engine) -> None:
    """File → import → store → load → segment → chains: the coach's aptitude and training are in the reason."""
    prepared = prepare(_rows({"A1": "5"}, {"A1": "yes"}), "team.csv")
    outcome = import_prepared(engine=engine, prepared=prepared, name="AEs", viewer=OPERATOR)
    records = load_records(engine=engine, dataset_id=outcome.dataset_id)
    assert list(records.columns) == list(CANONICAL_COLUMNS)
    people = load_people(engine=engine, dataset_id=outcome.dataset_id).set_index("rep_id")
    assert people.loc["A1", "coach_aptitude"] == 5 and people.loc["A1", "coach_trained"] == "yes"
    assert pd.isna(people.loc["A2", "coach_aptitude"]) and pd.isna(people.loc["A2", "coach_trained"])
    segmented = segment(records, SegmentSettings(replicates=0))
    pairs = match_chains(segmented, ChainSettings(levels=("ae-ae",))).pairs
    reasons = pairs.loc[pairs["coach_id"] == "A1", "reason"]
    assert len(reasons) and reasons.str.contains("coaching aptitude 5/5 · coaching training done", regex=False).all()


def test_a_people_list_carries_aptitude_and_training_into_the_monthly_table() -> None:
    """A roster with aptitude and training columns (German headers) fills both fields of the derived table."""
    roster = (
        b"Name;Rolle;Team;Coach-Eignung;Coaching-Schulung absolviert\n"
        b"Jonas Keller;Account Executive;DACH;5;ja\n"
        b"Eva Brandt;Account Executive;DACH;;nein\n"
    )
    deals = (
        b"Opportunity Owner,Stage,Amount,Close Date\n"
        b"Jonas Keller,Closed Won,1000,2026-09-10\n"
        b"Eva Brandt,Closed Lost,500,2026-09-12\n"
    )
    result = derive([read_records(roster, "people.csv"), read_records(deals, "deals.csv")])
    assert result.complete, (result.questions, result.problems)
    people = result.frame.drop_duplicates("name").set_index("name")
    assert float(people.loc["Jonas Keller", "coach_aptitude"]) == 5
    assert people.loc["Jonas Keller", "coach_trained"] == "yes"
    assert pd.isna(people.loc["Eva Brandt", "coach_aptitude"])
    assert people.loc["Eva Brandt", "coach_trained"] == "no"


def test_chains_command_shows_aptitude_and_training_read_from_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m core chains FILE`: the German-headed aptitude and training columns show in the coach's reason."""
    path = tmp_path / "team.csv"
    path.write_bytes(_rows({"A1": "5"}, {"A1": "ja"}).replace(b"Coaching Aptitude", b"Coach-Eignung"))
    assert main(["chains", str(path), "--format", "json"]) == 0
    pairs = json.loads(capsys.readouterr().out)
    reasons = {p["reason"] for p in pairs if p["coach_id"] == "A1"}
    assert reasons and all("coaching aptitude 5/5 · coaching training done" in r for r in reasons)
