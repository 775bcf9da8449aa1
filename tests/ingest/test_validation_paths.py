"""The vectorised checks are pandera's checks: the same failures, in the same order, on any table.

``failure_cases`` evaluates the schema of ``build_schema`` column by column (#17: pandera's per-check
overhead was seconds on half a million rows); pandera itself stays the reference. Random hostile tables
compare the raw failures; whole uploads of messy and broken files compare the reports people read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.demo import DemoSpec, generate_team
from core.ingest import validation
from core.ingest.importer import prepare
from core.ingest.validation import failure_cases, pandera_failure_cases
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS

from files import dutch_csv, german_csv, plain_csv

TEXTS = ["E1", "", " ", "x" * 64, "x" * 65, "x" * 201, "Lea Wolf", None]
ROLES = ["SDR", "AE", "AM", "Hunter", None]
PERIODS = ["2026-01", "2026-12", "2026-13", "2026-00", "26-01", "2026-1", "2026-01 ", None]
NUMBERS = [0.0, 1.0, 3.0, -1.0, 2.5, -0.5, 1e12, float("inf"), float("-inf"), float("nan")]


def _normalised(cases: pd.DataFrame) -> tuple[set[tuple[str, str, str]], list[str]]:
    """The failures as (column, check, row) — frame-wide rules without a column, as pandera lists them once per
    column of the failing row — and the order the checks first appear in."""
    frame_wide = cases["check"].astype(str).str.startswith(("pair:", "required:"))
    column = cases["column"].astype(object).where(~frame_wide, None)
    rows = set(zip(column.astype(str), cases["check"].astype(str), cases["index"].astype(str), strict=True))
    return rows, list(dict.fromkeys(cases["check"].astype(str)))


def _table(draw: st.DrawFn, size: int) -> pd.DataFrame:
    def column(values: list[object]) -> list[object]:
        return draw(st.lists(st.sampled_from(values), min_size=size, max_size=size))

    data: dict[str, object] = {
        "rep_id": column(TEXTS), "name": column(TEXTS), "role": column(ROLES), "team": column(TEXTS),
        "region": column(TEXTS), "manager": column(TEXTS), "period": column(PERIODS),
    }  # fmt: skip
    for name in CANONICAL_COLUMNS:
        if name not in data:
            data[name] = column(NUMBERS) if name in COUNT_COLUMNS or name in validation.MONEY_ABOVE_ZERO else None
    data["revenue_won"] = column(NUMBERS)
    frame = pd.DataFrame(data, columns=list(CANONICAL_COLUMNS))
    for name in ("rep_id", "name", "role", "team", "region", "manager", "period", "coach_willing"):
        frame[name] = frame[name].astype(object).where(frame[name].notna(), pd.NA)
    return frame


@st.composite
def hostile_tables(draw: st.DrawFn) -> pd.DataFrame:
    return _table(draw, draw(st.integers(min_value=1, max_value=40)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_tables())
def test_the_vectorised_checks_find_what_pandera_finds(frame: pd.DataFrame) -> None:
    """Every failure pandera reports for a row, and no other; the rules in pandera's order."""
    assert _normalised(failure_cases(frame)) == _normalised(pandera_failure_cases(frame))


def _broken(seed: int) -> pd.DataFrame:
    """A demo team with the mistakes exports really carry, a few of each, some rows with several."""
    team = generate_team(DemoSpec(reps=40, months=4, seed=seed, end="2026-04")).astype(object)
    rng = np.random.default_rng(seed)
    rows = lambda: rng.choice(len(team), size=6, replace=False)  # noqa: E731
    team.loc[rows(), "calls"] = -3
    team.loc[rows(), "deals_won"] = 99
    team.loc[rows(), "qualified_leads"] = 10_000
    team.loc[rows(), "leads_sent"] = 2.5
    team.loc[rows(), "quota"] = 0
    team.loc[rows(), "portfolio_end"] = ""
    team.loc[rows(), "deals_worked"] = ""
    team.loc[rows(), "period"] = "Q1 2026"
    team.loc[rows(), "name"] = "x" * 300
    team.loc[rows(), "role"] = "AE"  # an SDR's counts on an AE row: blanked with a warning, deals missing
    dup = rows()[:2]
    team.loc[dup[1]] = team.loc[dup[0]]
    return team


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("dress", "filename"), [(plain_csv, "t.csv"), (german_csv, "t.csv"), (dutch_csv, "t.txt")])
def test_reports_of_messy_uploads_are_the_same_either_way(
    seed: int,
    dress,
    filename: str,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """The upload report — rows, columns, values, reasons, order — and the rejected rows do not depend on the path."""
    data = dress(_broken(seed))
    fast = prepare(data, filename)
    monkeypatch.setattr(validation, "failure_cases", pandera_failure_cases)
    reference = prepare(data, filename)
    assert len(fast.report) > 20
    pd.testing.assert_frame_equal(fast.report, reference.report)
    assert fast.rows_rejected == reference.rows_rejected
    pd.testing.assert_frame_equal(fast.frame, reference.frame)
