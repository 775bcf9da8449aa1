"""`segment` says which metrics each role is scored on: on stderr, and per row in scored_on (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from core.demo import DemoSpec, generate_team, write_team

from conftest import ROOT


def _segment(tmp_path: Path, *, quota: bool, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    team = generate_team(DemoSpec(reps=40, months=3, seed=4, end="2026-03"))
    if not quota:
        team.loc[team["role"] == "AE", "quota"] = np.nan
    path = tmp_path / "team.csv"
    write_team(team, str(path))
    env = {**os.environ, "COACHWISE_DB_PATH": str(tmp_path / "cli.db")}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "core", "segment", str(path), "--format", "json", "--replicates", "0", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _scored_on(stdout: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for person in json.loads(stdout):
        out.setdefault(person["role"], set()).add(person["scored_on"])
    return out


def test_segment_without_quota_scores_aes_on_revenue_and_says_so(tmp_path: Path) -> None:
    """No AE quota: stderr names won revenue per month and why; every AE row carries it with its raw value."""
    result = _segment(tmp_path, quota=False)
    assert result.returncode == 0, result.stderr
    assert "Scored on: AE: close rate 60%, won revenue per month 40% — not every AE has a quota" in result.stderr
    assert _scored_on(result.stdout)["AE"] == {"close_rate=0.6;revenue_per_month=0.4"}
    aes = [p for p in json.loads(result.stdout) if p["role"] == "AE"]
    assert all(p["revenue_per_month_raw"] is not None and p["quota_attainment_raw"] is None for p in aes)


def test_segment_with_quota_and_custom_weights(tmp_path: Path) -> None:
    """With quotas AEs are scored on attainment; --weights shows up renormalised in scored_on."""
    result = _segment(tmp_path, quota=True, extra=("--weights", "close_rate=1,quota_attainment=3"))
    assert result.returncode == 0, result.stderr
    assert "Scored on: AE: close rate 25%, quota attainment 75%" in result.stderr
    assert _scored_on(result.stdout)["AE"] == {"close_rate=0.25;quota_attainment=0.75"}
    assert _scored_on(result.stdout)["AM"] == {"upsell_rate=1"}


def test_segment_refuses_weights_that_leave_aes_without_quota_nothing(tmp_path: Path) -> None:
    """close_rate=0 and revenue_per_month=0 weigh AEs without a quota at nothing: one sentence, exit 2."""
    result = _segment(tmp_path, quota=False, extra=("--weights", "close_rate=0,revenue_per_month=0"))
    assert result.returncode == 2
    assert "without a quota" in result.stderr and "Traceback" not in result.stderr


def test_segment_names_the_aes_without_a_quota(tmp_path: Path) -> None:
    """`segment` says not only that some AEs lack a quota but who: the AEs of the window without one."""
    result = _segment(tmp_path, quota=False)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stderr.splitlines() if "AEs without a quota in this window" in x)
    aes = sorted(p["name"] for p in json.loads(result.stdout) if p["role"] == "AE")
    assert all(name in line for name in aes[:5])
    assert line.endswith(f"and {len(aes) - 5} more.") if len(aes) > 5 else True
