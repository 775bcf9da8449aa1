"""Goals a person can believe: sized from their own months, stated in counts as well as rates.

Issue #15 ("Goals a person can believe"). A goal inside the noise of a person's own monthly values is
not a goal (close rate 22.0% → 23.1% is half a deal a quarter), and a jump far beyond their best
month is not one either (12 → 22 leads a month, +83% in a quarter). So a result goal's target is:

* **outside the noise**: above the person's own monthly mean plus one standard deviation
  (:data:`NOISE_SDS`), and
* **within reach**: at most their best month times :data:`BEST_MONTH_CAP` (1.0: not beyond the best
  month they have already had),
* aimed at the role median when that lies between the two, else as close to it as the two bounds
  allow, rounded to a step people say (whole leads and deals, whole percent, round amounts).

When no rounded target fits (fewer than :data:`MIN_MONTHS` months, or months so uneven that their best
month is inside the noise) there is no sized goal: the plan says so and the person and coach agree a
number at the first check-in. Everything here is pure: monthly values in, a :class:`Sizing` out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from core.cells import cell_number

NOISE_SDS: Final = 1.0
"""A target must be more than this many standard deviations above the person's monthly mean."""

BEST_MONTH_CAP: Final = 1.0
"""A target is at most the person's best month times this (1.0: never beyond their best month)."""

MIN_MONTHS: Final = 3
"""Months with a value a person needs before a goal is sized from their own history."""

HISTORY_MONTHS: Final = 6
"""The latest months a goal is sized from (enough to see the noise, recent enough to matter)."""


@dataclass(frozen=True)
class MonthlyMeasure:
    """How one metric reads month by month, and how its goal is said.

    Attributes:
        metric: The metric id (:data:`core.scoring.metrics.METRICS`).
        numerator: The count column the metric's value is built on, e.g. ``qualified_leads``.
        denominator: The column it is divided by (``""`` when the metric is a count a month).
        count_noun: What the numerator counts, e.g. ``"qualified leads"``.
        base_noun: What the denominator counts, e.g. ``"leads sent"``.
    """

    metric: str
    numerator: str
    denominator: str
    count_noun: str
    base_noun: str = ""


MEASURES: Final[dict[str, MonthlyMeasure]] = {
    "lead_rate": MonthlyMeasure("lead_rate", "leads_sent", "", "leads sent"),
    "qualified_lead_rate": MonthlyMeasure(
        "qualified_lead_rate", "qualified_leads", "leads_sent", "qualified leads", "leads sent"
    ),
    "qualification_efficiency": MonthlyMeasure(
        "qualification_efficiency", "qualified_leads", "calls", "qualified leads", "calls"
    ),
    "close_rate": MonthlyMeasure("close_rate", "deals_won", "deals_worked", "deals won", "deals worked"),
    "quota_attainment": MonthlyMeasure("quota_attainment", "revenue_won", "quota", "won revenue", "quota"),
    "revenue_per_month": MonthlyMeasure("revenue_per_month", "revenue_won", "", "won revenue"),
    "upsell_rate": MonthlyMeasure("upsell_rate", "growth", "portfolio_start", "portfolio growth", "portfolio"),
}
"""Each metric's monthly reading; ``growth`` is an AM's portfolio end minus start in the month."""


@dataclass(frozen=True)
class Month:
    """One month of one metric for one person: the value, and the counts it was built from."""

    period: str
    value: float
    numerator: float
    denominator: float


@dataclass(frozen=True)
class Sizing:
    """A sized result goal and the history it was sized from.

    Attributes:
        start: The person's monthly mean over the months used (what "from about" states).
        target: The goal, rounded to ``step``.
        midpoint: Halfway from ``start`` to ``target``, rounded: the 60-day checkpoint.
        mean, sd, best: The monthly mean, standard deviation (n − 1) and best month.
        months: How many months the sizing used.
        step: The rounding step of ``target`` (1 for counts, 0.01 for whole percent, ...).
        usual_base: The mean monthly denominator (leads sent, deals worked, ...), NaN for counts.
    """

    start: float
    target: float
    midpoint: float
    mean: float
    sd: float
    best: float
    months: int
    step: float
    usual_base: float


