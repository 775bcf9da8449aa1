"""A record file's columns read by distinct cell (#17) give what reading every row gives, for any cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.ingest.reader import RawTable
from core.ingest.records.derive import _by_cell, _row_codes
from core.ingest.records.kinds import RecordFile
from core.ingest.records.parse import Answers, _days, _months, _owners
from core.ingest.values import date_order, day_codes, drop_time_of_day, parse_dates
from core.ingest.wording import number
from core.text import shorten

DAYS = ["19/08/2026", "3/4/2026", "2026-03-14", "14. März 2026", "31/02/2026", "46000", "13.01.2026", "soon", ""]
TIMES = ["", " 10:09", "T10:23:00Z", " 9:05 PM", " 25:99", " 10:09:59.5 +01:00"]
CELL = st.one_of(
    st.builds(lambda d, t: d + t, st.sampled_from(DAYS), st.sampled_from(TIMES)),
    st.sampled_from([None, np.nan, 46000.5, 3, True]),
    st.text(max_size=12),
)


def _file(columns: dict[str, list[object]], mapping: dict[str, str | None]) -> RecordFile:
    frame = pd.DataFrame({h: pd.Series(v, dtype=object) for h, v in columns.items()})
    raw = RawTable(frame=frame, row_numbers=list(range(2, len(frame) + 2)), filename="x.csv", kind="csv")
    return RecordFile(filename="x.csv", sha256="", raw=raw, kind="calls", style="", mapping=mapping)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(CELL, min_size=1, max_size=40), day_first=st.booleans())
def test_days_by_distinct_cell_match_every_row(cells: list[object], day_first: bool) -> None:
    """Property: days, months, the unreadable-date note and the date-order question read per distinct cell are
    what dropping the time, deciding the order and parsing every row give."""
    file = _file({"Date": cells}, {"date": "Date"})
    order = "day first" if day_first else "month first"
    for answers in (Answers(date_orders={"Date": order}), Answers()):
        days, question, note = _days(file, "date", answers)
        values = drop_time_of_day(file.raw.frame["Date"])
        if question is not None:
            assert days is None and answers.date_orders == {}
            assert question.texts == tuple(dict.fromkeys(str(v) for v in values if str(v).strip()))[:3]
            continue
        assert days is not None
        chosen = answers.date_orders.get("Date") or date_order(values)
        parsed = parse_dates(values, day_first=chosen == "day first")
        rows = days.rows(file.raw.frame.index)
        assert rows.isna().tolist() == parsed.values.isna().tolist()
        assert rows[rows.notna()].tolist() == parsed.values[parsed.values.notna()].tolist()
        pd.testing.assert_series_equal(days.months(file.raw.frame.index), _months(parsed.values))
        if parsed.invalid.any():
            assert note is not None
            count, example = int(parsed.invalid.sum()), shorten(values[parsed.invalid].iloc[0])
            assert note.startswith(f"'x.csv': {number(count)} rows") and f"(e.g. '{example}')" in note
        else:
            assert note is None


TEXT_CELL = st.one_of(
    st.builds(
        lambda d, s, t: d + s + t,
        st.sampled_from([*DAYS, " 19/08/2026", "2026-03-14T10:23", "a\tb", "x\u00a0y"]),
        st.sampled_from([" ", "T", "  ", "\t", " T", ""]),
        st.sampled_from(["", "10:09", "9:05 PM", "10:09:59.5 +01:00", "25:99 ", "10:09 UTC", "10:09 soon", "PM"]),
    ),
    st.text(alphabet=" T0123456789:/.-aAmMpPZ+\t\u00a0", max_size=16),
)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(TEXT_CELL, min_size=1, max_size=40), blank=st.booleans())
def test_day_codes_match_dropping_the_time_of_every_row(cells: list[str], blank: bool) -> None:
    """Property: each row's day by code (Arrow's pass over text cells, or the distinct-cell pass when a cell is
    blank) is the row's cell with the time of day dropped, and the days are the distinct ones in row order."""
    values = pd.Series([*cells, None] if blank else cells, dtype=object)
    codes, days = day_codes(values)
    expected = drop_time_of_day(values)
    assert days.tolist() == list(dict.fromkeys(v for v in expected if v is not None))
    assert [None if c < 0 else days[c] for c in codes] == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(CELL, min_size=1, max_size=30))
def test_time_of_day_dropped_alike_in_text_and_mixed_columns(cells: list[object]) -> None:
    """Property: a column of text cells only loses its times of day exactly as the same cells do among others."""
    mixed = pd.Series([*cells, None, 46000.5], dtype=object, name="Date")
    dropped = drop_time_of_day(mixed)
    texts = mixed[[isinstance(v, str) for v in mixed]]
    alone = drop_time_of_day(texts.reset_index(drop=True))
    assert alone.name == "Date" and alone.dtype == object
    assert alone.tolist() == dropped[texts.index].tolist()
    assert dropped.iloc[-2] is None and dropped.iloc[-1] == 46000.5


@settings(max_examples=100, deadline=None)
@given(owners=st.lists(st.one_of(st.sampled_from(["Ann Lee", " ann@x.com ", "", "B@", None]), st.text(max_size=8))))
def test_owner_e_mails_read_by_distinct_owner(owners: list[object]) -> None:
    """Property: an owner cell holding an e-mail address stands in for a blank e-mail cell, row by row."""
    emails = [("e@x.com" if i % 3 == 0 else None) for i in range(len(owners))]
    frame = _owners(_file({"Owner": owners, "Email": emails}, {"owner": "Owner", "owner_email": "Email"}))
    for owner, email, got in zip(frame["owner"], emails, frame["owner_email"], strict=True):
        expected = email if email is not None else (owner if isinstance(owner, str) and "@" in owner else None)
        assert (got if got is not pd.NA else None) == expected


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(*[st.sampled_from(["", "a", "b", "Ann", "a@x"])] * 3), min_size=1, max_size=40))
def test_row_codes_number_distinct_rows_as_drop_duplicates_keeps_them(rows: list[tuple[str, str, str]]) -> None:
    """Property: rows with the same code are the same texts, and first rows by code are drop_duplicates' rows."""
    frame = pd.DataFrame(rows, columns=["owner", "owner_id", "owner_email"], dtype=object)
    codes = _row_codes(frame)
    first = frame.iloc[np.unique(codes, return_index=True)[1]].reset_index(drop=True)
    pd.testing.assert_frame_equal(first, frame.drop_duplicates().reset_index(drop=True))
    merged = frame.merge(first.assign(code=range(len(first))), on=list(frame.columns), how="left")
    assert merged["code"].tolist() == codes.tolist()


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(st.one_of(st.sampled_from(["E1", "E2", "E3", "x"]), st.none()), min_size=1, max_size=30))
def test_lookup_by_distinct_cell_is_a_map(cells: list[str | None]) -> None:
    """Property: looking each distinct cell up once gives ``Series.map``'s values, NaN where not found."""
    values = pd.Series(cells, dtype=object)
    lookup = pd.Series({"E1": "AE", "E2": pd.NA, "E3": "skip"}, dtype=object)
    got = pd.Series(_by_cell(values, lookup), dtype=object)
    pd.testing.assert_series_equal(got.isna(), values.map(lookup).isna())
    assert got.dropna().tolist() == values.map(lookup).dropna().tolist()
