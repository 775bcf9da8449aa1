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


@pytest.fixture
def exports(tmp_path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A 12-person team over 4 months, and the same team as Salesforce-style exports and a people list."""
    team = generate_team(DemoSpec(reps=12, months=4, seed=8, end="2026-04"))
    return team, _write(tmp_path, explode(team, CrmSpec(seed=8)))


def test_segment_reads_the_exports_as_it_reads_the_monthly_table(
    tmp_path: Path, exports: tuple[pd.DataFrame, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """`segment` on several CRM files gives exactly the tiers of `segment` on the table they derive from."""
    team, paths = exports
    monthly = tmp_path / "team.csv"
    team.to_csv(monthly, index=False)
    assert main(["segment", *paths, "--format", "json", "--replicates", "0"]) == 0
    from_exports = capsys.readouterr()
    assert "Read " in from_exports.err and "deals export (Salesforce-style)" in from_exports.err
    assert main(["segment", str(monthly), "--format", "json", "--replicates", "0"]) == 0
    assert capsys.readouterr().out == from_exports.out


def test_chains_and_check_take_several_files(
    exports: tuple[pd.DataFrame, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """`chains` and `check` take the same files; check's summary names the files the table came from."""
    _team, paths = exports
    assert main(["chains", *paths, "--format", "json"]) == 0
    assert capsys.readouterr().out.startswith("[")
    assert main(["check", *paths]) == 0
    err = capsys.readouterr().err
    assert " + " in err.strip().splitlines()[-1] and "0 rejected" in err


def test_an_unusable_file_stops_scoring(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A calls file without call rows stops `segment` (exit 2, nothing scored on half the data), naming the file."""
    calls = b"Assigned,Task Subtype,Date\nBo,Email,2026-03-14\n"
    deals = b"Deal owner,Deal Stage,Amount,Close Date\nAnn,Won,10,2026-03-14\n"
    paths = _write(tmp_path, {"calls.csv": calls, "deals.csv": deals})
    assert main(["segment", *paths]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "'calls.csv': column 'Task Subtype' has no call-type rows" in captured.err
    assert captured.err.strip().splitlines()[-1].startswith("Error: a file gave nothing usable")


def test_kind_and_map_for_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--kind FILE=deals and --map FILE:Header=field read a file whose headers say nothing; bad ones: one sentence."""
    paths = _write(tmp_path, {"x.csv": b"Who,What,Value,When\nAnn,Closed Won,10,2026-03-14\n"})
    assert main(["derive", *paths]) == 2
    assert "'x.csv' was not recognised" in capsys.readouterr().err
    mapped = ["--kind", "x.csv=deals", "--map", "x.csv:Who=owner", "--map", "x.csv:What=stage"]
    mapped += ["--map", "x.csv:Value=amount", "--map", "x.csv:When=close_date"]
    assert main(["derive", *paths, *mapped]) == 0
    assert pd.read_csv(io.StringIO(capsys.readouterr().out))["revenue_won"].tolist() == [10.0]
    assert main(["derive", *paths, "--kind", "x.csv=wizard"]) == 2
    assert "a kind is one of deals, calls" in capsys.readouterr().err
    assert main(["derive", *paths, "--map", "Who=wizardry"]) == 2
    assert "'wizardry' is not a field" in capsys.readouterr().err


def test_import_of_exports_is_audited_remembered_and_not_doubled(
    tmp_path: Path,
    exports: tuple[pd.DataFrame, list[str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`import` stores the derived table; the same exports again are refused until --again."""
    monkeypatch.setenv("COACHWISE_DB_PATH", str(tmp_path / "cli.db"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    team, paths = exports
    assert main(["import", *paths, "--name", "CRM"]) == 0
    assert f"{len(team):,} rows added" in capsys.readouterr().err
    assert main(["import", *reversed(paths), "--name", "again"]) == 2
    assert "was already imported" in capsys.readouterr().err
    assert main(["audit", "--format", "json"]) == 0
    assert "derived from 5 files (" in capsys.readouterr().out


def test_plans_take_several_files(
    tmp_path: Path, exports: tuple[pd.DataFrame, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plans --for manager` writes one document per person of the team the exports derive (HR briefs included)."""
    import zipfile

    monkeypatch.setenv("COACHWISE_DB_PATH", str(tmp_path / "cli.db"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    team, paths = exports
    out = tmp_path / "plans.zip"
    assert main(["plans", *paths, "--out", str(out), "--format", "md", "--for", "manager"]) == 0
    names = [n for n in zipfile.ZipFile(out).namelist() if n.endswith(".md")]
    assert len(names) == team["rep_id"].nunique()
