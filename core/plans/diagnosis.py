"""What moved: the diagnosis a plan gives before any advice (PRODUCT.md, "What a good coaching plan holds").

A focus area says where a person stands against the role; this says what changed in their own figures,
so the first conversation is about the real story and not about a rate alone:

* **AE** — deal count vs deal size vs close rate: won deals a month, revenue per won deal, won of worked.
* **SDR** — volume vs quality: calls and leads sent a month, and the share of leads accepted as qualified.
* **AM** — the portfolio: where it went over the period, and the month a large drop came in.

The current months are compared with the same number of months just before them; without two of those,
the first half of the period is compared with the second. A figure "moved" when it changed by
:data:`MOVED` or more of its earlier value; otherwise it "held", and the plan says so too, because where
the change is *not* matters as much. Data starting after the period began is said plainly.

Everything is in the person's own counts and amounts — never a tier, percentile, rank or score — and
pure: the same months give the same sentences.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from core.months import add_months, span_label
from core.plans.sections import about

MOVED: Final = 0.15
"""A relative change of at least this much of the earlier value is a move; a smaller one held."""
MIN_MONTHS: Final = 2
"""Months each side of a comparison needs, so one odd month is not read as a change."""
MIN_SPLIT: Final = 4
"""Months the period needs before its two halves are compared (when no earlier months exist)."""
AM_DROP_SHARE: Final = 0.5
"""A single month's fall is named when it is at least this share of all the portfolio's movement."""


@dataclass(frozen=True)
class _Figure:
    """One figure compared across two spans, with how to say it."""

    noun: str  # "won deals", "revenue per won deal", "close rate"
    before: float
    now: float
    say: Callable[[float], str]  # "about 3 a month", "about 32,000", "25%"
    step: Callable[[float], str]  # the same without "about" after "from … to": "3", "32,000", "25%"

    @property
    def known(self) -> bool:
        return math.isfinite(self.before) and math.isfinite(self.now)

    @property
    def change(self) -> float:
        """The change as a share of the earlier value (inf when it rose from zero, 0 when both are zero)."""
        if self.before == 0:
            return 0.0 if self.now == 0 else math.inf
        return (self.now - self.before) / abs(self.before)

    @property
    def moved(self) -> bool:
        return self.known and abs(self.change) >= MOVED and self.step(self.before) != self.step(self.now)

    def moved_text(self) -> str:
        verb = "rose" if self.now > self.before else "fell"
        about_ = "about " if self.step is not _pct else ""
        return f"your {self.noun} {verb} from {about_}{self.step(self.before)} to {self.step(self.now)}"

    def held_text(self) -> str:
        return f"your {self.noun} at {self.say(self.now)}"


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom > 0 else math.nan


def _sum(frame: pd.DataFrame, column: str) -> float:
    if column not in frame.columns:
        return math.nan
    values = pd.to_numeric(frame[column], errors="coerce")
    return float(values.sum()) if values.notna().any() else math.nan


def _months(frame: pd.DataFrame) -> int:
    return int(frame["period"].nunique())


def _count(value: float) -> str:
    """A count a month as people say it: ``2.5``, ``3``, ``410``."""
    if value < 10:
        return f"{value:.1f}".removesuffix(".0")
    return about(value)


def _about_count(value: float) -> str:
    return f"about {_count(value)}"


def _about_amount(value: float) -> str:
    return f"about {about(value)}"


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _join(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _spans(records: pd.DataFrame, window: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, str, str] | None:
    """(earlier rows, later rows, earlier label, later label): the months before the period, or its halves."""
    periods = records["period"].astype(str)
    now = records[periods.isin(window)]
    earlier = [add_months(window[0], -k) for k in range(len(window), 0, -1)]
    before = records[periods.isin(earlier)]
    if _months(before) >= MIN_MONTHS and _months(now) >= MIN_MONTHS:
        return before, now, span_label(before["period"].astype(str)), span_label(now["period"].astype(str))
    months = sorted(now["period"].astype(str).unique())
    if len(months) < MIN_SPLIT:
        return None
    half = len(months) // 2
    first, second = now[now["period"].isin(months[:half])], now[now["period"].isin(months[half:])]
    return first, second, f"the start of this period ({span_label(months[:half])})", span_label(months[half:])


def _held_sentence(held: Sequence[_Figure]) -> str:
    first, *rest = held
    parts = [f"your {first.noun} held at {first.say(first.now)}", *(f"your {f.noun} at {f.say(f.now)}" for f in rest)]
    return _capital(_join(parts)) + "."


def _ae(before: pd.DataFrame, now: pd.DataFrame, before_label: str) -> list[str]:
    def figures(frame: pd.DataFrame) -> tuple[float, float, float]:
        won, worked, revenue = _sum(frame, "deals_won"), _sum(frame, "deals_worked"), _sum(frame, "revenue_won")
        return won / _months(frame), _ratio(revenue, won), _ratio(won, worked)

    (w0, s0, r0), (w1, s1, r1) = figures(before), figures(now)
    return _lines(
        [
            _Figure("won deals", w0, w1, lambda v: f"{_about_count(v)} a month", _count),
            _Figure("revenue per won deal", s0, s1, _about_amount, about),
            _Figure("close rate", r0, r1, _pct, _pct),
        ],
        before_label,
        suffix={"won deals": " a month"},
    )


def _lines(figures: Sequence[_Figure], before_label: str, suffix: dict[str, str] | None = None) -> list[str]:
    """As :func:`_compare`, with a unit said after a moved figure's "to" (e.g. " a month")."""
    ends = suffix or {}
    known = [f for f in figures if f.known]
    if not known:
        return []
    moved = sorted((f for f in known if f.moved), key=lambda f: -abs(f.change))
    held = [f for f in known if not f.moved]
    if not moved:
        listed = _join([f"{f.noun} ({f.say(f.now)})" for f in held])
        return [
            f"Against {before_label}, your {listed} held: the gap is not new, so the question is how you work "
            "rather than what changed."
        ]
    said = _join([f.moved_text() + ends.get(f.noun, "") for f in moved])
    lines = [f"Compared with {before_label}, {said}."]
    if held:
        lines.append(_held_sentence(held))
    return lines


