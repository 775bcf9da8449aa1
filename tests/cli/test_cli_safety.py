"""The command line under hostile input: no escape codes on the terminal, no SQL or row values in errors."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from core.cli import main
from core.demo import DemoSpec, generate_team
from core.store.datasets import store_dataset
from core.store.db import init_db, make_engine

from files import plain_csv

UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
RED = "\x1b[31m"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's database: a fresh SQLite file."""
    path = tmp_path / "cli.db"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("COACHWISE_DB_PATH", str(path))
    return path


def _team() -> pd.DataFrame:
    return generate_team(DemoSpec(reps=12, months=3, seed=5, end="2026-03"))


def test_stored_names_reach_the_terminal_without_escape_codes(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A dataset name and file name stored with escape codes (not through the importer) print without them."""
    engine = make_engine(f"sqlite:///{db}")
    init_db(engine)
    store_dataset(
        engine=engine, frame=_team(), name=f"{RED}Red team\x07", source_filename=f"t{RED}.csv", source_sha256="0" * 64
    )
    engine.dispose()
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "Red team" in out and "t.csv" in out
    assert not UNSAFE.search(out)


def test_check_prints_a_hostile_file_without_escape_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`check` on a file whose name and cells carry escape codes prints names, values and notes without them."""
    team = _team()
    team["calls"] = team["calls"].astype(object)
    team.loc[team.index[team["role"] == "SDR"][0], "calls"] = f"{RED}many\x07"
    path = tmp_path / f"team{RED}.csv"
    path.write_bytes(plain_csv(team))
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "value 'many'" in captured.out and "team.csv" in captured.err
    assert not UNSAFE.search(captured.out + captured.err)


def test_error_messages_reach_the_terminal_without_escape_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """An error naming a file the user gave (here: one that does not exist) prints without its escape codes."""
    assert main(["check", f"/nonexistent/{RED}team.csv"]) == 2
    err = capsys.readouterr().err
    assert "team.csv" in err and not UNSAFE.search(err)
