"""Who lacks a quota: the AEs that make the role be scored on won revenue per month, named (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.schema import CANONICAL_COLUMNS
from core.scoring.metrics import NO_QUOTA_METRIC, score_people, scored_on, without_quota, without_quota_text

MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")


def _team(quotas: list[tuple[bool, ...]]) -> pd.DataFrame:
    """AE i has a quota in month m where quotas[i][m]; everyone has deals and revenue every month."""
    rows = []
    for i, has in enumerate(quotas):
        for month, quota in zip(MONTHS, has, strict=True):
            rows.append(
                {
                    "rep_id": f"A{i:02d}",
                    "name": f"AE {i:02d}",
                    "role": "AE",
                    "period": month,
                    "deals_worked": 10,
                    "deals_won": 1 + i % 4,
                    "revenue_won": 1000.0 * (i + 1),
                    "quota": 5000.0 if quota else np.nan,
                }
            )
    return pd.DataFrame(rows).reindex(columns=list(CANONICAL_COLUMNS))


def test_names_the_aes_without_a_quota_in_the_window() -> None:
    """A quota only before the window does not count; one month with a quota in the window does."""
    team = _team([(True,) * 4, (False,) * 4, (True, False, False, False), (False, False, True, False)])
    lacking = without_quota(team, window=3)
    assert list(lacking["rep_id"]) == ["A01", "A02"]
    assert list(lacking["name"]) == ["AE 01", "AE 02"]
    assert without_quota(team, window=None)["rep_id"].tolist() == ["A01"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(*[st.booleans()] * 4), min_size=1, max_size=8))
def test_someone_is_named_exactly_when_aes_are_scored_on_revenue(quotas: list[tuple[bool, ...]]) -> None:
    """For every AE team: the list is empty if and only if the AEs are scored on quota attainment."""
    team = _team(quotas)
    used = scored_on(score_people(team, window=3))
    assert without_quota(team, window=3).empty == (NO_QUOTA_METRIC not in used["AE"])


def test_the_text_names_a_few_and_counts_the_rest() -> None:
    """Up to five names, then how many more; people of other teams only counted."""
    assert without_quota_text(["Ann", "Bo"]) == "AEs without a quota in this window: Ann, Bo."
    text = without_quota_text([f"P{i}" for i in range(7)])
    assert text == "AEs without a quota in this window: P0, P1, P2, P3, P4 and 2 more."
    assert without_quota_text(["Ann"], others=3) == "AEs without a quota in this window: Ann and 3 in other teams."
    assert without_quota_text([], others=2) == "AEs without a quota in this window: 2 in other teams."
