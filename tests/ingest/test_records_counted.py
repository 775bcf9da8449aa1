"""Calls and leads counted per owner and month (#17) derive what one record per row derives, for messy files."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.ingest import reader
from core.ingest.records import parse
from core.ingest.records.derive import Derivation, _most_rows, derive
from core.ingest.records.kinds import RecordFile, read_records
from core.ingest.records.parse import Answers

# Owner, e-mail and ID cells as exports hold them: the same person under several spellings, an owner cell holding
# an e-mail address, blank cells, and people on the list only by name (twice) or only by ID.
OWNERS = [("Ann Lee", "ann@x.com", "E1"), ("ann lee", "", ""), ("Ann  Lee", "", "E1"), ("Bo Chan", "bo@x.com", ""),
          ("bo@x.com", "", ""), ("Cy Diaz", "", ""), ("", "", ""), ("", "BO@x.com", ""), ("Dee Ek", "", "U9"),
          ("Ann Lee", "", "")]  # fmt: skip
DATES = ["19/08/2026 10:09", "19/08/2026", "3/4/2026 9:05 PM", "2026-03-14T10:23:00Z", "14.03.2026", "13/01/2026 25:99",
         "soon", "", "31/02/2026", "2/5/2026 10:09 UTC", "1/12/2025 T"]  # fmt: skip
TYPES = ["Call", "Email", "", "Outbound call", "Task", "call"]
STATUSES = ["Converted", "Closed - Not Converted", "Qualified", "Unqualified", "", "Disqualified"]
ROSTER = [("E1", "Ann Lee", "SDR", "ann@x.com"), ("E2", "Bo Chan", "Account Executive", ""),
          ("E3", "Cy Diaz", "", "cy@x.com"), ("E4", "Ann Lee", "SDR", "")]  # fmt: skip


def _csv(header: list[str], rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _row(*choices: list[str]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.tuples(*[st.sampled_from(c) for c in choices])


def _every_row(owners: parse._Owners, keep: np.ndarray, **keys: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """The straightforward path: each kept row its own record, standing for one row."""
    kept = np.flatnonzero(keep)
    records = owners.owners.take(owners.codes[kept]).set_axis(pd.Index(kept))
    for name, (codes, values) in keys.items():
        records[name] = np.append(values, [pd.NA])[codes[kept]]
    records["rows"] = 1
    return records


def _same(got: Derivation, expected: Derivation) -> None:
    pd.testing.assert_frame_equal(got.frame, expected.frame)
    pd.testing.assert_frame_equal(got.people, expected.people)
    pd.testing.assert_frame_equal(got.open_pipeline, expected.open_pipeline)
    assert [f.sentence for f in got.files] == [f.sentence for f in expected.files]
    assert (got.questions, got.problems, got.notes) == (expected.questions, expected.problems, expected.notes)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    calls=st.lists(st.tuples(st.sampled_from(OWNERS), _row(TYPES, DATES, ["yes", "no", ""])), min_size=1, max_size=60),
    leads=st.lists(st.tuples(st.sampled_from(OWNERS), _row(DATES, STATUSES)), max_size=40),
    with_id=st.booleans(),
    with_done=st.booleans(),
    with_roster=st.booleans(),
    answered=st.booleans(),
    by_distinct=st.booleans(),
)
def test_counted_per_owner_month_derives_as_every_row(
    calls: list[tuple[tuple[str, ...], tuple[str, ...]]],
    leads: list[tuple[tuple[str, ...], tuple[str, ...]]],
    with_id: bool,
    with_done: bool,
    with_roster: bool,
    answered: bool,
    by_distinct: bool,
) -> None:
    """Property: blank owners and cells, owners by name, e-mail or ID, timestamps with and without a time, mixed
    and unreadable dates: counting rows per owner and month gives the table, people, sentences and notes that
    one record per row gives; and so does reading the cells the reader kept as Arrow text (by distinct cell
    when ``by_distinct``), or the frame's Python strings only."""
    with pytest.MonkeyPatch.context() as patch:
        if by_distinct:  # every text column by distinct cell, as a large export's repeating columns are
            patch.setattr(reader, "_repeating", _text_column)
        files = _files(calls, leads, with_id=with_id, with_done=with_done, with_roster=with_roster)
    answers = Answers(
        stages={"Disqualified": "unqualified", "Unqualified": "unqualified"},
        date_orders={"Date": "day first", "Create Date": "month first"} if answered else {},
    )
    counted = derive(files, answers=answers)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_per_owner", _every_row)
        _same(counted, derive(files, answers=answers))
    _same(counted, derive([replace(f, raw=replace(f.raw, text={})) for f in files], answers=answers))


def _text_column(column: pd.Series) -> bool:
    return isinstance(column.array, pd.arrays.ArrowStringArray) and not column.hasnans


def _files(
    calls: list[tuple[tuple[str, ...], tuple[str, ...]]],
    leads: list[tuple[tuple[str, ...], tuple[str, ...]]],
    *,
    with_id: bool,
    with_done: bool,
    with_roster: bool,
) -> list[RecordFile]:
    columns = ["Assigned", "Owner Email", "Owner ID", "Task Subtype", "Date", "Activity - Done"]
    keep = [c for c in columns if (c != "Owner ID" or with_id) and (c != "Activity - Done" or with_done)]
    rows = [tuple(v for c, v in zip(columns, (*o, *r), strict=True) if c in keep) for o, r in calls]
    files = [read_records(_csv(keep, rows), "calls.csv", kind="calls")]
    if leads:
        header = ["Lead Owner", "Owner Email", "Owner ID", "Create Date", "Lead Status"]
        files.append(read_records(_csv(header, [(*o, *r) for o, r in leads]), "leads.csv", kind="leads"))
    if with_roster:
        roster = _csv(["Employee ID", "Full Name", "Job Title", "Email"], ROSTER)
        files.append(read_records(roster, "roster.csv", kind="roster"))
    return files


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(
        st.tuples(
            st.sampled_from(["r1", "r2", "r3"]), st.sampled_from(["Ann", "ann", "A. Lee", "B"]), st.integers(1, 4)
        ),
        min_size=1,
        max_size=30,
    )
)
def test_most_rows_is_the_name_value_counts_puts_first(records: list[tuple[str, str, int]]) -> None:
    """Property: the name most rows show, per person, is what value_counts over every row puts first (ties too)."""
    frame = pd.DataFrame(records, columns=["rep_id", "name", "rows"])
    every = frame.loc[frame.index.repeat(frame["rows"])]
    expected = every.groupby("rep_id")["name"].agg(lambda v: v.value_counts().index[0])
    got = _most_rows(frame)
    assert got.sort_index().to_dict() == expected.to_dict()
