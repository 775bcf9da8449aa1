"""The audit trail: one entry per audited action, IDs not scores, one line per entry."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.governance.access import Viewer
from core.governance.audit import audit_log, dataset_filter, day_span, export_log, record, subject_ids
from core.ingest.importer import import_prepared, prepare
from core.scoring.overrides import set_override
from core.store.datasets import sha256_bytes, store_dataset
from core.text import clean

from files import plain_csv

MIA = Viewer(username="mia", role="manager", source="password", manager_name="Mia Wolf")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("plain", "plain"),
        ("two\r\nlines", "two lines"),
        ("fake\nentry at 2026 admin deleted", "fake entry at 2026 admin deleted"),
        ("tab\tand\x00nul", "tab and nul"),
        ("  spaced   out  ", "spaced out"),
        ("line\u2028separator", "line separator"),
        (None, ""),
    ],
)
def test_clean_strips_line_breaks_and_control_characters(given: object, expected: str) -> None:
    """Anything user-supplied becomes one line without control characters."""
    assert clean(given) == expected


def test_subject_ids_are_sorted_unique_and_clean() -> None:
    """A subject lists each identifier once, sorted, without line breaks."""
    assert subject_ids(["E2", "E1\n", "E2", ""]) == "E1, E2"


def test_unknown_action_is_refused(engine: Engine) -> None:
    """Only the known actions are recorded, so the trail's vocabulary stays fixed."""
    with pytest.raises(ValueError, match="not an audited action"):
        record(engine=engine, actor="a", action="made_coffee")


def test_import_writes_exactly_one_entry_with_hash_and_counts(engine: Engine, small_team: pd.DataFrame) -> None:
    """An import records who, the file's SHA-256 and the row counts — and no cell of the file."""
    data = plain_csv(small_team)
    prepared = prepare(data, "mueller-anna.csv")
    outcome = import_prepared(engine=engine, prepared=prepared, name="Q1", viewer=MIA)
    log = audit_log(engine=engine)
    assert len(log) == 1
    entry = log.iloc[0]
    assert (entry["actor"], entry["action"], entry["dataset_id"]) == ("mia", "import", outcome.dataset_id)
    assert sha256_bytes(data) in entry["detail"]
    assert f"{len(small_team)} rows imported" in entry["detail"]
    assert "mueller" not in " ".join(map(str, entry.to_list()))  # a file name may name a person
    first_name = str(small_team["name"].iloc[0])
    assert first_name not in " ".join(map(str, entry.to_list()))


def test_override_writes_exactly_one_entry(engine: Engine, small_team: pd.DataFrame) -> None:
    """A tier override records who and which person, in the same transaction as the override."""
    dataset_id = store_dataset(
        engine=engine, frame=small_team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"t")
    )
    set_override(engine=engine, dataset_id=dataset_id, rep_id="E10001", tier="core", reason="new", changed_by="lee")
    log = audit_log(engine=engine, actions=["tier_override"])
    assert log[["actor", "subject", "detail"]].values.tolist() == [["lee", "E10001", "to core"]]


def test_filters_narrow_the_log(engine: Engine) -> None:
    """Action, actor and dataset filters each keep only matching entries."""
    record(engine=engine, actor="ana", action="export", dataset_id=1, subject="E1")
    record(engine=engine, actor="bo", action="hr_review_viewed", dataset_id=2)
    record(engine=engine, actor="ana", action="hr_review_viewed", dataset_id=2)
    assert len(audit_log(engine=engine)) == 3
    assert audit_log(engine=engine, actions=["export"])["actor"].tolist() == ["ana"]
    assert len(audit_log(engine=engine, actor="AN")) == 2
    assert audit_log(engine=engine, dataset_id=2)["actor"].tolist() == ["ana", "bo"]  # newest first
    assert len(audit_log(engine=engine, limit=1)) == 1


def test_an_audited_download_writes_one_entry_when_the_file_is_made(app_env: object) -> None:
    """The page's download wrapper records who exported which people each time the file is produced."""
    from ui.downloads import audited
    from ui.state import get_engine

    made = audited(lambda: b"file", dataset_id=1, rep_ids=["E2", "E1", "E2"], what="plan (pdf)")
    engine = get_engine()
    assert audit_log(engine=engine, actions=["export"]).empty  # nothing until the file is made
    assert made() == b"file"
    log = audit_log(engine=engine, actions=["export"])
    assert log[["actor", "subject", "detail"]].values.tolist() == [["local admin", "E1, E2", "plan (pdf)"]]


@pytest.mark.parametrize(("typed", "expected"), [("", None), ("  ", None), ("7", 7), (" 12 ", 12)])
def test_dataset_filter_reads_a_whole_number_or_blank(typed: str, expected: int | None) -> None:
    """A blank filter means any dataset; a number is that dataset's id."""
    assert dataset_filter(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "-1", "1.5"])
def test_dataset_filter_refuses_anything_else_with_a_sentence(typed: str) -> None:
    """Text that is not a dataset id is refused with a sentence that names it and says where ids are."""
    with pytest.raises(ValueError, match="is not a dataset id: give the number shown on the Upload page"):
        dataset_filter(typed)


def test_day_span_covers_both_days_whole() -> None:
    """From midnight UTC on the first day to midnight after the last, so the last day's entries are in."""
    since, until = day_span(date(2026, 3, 1), date(2026, 3, 31))
    assert (since, until) == (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))


def test_export_log_records_one_entry_when_the_file_is_made(engine: Engine) -> None:
    """The CSV holds the entries, and making it records who exported how many for which days."""
    record(engine=engine, actor="ann", action="sign_in", subject="ann")
    log = audit_log(engine=engine)
    data = export_log(engine=engine, log=log, actor="root", start=date(2026, 3, 1), end=date(2026, 3, 2))
    assert b"sign_in" in data and b"ann" in data
    exported = audit_log(engine=engine, actions=["audit_exported"])
    assert exported[["actor", "subject", "detail"]].values.tolist() == [
        ["root", "1 entries", "2026-03-01 to 2026-03-02"]
    ]
