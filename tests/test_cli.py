"""The command line: demo files, database setup, and one-sentence errors without tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.__main__ import main
from core.schema import CANONICAL_COLUMNS

from conftest import ROOT


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACHWISE_DB_PATH": str(tmp_path / "cli.db")}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_demo_writes_file(tmp_path: Path, suffix: str) -> None:
    """`demo --out` writes the template's columns, one row per person and month."""
    out = tmp_path / f"team{suffix}"
    result = _run(
        ["demo", "--out", str(out), "--reps", "30", "--months", "4", "--seed", "3", "--end", "2026-04"], tmp_path
    )
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
    assert list(frame.columns) == list(CANONICAL_COLUMNS)
    assert frame["rep_id"].nunique() == 30
    assert set(frame["period"]) <= {"2026-01", "2026-02", "2026-03", "2026-04"}


def test_demo_is_deterministic(tmp_path: Path) -> None:
    """The same seed and end month give byte-identical files."""
    args = ["--reps", "25", "--months", "3", "--seed", "8", "--end", "2026-02"]
    assert main(["demo", "--out", str(tmp_path / "a.csv"), *args]) == 0
    assert main(["demo", "--out", str(tmp_path / "b.csv"), *args]) == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_init_db_loads_demo_once(tmp_path: Path) -> None:
    """`init-db` creates the database with the demo team; a second run keeps one dataset."""
    first = _run(["init-db"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "demo team" in first.stderr
    second = _run(["init-db"], tmp_path)
    assert second.returncode == 0 and "demo team" not in second.stderr
    listing = _run(["datasets"], tmp_path)
    assert listing.returncode == 0
    assert len(listing.stdout.strip().splitlines()) == 1
    assert "(demo)" in listing.stdout


def test_init_db_without_demo(tmp_path: Path) -> None:
    """`init-db --no-demo` leaves the database empty."""
    assert _run(["init-db", "--no-demo"], tmp_path).returncode == 0
    assert _run(["datasets"], tmp_path).stdout.strip() == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demo", "--out", "team.json"], ".csv or .xlsx"),
        (["demo", "--out", "/nonexistent-dir/x/team.csv"], "Error:"),
        (["demo", "--out", "t.csv", "--reps", "zero"], "not a whole number"),
        (["demo", "--out", "t.csv", "--end", "2026-13"], "not a month"),
    ],
)
def test_errors_are_one_sentence(tmp_path: Path, args: list[str], message: str) -> None:
    """Bad arguments end with a clear message on stderr, a non-zero exit and no traceback."""
    result = _run(args, tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_a_sentence(tmp_path: Path) -> None:
    """A database that cannot be reached is reported in one sentence, not a traceback."""
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = subprocess.run(
        [sys.executable, "-m", "core", "datasets"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error:")
