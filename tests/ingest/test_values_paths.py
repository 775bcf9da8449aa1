"""A column whose filled cells are all text skips asking each cell its type; it must parse exactly as the general
way does (#17: every rule the slow path enforces still holds on the fast path)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.ingest import values

CELLS = [
    "1", "0", "-3", "2,5", "2.5", "1.234,50", "1,234.50", "€ 1.234", "12 %", "(4)", "1e3", "1'234", " 7 ", "",
    "x", "n/a", "#N/A", "=1+2", "−5", "1 234", "12.345.678", "0,001", "inf", "--1", "+2",
]  # fmt: skip


@pytest.mark.parametrize("decimal", [".", ","])
@settings(max_examples=80, deadline=None)
@given(cells=st.lists(st.one_of(st.sampled_from(CELLS), st.none(), st.text(max_size=6)), min_size=1, max_size=30))
def test_text_columns_parse_as_the_general_way(cells: list[str | None], decimal: str) -> None:
    column = pd.Series(cells, dtype="str")
    fast = values.parse_numbers(column, decimal=decimal)
    with pytest.MonkeyPatch.context() as patch:  # object cells, each cell's type looked at: the general way
        patch.setattr(values, "_only_text", lambda _cells: False)
        general = values.parse_numbers(column.astype(object), decimal=decimal)
    looked_at = values.parse_numbers(column.astype(object), decimal=decimal)  # object cells found to be text
    assert np.array_equal(fast.values.to_numpy(), general.values.to_numpy(), equal_nan=True)
    assert fast.invalid.tolist() == general.invalid.tolist()
    assert fast.reason == general.reason
    assert np.array_equal(looked_at.values.to_numpy(), general.values.to_numpy(), equal_nan=True)
    assert looked_at.invalid.tolist() == general.invalid.tolist()


@pytest.mark.parametrize(
    "cells",
    [["a", None, "b"], ["1", "2"], [None, None], ["x", 1], [1.5, "2"], [True, "1"]],
)
def test_kinds_of_text_cells_as_each_type_says(cells: list[object]) -> None:
    """The quick look (every non-blank cell a str) and the per-cell types agree on every column."""
    column = pd.Series(cells, dtype=object)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(values, "_only_text", lambda _cells: False)
        general = values._kinds(column).tolist()
    assert values._kinds(column).tolist() == general
