"""Dates per column: day-first or month-first decided by the column's values, never guessed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.ingest.values import DATE_REASON, date_order, parse_dates


def _cells(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype=object)


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (("8/13/2026", "3/4/2026"), "month first"),
        (("13/08/2026", "03/04/2026"), "day first"),
        (("13.08.2026", "01.02.2026"), "day first"),
        (("01.02.2026",), "day first"),  # dots: nobody writes month first with dots
        (("03/04/2026", "05/06/2026 10:23"), None),  # both readings remain possible
        (("2026-03-14", "2026-03-14 10:23", "2026-03-14T10:23:00Z"), "either"),
        ((46095, 46095.5, dt.date(2026, 3, 14)), "either"),
        (("14 Mar 2026", "March 14, 2026", "14. März 2026"), "either"),
        (("", None), "either"),
    ],
)
def test_date_order_from_values(values: tuple[object, ...], order: str | None) -> None:
    """A day above 12 decides the order; a column where both readings stay possible has none (a question)."""
    assert date_order(_cells(*values)) == order


def test_contradicting_column_follows_majority() -> None:
    """A column with both 8/13 and 13/8 takes the majority; the other cells become invalid when parsed."""
    cells = _cells("8/13/2026", "8/14/2026", "13/8/2026")
    assert date_order(cells) == "month first"
    parsed = parse_dates(cells, day_first=False)
    assert parsed.invalid.tolist() == [False, False, True]
    assert parsed.reason == DATE_REASON


def test_parse_dates_reads_every_way_dates_are_written() -> None:
    """ISO with time, day-first, month names (EN/DE/NL), Excel serials and native dates all become days."""
    cells = _cells(
        "2026-03-14",
        "2026-03-14 10:23",
        "2026-03-14T10:23:00Z",
        "14.03.2026",
        "14/03/26",
        "14 Mar 2026",
        "14. März 2026",
        "14 maart 2026",
        "March 14, 2026",
        46095,
        "46095,25",
        dt.datetime(2026, 3, 14, 9, 0),
        dt.date(2026, 3, 14),
        pd.Timestamp("2026-03-14"),
    )
    parsed = parse_dates(cells, day_first=True)
    assert not parsed.invalid.any()
    assert {pd.Timestamp(v).date() for v in parsed.values} == {dt.date(2026, 3, 14)}


def test_month_first_parse_and_rejects() -> None:
    """Month first reads 3/4 as 4 March; impossible days, text and booleans are invalid, blanks are missing."""
    cells = _cells("3/4/2026", "2/30/2026", "soon", True, "", None)
    parsed = parse_dates(cells, day_first=False)
    assert pd.Timestamp(parsed.values[0]).date() == dt.date(2026, 3, 4)
    assert parsed.invalid.tolist() == [False, True, True, True, False, False]
    assert parsed.values[4:].isna().all()


def test_time_of_day_is_dropped_before_parsing() -> None:
    """Timestamps in every common form give the same day as the date alone; other cells pass through."""
    from core.ingest.values import drop_time_of_day, parse_dates

    cells = pd.Series(
        ["19/08/2026 10:09", "2026-03-14T10:23:00Z", "2026-03-14 10:23:59.5 +01:00", "3/14/2026 9:05 PM",
         "14. März 2026", None, 46000.5, "not a date 10:00"],
        dtype=object,
    )  # fmt: skip
    stripped = drop_time_of_day(cells)
    assert stripped.tolist()[:5] == ["19/08/2026", "2026-03-14", "2026-03-14", "3/14/2026", "14. März 2026"]
    assert stripped.iloc[5] is None and stripped.iloc[6] == 46000.5 and stripped.iloc[7] == "not a date 10:00"
    day_first = parse_dates(cells.iloc[:3], day_first=True).values.tolist()
    assert day_first == parse_dates(stripped.iloc[:3], day_first=True).values.tolist()
