"""Deleting a dataset removes every derived row and its bytes; a retention period deletes old real data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Table, event, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from core.coaching.edits import add_edit
from core.governance.access import OPERATOR
from core.governance.audit import audit_log
from core.governance.retention import (
    POLICY_ACTOR,
    apply_retention,
    datasets_table,
    delete_dataset,
    dependent_tables,
    due_for_deletion,
    last_imports,
    name_confirms,
    retention_days,
    set_retention_days,
)
from core.ingest.importer import import_prepared, prepare
from core.plans.hr_review import set_case_status
from core.plans.store import add_checkin, set_plan_edit
from core.scoring.overrides import set_override
from core.store.datasets import list_datasets, sha256_bytes, store_dataset
from core.store.db import init_db, make_engine
from core.store.models import Dataset, ImportBatch

from files import plain_csv

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
UNIQUE = "Quonkleberg-7f3a9"  # a name that appears nowhere else in the database


def _linked_tables() -> list[Table]:
    """Every table with a dataset_id column except the audit trail, which outlives datasets on purpose."""
    return [t for t in SQLModel.metadata.sorted_tables if "dataset_id" in t.c and t.name != "audit_entry"]


def _counts(engine: Engine, dataset_id: int) -> dict[str, int]:
    with engine.connect() as connection:
        counts = {
            t.name: int(connection.execute(select(func.count()).where(t.c.dataset_id == dataset_id)).scalar_one())
            for t in _linked_tables()
        }
        counts["dataset"] = int(
            connection.execute(select(func.count()).where(Dataset.__table__.c.id == dataset_id)).scalar_one()  # type: ignore[attr-defined]
        )
    return counts


def _filled(engine: Engine, frame: pd.DataFrame, name: str, note: str = "kept note") -> int:
    """A dataset imported from a file, with a row in every table that belongs to a dataset."""
    # The file name goes into the import's audit entry, which outlives the dataset on purpose; keep it plain.
    outcome = import_prepared(
        engine=engine, prepared=prepare(plain_csv(frame), "export.csv"), name=name, viewer=OPERATOR
    )
    dataset_id = outcome.dataset_id
    rep = str(frame["rep_id"].iloc[0])
    set_override(engine=engine, dataset_id=dataset_id, rep_id=rep, tier="core", reason="ramping up", changed_by="m")
    add_edit(engine=engine, dataset_id=dataset_id, kind="exclude", rep_id=rep, changed_by="m", scope=None)
    set_plan_edit(engine=engine, dataset_id=dataset_id, rep_id=rep, key="notes", value=note, changed_by="m")
    add_checkin(
        engine=engine,
        dataset_id=dataset_id,
        rep_id=rep,
        held_on=date.today(),
        note=note,
        next_step="",
        changed_by="m",
    )
    set_case_status(engine=engine, dataset_id=dataset_id, rep_id=rep, status="open", note=note, changed_by="hr")
    return dataset_id


def test_every_dataset_table_is_covered() -> None:
    """Each table holding a dataset_id is deleted with the dataset (a new table without the key fails here)."""
    assert {t.name for t in dependent_tables()} == {t.name for t in _linked_tables()}
    expected = {"person", "period_record", "import_batch", "tier_override", "chain_edit", "plan_edit", "check_in"}
    assert expected | {"hr_case_entry"} <= {t.name for t in dependent_tables()}


def test_delete_removes_all_derived_rows(engine: Engine, small_team: pd.DataFrame) -> None:
    """Every derived row of the dataset goes, another dataset keeps all of its rows, one audit entry stays."""
    gone = _filled(engine, small_team, "gone")
    keep = _filled(engine, small_team.assign(name=small_team["name"] + " K"), "keep")
    before_gone, before_keep = _counts(engine, gone), _counts(engine, keep)
    assert all(n > 0 for n in before_gone.values()), before_gone  # data in every table, so the test can fail
    result = delete_dataset(engine=engine, dataset_id=gone, actor="admin")
    assert all(n == 0 for n in _counts(engine, gone).values())
    assert _counts(engine, keep) == before_keep
    assert result.rows == sum(before_gone.values())
    assert result.compacted
    entries = audit_log(engine=engine, actions=["dataset_deleted"])
    assert entries[["actor", "dataset_id", "subject", "detail"]].values.tolist() == [
        ["admin", gone, str(gone), f"{result.rows} rows deleted"]
    ]
    assert len(audit_log(engine=engine, dataset_id=gone)) > 1  # the earlier entries about it survive too


def test_delete_unknown_dataset_refused(engine: Engine) -> None:
    """Deleting a dataset that does not exist says so and records nothing."""
    with pytest.raises(ValueError, match="no dataset 42"):
        delete_dataset(engine=engine, dataset_id=42, actor="admin")
    assert audit_log(engine=engine).empty


def test_deleted_names_are_gone_from_the_sqlite_files(tmp_path: Path, small_team: pd.DataFrame) -> None:
    """After deletion a unique name is in neither the SQLite file nor its -wal file."""
    db = tmp_path / "bytes.db"
    engine = make_engine(f"sqlite:///{db}")
    # Debian builds SQLite with secure_delete on; stock SQLite (and many Python builds) have it off,
    # so deleted cells stay in the pages until VACUUM. Test that worst case.
    event.listen(engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA secure_delete=OFF"))
    init_db(engine)
    marked = small_team.copy()
    marked.loc[marked["rep_id"] == marked["rep_id"].iloc[0], "name"] = f"Zoë {UNIQUE}"
    gone = _filled(engine, marked, UNIQUE, note=f"talked about {UNIQUE}")
    keep = _filled(engine, small_team, "keep")
    wal = Path(f"{db}-wal")

    def on_disk() -> bytes:
        return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    assert UNIQUE.encode() in on_disk()  # it was written, so its absence later means something
    delete_dataset(engine=engine, dataset_id=gone, actor="admin")
    assert UNIQUE.encode() not in db.read_bytes()
    assert not wal.exists() or UNIQUE.encode() not in wal.read_bytes()
    assert [d.id for d in list_datasets(engine=engine)] == [keep]
    assert len(audit_log(engine=engine, actions=["dataset_deleted"])) == 1
    engine.dispose()


def _aged(engine: Engine, frame: pd.DataFrame, name: str, days: int, *, demo: bool = False) -> int:
    """A dataset created (and last imported) ``days`` days before NOW."""
    dataset_id = store_dataset(
        engine=engine,
        frame=frame,
        name=name,
        source_filename=f"{name}.csv",
        source_sha256=sha256_bytes(name.encode()),
        is_demo=demo,
    )
    with Session(engine) as session, session.begin():
        session.execute(update(Dataset).where(Dataset.id == dataset_id).values(created_at=NOW - timedelta(days=days)))  # type: ignore[arg-type]
    return dataset_id


def test_retention_deletes_old_real_datasets(engine: Engine, small_team: pd.DataFrame) -> None:
    """With 90 days: real datasets older than that go (one entry each), newer ones and demos stay."""
    old = _aged(engine, small_team, "old", 200)
    older = _aged(engine, small_team, "older", 400)
    new = _aged(engine, small_team, "new", 30)
    demo = _aged(engine, small_team, "demo", 900, demo=True)
    refreshed = _aged(engine, small_team, "refreshed", 300)
    with Session(engine) as session, session.begin():
        session.add(
            ImportBatch(
                dataset_id=refreshed,
                created_at=NOW - timedelta(days=10),
                source_filename="nov.csv",
                source_sha256="1" * 64,
                rows_total=1,
                rows_imported=1,
                rows_rejected=0,
            )
        )
    set_retention_days(engine=engine, days=90, actor="admin")
    assert due_for_deletion(engine=engine, days=90, now=NOW) == [older, old]
    deleted = apply_retention(engine=engine, now=NOW)
    assert [d.dataset_id for d in deleted] == [older, old]
    assert sorted(d.id for d in list_datasets(engine=engine)) == sorted([new, demo, refreshed])
    entries = audit_log(engine=engine, actions=["dataset_deleted"])
    assert sorted(entries["dataset_id"]) == sorted([old, older])
    assert entries["actor"].unique().tolist() == [POLICY_ACTOR]
    assert apply_retention(engine=engine, now=NOW) == []  # nothing left to do, nothing recorded
    assert len(audit_log(engine=engine, actions=["dataset_deleted"])) == 2


def test_retention_off_deletes_nothing(engine: Engine, small_team: pd.DataFrame) -> None:
    """Without a retention period even very old datasets are kept."""
    old = _aged(engine, small_team, "old", 5000)
    assert retention_days(engine=engine) is None
    assert apply_retention(engine=engine, now=NOW) == []
    set_retention_days(engine=engine, days=30, actor="admin")
    set_retention_days(engine=engine, days=None, actor="admin")
    assert apply_retention(engine=engine, now=NOW) == []
    assert [d.id for d in list_datasets(engine=engine)] == [old]


def test_setting_the_period_is_audited(engine: Engine) -> None:
    """Each change of the period is stored and writes one entry saying from what to what."""
    set_retention_days(engine=engine, days=365, actor="admin")
    assert retention_days(engine=engine) == 365
    set_retention_days(engine=engine, days=180, actor="admin")
    set_retention_days(engine=engine, days=None, actor="dpo")
    assert retention_days(engine=engine) is None
    log = audit_log(engine=engine, actions=["retention_changed"])
    assert log[["actor", "detail"]].values.tolist() == [
        ["dpo", "180 days → off"],
        ["admin", "365 days → 180 days"],
        ["admin", "off → 365 days"],
    ]


@pytest.mark.parametrize("days", [0, -5, 40_000])
def test_invalid_periods_refused(engine: Engine, days: int) -> None:
    """Zero, negative and absurd periods are refused; nothing is stored or recorded."""
    with pytest.raises(ValueError, match="1 to"):
        set_retention_days(engine=engine, days=days, actor="admin")
    assert retention_days(engine=engine) is None
    assert audit_log(engine=engine).empty


@pytest.mark.parametrize(
    ("typed", "name", "confirms"),
    [
        ("Benelux Q1", "Benelux Q1", True),
        (" Benelux Q1 ", "Benelux Q1", True),
        ("Benelux", "Benelux Q1", False),
        ("benelux q1", "Benelux Q1", False),
        ("", "Benelux Q1", False),
    ],
)
def test_only_the_exact_name_confirms_a_deletion(typed: str, name: str, confirms: bool) -> None:
    """A deletion is confirmed by the dataset's exact name; a prefix or another case is not enough."""
    assert name_confirms(typed, name) is confirms


def test_datasets_table_marks_demo_and_due(engine: Engine, small_team: pd.DataFrame) -> None:
    """Each dataset is listed once with its people, whether it is demo data and whether the period takes it."""
    real = store_dataset(
        engine=engine, frame=small_team, name="Real", source_filename="r.csv", source_sha256=sha256_bytes(b"r")
    )
    datasets = list_datasets(engine=engine)
    table = datasets_table(datasets, last=last_imports(engine=engine), due={real}).set_index("id")
    assert table.loc[real, "due for deletion"] and not table.loc[real, "demo"]
    assert table.loc[real, "people"] == small_team["rep_id"].nunique()
    assert list(table.columns) == ["name", "created", "last import", "rows", "people", "demo", "due for deletion"]
