"""Application-wide settings stored in the database (``app_setting``), e.g. the alias key's fallback."""

from __future__ import annotations

import secrets

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.store.db import retry_when_busy
from core.store.models import AppSetting, utcnow

ALIAS_KEY = "presentation_alias_key"


def get_setting(*, engine: Engine, key: str) -> str | None:
    """The stored value of ``key``, or None when it was never set."""
    with Session(engine) as session:
        row = session.get(AppSetting, key)
        return row.value if row else None


@retry_when_busy
def set_setting(*, engine: Engine, key: str, value: str, updated_by: str) -> None:
    """Store ``value`` under ``key`` (replacing any earlier value)."""
    with Session(engine) as session, session.begin():
        row = session.get(AppSetting, key) or AppSetting(key=key, value=value)
        row.value = value
        row.updated_by = updated_by[:200]
        row.updated_at = utcnow()
        session.add(row)


def stored_secret(*, engine: Engine, key: str) -> str:
    """A random secret kept under ``key``, created on first use (two servers racing agree on one)."""
    found = get_setting(engine=engine, key=key)
    if found:
        return found
    try:
        with Session(engine) as session, session.begin():
            session.add(AppSetting(key=key, value=secrets.token_hex(32), updated_by="coachwise"))
    except IntegrityError:
        pass  # another process created it first; use theirs
    value = get_setting(engine=engine, key=key)
    assert value is not None
    return value