def monthly_values(records: pd.DataFrame, metric: str, *, months: int = HISTORY_MONTHS) -> list[Month]:
    """One person's monthly values of ``metric``, oldest first, over their latest ``months`` months with a value.

    Args:
        records: The person's canonical records (one row per month); other people's rows must be removed.
        metric: A metric id of :data:`MEASURES`.
        months: How many of the latest months with a value to keep.

    Returns:
        The months with a value: a rate needs a denominator above 0 (no leads sent, no rate).
    """
    measure = MEASURES.get(metric)
    if measure is None or records.empty:
        return []
    out: list[Month] = []
    ordered = records.sort_values("period")
    wanted = ("period", "portfolio_start", "portfolio_end", measure.numerator, measure.denominator)
    # Only the measure's columns, as plain lists: a row Series per month (iterrows) was most of this.
    columns = {name: ordered[name].tolist() for name in wanted if name and name in ordered.columns}
    for position in range(len(ordered)):
        row = {name: values[position] for name, values in columns.items()}
        if measure.numerator == "growth":
            start, end = cell_number(row.get("portfolio_start")), cell_number(row.get("portfolio_end"))
            top, bottom = end - start, start
        else:
            top = cell_number(row.get(measure.numerator))
            bottom = cell_number(row.get(measure.denominator)) if measure.denominator else 1.0
        if math.isnan(top) or math.isnan(bottom) or bottom <= 0:
            continue
        value = top / bottom if measure.denominator else top
        out.append(Month(str(row["period"]), value, top, bottom if measure.denominator else math.nan))
    return out[-months:]


def step_for(metric: str, values: Sequence[float]) -> float:
    """The rounding step of a metric's target: whole counts, whole percent, 0.1 point for small rates, round money."""
    if metric == "lead_rate":
        return 1.0
    if metric in ("qualification_efficiency", "upsell_rate"):
        return 0.001
    if metric == "revenue_per_month":
        largest = max((abs(v) for v in values), default=0.0)
        return float(10 ** max(0, math.floor(math.log10(largest)) - 1)) if largest >= 1 else 1.0
    return 0.01


def _multiple(k: int, step: float) -> float:
    """``k × step`` without binary noise (0.01 × 53 is 0.53, not 0.5300000000000001)."""
    digits = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return round(k * step, digits + 2)


def size_goal(values: Sequence[float], *, median: float, step: float) -> Sizing | None:
    """Size a result goal from a person's own monthly values.

    Args:
        values: The monthly values, oldest first (``Month.value``).
        median: The role median the goal leans towards (NaN: aim just outside the noise).
        step: The rounding step of the target (see :func:`step_for`).

    Returns:
        A :class:`Sizing` whose target is above ``mean + NOISE_SDS × sd`` and at most ``best ×
        BEST_MONTH_CAP``; ``None`` with fewer than :data:`MIN_MONTHS` values or when no multiple of
        ``step`` lies between those bounds.
    """
    clean = np.array([v for v in values if not math.isnan(v) and math.isfinite(v)], dtype=np.float64)
    if clean.size < MIN_MONTHS or step <= 0:
        return None
    mean, sd, best = float(clean.mean()), float(clean.std(ddof=1)), float(clean.max())
    lower, upper = mean + NOISE_SDS * sd, best * BEST_MONTH_CAP
    if best <= 0 or upper <= lower:
        return None
    k_low = math.floor(lower / step + 1e-9) + 1  # the first multiple strictly above the noise band
    k_high = math.floor(upper / step + 1e-9)  # the last multiple at or below the cap
    if k_low > k_high:
        return None
    wanted = median if not math.isnan(median) else lower
    k = min(max(round(wanted / step), k_low), k_high)
    target = _multiple(k, step)
    k_mid = min(max(round((mean + target) / 2 / step), math.floor(mean / step + 1e-9) + 1), k)
    return Sizing(
        start=mean,
        target=target,
        midpoint=_multiple(k_mid, step),
        mean=mean,
        sd=sd,
        best=best,
        months=int(clean.size),
        step=step,
        usual_base=math.nan,
    )


def size_metric_goal(records: pd.DataFrame, metric: str, *, median: float) -> tuple[Sizing | None, list[Month]]:
    """:func:`size_goal` over a person's :func:`monthly_values` of ``metric``, with the usual monthly base.

    Returns:
        The sizing (``None`` when there is none) and the months it was sized from.
    """
    months = monthly_values(records, metric)
    values = [m.value for m in months]
    sizing = size_goal(values, median=median, step=step_for(metric, values))
    if sizing is None:
        return None, months
    bases = [m.denominator for m in months if not math.isnan(m.denominator)]
    usual = float(np.mean(bases)) if bases else math.nan
    return Sizing(**{**sizing.__dict__, "usual_base": usual}), months


__all__ = [
    "BEST_MONTH_CAP",
    "HISTORY_MONTHS",
    "MEASURES",
    "MIN_MONTHS",
    "NOISE_SDS",
    "Month",
    "MonthlyMeasure",
    "Sizing",
    "monthly_values",
    "size_goal",
    "size_metric_goal",
    "step_for",
]
