"""Shared fixtures: a migrated database per test and small demo teams from the one generator."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import Engine

from core.demo import DemoSpec, generate_team
from core.store.db import init_db, make_engine

# Property tests check what holds for every team, not how fast one example runs: a loaded CI machine
# made a 200 ms per-example deadline fail a correct test, so examples have no deadline here.
settings.register_profile("coachwise", deadline=None)
settings.load_profile("coachwise")

ROOT = Path(__file__).resolve().parent.parent
SMALL = DemoSpec(reps=40, months=6, seed=11, end="2026-06")


POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh database at head: SQLite always, PostgreSQL too when TEST_POSTGRES_URL is set (CI sets it)."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        if not POSTGRES_URL:
            pytest.skip("TEST_POSTGRES_URL is not set (.ci/run starts a throwaway PostgreSQL)")
        eng = make_engine(POSTGRES_URL)
        with eng.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def small_team() -> pd.DataFrame:
    """40 people over 6 months, fixed seed and end month."""
    return generate_team(SMALL)


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app at an empty database file and drop its cached engine and data around the test.

    The cached data goes too: a view's token (dataset id, rows, last import) can repeat in another test's
    database, and would hand that test the earlier one's records.
    """
    from ui.cache import forget_all
    from ui.state import get_engine

    db = tmp_path / "app.db"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COACHWISE_DB_PATH", str(db))
    monkeypatch.chdir(ROOT)
    get_engine.clear()
    forget_all()
    yield db
    get_engine.clear()
    forget_all()
