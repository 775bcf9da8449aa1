"""Reading one cell of a pandas row safely: a number or NaN, a stripped text or an empty string."""

from __future__ import annotations

import math

import pandas as pd


def cell_number(value: object) -> float:
    """A cell as a float; NaN for missing or unreadable values."""
    if value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def cell_text(value: object) -> str:
    """A cell as stripped text; empty for missing values."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


class RowIndex:
    """Rows of read-only frames by one column's text, grouped once per frame and column.

    Building a plan for each of 1,000 people looks up each person's rows in the team's records, history
    and chains several times; a boolean filter scans the whole frame every time (1,000 × 12,000 rows).
    An index groups a frame once and keeps each key's rows, so a look-up is a dictionary's (#17).

    The index keeps the frames it has grouped and hands the same rows to every caller: give it only frames
    nobody changes afterwards (those of a :class:`core.plans.content.PlanInputs`), and change no rows it
    returns (copy them first, as ``sort_values`` and ``.copy()`` do).
    """

    def __init__(self) -> None:
        self._groups: dict[tuple[int, str], tuple[pd.DataFrame, pd.DataFrame, dict[str, tuple[int, int]]]] = {}

    def rows(self, frame: pd.DataFrame, column: str, key: str) -> pd.DataFrame:
        """``frame``'s rows whose ``column``, as text, is ``key``, in the frame's order (none without that column).

        The same rows as ``frame[frame[column].astype(str) == key]``.
        """
        if frame.empty or column not in frame.columns:
            return frame.iloc[0:0]
        found = self._groups.get((id(frame), column))
        if found is None or found[0] is not frame:
            # One stable sort by key puts each key's rows together, in the frame's order; a look-up is then a
            # slice (a view), not a copy of scattered rows out of every column.
            keys = frame[column].astype(str).tolist()  # a missing key stays missing, and equals nothing
            order = sorted((i for i, k in enumerate(keys) if isinstance(k, str)), key=keys.__getitem__)
            grouped = frame.iloc[order]
            spans: dict[str, tuple[int, int]] = {}
            for position, value in enumerate(keys[i] for i in order):
                start, _stop = spans.get(value, (position, position))
                spans[value] = (start, position + 1)
            found = (frame, grouped, spans)
            self._groups[(id(frame), column)] = found
        start, stop = found[2].get(key, (0, 0))
        return found[1].iloc[start:stop]
