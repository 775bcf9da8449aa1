"""`python -m core impact`: estimates per coachee and per coach with intervals, and one-sentence errors."""

from __future__ import annotations

import io
import json
from contextlib import nullcontext
from pathlib import Path

import pandas as pd
import pytest

from core.cli import main
from core.demo import DemoSpec, generate_programme, write_team


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    """A team with a simulated coaching effect from 2026-06."""
    team, _ = generate_programme(
        DemoSpec(reps=160, months=9, seed=5, end="2026-09", programme_start="2026-06", programme_effect=0.5)
    )
    path = tmp_path / "team.csv"
    write_team(team, str(path))
    return path


def test_json_has_coachees_and_coaches_with_intervals(
    team_file: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """JSON output lists the programme, each coach and each coachee, with lift and interval."""
    out = tmp_path / "impact.json"
    code = main(
        ["impact", str(team_file), "--start", "2026-06", "--format", "json", "--replicates", "200", "--out", str(out)]
    )
    assert code == 0
    body = json.loads(out.read_text(encoding="utf-8"))
    assert set(body) == {"programme", "coaches", "coachees", "skipped"}
    assert body["coachees"] and {"did", "low", "high", "coach_name", "focus_label"} <= set(body["coachees"][0])
    assert body["coaches"] and {"lift", "low", "high", "coachees", "note"} <= set(body["coaches"][0])
    err = capsys.readouterr().err
    assert "uncoached core peers" in err and "Not a randomised trial" in err


def test_csv_to_stdout_marks_each_row(team_file: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """CSV goes to standard output with a kind per row: programme, coach or coachee."""
    assert main(["impact", str(team_file), "--start", "2026-06", "--replicates", "200"]) == 0
    frame = pd.read_csv(io.BytesIO(capsysbinary.readouterr().out), encoding="utf-8-sig")
    assert set(frame["kind"]) == {"programme", "coach", "coachee"}
    coachees = frame[frame["kind"] == "coachee"]
    assert coachees["coach_id"].notna().all() and (coachees["low"] <= coachees["high"]).all()


@pytest.mark.parametrize(
    ("start", "message"),
    [("2020-01", "no month before 2020-01"), ("2027-01", "no month from 2027-01 on"), ("2026-13", "not a month")],
)
def test_bad_start_is_one_sentence(
    team_file: Path, capsys: pytest.CaptureFixture[str], start: str, message: str
) -> None:
    """A start month outside the data, or not a month, ends in one sentence and exit code 2."""
    with pytest.raises(SystemExit) if start == "2026-13" else nullcontext():  # argparse exits with 2
        code = main(["impact", str(team_file), "--start", start])
        assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_window_all_takes_every_month_before_the_start(
    team_file: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    """`impact --window all` decides who was core from every month before the start, and estimates as usual."""
    args = ["impact", str(team_file), "--start", "2026-06", "--replicates", "200"]
    assert main([*args, "--window", "all"]) == 0
    every_month = pd.read_csv(io.BytesIO(capsysbinary.readouterr().out), encoding="utf-8-sig")
    assert main([*args, "--window", "5"]) == 0  # 2026-01 … 2026-05: every month before the start
    five_months = pd.read_csv(io.BytesIO(capsysbinary.readouterr().out), encoding="utf-8-sig")
    assert set(every_month["kind"]) == {"programme", "coach", "coachee"}
    pd.testing.assert_frame_equal(every_month, five_months)
    assert main([*args, "--window", "1"]) == 0
    one_month = pd.read_csv(io.BytesIO(capsysbinary.readouterr().out), encoding="utf-8-sig")
    assert not one_month.equals(every_month)  # the window changes who counts as a core peer
