"""Database: migrations reach head and match the models; SQLite runs with safe settings."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import core.store.models  # noqa: F401
from core.store.db import current_revision, database_url, head_revision, init_db, make_engine, normalise_url


def _urls(tmp_path: Path) -> list[str]:
    urls = [f"sqlite:///{tmp_path / 'empty.db'}"]
    if os.environ.get("TEST_POSTGRES_URL"):
        urls.append(os.environ["TEST_POSTGRES_URL"])
    return urls


def test_empty_database_migrates_to_head_and_matches_models(tmp_path: Path) -> None:
    """An empty database upgraded by Alembic has exactly the tables and columns of models.py."""
    for url in _urls(tmp_path):
        engine = make_engine(url)
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        assert current_revision(engine) is None
        init_db(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == [], f"models.py and the migrations differ on {engine.dialect.name}: {diff}"
        assert {"dataset", "person", "period_record"} <= set(inspect(engine).get_table_names())
        engine.dispose()


def test_init_db_is_idempotent(tmp_path: Path) -> None:
    """Upgrading a database that is already at head changes nothing and does not fail."""
    engine = make_engine(f"sqlite:///{tmp_path / 'twice.db'}")
    init_db(engine)
    init_db(engine)
    assert current_revision(engine) == head_revision()


def test_sqlite_pragmas(tmp_path: Path) -> None:
    """Every SQLite connection has WAL, a busy timeout and foreign keys on."""
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    """A database path in a folder that does not exist yet works (data/ on a fresh clone)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'folder' / 'c.db'}")
    init_db(engine)
    assert (tmp_path / "new" / "folder" / "c.db").exists()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "sqlite:///data/coachwise.db"),
        ({"COACHWISE_DB_PATH": "/srv/cw.db"}, "sqlite:////srv/cw.db"),
        ({"DATABASE_URL": "postgresql://u:p@h/db", "COACHWISE_DB_PATH": "/x.db"}, "postgresql://u:p@h/db"),
    ],
)
def test_database_url(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str) -> None:
    """DATABASE_URL wins, then COACHWISE_DB_PATH, then the default file."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("COACHWISE_DB_PATH", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert database_url() == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgres_urls_use_psycopg3(url: str, expected: str) -> None:
    """Plain PostgreSQL URLs are routed to the psycopg 3 driver we install."""
    assert normalise_url(url) == expected


def test_upgrading_a_database_with_data_keeps_every_row(engine: Engine, small_team: pd.DataFrame) -> None:
    """A store made by the first release's schema (0005) keeps every dataset, person, row and edit through
    the upgrade to head — even where a migration rebuilds a table that others point at."""
    from datetime import date

    from alembic import command
    from sqlalchemy import func, select
    from sqlmodel import Session

    from core.schema import OPTIONAL_COLUMNS
    from core.store.datasets import _insert_records, _person_ids, _person_rows, get_dataset
    from core.store.db import _alembic_config
    from core.store.models import CheckInRecord, Dataset, PeriodRecord, Person, TierOverride

    eng = engine
    with eng.begin() as connection:
        if eng.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(text(f'DROP TABLE IF EXISTS "{table.name}"'))
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    config = _alembic_config(eng)
    with eng.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    # Rows as that release wrote them: the dataset by hand (today's model has columns 0005 lacks), the
    # people and months with the store's own bulk writers.
    with Session(eng) as session, session.begin():
        dataset_id = session.execute(
            text(
                "INSERT INTO dataset (name, created_at, source_filename, source_sha256, row_count, is_demo) "
                "VALUES ('before', :t, 'b.csv', :sha, :rows, false) RETURNING id"
            ),
            {"t": date(2026, 1, 1), "sha": "0" * 64, "rows": len(small_team)},
        ).scalar_one()
        people = [
            {k: v for k, v in row.items() if k not in OPTIONAL_COLUMNS} for row in _person_rows(dataset_id, small_team)
        ]
        session.execute(SQLModel.metadata.tables["person"].insert(), people)
        _insert_records(session, dataset_id, small_team, _person_ids(session, dataset_id))
    with eng.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tier_override (dataset_id, rep_id, tier, reason, changed_by, created_at) "
                "VALUES (:d, 'E10001', 'core', 'ramping', 'm', :t)"
            ),
            {"d": dataset_id, "t": date(2026, 1, 1)},
        )
        connection.execute(
            text(
                "INSERT INTO check_in (dataset_id, rep_id, held_on, note, next_step, changed_by, created_at) "
                "VALUES (:d, 'E10001', :t, 'n', 's', 'm', :t)"
            ),
            {"d": dataset_id, "t": date(2026, 1, 1)},
        )

    def counts() -> list[int]:
        with Session(eng) as session:
            return [
                int(session.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (Dataset, Person, PeriodRecord, TierOverride, CheckInRecord)
            ]

    before = counts()
    init_db(eng)
    assert counts() == before and before[2] == len(small_team)
    assert current_revision(eng) == head_revision()
    old = get_dataset(engine=eng, dataset_id=dataset_id)
    assert old is not None and old.created_by == ""  # creator unknown: nobody but an admin owns it
    from core.plans.store import checkins

    [(_, logged)] = checkins(engine=eng, dataset_id=dataset_id)
    assert (logged.note, logged.next_step, logged.carried) == ("n", "s", ())  # no outcome invented for old rows
    if eng.dialect.name == "sqlite":
        with eng.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1  # switched back on


def _read_only(engine: Engine) -> Engine:
    """The same database, every connection with PRAGMA query_only (writes fail as on a read-only file, even as root)."""
    from sqlalchemy import event

    event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only=ON"))
    return engine


FIGURES = pd.DataFrame({"rep_id": ["E-4711"], "name": ["Lea Wolf"], "revenue_won": [98765.43]})


def test_read_only_store_is_one_sentence_without_sql_or_values(tmp_path: Path) -> None:
    """A real 'attempt to write a readonly database' becomes one sentence naming the file, with no SQL or row values."""
    from sqlalchemy.exc import OperationalError

    from core.store.db import describe_store_error

    path = tmp_path / "data" / "coachwise.db"
    url = f"sqlite:///{path}"
    init_db(make_engine(url))
    engine = _read_only(make_engine(url))
    with pytest.raises(OperationalError) as info:
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO app_setting (key, value) VALUES (:k, :v)"), {"k": "E-4711", "v": "98765.43"}
            )
    assert "readonly" in str(info.value) and "INSERT" in str(info.value)  # what SQLAlchemy would have shown
    message = describe_store_error(info.value, url)
    assert str(path) in message and "read-only" in message
    assert "INSERT" not in message and "E-4711" not in message and "98765" not in message
    assert message.count(".") <= 2 and message.endswith(".")


@pytest.mark.parametrize(
    ("driver_message", "expected"),
    [
        ("database or disk is full", "is full"),
        ("attempt to write a readonly database", "read-only"),
        ("database is locked", "busy"),
        ("unable to open database file", "cannot be opened"),
        ("something else entirely", "could not complete"),
    ],
)
def test_store_errors_never_repeat_statement_or_rows(driver_message: str, expected: str) -> None:
    """Whatever the driver says, the sentence names the path and what to do, never the INSERT or its figures."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from core.store.db import describe_store_error

    statement = "INSERT INTO period_record (rep_id, name, revenue_won) VALUES (?, ?, ?)"
    exc = OperationalError(
        statement, [tuple(r) for r in FIGURES.itertuples(index=False)], sqlite3.OperationalError(driver_message)
    )
    message = describe_store_error(exc, "sqlite:////srv/coachwise/data/coachwise.db")
    assert expected in message and "/srv/coachwise/data/coachwise.db" in message
    for leaked in ("INSERT", "period_record", "E-4711", "Lea Wolf", "98765", driver_message):
        assert leaked not in message