def _sdr(before: pd.DataFrame, now: pd.DataFrame, before_label: str) -> list[str]:
    def figures(frame: pd.DataFrame) -> tuple[float, float, float]:
        sent = _sum(frame, "leads_sent")
        return (
            _sum(frame, "calls") / _months(frame),
            sent / _months(frame),
            _ratio(_sum(frame, "qualified_leads"), sent),
        )

    (c0, l0, q0), (c1, l1, q1) = figures(before), figures(now)
    calls = _Figure("calls", c0, c1, _about_count, _count)
    sent = _Figure("leads sent", l0, l1, _about_count, _count)
    quality = _Figure("share of leads accepted as qualified", q0, q1, _pct, _pct)
    volume = [f for f in (calls, sent) if f.known]
    volume_moved = any(f.moved for f in volume)
    lines: list[str] = []
    if volume and volume_moved:
        went = _join([f"from about {f.step(f.before)} to {f.step(f.now)} {f.noun}" for f in volume])
        verb = "fell" if sum(f.now - f.before for f in volume if f.moved) < 0 else "rose"
        lines.append(f"Compared with {before_label}, your volume {verb}: {went} a month.")
    elif volume:
        now_said = _join([f"{f.say(f.now)} {f.noun}" for f in volume])
        then_said = _join([f"{_count(f.before)}" for f in volume])
        lines.append(f"Your volume held: {now_said} a month, against {then_said} in {before_label}.")
    if quality.known and quality.moved:
        went = (
            f"{'rose' if quality.now > quality.before else 'fell'} from {_pct(quality.before)} to {_pct(quality.now)}"
        )
        if volume and not volume_moved:
            lines.append(f"But the {quality.noun} {went}: the change is in quality, not in effort.")
        else:
            lines.append(f"The {quality.noun} {went} as well.")
    elif quality.known:
        lines.append(f"The {quality.noun} held at {_pct(quality.now)}: the change is in volume, not in quality."
                     if volume_moved else
                     f"The {quality.noun} held at {_pct(quality.now)} too: the gap is not new, so the question is "
                     "how you work rather than what changed.")  # fmt: skip
    return lines


