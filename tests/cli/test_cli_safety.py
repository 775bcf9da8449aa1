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


def test_import_into_a_read_only_store_is_one_sentence(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`import` into a store that refuses writes (PRAGMA query_only, which holds even as root) prints one sentence."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import core.store.db

    init_db(make_engine(f"sqlite:///{db}"))

    def read_only_engine(url: str | None = None) -> Engine:
        engine = make_engine(url)
        event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only=ON"))
        return engine

    monkeypatch.setattr(core.store.db, "make_engine", read_only_engine)  # the CLI imports it when a command needs it
    path = tmp_path / "team.csv"
    path.write_bytes(plain_csv(_team()))
    assert main(["import", str(path), "--name", "Team"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: The database at ") and str(db) in err and "read-only" in err
    assert "INSERT" not in err and "sqlalchemy" not in err.lower() and len(err.strip().splitlines()) == 1


def test_full_disk_during_import_never_prints_sql_or_figures(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while storing rows names the path and what to do, never the INSERT or the rows' figures."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    import core.store.datasets

    team = _team()
    rows = [tuple(r) for r in team[["rep_id", "name", "revenue_won"]].head(10).itertuples(index=False)]

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OperationalError(
            "INSERT INTO period_record (rep_id, name, revenue_won) VALUES (?, ?, ?)",
            rows,
            sqlite3.OperationalError("database or disk is full"),
        )

    monkeypatch.setattr(core.store.datasets, "store_dataset", disk_full)  # the importer imports it when it stores
    path = tmp_path / "team.csv"
    path.write_bytes(plain_csv(team))
    assert main(["import", str(path), "--name", "Team"]) == 2
    err = capsys.readouterr().err
    assert str(db) in err and "is full" in err and len(err.strip().splitlines()) == 1
    for rep_id, name, _revenue in rows:
        assert rep_id not in err and name not in err
    assert "INSERT" not in err and "period_record" not in err


def test_an_unexpected_fault_is_one_sentence_that_does_not_blame_the_database(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fault of ours in a file-only command: a sentence naming it, no traceback, no database sent to check."""
    import core.cli as cli

    def broken(_args: object) -> int:
        raise KeyError("tier_computed")

    monkeypatch.setitem(cli.COMMANDS, "segment", broken)
    csv = tmp_path / "team.csv"
    csv.write_bytes(plain_csv(_team()))
    assert main(["segment", str(csv)]) == cli.EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "unexpected problem (KeyError: 'tier_computed')" in err and "please report it" in err
    assert "database" not in err.lower() and "Traceback" not in err
