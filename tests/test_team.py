"""Overview summaries: head counts per team and role, coaching willingness."""

from __future__ import annotations

import pandas as pd

from core.team import coach_willingness, headcount_by_team, headcount_long, person_labels

PEOPLE = pd.DataFrame(
    {
        "rep_id": ["a", "b", "c", "d", "e"],
        "role": ["SDR", "SDR", "AE", "AM", "AE"],
        "team": ["North", "North", "South", "North", ""],
        "coach_willing": ["yes", "no", None, "yes", None],
    }
)


def test_headcount_by_team() -> None:
    """Counts per team in role order with a total; a blank team is shown as such."""
    table = headcount_by_team(PEOPLE)
    assert list(table.columns) == ["SDR", "AE", "AM", "Total"]
    assert table.loc["North"].tolist() == [2, 0, 1, 3]
    assert table.loc["South"].tolist() == [0, 1, 0, 1]
    assert table.loc["(no team)"].tolist() == [0, 1, 0, 1]


def test_headcount_long_drops_zeroes() -> None:
    """The chart data has one row per non-empty (team, role) and sums to the head count."""
    long = headcount_long(PEOPLE)
    assert long["people"].sum() == len(PEOPLE)
    assert (long["people"] > 0).all()


def test_coach_willingness() -> None:
    """Yes, no and unanswered are counted separately."""
    assert coach_willingness(PEOPLE) == {"yes": 2, "no": 1, "ask first": 2}


def test_person_labels_name_id_role_team_and_tier() -> None:
    """A picker label carries the name, the ID, the role's long name and the team (and the tier when asked)."""
    people = pd.DataFrame(
        {"rep_id": ["S1", "A2"], "name": ["Ada Roe", "Ada Roe"], "role": ["SDR", "AE"], "team": ["North", "South"]}
    ).assign(tier=["core", "top"])
    assert person_labels(people) == {
        "S1": "Ada Roe · S1 · Sales Development Rep · North",
        "A2": "Ada Roe · A2 · Account Executive · South",
    }
    assert person_labels(people, with_tier=True)["A2"] == "Ada Roe · A2 · Account Executive · South · top"
