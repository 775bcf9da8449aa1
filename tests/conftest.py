"""Shared fixtures: a migrated database per test and small demo teams from the one generator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from core.db import init_db, make_engine
from core.demo import DemoSpec, generate_team

ROOT = Path(__file__).resolve().parent.parent
SMALL = DemoSpec(reps=40, months=6, seed=11, end="2026-06")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database at head."""
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def small_team() -> pd.DataFrame:
    """40 people over 6 months, fixed seed and end month."""
    return generate_team(SMALL)


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app at an empty database file and drop its cached engine around the test."""
    from ui.state import get_engine

    db = tmp_path / "app.db"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COACHWISE_DB_PATH", str(db))
    monkeypatch.chdir(ROOT)
    get_engine.clear()
    yield db
    get_engine.clear()