def _am(records: pd.DataFrame, window: Sequence[str], before_label: str | None) -> list[str]:
    now = records[records["period"].astype(str).isin(window)].copy()
    for column in ("portfolio_start", "portfolio_end"):
        now[column] = pd.to_numeric(now[column], errors="coerce") if column in now.columns else math.nan
    now = now.dropna(subset=["portfolio_start", "portfolio_end"]).sort_values("period")
    if now.empty:
        return []
    change = now["portfolio_end"] - now["portfolio_start"]
    first, last = float(now["portfolio_start"].iloc[0]), float(now["portfolio_end"].iloc[-1])
    label = span_label(now["period"].astype(str))
    lines = [f"Over {label} your portfolio went from about {about(first)} to {about(last)}."]
    if (change >= 0).all():
        lines[0] = f"Over {label} your portfolio did not fall in any month: from about {about(first)} to {about(last)}."
    worst = int(change.to_numpy().argmin())
    drop = float(change.iloc[worst])
    movement = float(change.abs().sum())
    if drop < 0 and movement > 0 and -drop >= AM_DROP_SHARE * movement:
        row = now.iloc[worst]
        month = span_label([str(row["period"])])
        lines.append(
            f"Most of the change came in {month}: from about {about(float(row['portfolio_start']))} to "
            f"{about(float(row['portfolio_end']))} that month ({about(-drop)} less). Which accounts moved, and why?"
        )
    elif drop < 0:
        lines.append("No single month stands out: the change is spread over the period. Which accounts moved most?")
    if before_label is not None:
        earlier = records[~records["period"].astype(str).isin(window)].copy()
        for column in ("portfolio_start", "portfolio_end"):
            earlier[column] = pd.to_numeric(earlier[column], errors="coerce") if column in earlier.columns else math.nan
        earlier = earlier.dropna(subset=["portfolio_start", "portfolio_end"])
        earlier = earlier[earlier["period"].astype(str) < min(window)].sort_values("period").tail(len(window))
        if _months(earlier) >= MIN_MONTHS:
            grew = float(earlier["portfolio_end"].iloc[-1] - earlier["portfolio_start"].iloc[0])
            way = "grew" if grew > 0 else "shrank" if grew < 0 else "held"
            size = f" by about {about(abs(grew))}" if grew else ""
            lines.append(f"In the months before ({span_label(earlier['period'].astype(str))}) it {way}{size}.")
    return lines


def what_moved(role: str, records: pd.DataFrame, window: Sequence[str]) -> tuple[str, ...]:
    """Sentences to the person on what changed in their own figures, and when their figures start.

    Args:
        role: ``"SDR"``, ``"AE"`` or ``"AM"``.
        records: The person's canonical monthly rows (any months; ``period`` as ``YYYY-MM``).
        window: The months of the current period, ``YYYY-MM``.

    Returns:
        Zero to four sentences; none when there is nothing the figures can honestly say.
    """
    months = sorted({str(p) for p in window})
    if records.empty or "period" not in records.columns or not months:
        return ()
    periods = records["period"].astype(str)
    mine = sorted(periods[periods.isin(months)].unique())
    if not mine:
        return ()
    lines: list[str] = []
    if mine[0] > months[0]:
        count = len(mine)
        lines.append(
            f"Your figures start in {span_label([mine[0]])}, so this period holds {count} month"
            f"{'s' if count != 1 else ''} of them, not {len(months)}."
        )
    if role == "AM":
        earlier = [add_months(months[0], -k) for k in range(len(months), 0, -1)]
        has_before = int(periods.isin(earlier).sum()) >= MIN_MONTHS
        return (*lines, *_am(records, months, "before" if has_before else None))
    spans = _spans(records, months)
    if spans is None:
        return tuple(lines)
    before, now, before_label, _ = spans
    if role == "AE":
        lines += _ae(before, now, before_label)
    elif role == "SDR":
        lines += _sdr(before, now, before_label)
    return tuple(lines)
