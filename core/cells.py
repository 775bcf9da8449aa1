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
        self._groups: dict[tuple[int, str], tuple[pd.DataFrame, dict[str, list[int]]]] = {}
        self._rows: dict[tuple[int, str, str], pd.DataFrame] = {}

    def rows(self, frame: pd.DataFrame, column: str, key: str) -> pd.DataFrame:
        """``frame``'s rows whose ``column``, as text, is ``key``, in the frame's order (none without that column).

        The same rows as ``frame[frame[column].astype(str) == key]``.
        """
        if frame.empty or column not in frame.columns:
            return frame.iloc[0:0]
        found = self._groups.get((id(frame), column))
        if found is None or found[0] is not frame:
            positions: dict[str, list[int]] = {}
            for position, value in enumerate(frame[column].astype(str).tolist()):
                positions.setdefault(value, []).append(position)
            found = (frame, positions)
            self._groups[(id(frame), column)] = found
            self._rows = {k: rows for k, rows in self._rows.items() if k[:2] != (id(frame), column)}
        rows = self._rows.get((id(frame), column, key))
        if rows is None:
            rows = frame.iloc[found[1].get(key, [])]
            self._rows[(id(frame), column, key)] = rows
        return rows