def test_store_error_hides_a_postgres_password() -> None:
    """A PostgreSQL URL is named without its password."""
    from core.store.db import describe_store_error

    message = describe_store_error(OSError(28, "No space left on device"), "postgresql://app:s3cret@db:5432/coachwise")
    assert "s3cret" not in message and "db:5432/coachwise" in message and "is full" in message


def test_0011_adds_previous_steps_to_existing_check_ins(engine: Engine, small_team: pd.DataFrame) -> None:
    """A store at 0010 with a check-in upgrades to head: the old row reads without outcomes, and the next
    check-in must say what happened to its step."""
    from datetime import date

    from alembic import command

    from core.plans.store import add_checkin, checkins
    from core.store.datasets import sha256_bytes, store_dataset
    from core.store.db import _alembic_config

    dataset_id = store_dataset(
        engine=engine, frame=small_team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"m")
    )
    config = _alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    assert "previous_steps" not in {c["name"] for c in inspect(engine).get_columns("check_in")}
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO check_in (dataset_id, rep_id, held_on, note, next_step, changed_by, created_at) "
                "VALUES (:d, 'E1', :t, 'Kick-off', 'Try the new opener', 'm', :t)"
            ),
            {"d": dataset_id, "t": date(2026, 1, 1)},
        )
    init_db(engine)
    assert current_revision(engine) == head_revision()
    [(_, old)] = checkins(engine=engine, dataset_id=dataset_id)
    assert old.carried == () and old.steps == ("Try the new opener",)
    with pytest.raises(ValueError, match="Try the new opener"):
        add_checkin(
            engine=engine,
            dataset_id=dataset_id,
            rep_id="E1",
            held_on=date.today(),
            note="x",
            next_step="",
            changed_by="m",
        )
    add_checkin(
        engine=engine,
        dataset_id=dataset_id,
        rep_id="E1",
        held_on=date.today(),
        note="Went through the opener",
        next_step="",
        changed_by="m",
        outcomes={"Try the new opener": "done"},
    )
    assert [c.outcome for c in checkins(engine=engine, dataset_id=dataset_id)[-1][1].carried] == ["done"]


def test_0012_adds_a_blank_plan_language_to_existing_people(engine: Engine, small_team: pd.DataFrame) -> None:
    """A store at 0011 upgrades to head: every person is kept with a blank language (the viewer's), and a
    language stored afterwards reads back; downgrading drops the column again."""
    from alembic import command

    from core.store.datasets import load_people, sha256_bytes, store_dataset
    from core.store.db import _alembic_config

    config = _alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    assert "language" not in {c["name"] for c in inspect(engine).get_columns("person")}
    init_db(engine)
    assert current_revision(engine) == head_revision()
    team = small_team.assign(language=None)
    team.loc[team["rep_id"] == team["rep_id"].iloc[0], "language"] = "nl"
    dataset_id = store_dataset(
        engine=engine, frame=team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"0012")
    )
    people = load_people(engine=engine, dataset_id=dataset_id).set_index("rep_id")
    assert people.loc[team["rep_id"].iloc[0], "language"] == "nl"
    assert people["language"].isna().sum() == len(people) - 1
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    assert "language" not in {c["name"] for c in inspect(engine).get_columns("person")}
