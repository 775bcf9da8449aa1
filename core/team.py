"""Summaries of a dataset's people for the Overview page and the command line."""

from __future__ import annotations

import pandas as pd

from core.schema import ROLES, role_name
from core.scoring.tiers import tier_name


def headcount_by_team(people: pd.DataFrame, *, no_team: str = "(no team)") -> pd.DataFrame:
    """Count people per team and role.

    Args:
        people: One row per person with at least ``team`` and ``role``.
        no_team: What a blank team is called (a page passes it in the reader's language).

    Returns:
        One row per team (sorted by name), one column per role in SDR, AE, AM order,
        and a ``Total`` column. Teams left blank are shown as ``no_team``.
    """
    teams = people["team"].fillna("").replace("", no_team)
    table = pd.crosstab(teams, people["role"]).reindex(columns=list(ROLES), fill_value=0)
    table.index.name = "team"
    table.columns.name = None
    table["Total"] = table.sum(axis=1)
    return table.sort_index().astype(int)


def headcount_long(people: pd.DataFrame, *, no_team: str = "(no team)") -> pd.DataFrame:
    """Count people per (team, role) in long form, ready for a stacked bar chart."""
    wide = headcount_by_team(people, no_team=no_team).drop(columns="Total")
    long = wide.reset_index().melt(id_vars="team", var_name="role", value_name="people")
    return long[long["people"] > 0].reset_index(drop=True)


def coach_willingness(people: pd.DataFrame) -> dict[str, int]:
    """Count how many people said yes, no, or never answered (``coach_willing`` yes / no / NA)."""
    values = people["coach_willing"]
    return {
        "yes": int((values == "yes").sum()),
        "no": int((values == "no").sum()),
        "ask first": int(values.isna().sum()),
    }


def person_labels(people: pd.DataFrame, *, with_tier: bool = False) -> dict[str, str]:
    """How a person is named in pickers: "name · rep_id · role · team" (and " · tier"), by rep_id, in the language
    core speaks now (role and tier names).

    The ID is in the label because two people may share a name; the role's long name because a
    reader may not know the abbreviation.
    """
    columns = ["rep_id", "name", "role", "team", *(["tier"] if with_tier else [])]
    labels: dict[str, str] = {}
    for row in people[columns].itertuples(index=False):
        rep_id, name, role, team, *tier = (str(v) for v in row)
        labels[rep_id] = " · ".join([name, rep_id, role_name(role), team, *(tier_name(t) for t in tier)])
    return labels


def rows_and_months(records: pd.DataFrame) -> tuple[int, tuple[str, str, int] | None]:
    """The rows of monthly records (column ``period``, ``YYYY-MM``), and their (first, last, number of) months.

    The same figures :func:`core.store.datasets.period_range` and the dataset's row count give for a whole
    dataset, for any part of one (e.g. a manager's people); the months are None when there are no rows.
    """
    if records.empty:
        return 0, None
    periods = records["period"].astype(str)
    return len(records), (periods.min(), periods.max(), periods.nunique())
