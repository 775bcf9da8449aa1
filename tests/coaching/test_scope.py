"""A manager's cut of the chains: other teams' people only as far as a pair with their own people needs."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from test_chains import frame, person

from core.coaching.chains import ChainResult, ChainSettings, Constraints, match_chains
from core.coaching.scope import chains_in_scope, edits_in_scope, people_in_scope
from core.plans.content import PlanInputs, build_plan
from core.scoring.metrics import role_medians

MINE = frozenset({"A1", "S1", "S3"})
"""The viewer's people: one top AE who can take one coachee, and two core SDRs."""


@pytest.fixture
def teams() -> pd.DataFrame:
    """Team A (the viewer's) and team B, whose top AE coaches one of team A's SDRs, and a lock on a low SDR of B."""
    people = frame(
        person("A1", "AE", "top", name="Anna Alt", team="A", region="DACH", pct=80),
        person("S1", "SDR", "core", name="Sven Eins", team="A", region="DACH", pct=40),
        person("S3", "SDR", "core", name="Sara Drei", team="A", region="DACH", pct=45),
        person(
            "B1",
            "AE",
            "top",
            name="Bert Berg",
            team="B",
            region="Nordics",
            manager="Bo Berg",
            pct=93,
            close_rate_raw=0.29,
        ),
        person("S2", "SDR", "core", name="Sofie Zwei", team="B", region="Nordics", manager="Bo Berg", pct=30),
        person("L1", "SDR", "low", name="Lars Low", team="B", region="Nordics", manager="Bo Berg", pct=3),
    )
    people["coach_aptitude"] = [3, None, None, 5, None, None]
    people["rank"] = people.groupby("role")["score"].rank(ascending=False).astype(int)
    people["tier_computed"] = people["tier"]
    return people


@pytest.fixture
def result(teams: pd.DataFrame) -> ChainResult:
    """The chains on everyone: A1 takes one of the viewer's SDRs, B1 the other and S2; the lock B1 → L1 is dropped."""
    return match_chains(
        teams,
        ChainSettings(capacity_overrides={"A1": 1}),
        Constraints(locked=(("B1", "L1"),)),
    )


def _cross(result: ChainResult) -> pd.Series:
    pairs = result.pairs
    cross = pairs[(pairs["coach_id"] == "B1") & pairs["coachee_id"].isin(MINE)]
    assert len(cross) == 1, pairs
    return cross.iloc[0]


def test_outside_coach_keeps_name_and_why_but_no_figures(result: ChainResult) -> None:
    """A pair with a coach from another team names the coach and says why, without standing, metric or fit."""
    assert " of " in _cross(result)["reason"] and "%" in _cross(result)["reason"]  # the full result has them
    scoped = chains_in_scope(result, MINE)
    cross = _cross(scoped)
    assert cross["reason"].startswith("Bert Berg (AE) · other region (Nordics) · focus:")
    for figure in ("top", " of ", "%", "close rate", "aptitude", "tier"):
        assert figure not in cross["reason"]
    assert math.isnan(cross["fit"])
    own = scoped.pairs[scoped.pairs["coach_id"] == "A1"].iloc[0]
    assert " of " in own["reason"] and not math.isnan(own["fit"])  # the viewer's own coach keeps them
    assert set(scoped.pairs["coachee_id"]) <= MINE  # S2 (team B, coached by B1) is not shown


def test_suggestions_only_about_the_viewers_people(result: ChainResult) -> None:
    """The dropped lock on another team's low-tier SDR is not a suggestion the viewer sees."""
    assert any("Lars Low is in the low tier" in s for s in result.suggestions)
    scoped = chains_in_scope(result, MINE)
    assert not any("Lars Low" in s for s in scoped.suggestions)
    assert len(scoped.suggestions) == len(scoped.suggestion_about)
    assert all(about & MINE for about in scoped.suggestion_about)
    theirs = chains_in_scope(result, frozenset({"B1", "S2", "L1"}))
    assert any("Lars Low is in the low tier" in s for s in theirs.suggestions)  # their own manager does


def test_outside_coach_load_counts_only_the_viewers_pairs(result: ChainResult) -> None:
    """Another team's coach appears in the load with the viewer's pairs only, and no capacity."""
    assert result.load.set_index("coach_id").at["B1", "coachees"] == 2
    load = chains_in_scope(result, MINE).load.set_index("coach_id")
    assert load.at["B1", "coachees"] == 1 and load.at["B1", "hours"] == 2.0
    assert pd.isna(load.at["B1", "capacity"]) and load.at["A1", "capacity"] == 1


def test_people_in_scope_names_outside_coach_without_scores(teams: pd.DataFrame, result: ChainResult) -> None:
    """The outside coach is a name, role, team and region; tier, percentile and metrics are blank."""
    people = people_in_scope(teams, result, MINE).set_index("rep_id")
    assert set(people.index) == MINE | {"B1"}
    coach = people.loc["B1"]
    assert coach["name"] == "Bert Berg" and coach["role"] == "AE" and coach["team"] == "B"
    for column in ("tier", "percentile", "score", "close_rate_pct", "close_rate_raw", "coach_aptitude"):
        assert pd.isna(coach[column]), column
    assert people.at["A1", "tier"] == "top"


def test_coachees_plan_carries_no_outside_coach_figures(teams: pd.DataFrame, result: ChainResult) -> None:
    """A coachee's plan built from the manager's cut names the outside coach without their figures."""
    coachee = str(_cross(result)["coachee_id"])
    inputs = PlanInputs(
        segmented=teams,
        medians=role_medians(teams),
        chains=result,
        history=pd.DataFrame(columns=["rep_id", "period", "percentile"]),
        today=date(2026, 7, 1),
        window_periods=("2026-06",),
    )
    full = build_plan(coachee, inputs=inputs)
    assert "close rate" in full.coach_reason
    plan = build_plan(coachee, inputs=replace(inputs, chains=chains_in_scope(result, MINE)))
    assert plan.coach == "Bert Berg (AE)"
    assert "%" not in plan.coach_reason and "top" not in plan.coach_reason and "focus:" in plan.coach_reason


def test_edits_in_scope_keeps_rows_touching_the_viewers_people() -> None:
    """An edit history is cut to the edits whose coach, coachee or person is the viewer's."""
    history = pd.DataFrame(
        {
            "kind": ["lock", "exclude", "capacity", "lock"],
            "coach_id": ["B1", None, None, "A1"],
            "coachee_id": ["S2", None, None, "S1"],
            "rep_id": [None, "B1", "A1", None],
        }
    )
    assert edits_in_scope(history, MINE)["kind"].tolist() == ["capacity", "lock"]
    assert edits_in_scope(history, None) is history
