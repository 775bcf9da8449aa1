"""`check` in German and Dutch: the reasons of the row report, and what the files are, in the reader's language."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.demo import DemoSpec, generate_team

from conftest import ROOT


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "COACHWISE_DB_PATH": str(tmp_path / "cli.db")}
    environ.pop("DATABASE_URL", None)
    environ.pop("COACHWISE_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def bad_csv(tmp_path: Path) -> tuple[Path, int, int]:
    """The demo team with a negative call count and more deals won than worked; their spreadsheet rows."""
    team = generate_team(DemoSpec(reps=30, months=3, seed=3, end="2026-06")).reset_index(drop=True)
    sdr = int(team.index[team["role"] == "SDR"][0])
    ae = int(team.index[team["role"] == "AE"][0])
    team.loc[sdr, "calls"] = -5
    team.loc[ae, "deals_won"] = team.loc[ae, "deals_worked"] + 1
    path = tmp_path / "bad.csv"
    team.to_csv(path, index=False)
    return path, sdr + 2, ae + 2  # the header is row 1


def test_check_gives_german_reasons_with_row_column_and_value(bad_csv: tuple[Path, int, int], tmp_path: Path) -> None:
    """`check bad.csv --lang de` names each problem's row, column and value, and says why in German."""
    path, sdr_row, ae_row = bad_csv
    result = _run(["check", str(path), "--lang", "de"], tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert f"Fehler: Zeile {sdr_row}, Spalte 'calls', Wert '-5': muss 0 oder mehr sein" in lines
    won = next(line for line in lines if line.startswith(f"Fehler: Zeile {ae_row}, Spalte 'deals_won'"))
    assert ": mehr als deals_worked (" in won
    assert "must be" not in result.stdout and "more than" not in result.stdout


def test_check_in_english_keeps_its_reasons(bad_csv: tuple[Path, int, int], tmp_path: Path) -> None:
    """Without --lang the same lines are English, as before."""
    path, sdr_row, _ = bad_csv
    result = _run(["check", str(path)], tmp_path)
    assert f"error: row {sdr_row}, column 'calls', value '-5': must be 0 or more" in result.stdout.splitlines()


def test_csv_report_keeps_english_columns_and_codes(bad_csv: tuple[Path, int, int], tmp_path: Path) -> None:
    """`--format csv --lang nl`: the columns and severities stay machine-readable; the reasons are Dutch."""
    path, sdr_row, _ = bad_csv
    result = _run(["check", str(path), "--format", "csv", "--lang", "nl"], tmp_path)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["row", "column", "value", "reason", "severity"]
    calls = next(r for r in rows if r["row"] == str(sdr_row))
    assert (calls["column"], calls["severity"], calls["reason"]) == ("calls", "error", "moet 0 of meer zijn")


def test_an_unusable_file_is_refused_in_german(tmp_path: Path) -> None:
    """A PDF saved as .csv stops `check --lang de` with the reader's sentence in German, naming the file."""
    path = tmp_path / "bad.csv"
    path.write_bytes(b"%PDF-1.7\n")
    result = _run(["check", str(path), "--lang", "de"], tmp_path)
    assert result.returncode == 2
    assert "'bad.csv' ist ein PDF-Dokument, keine Tabelle" in result.stderr


def test_crm_files_are_described_in_dutch(tmp_path: Path) -> None:
    """`check` over CRM exports in Dutch: each file's sentence in Dutch, thousands with a dot, notes marked 'Let op'."""
    from core.demo_crm import CrmSpec, explode

    team = generate_team(DemoSpec(reps=20, months=12, seed=4, end="2026-12"))
    paths = []
    for name, data in explode(team, CrmSpec(seed=2)).items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    result = _run(["check", *paths, "--lang", "nl"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    calls = next(line for line in lines if line.startswith("calls.csv gelezen als "))
    assert re.match(
        r"calls\.csv gelezen als export van gesprekken/activiteiten \(in Salesforce-stijl\): \d{1,3}(\.\d{3})+ rijen, "
        r"\d{1,3}(\.\d{3})+ gesprekken in jan–dec 2026, \d+ eigenaren\.$",
        calls,
    ), calls
    assert any(line.startswith("Let op: 'deals.csv': voettekst van het rapport verwijderd (") for line in lines)
    assert "roster.csv gelezen als personeelslijst: 20 personen (" in result.stderr
