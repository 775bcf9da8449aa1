"""The command line: demo files, database setup, and one-sentence errors without tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core.cli import build_parser, main
from core.schema import CANONICAL_COLUMNS

from conftest import ROOT
from files import crm_xlsx, german_csv


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


def _team_file(tmp_path: Path, name: str = "team.csv", **changes: object) -> Path:
    from core.demo import DemoSpec, generate_team

    team = generate_team(DemoSpec(reps=20, months=3, seed=2, end="2026-03"))
    for column, value in changes.items():
        team[column] = team[column].astype(object)
        team.loc[team.index[team["role"] == "SDR"][0], column] = value
    path = tmp_path / name
    path.write_bytes(german_csv(team) if name.endswith(".csv") else crm_xlsx(team))
    return path


def test_check_valid_file_exits_0(tmp_path: Path) -> None:
    """`check` on a clean German export exits 0 and says how many rows are valid."""
    result = _run(["check", str(_team_file(tmp_path))], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 rejected" in result.stderr


def test_check_reports_rows_and_exits_1(tmp_path: Path) -> None:
    """`check` names row, column, value and reason of a bad cell and exits 1."""
    result = _run(["check", str(_team_file(tmp_path, calls="abc"))], tmp_path)
    assert result.returncode == 1
    assert "column 'Anrufe', value 'abc'" in result.stdout
    assert "row 4" in result.stdout
    csv_result = _run(["check", str(_team_file(tmp_path, calls="abc")), "--format", "csv"], tmp_path)
    assert csv_result.stdout.splitlines()[0] == "row,column,value,reason,severity"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02" * 100, "Error:"), (b"rep_id,name\n", "Error:")],
)
def test_check_unusable_file_exits_2(tmp_path: Path, content: bytes, message: str) -> None:
    """`check` on an unusable file prints one sentence on stderr, exits 2, no traceback."""
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    result = _run(["check", str(path)], tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_check_missing_file_exits_2(tmp_path: Path) -> None:
    """A path that does not exist is one sentence, exit 2."""
    result = _run(["check", str(tmp_path / "nope.csv")], tmp_path)
    assert result.returncode == 2 and "no such file" in result.stderr


def test_check_map_and_sheet_options(tmp_path: Path) -> None:
    """--map and --sheet work on a workbook; an unknown sheet is refused naming the sheets."""
    path = _team_file(tmp_path, "crm.xlsx")
    ok = _run(["check", str(path), "--sheet", "Export", "--map", "Calls=calls"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    missing = _run(["check", str(path), "--sheet", "Nope"], tmp_path)
    assert missing.returncode == 2 and "Export" in missing.stderr


def test_import_then_reimport(tmp_path: Path) -> None:
    """`import` stores the dataset; importing the same file again is refused unless --again."""
    path = _team_file(tmp_path)
    first = _run(["init-db", "--no-demo"], tmp_path)
    assert first.returncode == 0
    result = _run(["import", str(path), "--name", "DACH Q1"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Imported into dataset 1" in result.stderr
    listing = _run(["datasets"], tmp_path).stdout
    assert "DACH Q1" in listing
    again = _run(["import", str(path), "--name", "twice"], tmp_path)
    assert again.returncode == 2 and "already imported" in again.stderr
    forced = _run(["import", str(path), "--name", "twice", "--again"], tmp_path)
    assert forced.returncode == 0


def test_import_rejected_rows_exit_1(tmp_path: Path) -> None:
    """An import with some invalid rows stores the rest and exits 1."""
    result = _run(["import", str(_team_file(tmp_path, calls="-5")), "--name", "partly"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "1 rejected" in result.stderr


def test_segment_json_has_the_promised_fields(tmp_path: Path) -> None:
    """`segment --format json` prints a list of people with rep_id, name, role, team, score, percentile, tier, flags."""
    import json

    path = _team_file(tmp_path)
    result = _run(["segment", str(path), "--format", "json", "--replicates", "5"], tmp_path)
    assert result.returncode == 0, result.stderr
    people = json.loads(result.stdout)
    assert len(people) == 20
    for key in ("rep_id", "name", "role", "team", "score", "percentile", "tier", "flags", "borderline"):
        assert key in people[0]
    assert {p["tier"] for p in people} <= {"low", "core", "top"}


def test_segment_options_and_outputs(tmp_path: Path) -> None:
    """--cutoffs, --window all and --weights work; CSV goes to stdout; XLSX needs --out and is written there."""
    path = _team_file(tmp_path, "crm.xlsx")
    csv_out = _run(
        [
            "segment",
            str(path),
            "--cutoffs",
            "20/70/10",
            "--window",
            "all",
            "--weights",
            "close_rate=1,quota_attainment=0",
        ],
        tmp_path,
    )
    assert csv_out.returncode == 0, csv_out.stderr
    assert csv_out.stdout.lstrip("\ufeff").startswith("rep_id,name,role")
    no_out = _run(["segment", str(path), "--format", "xlsx"], tmp_path)
    assert no_out.returncode == 2 and "--out" in no_out.stderr
    xlsx = tmp_path / "tiers.xlsx"
    written = _run(["segment", str(path), "--format", "xlsx", "--out", str(xlsx)], tmp_path)
    assert written.returncode == 0 and xlsx.stat().st_size > 0
    assert len(pd.read_excel(xlsx)) == 20


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cutoffs", "10,60"], "Error:"),
        (["--weights", "charm=1"], "Error:"),
        (["--window", "0"], "must be 1 or more"),
    ],
)
def test_segment_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    """Bad segment options end in one sentence and exit 2, never a traceback."""
    result = _run(["segment", str(_team_file(tmp_path)), *args], tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_segment_csv_neutralises_formula_names(tmp_path: Path) -> None:
    """A name that looks like a formula comes out of the CSV export prefixed with an apostrophe."""
    path = _team_file(tmp_path, name="team.csv")
    text = path.read_bytes().decode("cp1252")
    first_name = text.splitlines()[3].split(";")[1]
    path.write_bytes(text.replace(first_name, "=HYPERLINK(1)").encode("cp1252"))
    result = _run(["segment", str(path), "--replicates", "0"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "'=HYPERLINK(1)" in result.stdout


def test_chains_json_has_the_promised_fields(tmp_path: Path) -> None:
    """`chains --format json` lists pairs with coach and coachee ids, names, roles and a reason."""
    import json

    from core.demo import DemoSpec, generate_team

    path = tmp_path / "team.csv"
    path.write_bytes(german_csv(generate_team(DemoSpec(reps=90, months=4, seed=3, end="2026-04"))))
    result = _run(["chains", str(path), "--format", "json", "--capacity", "2"], tmp_path)
    assert result.returncode == 0, result.stderr
    pairs = json.loads(result.stdout)
    assert pairs
    for key in ("coach_id", "coach_name", "coach_role", "coachee_id", "coachee_name", "coachee_role", "reason"):
        assert key in pairs[0]
    assert {(p["coach_role"], p["coachee_role"]) for p in pairs} <= {("AE", "SDR"), ("AM", "AE"), ("AM", "AM")}
    assert {p["level"] for p in pairs} <= {"ae-sdr", "am-ae", "am-am"}
    assert {p["status"] for p in pairs} <= {"pair", "invitation"}
    per_coach: dict[str, int] = {}
    for p in pairs:
        per_coach[p["coach_id"]] = per_coach.get(p["coach_id"], 0) + 1
    assert max(per_coach.values()) <= 2
    assert all(p["coach_hours"] == 2.0 * per_coach[p["coach_id"]] for p in pairs)
    assert "coaching hours a month" in result.stderr


def test_chains_levels_and_invitations(tmp_path: Path) -> None:
    """`--levels` chooses the levels, unmatched people hear which level would cover them, and `--invitations`
    prints only the coaches to ask first; an unknown level is one sentence and exit 2."""
    import json

    from core.demo import DemoSpec, generate_team

    team = generate_team(DemoSpec(reps=90, months=4, seed=3, end="2026-04"))
    path = tmp_path / "team.csv"
    path.write_bytes(german_csv(team[team["role"] == "AE"]))
    result = _run(["chains", str(path), "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    pairs = json.loads(result.stdout)
    assert pairs and {p["level"] for p in pairs} == {"ae-ae"}
    assert "Levels: ae-ae." in result.stderr
    path.write_bytes(german_csv(team))
    narrow = _run(["chains", str(path), "--levels", "AE-SDR", "--capacity", "1"], tmp_path)
    assert narrow.returncode == 0, narrow.stderr
    assert "Without a peer coach:" in narrow.stderr and "would cover them" in narrow.stderr
    named = narrow.stderr.count("Without a peer coach:")
    unmatched = tmp_path / "unmatched.json"
    listed = _run(
        ["chains", str(path), "--levels", "AE-SDR", "--capacity", "1", "--unmatched", str(unmatched), "--format",
         "json"],
        tmp_path,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    everyone = json.loads(unmatched.read_text(encoding="utf-8"))
    assert named == min(len(everyone), 10) and {"rep_id", "level", "why"} <= set(everyone[0])
    assert ("more without a peer coach; --unmatched FILE" in narrow.stderr) == (len(everyone) > 10)
    assert "more without a peer coach" not in listed.stderr and "without a peer coach to" in listed.stderr
    invitations = _run(["chains", str(path), "--invitations", "--format", "json"], tmp_path)
    assert invitations.returncode == 0, invitations.stderr
    rows = json.loads(invitations.stdout)
    assert rows and {"coach_id", "why_them", "coachees", "hours"} <= set(rows[0])
    assert "to ask first" in invitations.stderr
    wrong = _run(["chains", str(path), "--levels", "ae-am"], tmp_path)
    assert wrong.returncode == 2 and "'ae-am' is not a coaching level" in wrong.stderr


def test_plans_zip_one_file_per_person(tmp_path: Path) -> None:
    """`plans --out` writes a ZIP with one file per person named with the rep_id, and a calendar per plan."""
    import zipfile

    from core.demo import DemoSpec, generate_team

    team = generate_team(DemoSpec(reps=30, months=4, seed=3, end="2026-04"))
    path = tmp_path / "team.csv"
    path.write_bytes(german_csv(team))
    out = tmp_path / "plans.zip"
    result = _run(["plans", str(path), "--out", str(out), "--format", "md", "--for", "manager"], tmp_path)
    assert result.returncode == 0, result.stderr
    names = [n for n in zipfile.ZipFile(out).namelist() if n.endswith(".md")]
    assert len(names) == team["rep_id"].nunique()
    assert all(n.split("_")[0] in set(team["rep_id"]) for n in names)
    assert all(zipfile.ZipFile(out).read(n).startswith((b"# Manager's notes", b"# HR brief")) for n in names)
    person = _run(["plans", str(path), "--out", str(out), "--format", "md"], tmp_path)
    assert person.returncode == 0 and "HR briefs left out (use --for manager)" in person.stderr
    archive = zipfile.ZipFile(out)
    mine = [n for n in archive.namelist() if n.endswith(".md")]
    assert 0 < len(mine) <= len(names)
    assert all(b"percentile" not in archive.read(n).lower() for n in mine)
    calendars = [n for n in archive.namelist() if n.endswith(".ics")]
    assert sorted(n.removesuffix(".ics") for n in calendars) == sorted(n.removesuffix(".md") for n in mine)
    assert all(archive.read(n).startswith(b"BEGIN:VCALENDAR") for n in calendars)
    assert "with a calendar (.ics) each" in person.stderr
    one = _run(["plans", str(path), "--out", str(out), "--rep", "E10001", "--format", "pdf", "--no-calendar"], tmp_path)
    assert one.returncode == 0, one.stderr
    assert [n for n in zipfile.ZipFile(out).namelist() if n.endswith(".pdf")][0].startswith("E10001_")
    assert not any(n.endswith(".ics") for n in zipfile.ZipFile(out).namelist())
    missing = _run(["plans", str(path), "--out", str(out), "--rep", "NOPE"], tmp_path)
    assert missing.returncode == 2 and "NOPE" in missing.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["segment"],
        ["chains"],
        ["plans", "--out", "plans.zip"],
        ["impact", "--start", "2026-06"],
    ],
)
def test_every_tier_command_shares_the_tier_and_file_options(command: list[str]) -> None:
    """Each command that assigns tiers takes --window (a number or 'all'), --cutoffs, --aliases and --map."""
    parser = build_parser()
    name, *rest = command
    every = parser.parse_args([name, "team.csv", *rest, "--window", "all", "--cutoffs", "20/70/10", "--aliases"])
    assert every.window is None and every.cutoffs == "20/70/10" and every.aliases is True
    assert every.files == ["team.csv"] and every.map == [] and every.max_mb == 512
    some = parser.parse_args([name, "team.csv", *rest, "--window", "2", "--map", "Anrufe=calls"])
    assert some.window == 2 and some.cutoffs == "10,60,30" and some.aliases is False
    assert some.map == ["Anrufe=calls"]


def test_segment_leaves_an_incomplete_latest_month_out_and_says_so(tmp_path: Path) -> None:
    """A stray row for a later month: a note on stderr, the window ends before it, --include-incomplete takes it."""
    import json

    from core.demo import DemoSpec, generate_team

    team = generate_team(DemoSpec(reps=20, months=3, seed=2, end="2026-03"))
    stray = team.head(1).assign(period="2026-04")
    path = tmp_path / "stray.csv"
    path.write_bytes(german_csv(pd.concat([team, stray], ignore_index=True)))
    default = _run(["segment", str(path), "--format", "json", "--replicates", "0", "--window", "1"], tmp_path)
    assert default.returncode == 0, default.stderr
    assert "2026-04 holds 1 person" in default.stderr and "window ends at 2026-03" in default.stderr
    assert len(json.loads(default.stdout)) == 20
    included = _run(
        ["segment", str(path), "--format", "json", "--replicates", "0", "--window", "1", "--include-incomplete"],
        tmp_path,
    )
    assert included.returncode == 0, included.stderr
    assert len(json.loads(included.stdout)) == 1


def test_cycles_are_collected_after_a_file_job_not_during_it() -> None:
    """Within, the cycle collector is paused; after (also after an error) it runs as before — and stays off when
    it was off."""
    import gc

    from core.memory import cycles_collected_at_the_end

    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycles_collected_at_the_end():
        assert not gc.isenabled()
        raise RuntimeError("a failed job")
    assert gc.isenabled()
    gc.disable()
    try:
        with cycles_collected_at_the_end():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("command", "paused"), [(["segment"], True), (["chains"], True), (["plans", "--out", "plans.zip"], False)]
)
def test_only_the_file_jobs_run_without_the_cycle_collector(
    command: list[str], paused: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """segment, chains, derive and check pause it; plans (a thousand PDFs may take a while) does not."""
    import gc

    from core import cli

    seen: list[bool] = []
    monkeypatch.setattr(cli, "_command", lambda _args: seen.append(gc.isenabled()) or 0)
    team = tmp_path / "team.csv"
    team.write_text("rep_id\n", encoding="utf-8")
    assert cli.main([*command, str(team)]) == 0
    assert seen == [not paused] and gc.isenabled()
