"""The command line in German and Dutch: --lang on every command, COACHWISE_LANG as the default."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli import build_parser, chosen_language, main
from core.demo import DemoSpec, generate_team

from conftest import ROOT


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "COACHWISE_DB_PATH": str(tmp_path / "cli.db"), **env}
    environ.pop("DATABASE_URL", None)
    if "COACHWISE_LANG" not in env:
        environ.pop("COACHWISE_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def bad_csv(tmp_path: Path) -> Path:
    """A monthly table of over 1,000 rows with one negative call count (a rejected row)."""
    team = generate_team(DemoSpec(reps=100, months=12, seed=5, end="2026-06"))
    first_sdr = team.index[team["role"] == "SDR"][0]
    team.loc[first_sdr, "calls"] = -5
    path = tmp_path / "team.csv"
    team.to_csv(path, index=False)
    return path


def test_check_speaks_german(bad_csv: Path, tmp_path: Path) -> None:
    """`check --lang de`: the report lines and the summary are German, counts with German thousands marks."""
    result = _run(["check", str(bad_csv), "--lang", "de"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Fehler: Zeile " in result.stdout and "Spalte 'calls'" in result.stdout
    assert re.search(r"team\.csv: 1\.\d{3} Zeilen, 1\.\d{3} gültig, 1 abgelehnt \(1 Fehler, ", result.stderr)
    assert "rows" not in result.stderr


def test_check_in_english_is_unchanged(bad_csv: Path, tmp_path: Path) -> None:
    """Without --lang or COACHWISE_LANG the same command says what it always said."""
    result = _run(["check", str(bad_csv)], tmp_path)
    assert "error: row " in result.stdout
    assert re.search(r"team\.csv: 1,\d{3} rows, 1,\d{3} valid, 1 rejected \(1 error, ", result.stderr)


def test_coachwise_lang_sets_the_default(tmp_path: Path) -> None:
    """COACHWISE_LANG=nl makes a command Dutch without --lang."""
    result = _run(["retention"], tmp_path, COACHWISE_LANG="nl")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Automatisch verwijderen staat uit: datasets blijven bewaard tot iemand ze")


def test_lang_wins_over_the_variable(bad_csv: Path, tmp_path: Path) -> None:
    """--lang on the command line overrides COACHWISE_LANG."""
    result = _run(["check", str(bad_csv), "--lang", "en"], tmp_path, COACHWISE_LANG="de")
    assert re.search(r"1,\d{3} rows", result.stderr)


def test_help_is_translated(tmp_path: Path) -> None:
    """The commands' help texts are in the chosen language (argparse's own headings stay English)."""
    result = _run(["--lang", "nl", "check", "--help"], tmp_path)
    assert result.returncode == 0
    assert "te lezen werkblad" in result.stdout and "taal van de meldingen en de hulp" in result.stdout
    listing = _run(["--help"], tmp_path, COACHWISE_LANG="de")
    assert "ein generiertes Demo-Team" in listing.stdout and "Coachwise auf der Kommandozeile." in listing.stdout


@pytest.mark.parametrize(
    ("args", "env", "where"), [(["--lang", "fr"], {}, "'fr'"), ([], {"COACHWISE_LANG": "klingon"}, "COACHWISE_LANG")]
)
def test_an_unknown_language_is_one_sentence(args: list[str], env: dict[str, str], where: str, tmp_path: Path) -> None:
    """An unknown language stops the command with one sentence naming the languages there are, no traceback."""
    result = _run(["retention", *args], tmp_path, **env)
    assert result.returncode == 2
    assert where in result.stderr and "use one of en, de, nl" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_command_takes_lang() -> None:
    """--lang is accepted after every command and sub-command (one parent option)."""
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, command in commands.items():
        assert any("--lang" in action.option_strings for action in command._actions), name
    users = commands["users"]._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert all(any("--lang" in a.option_strings for a in c._actions) for c in users.values())


def test_each_call_gets_its_own_language(bad_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Calling main() in one process with German, then nothing: the second call is English again."""
    main(["check", str(bad_csv), "--lang", "de"])
    assert "Zeilen" in capsys.readouterr().err
    main(["check", str(bad_csv)])
    assert "rows" in capsys.readouterr().err


def test_chosen_language_reads_lang_anywhere() -> None:
    """--lang before or after the command, --lang=xx, the variable, or English."""
    assert chosen_language(["--lang", "de", "check", "f.csv"], {}) == "de"
    assert chosen_language(["check", "f.csv", "--lang=nl"], {}) == "nl"
    assert chosen_language(["check"], {"COACHWISE_LANG": " NL "}) == "nl"
    assert chosen_language(["check"], {}) == "en"


def test_export_headers_follow_the_language_and_json_keeps_the_keys(tmp_path: Path) -> None:
    """`segment --lang de` writes German CSV headers (numbers stay machine-readable); XLSX the same; JSON and English
    keep the column keys scripts read."""
    import io

    import pandas as pd

    team = tmp_path / "team.csv"
    generate_team(DemoSpec(reps=40, months=6, seed=3, end="2026-06")).to_csv(team, index=False)
    german = _run(["segment", str(team), "--lang", "de", "--format", "csv"], tmp_path)
    assert german.returncode == 0, german.stderr
    table = pd.read_csv(io.StringIO(german.stdout.lstrip("\ufeff")))
    assert {"ID", "Name", "Rolle", "Gruppe", "Perzentil", "Abschlussquote"} <= set(table.columns)
    assert not {"rep_id", "tier", "percentile"} & set(table.columns)
    assert pd.api.types.is_float_dtype(table["Perzentil"])  # 87.5, not "87,5"
    assert set(table["Gruppe"]) <= {"low", "core", "top"}  # values are codes, as in every language

    xlsx = tmp_path / "chains.xlsx"
    assert _run(["chains", str(team), "--lang", "nl", "--format", "xlsx", "--out", str(xlsx)], tmp_path).returncode == 0
    assert {"ID coach", "reden", "niveau"} <= set(pd.read_excel(xlsx).columns)

    keys = _run(["segment", str(team), "--lang", "de", "--format", "json"], tmp_path)
    assert '"rep_id"' in keys.stdout and '"tier"' in keys.stdout
    english = _run(["segment", str(team), "--format", "csv"], tmp_path)
    assert english.stdout.lstrip("\ufeff").startswith("rep_id,name,role,team")
