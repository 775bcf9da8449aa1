"""The command line for data protection: `delete DATASET_ID --yes` and `retention [--days N | --off]`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.cli import main
from core.governance.audit import audit_log
from core.governance.retention import retention_days
from core.store.datasets import list_datasets, sha256_bytes, store_dataset
from core.store.db import init_db, make_engine
from core.store.models import Dataset


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The database the command line uses (COACHWISE_DB_PATH), migrated and empty."""
    db = tmp_path / "cli.db"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COACHWISE_DB_PATH", str(db))
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    yield engine
    engine.dispose()


def _store(engine: Engine, frame: pd.DataFrame, name: str, age_days: int = 0) -> int:
    dataset_id = store_dataset(
        engine=engine, frame=frame, name=name, source_filename="t.csv", source_sha256=sha256_bytes(name.encode())
    )
    if age_days:
        with Session(engine) as session, session.begin():
            session.execute(
                update(Dataset)
                .where(Dataset.id == dataset_id)  # type: ignore[arg-type]
                .values(created_at=datetime.now(UTC) - timedelta(days=age_days))
            )
    return dataset_id


def test_delete_needs_yes(cli_db: Engine, small_team: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --yes nothing is deleted and one sentence says how to confirm."""
    dataset_id = _store(cli_db, small_team, "Q3 export")
    assert main(["delete", str(dataset_id)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "add --yes" in err and "Q3 export" in err
    assert [d.id for d in list_datasets(engine=cli_db)] == [dataset_id]
    assert audit_log(engine=cli_db).empty


def test_delete_with_yes(cli_db: Engine, small_team: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    """With --yes the dataset goes and the trail says the command line did it."""
    dataset_id = _store(cli_db, small_team, "Q3 export")
    assert main(["delete", str(dataset_id), "--yes"]) == 0
    assert f"Deleted dataset {dataset_id}" in capsys.readouterr().err
    assert list_datasets(engine=cli_db) == []
    log = audit_log(engine=cli_db, actions=["dataset_deleted"])
    assert log[["actor", "subject"]].values.tolist() == [["command line", str(dataset_id)]]


def test_delete_unknown_dataset(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown id is one sentence pointing at `datasets`, exit 2."""
    assert main(["delete", "9", "--yes"]) == 2
    assert "no dataset 9" in capsys.readouterr().err


def test_retention_refusal_follows_lang(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """A period too long is refused by core in the language --lang names, its limit grouped that way, exit 2."""
    assert main(["retention", "--days", "40000", "--lang", "de"]) == 2
    assert capsys.readouterr().err.strip() == (
        "Fehler: Eine Aufbewahrungsfrist beträgt 1 bis 36.500 Tage; schalten Sie sie aus, statt 0 zu verwenden."
    )
    assert retention_days(engine=cli_db) is None


def test_retention_show_set_and_off(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """Without options the policy is printed; --days sets it, --off clears it, each change audited."""
    assert main(["retention"]) == 0
    assert "off" in capsys.readouterr().out
    assert main(["retention", "--days", "180"]) == 0
    assert "180 days after their last import" in capsys.readouterr().out
    assert retention_days(engine=cli_db) == 180
    assert main(["retention", "--off"]) == 0
    assert "off" in capsys.readouterr().out and retention_days(engine=cli_db) is None
    log = audit_log(engine=cli_db, actions=["retention_changed"])
    assert log["detail"].tolist() == ["180 days → off", "off → 180 days"]
    assert set(log["actor"]) == {"command line"}


def test_retention_rejects_bad_options(cli_db: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    """Zero days, or --days together with --off, are refused by the parser."""
    with pytest.raises(SystemExit):
        main(["retention", "--days", "0"])
    with pytest.raises(SystemExit):
        main(["retention", "--days", "5", "--off"])
    assert retention_days(engine=cli_db) is None


def test_init_db_applies_the_retention_period(
    cli_db: Engine, small_team: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    """`init-db` deletes real datasets past the period and says which."""
    old = _store(cli_db, small_team, "old", age_days=400)
    new = _store(cli_db, small_team, "new", age_days=5)
    assert main(["retention", "--days", "365"]) == 0
    assert main(["init-db"]) == 0
    assert f"deleted 1 dataset ({old})" in capsys.readouterr().err
    assert [d.id for d in list_datasets(engine=cli_db)] == [new]
    assert audit_log(engine=cli_db, actions=["dataset_deleted"])["actor"].tolist() == ["retention policy"]
