"""Calendar months: the one place that turns ``YYYY-MM`` into numbers and back.

Records name their month as text, ``"2026-10"``. Arithmetic on months (windows, "three months
before the start", a calendar axis with gaps) works on a **month index**: ``year × 12 + month − 1``,
so consecutive months are consecutive integers and ``index(b) − index(a)`` is the number of months
between them. A start edit stores a month as the number ``YYYYMM`` (:func:`yyyymm`), which is a
storage format, not arithmetic: convert it back with :func:`from_yyyymm` before counting.

Display helpers live here too, so every document names months the same way, independent of the
server's locale: ``"Oct 2026"``, ``"Aug–Oct 2026"``, ``"21 Feb 2027"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.i18n import _

MONTH_ABBR: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""English month abbreviations, January first."""

_PERIOD: Final = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_index(period: str) -> int:
    """The month index of a ``YYYY-MM`` month: ``year × 12 + month − 1``.

    Args:
        period: A month written as ``YYYY-MM``.

    Returns:
        The index; the next month's is one more.

    Raises:
        ValueError: When ``period`` is not written as ``YYYY-MM``.
    """
    match = _PERIOD.match(str(period))
    if match is None:
        raise ValueError(_("'{period}' is not a month written as YYYY-MM.").format(period=period))
    return int(match.group(1)) * 12 + int(match.group(2)) - 1


def month_label(index: int) -> str:
    """The ``YYYY-MM`` month of a month index (the inverse of :func:`month_index`)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(day: date) -> str:
    """The ``YYYY-MM`` month a day falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def add_months(period: str, months: int) -> str:
    """The month ``months`` after ``period`` (before it when negative): ``add_months("2026-11", 3) == "2027-02"``.

    Raises:
        ValueError: When ``period`` is not written as ``YYYY-MM``.
    """
    return month_label(month_index(period) + months)


def months_between(start: str, end: str) -> int:
    """How many months ``end`` lies after ``start`` (negative when before): 2026-11 → 2027-02 is 3.

    Raises:
        ValueError: When a month is not written as ``YYYY-MM``.
    """
    return month_index(end) - month_index(start)


def last_months(end: str, count: int) -> list[str]:
    """The ``count`` calendar months ending at ``end``, oldest first: ``last_months("2026-02", 3)`` gives
    2025-12, 2026-01, 2026-02.

    Raises:
        ValueError: When ``count`` is below 0 or ``end`` is not written as ``YYYY-MM``.
    """
    if count < 0:
        raise ValueError(_("Cannot list {count} months.").format(count=count))
    last = month_index(end)
    return [month_label(m) for m in range(last - count + 1, last + 1)]


def month_codes(periods: pd.Series) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Each row's month as a position in the distinct months (in the order they first appear; −1 for a blank one),
    and those months as text: what the jobs on one table's months share, so its period column is read once
    (#17: 458,000 texts were hashed five times by one ``segment``)."""
    codes, distinct = pd.factorize(periods)
    return np.asarray(codes, dtype=np.int64), [str(p) for p in distinct]


def by_person_then_month(person: npt.NDArray[np.int64], month: npt.NDArray[np.int64]) -> bool:
    """Whether rows of these person and month keys (any numbers that sort as they do) already come by person,
    then month: what a stable sort by them would leave as it is (#17: exports come so; one pass, not a sort)."""
    if person.size < 2:
        return True
    later = person[1:] > person[:-1]
    return bool(np.all(later | ((person[1:] == person[:-1]) & (month[1:] >= month[:-1]))))


def month_indices(periods: pd.Series | Iterable[object]) -> npt.NDArray[np.int64]:
    """The month index of every value, parsing each distinct value once (fast for a column of records).

    Raises:
        ValueError: When a value is not written as ``YYYY-MM``.
    """
    values = periods if isinstance(periods, pd.Series) else pd.Series(list(periods), dtype=object)
    # The distinct values first, then each read as text: turning a whole column into text first cost most of
    # this on 458,000 rows (pandas 3 makes Arrow strings of it, #17). A missing value is one of them (refused).
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    numbers = np.array([month_index(str(u)) for u in uniques], dtype=np.int64)
    return np.asarray(numbers[codes], dtype=np.int64)


def window_periods(periods: Iterable[str], window: int | None, end: str | None = None) -> list[str]:
    """Return the months of a window, as ``YYYY-MM``, ascending.

    Args:
        periods: The months present in the data (repeats are fine).
        window: How many calendar months, counting back from ``end``; a month without data inside
            the window still counts as one. ``None`` means every month present up to ``end``.
        end: The window's last month, ``YYYY-MM``; default the latest month in ``periods``.

    Returns:
        The window's months; empty when there are no periods and no ``end``.

    Raises:
        ValueError: When ``window`` is below 1 or a month is not written as ``YYYY-MM``.
    """
    if window is not None and window < 1:
        raise ValueError(_("A window needs at least 1 month; {window} was asked for.").format(window=window))
    present = sorted({month_index(str(p)) for p in set(periods)})
    if end is not None:
        last = month_index(end)
    elif present:
        last = present[-1]
    else:
        return []
    if window is None:
        return [month_label(m) for m in present if m <= last]
    return last_months(month_label(last), window)


def yyyymm(period: str) -> int:
    """A ``YYYY-MM`` month as the number ``YYYYMM`` (how a start edit stores it): ``"2026-11"`` → 202611.

    Raises:
        ValueError: When ``period`` is not written as ``YYYY-MM``.
    """
    index = month_index(period)
    return (index // 12) * 100 + index % 12 + 1


def from_yyyymm(value: int) -> str:
    """A stored ``YYYYMM`` number as ``YYYY-MM``: 202611 → ``"2026-11"``."""
    return f"{value // 100:04d}-{value % 100:02d}"


def format_date(day: date) -> str:
    """A date as people read it in English, independent of the locale: ``21 Feb 2027``."""
    return f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}"


def short_label(period: str) -> str:
    """A month for a chart axis: ``"2026-08"`` → ``"Aug 26"``; anything else is shown as given."""
    match = _PERIOD.match(str(period))
    if match is None:
        return str(period)
    return f"{MONTH_ABBR[int(match.group(2)) - 1]} {match.group(1)[-2:]}"


def span_label(periods: Iterable[str]) -> str:
    """Name the months a window covers.

    Args:
        periods: Months as ``YYYY-MM``, in any order (repeats are fine).

    Returns:
        ``"Aug–Oct 2026"``; across years ``"Nov 2025–Jan 2026"``; one month ``"Oct 2026"``; no months ``""``.

    Raises:
        ValueError: When a month is not written as ``YYYY-MM``.
    """
    indices = sorted({month_index(p) for p in {str(p) for p in periods}})
    if not indices:
        return ""
    (y0, m0), (y1, m1) = divmod(indices[0], 12), divmod(indices[-1], 12)
    if indices[0] == indices[-1]:
        return f"{MONTH_ABBR[m1]} {y1}"
    if y0 == y1:
        return f"{MONTH_ABBR[m0]}–{MONTH_ABBR[m1]} {y1}"
    return f"{MONTH_ABBR[m0]} {y0}–{MONTH_ABBR[m1]} {y1}"
