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
