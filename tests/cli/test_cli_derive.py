"""`python -m core derive`: several CRM exports and a people list in, the monthly table out."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from core.cli import main
from core.demo import DemoSpec, generate_team
from core.demo_crm import CrmSpec, explode
from core.schema import CANONICAL_COLUMNS


def _write(tmp_path: Path, files: dict[str, bytes]) -> list[str]:
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    return paths


def test_derive_writes_the_monthly_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """derive reads each file as its kind, says so on stderr and writes the canonical table to --out."""
    team = generate_team(DemoSpec(reps=10, months=3, seed=2, end="2026-03"))
    paths = _write(tmp_path, explode(team, CrmSpec(vendor="HubSpot", language="nl", seed=2)))
    out = tmp_path / "monthly.csv"
    assert main(["derive", *paths, "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "deals export (HubSpot-style):" in err and "people list: 10 people" in err
    frame = pd.read_csv(out, dtype={"period": str})
    assert list(frame.columns) == list(CANONICAL_COLUMNS)
    assert len(frame) == len(team)


def test_derive_prints_to_stdout_without_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --out the table goes to standard output."""
    deals = b"Deal owner,Deal Stage,Amount,Close Date\nAnn,Won,10,2026-03-14\n"
    paths = _write(tmp_path, {"deals.csv": deals})
    assert main(["derive", *paths]) == 0
    captured = capsys.readouterr()
    frame = pd.read_csv(io.StringIO(captured.out))
    assert frame["deals_won"].tolist() == [1] and frame["role"].tolist() == ["AE"]
    assert "role inferred" in captured.err or "inferred" in captured.err


def test_unanswered_question_ends_in_one_sentence_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown stage is asked on stderr, ends with exit 2, and --stage answers it."""
    deals = b"Deal owner,Deal Stage,Amount,Close Date\nAnn,Signed,10,2026-03-14\n"
    paths = _write(tmp_path, {"deals.csv": deals})
    assert main(["derive", *paths]) == 2
    err = capsys.readouterr().err
    assert "'Signed'" in err and err.strip().splitlines()[-1].startswith("Error: 1 question")
    assert main(["derive", *paths, "--stage", "Signed=won"]) == 0
    assert "1" in capsys.readouterr().out


def test_unusable_file_exits_1_and_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A calls file without call rows is one sentence; the other files are still derived, exit 1 as for check."""
    calls = b"Assigned,Task Subtype,Date\nBo,Email,2026-03-14\n"
    deals = b"Deal owner,Deal Stage,Amount,Close Date\nAnn,Won,10,2026-03-14\n"
    paths = _write(tmp_path, {"calls.csv": calls, "deals.csv": deals})
    assert main(["derive", *paths, "--out", str(tmp_path / "m.csv")]) == 1
    assert "'calls.csv': column 'Task Subtype' has no call-type rows" in capsys.readouterr().err
    assert (tmp_path / "m.csv").exists()
