"""Command line for accounts, the audit trail, presentation aliases and the start-up check."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

from core.demo import DemoSpec, generate_team

from conftest import ROOT

PASSWORD = "correct horse battery"


def _run(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "COACHWISE_DB_PATH": str(tmp_path / "cli.db"), **env}
    full.pop("DATABASE_URL", None)
    if "STREAMLIT_SERVER_ADDRESS" not in env:
        full.pop("STREAMLIT_SERVER_ADDRESS", None)
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=ROOT,
        env=full,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_add_set_list_and_audit(tmp_path: Path) -> None:
    """Accounts are added and changed from the command line, and each change is in the audit trail."""
    added = _run(["users", "add", "root", "--role", "admin", "--password-stdin"], tmp_path, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert (
        _run(
            ["users", "add", "mia", "--role", "manager", "--email", "mia@example.com", "--team", "Benelux"], tmp_path
        ).returncode
        == 0
    )
    assert _run(["users", "set", "mia", "--active", "no"], tmp_path).returncode == 0
    listing = _run(["users", "list"], tmp_path).stdout
    assert "root\tAdmin\tactive\tpassword" in listing and "mia\tManager\tinactive\tsingle sign-on" in listing
    out = _run(["audit", "--action", "user_changed", "--format", "json"], tmp_path)
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    assert [e["subject"] for e in entries] == ["mia", "mia", "root"]
    assert PASSWORD not in out.stdout


def test_users_refusal_follows_lang(tmp_path: Path) -> None:
    """An account's bad e-mail is refused in Dutch with --lang nl (core's sentence inside the command's frame)."""
    refused = _run(["users", "add", "lea", "--role", "admin", "--email", "nowhere", "--lang", "nl"], tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == "Fout: 'nowhere' is geen e-mailadres."


def test_users_errors_are_one_sentence(tmp_path: Path) -> None:
    """A short password, a missing one, or an unknown role ends in one sentence and exit 2, no traceback."""
    for args, stdin, words in (
        (["users", "add", "root", "--role", "admin", "--password-stdin"], "short\n", "at least 10"),
        (["users", "add", "root", "--role", "admin"], "", "--password-stdin"),
        (["users", "add", "root", "--role", "boss", "--email", "a@b.co"], "", "not a role"),
        (["users", "set", "ghost", "--role", "hr"], "", "no user called"),
        (["audit", "--action", "made_coffee"], "", "not an audited action"),
    ):
        result = _run(args, tmp_path, stdin=stdin)
        assert result.returncode == 2, (args, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr


def test_preflight_refuses_a_public_address_without_sign_in(tmp_path: Path) -> None:
    """`preflight` (run by make run) refuses 0.0.0.0 without sign-in, and allows it once an account exists."""
    refused = _run(["preflight"], tmp_path, STREAMLIT_SERVER_ADDRESS="0.0.0.0")
    assert refused.returncode == 2 and "will not start" in refused.stderr
    assert _run(["preflight"], tmp_path).returncode == 0  # config.toml binds to localhost
    _run(["users", "add", "root", "--role", "admin", "--password-stdin"], tmp_path, stdin=PASSWORD + "\n")
    assert _run(["preflight"], tmp_path, STREAMLIT_SERVER_ADDRESS="0.0.0.0").returncode == 0


def test_exports_with_aliases_hold_no_real_name(tmp_path: Path) -> None:
    """segment, chains and plans with --aliases write aliases only, the same ones each time for one key."""
    team = generate_team(DemoSpec(reps=40, months=6, seed=3, end="2026-06"))
    path = tmp_path / "team.csv"
    team.to_csv(path, index=False)
    names = set(team["name"]) | set(team["manager"])
    key = {"COACHWISE_ALIAS_KEY": "demo-key"}
    seg = _run(["segment", str(path), "--aliases", "--replicates", "0", "--format", "json"], tmp_path, **key)
    assert seg.returncode == 0, seg.stderr
    again = _run(["segment", str(path), "--aliases", "--replicates", "0", "--format", "json"], tmp_path, **key)
    assert json.loads(seg.stdout)[0]["name"] == json.loads(again.stdout)[0]["name"]
    chains = _run(["chains", str(path), "--aliases"], tmp_path, **key)
    assert chains.returncode == 0, chains.stderr
    out = tmp_path / "plans.zip"
    plans = _run(["plans", str(path), "--aliases", "--format", "md", "--out", str(out)], tmp_path, **key)
    assert plans.returncode == 0, plans.stderr
    archive = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    text = seg.stdout + chains.stdout + "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    assert not [n for n in names if n in text]
    exported = json.loads(_run(["audit", "--action", "export", "--format", "json"], tmp_path).stdout)
    assert len(exported) == 1 and exported[0]["actor"] == "command line"
    assert set(exported[0]["subject"].split(", ")) == set(team["rep_id"])
    assert pd.notna(exported[0]["at"])
