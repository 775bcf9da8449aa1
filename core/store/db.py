"""Database engine and schema upgrades.

One engine per process (the app caches it); a short ``Session`` per unit of work.
SQLite is the default store; ``DATABASE_URL`` points the same code at PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_SQLITE_PATH = Path("data") / "coachwise.db"


def database_url() -> str:
    """Return the configured database URL.

    ``DATABASE_URL`` wins; otherwise a SQLite file at ``COACHWISE_DB_PATH``
    (default ``data/coachwise.db`` relative to the working directory).
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    path = Path(os.environ.get("COACHWISE_DB_PATH", str(DEFAULT_SQLITE_PATH)))
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` to the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: :func:`database_url`).

    For SQLite the parent folder is created, and WAL, ``busy_timeout`` and
    foreign keys are switched on for every connection.

    Args:
        url: A SQLAlchemy URL; ``postgresql://`` is mapped to psycopg 3.

    Returns:
        A new engine. Callers keep one per process.
    """
    url = normalise_url(url or database_url())
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def init_db(engine: Engine) -> None:
    """Create the schema or upgrade it to the newest migration (idempotent).

    On SQLite, foreign keys are switched off while migrations run and checked afterwards, as SQLite's
    own procedure for schema changes says: a migration that rebuilds a table drops the old one, and
    with foreign keys on, that drop would cascade into every row that points at it.

    Raises:
        RuntimeError: A migration left rows pointing at rows that do not exist (nothing is committed).
    """
    config = _alembic_config(engine)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # takes effect outside a transaction only
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"The schema upgrade left {len(broken)} rows with broken references.")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def current_revision(engine: Engine) -> str | None:
    """Return the database's Alembic revision, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest migration shipped with the code."""
    script = ScriptDirectory.from_config(_alembic_config(make_engine("sqlite://")))
    return script.get_current_head()
