"""Overview summaries: head counts per team and role, coaching willingness."""

from __future__ import annotations

import pandas as pd

from core.team import coach_willingness, headcount_by_team, headcount_long

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
