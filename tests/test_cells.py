"""Tests for core.cells: reading cells safely, and the row index plans use to find each person's rows."""

from __future__ import annotations

import pandas as pd
import pytest

from core.cells import RowIndex


@pytest.fixture
def frame() -> pd.DataFrame:
    """A few rows keyed by text and numbers, with a missing key, in the pyarrow dtypes datasets load with."""
    rows = {"rep_id": ["a", "b", "a", None, "c", "a"], "period": ["2026-03", "2026-01", "2026-01", "x", "y", "z"]}
    return pd.DataFrame(rows).convert_dtypes(dtype_backend="pyarrow")


@pytest.mark.parametrize("key", ["a", "b", "c", "nobody", "<NA>", "None", ""])
def test_rows_are_the_rows_a_filter_gives(frame: pd.DataFrame, key: str) -> None:
    """Same rows, same order, same index and dtypes as filtering the frame each time."""
    index = RowIndex()
    expected = frame[frame["rep_id"].astype(str) == key]
    for _ in range(2):  # the second look-up comes from the kept groups
        got = index.rows(frame, "rep_id", key)
        pd.testing.assert_frame_equal(got, expected)


def test_a_frame_without_the_column_or_rows_gives_no_rows() -> None:
    index = RowIndex()
    assert index.rows(pd.DataFrame(), "rep_id", "a").empty
    assert list(index.rows(pd.DataFrame({"x": [1]}), "rep_id", "a").columns) == ["x"]


def test_each_frame_and_column_is_grouped_on_its_own(frame: pd.DataFrame) -> None:
    """Two frames, or two columns of one frame, never answer for each other."""
    index = RowIndex()
    other = pd.DataFrame({"rep_id": ["b", "b"], "coach_id": ["a", "b"]})
    assert len(index.rows(frame, "rep_id", "a")) == 3
    assert len(index.rows(other, "rep_id", "b")) == 2
    assert list(index.rows(other, "coach_id", "a")["rep_id"]) == ["b"]
    assert len(index.rows(frame, "rep_id", "b")) == 1
