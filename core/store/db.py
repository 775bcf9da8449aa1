"""Database engine and schema upgrades.

One engine per process (the app caches it); a short ``Session`` per unit of work.
SQLite is the default store; ``DATABASE_URL`` points the same code at PostgreSQL.
A store that fails (read-only, full, unreachable) is described by :func:`describe_store_error`
in one sentence naming where the data lives, never with the SQL or the rows it carried.
"""

from __future__ import annotations

import errno
import functools
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlmodel import create_engine

from core.i18n import _, ngettext

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_SQLITE_PATH = Path("data") / "coachwise.db"
BUSY_TIMEOUT_MS = 5000
"""How long one SQLite statement waits for another connection's write lock before it fails as busy."""


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
    cursor.execute("PRAGMA foreign_keys=ON")  # i18n: data (SQL, as every PRAGMA below)
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")  # i18n: data
    cursor.execute("PRAGMA journal_mode=WAL")  # i18n: data
    cursor.execute("PRAGMA synchronous=NORMAL")  # i18n: data
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
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # i18n: data; takes effect outside a transaction only
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()  # i18n: data
                    if broken:
                        raise RuntimeError(
                            ngettext(
                                "The schema upgrade left {n} row with broken references.",
                                "The schema upgrade left {n} rows with broken references.",
                                len(broken),
                            ).format(n=len(broken))
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")  # i18n: data
                connection.commit()


def current_revision(engine: Engine) -> str | None:
    """Return the database's Alembic revision, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest migration shipped with the code."""
    script = ScriptDirectory.from_config(_alembic_config(make_engine("sqlite://")))
    return script.get_current_head()


_READ_ONLY = ("readonly database", "read-only", "read only", "permission denied", "access denied")
_FULL = ("disk is full", "no space left", "could not extend file", "disk full", "quota exceeded")
_LOCKED = ("database is locked", "database table is locked", "could not obtain lock", "lock timeout")
_UNREACHABLE = ("connection refused", "could not connect", "could not translate host", "timeout expired")


def store_location(url: str) -> str:
    """Where the data lives, for a message: a SQLite file's path, or the URL without its password."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        return _("the configured database")
    if parsed.get_backend_name() == "sqlite":
        database = (parsed.database or ":memory:").removeprefix("file:").split("?")[0]
        return str(Path(database).expanduser()) if database != ":memory:" else _("an in-memory database")
    return parsed.set(query={}).render_as_string(hide_password=True)


STORE_ERRORS = (SQLAlchemyError, sqlite3.Error)
"""What the store raises when it fails (catch these, then show :func:`describe_store_error`)."""


def describe_store_error(exc: BaseException, url: str) -> str:
    """One sentence for a database failure: where the data lives and what to do — never SQL or row values.

    SQLAlchemy's own text repeats the statement and its parameters (on a full disk, an INSERT with rows
    of performance figures); only the driver's error code and message are looked at here, to choose
    the sentence, and neither is repeated.

    Args:
        exc: The error raised while using the store (SQLAlchemy, sqlite3, or an ``OSError`` from
            creating the database folder).
        url: The database URL in use (e.g. :func:`database_url`).

    Returns:
        A sentence to show as it is (the app with ``st.error``, the command line after ``Error:``).
    """
    where = store_location(url)
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    extended = getattr(cause, "sqlite_errorcode", None)
    code = extended & 0xFF if isinstance(extended, int) else None  # the primary code of an extended one
    text = str(cause).lower() if not isinstance(cause, OSError) else ""
    number = cause.errno if isinstance(cause, OSError) else None
    if code == sqlite3.SQLITE_FULL or number == errno.ENOSPC or any(k in text for k in _FULL):
        return _(
            "The disk holding the database at {where} is full, so nothing was saved; free some space there "
            "and try again."
        ).format(where=where)
    if (
        code == sqlite3.SQLITE_READONLY
        or number in (errno.EACCES, errno.EPERM, errno.EROFS)
        or any(k in text for k in _READ_ONLY)
    ):
        return _(
            "The database at {where} is read-only, so nothing was saved; give the app write access to it "
            "and its folder (or point COACHWISE_DB_PATH at a writable place) and try again."
        ).format(where=where)
    if code == sqlite3.SQLITE_BUSY or any(k in text for k in _LOCKED):
        return _(
            "The database at {where} is busy with another change, so nothing was saved; try again in a moment."
        ).format(where=where)
    if code == sqlite3.SQLITE_CANTOPEN or "unable to open database" in text:  # i18n: data (the driver's words)
        return _(
            "The database at {where} cannot be opened; check that its folder exists and the app may write there, "
            "then try again."
        ).format(where=where)
    if any(k in text for k in _UNREACHABLE):
        return _(
            "The database at {where} cannot be reached; check that it is running and the address is right."
        ).format(where=where)
    return _(
        "The database at {where} could not complete the request, so nothing was saved; check that it is "
        "reachable and writable, then try again."
    ).format(where=where)


BUSY_RETRY_SECONDS = 20.0
"""How long a write keeps retrying a busy store (on top of each statement's own busy timeout)."""
_BACKOFF_FIRST, _BACKOFF_MAX = 0.1, 2.0
_BUSY_POSTGRES = ("deadlock detected", "could not serialize", "canceling statement due to lock timeout")

P = ParamSpec("P")
R = TypeVar("R")


class StoreBusy(ValueError):
    """A write found the store busy for longer than the retries allow; nothing was saved.

    A ``ValueError`` with the sentence to show, as every domain refusal is, so a page's
    ``except ValueError`` shows it next to the form and keeps what was typed.
    """

    def __init__(self) -> None:
        super().__init__(
            _("The store is busy with another change, so nothing was saved; your text is kept — try again in a moment.")
        )


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says another connection holds the lock (worth retrying), not that the store is broken."""
    if not isinstance(exc, OperationalError | sqlite3.OperationalError):
        return False
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    extended = getattr(cause, "sqlite_errorcode", None)
    if isinstance(extended, int) and extended & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return True
    text = str(cause).lower()
    return any(k in text for k in (*_LOCKED, *_BUSY_POSTGRES))


def retry_when_busy(write: Callable[P, R]) -> Callable[P, R]:
    """Run a write (one transaction) again with growing pauses while the store is busy, then raise :class:`StoreBusy`.

    Wrap functions whose whole body is one unit of work: a busy store rolls the transaction back,
    so running it again from the start is safe. Any other error passes through unchanged.
    """

    @functools.wraps(write)
    def retried(*args: P.args, **kwargs: P.kwargs) -> R:
        deadline = time.monotonic() + BUSY_RETRY_SECONDS
        pause = _BACKOFF_FIRST
        while True:
            try:
                return write(*args, **kwargs)
            except (OperationalError, sqlite3.OperationalError) as exc:
                if not is_busy(exc):
                    raise
                if time.monotonic() + pause > deadline:
                    raise StoreBusy() from None  # the cause repeats the SQL and its values
            time.sleep(pause)
            pause = min(pause * 2, _BACKOFF_MAX)

    return retried
